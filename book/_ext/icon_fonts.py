"""Icon fonts cut down to the icons this site shows (issue 21: page weight).

Design: pydata-sphinx-theme draws its icons with Font Awesome 6 webfonts, and every page
downloaded the whole solid face (156 kB compressed) and brands face (118 kB) for about twenty
icons. On lab pages the widget manager added Font Awesome 5 (155 kB more), because its CSS
claims the short class names `fas` and `fab` that the theme's buttons use. After the build:

1. The pages' Font Awesome 5 class names become their Font Awesome 6 equivalents
   (`fas` -> `fa-solid`, `fab` -> `fa-brands`, `far` -> `fa-regular`), which the theme styles the
   same and the widget manager's CSS does not claim, so its fonts are never fetched.
2. The icons the site can show are collected: every `fa-<name>` in a page or a theme script,
   looked up in the theme CSS's class map, plus every code point the theme's CSS sets itself
   (admonition and link icons). Each face is cut to those glyphs (fontTools) and the theme CSS
   points at the cut fonts; map rules for icons the site never shows are dropped from the CSS.
   The cut fonts are WOFF: fontTools writes WOFF2 only with brotli, which the book does not need.
"""
from __future__ import annotations

import re
from pathlib import Path

FA5_TO_FA6 = {"fas": "fa-solid", "fab": "fa-brands", "far": "fa-regular"}
_FA5_CLASS = re.compile(r'(class="(?:[^"]*\s)?)(fas|fab|far)(?=[\s"])')
# One rule of the class map: `.fa-bars:before,.fa-navicon:before{content:"\f0c9"}`.
_MAP_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:before,?)+)\{content:"\\([0-9a-f]+)"\}')
_ICON_NAME = re.compile(r"\bfa-[a-z0-9]+(?:-[a-z0-9]+)*")
_CODE_POINT = re.compile(r'"\\([0-9a-f]{4,5})"')
_FACE_SRC = re.compile(r'src:url\(\.\./vendor/fontawesome/webfonts/(fa-[a-z]+-\d+)\.woff2\) format\("woff2"\),'
                       r'url\(\.\./vendor/fontawesome/webfonts/\1\.ttf\) format\("truetype"\)')
THEME_CSS = Path("_static/styles/pydata-sphinx-theme.css")
WEBFONTS = Path("_static/vendor/fontawesome/webfonts")


def fa6_class_names(html: str) -> str:
    """`class="fas fa-flask"` -> `class="fa-solid fa-flask"` (and fab, far)."""
    return _FA5_CLASS.sub(lambda m: m.group(1) + FA5_TO_FA6[m.group(2)], html)


def icon_map(css: str) -> dict[str, int]:
    """Icon name (`fa-bars`) -> code point, from the theme CSS's class map."""
    names = {}
    for selectors, code in _MAP_RULE.findall(css):
        for name in re.findall(r"\.(fa-[a-z0-9-]+):before", selectors):
            names[name] = int(code, 16)
    return names


def _private_use(text: str) -> set[int]:
    """Icons written as characters (`--pst-icon-download:"\uf019"`) or as CSS escapes."""
    chars = {ord(c) for c in text if 0xE000 <= ord(c) <= 0xF8FF or ord(c) >= 0xF0000}
    return chars | {int(code, 16) for code in _CODE_POINT.findall(text)}


def code_points_shown(css: str, texts, other_css=()) -> set[int]:
    """Code points of the icons named in `texts` (pages, scripts) and those the CSS sets itself."""
    names = icon_map(css)
    used = {names[name] for text in texts for name in _ICON_NAME.findall(text) if name in names}
    for text in [_MAP_RULE.sub("", css), *other_css, *texts]:
        used |= _private_use(text)
    return used


def trim_map(css: str, keep: set[int]) -> str:
    """Drop class-map rules for icons outside `keep`."""
    return _MAP_RULE.sub(lambda m: m.group(0) if int(m.group(2), 16) in keep else "", css)


def cut_font(source: Path, target: Path, code_points: set[int]) -> None:
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(code_points))
    subsetter.subset(font)
    subset.save_font(font, str(target), options)


def cut_icon_fonts(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    pages = sorted(p for p in out.rglob("*.html") if "_static" not in p.parts)
    texts = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        new = fa6_class_names(text)
        if new != text:
            page.write_text(new, encoding="utf-8")
        texts.append(new)
    # The theme's own scripts may name icons; the widget manager's bundle names every icon of
    # Font Awesome 5 and draws none of them on this site, so it is left out.
    texts += [p.read_text(encoding="utf-8") for p in (out / "_static").glob("*.js")]
    texts += [p.read_text(encoding="utf-8") for p in (out / "_static" / "scripts").glob("*.js")
              if p.name != "fontawesome.js"]
    css_path = out / THEME_CSS
    css = css_path.read_text(encoding="utf-8")
    other_css = [p.read_text(encoding="utf-8") for p in (out / "_static").rglob("*.css")
                 if p != css_path and "widgets" not in p.parts]
    keep = code_points_shown(css, texts, other_css)
    for face in sorted(set(_FACE_SRC.findall(css))):
        cut_font(out / WEBFONTS / f"{face}.ttf", out / WEBFONTS / f"{face}.icons.woff", keep)
    css = _FACE_SRC.sub(r'src:url(../vendor/fontawesome/webfonts/\1.icons.woff) format("woff")', css)
    css_path.write_text(trim_map(css, keep), encoding="utf-8")
