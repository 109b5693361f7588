"""What a page looks like on the reader's screen, measured in the browser (shared by the tests).

Each function returns a list of problems (empty when the page is fine), so a failing test names
the figure or element at fault.
"""
from __future__ import annotations

MIN_TEXT_PX = 10  # the smallest SVG text, at its displayed size, that the book accepts


def horizontal_overflow(page) -> dict | None:
    """The page body is wider than the window (the reader must pan the whole page)."""
    sizes = page.evaluate("() => ({page: document.documentElement.scrollWidth, window: window.innerWidth})")
    return sizes if sizes["page"] > sizes["window"] else None


def svg_problems(page, min_text_px: float = MIN_TEXT_PX) -> list[str]:
    """SVGs in the article without a viewBox, and shown SVG text smaller than min_text_px."""
    return page.evaluate("""(minPx) => {
      const problems = [];
      const outer = [...document.querySelectorAll('.bd-article svg')].filter(s => !s.parentElement.closest('svg'));
      outer.forEach((svg, i) => {
        const name = `svg #${i} (${(svg.closest('figure')?.getAttribute('aria-label') || svg.textContent).trim().slice(0, 50)})`;
        if (!svg.hasAttribute('viewBox')) { problems.push(`${name}: no viewBox`); return; }
        const box = svg.getBoundingClientRect();
        const vb = svg.viewBox.baseVal;
        if (box.width === 0 || !vb || vb.width === 0) return;  // not shown (a closed dropdown, a hidden panel)
        const scale = box.width / vb.width;
        let smallest = Infinity;
        for (const t of svg.querySelectorAll('text')) {
          if (!t.textContent.trim() || t.getBoundingClientRect().width === 0) continue;
          smallest = Math.min(smallest, parseFloat(getComputedStyle(t).fontSize) * scale);
        }
        if (smallest < minPx) problems.push(`${name}: text ${smallest.toFixed(1)} px`);
      });
      return problems;
    }""", min_text_px)


def contrast_of_code_in_players(page) -> list[str]:
    """Text and background colours of the trace players' code, when they are the same lightness."""
    return page.evaluate("""() => {
      const lum = c => { const m = c.match(/[\\d.]+/g).map(Number); const f = v => { v /= 255;
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(m[0]) + 0.7152 * f(m[1]) + 0.0722 * f(m[2]); };
      const bg = el => { for (; el; el = el.parentElement) { const c = getComputedStyle(el).backgroundColor;
        if (c && !c.startsWith('rgba(0, 0, 0, 0)') && c !== 'transparent') return c; } return 'rgb(255, 255, 255)'; };
      const out = [];
      for (const code of document.querySelectorAll('.internals-lab-player code, .internals-lab-player pre')) {
        if (!code.textContent.trim() || code.getBoundingClientRect().width === 0) continue;
        const a = lum(getComputedStyle(code).color), b = lum(bg(code));
        const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        if (ratio < 4.5) out.push(`${code.textContent.trim().slice(0, 30)}: ${ratio.toFixed(1)}:1`);
      }
      return out;
    }""")


def cut_off_code(page) -> list[str]:
    """Code the reader reads (cell inputs and code blocks, not outputs) running past its box."""
    return page.evaluate("""() => [...document.querySelectorAll(
        '.bd-article div.cell_input div.highlight pre, .bd-article div[class^="highlight-"]:not(.output) div.highlight pre')]
      .filter(pre => pre.getBoundingClientRect().width > 0 && pre.scrollWidth > pre.clientWidth + 1)
      .map(pre => `${pre.textContent.trim().slice(0, 40)}: ${pre.scrollWidth} px in ${pre.clientWidth} px`)""")
