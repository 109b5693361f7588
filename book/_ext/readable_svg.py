"""Every inline SVG on the site scales with a viewBox and never shrinks its text below a floor.

Figures come from Graphviz (sizes in pt, with a viewBox) and from small hand-written charts
(sizes in px, no viewBox). The site's stylesheet lets a figure shrink to the column
(`max-width: 100%`), which on a phone turned Graphviz text into 4 px smudges, and an SVG
without a viewBox does not scale at all: the phone cut it off. So, at build time, each SVG gets

- a viewBox (from its width and height) when it has none, and
- a `min-width` at which its smallest text is MIN_TEXT_PX tall, so a wide figure scrolls
  sideways at a readable size instead of shrinking (its wrapper scrolls; see internals-lab.css).
  A figure whose text is too small even at its natural size is drawn larger.

The stored notebook outputs stay as the kernel produced them; only the built pages change.
"""
from __future__ import annotations

import math
import re

__all__ = ["MIN_TEXT_PX", "readable_svgs"]

MIN_TEXT_PX = 11.0  # the browser suite requires 10 px; one more for rounding and hinting
_PX_PER_UNIT = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4}
_SVG = re.compile(r"<svg\b(?P<attrs>[^>]*)>(?P<body>.*?)</svg>", re.S)
_LENGTH = re.compile(r"^\s*([\d.]+)\s*([a-z]*)\s*$")
_FONT_SIZE = re.compile(r"font-size\s*[=:]\s*[\"']?\s*([\d.]+)")


def _attr(attrs: str, name: str) -> str | None:
    m = re.search(rf'(?<![-\w]){name}\s*=\s*"([^"]*)"', attrs)
    return m.group(1) if m else None


def _px(length: str | None) -> float | None:
    m = _LENGTH.match(length or "")
    if not m or m.group(2) not in _PX_PER_UNIT:
        return None
    return float(m.group(1)) * _PX_PER_UNIT[m.group(2)]


def _fix(match: re.Match) -> str:
    attrs, body = match.group("attrs"), match.group("body")
    width_px, height_px = _px(_attr(attrs, "width")), _px(_attr(attrs, "height"))
    view_box = _attr(attrs, "viewBox")
    if view_box is None:
        if width_px is None or height_px is None:
            return match.group(0)  # sized by CSS alone: nothing to derive a viewBox from
        # Without a viewBox one user unit is one CSS px, so this viewBox draws it unchanged.
        view_box = f"0 0 {width_px:g} {height_px:g}"
        attrs += f' viewBox="{view_box}"'
    try:
        vb_width = float(view_box.replace(",", " ").split()[2])
    except (IndexError, ValueError):
        return match.group(0)
    sizes = [float(s) for s in _FONT_SIZE.findall(attrs + body) if float(s) > 0]
    has_text = "<text" in body
    if has_text and vb_width > 0:
        smallest = min(sizes) if sizes else 16.0  # the browser's default
        floor_px = math.ceil(MIN_TEXT_PX * vb_width / smallest)
        # min-width beats max-width and the width attribute, so a figure whose text is too
        # small even at its natural size is drawn larger too.
        style = f"min-width:{floor_px}px"
        old = _attr(attrs, "style")
        if old is None:
            attrs += f' style="{style}"'
        else:
            attrs = attrs.replace(f'style="{old}"', f'style="{old.rstrip(";")};{style}"', 1)
    return f"<svg{attrs}>{body}</svg>"


def readable_svgs(html: str) -> str:
    """`html` with every inline SVG given a viewBox and a readable minimum width."""
    return _SVG.sub(_fix, html) if "<svg" in html else html
