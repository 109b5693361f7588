"""Point the book at another repository (a fork for a course): `make set-repository URL=...`.

The repository URL is one setting, `repository.url` in _config.yml; the lab notebooks' first
cell carries a copy (Colab installs the lab package from it), which this keeps in step.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path.cwd()


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not re.fullmatch(r"https://[\w.-]+/[\w.-]+/[\w.-]+/?", argv[0]):
        print("usage: make set-repository URL=https://github.com/<owner>/<repository>", file=sys.stderr)
        return 2
    url = argv[0].rstrip("/")
    config = ROOT / "_config.yml"
    text, count = re.subn(r"(?m)^(repository:\s*\n\s+url:\s*)\S+", lambda m: m.group(1) + url, config.read_text())
    if count != 1:
        print("error: _config.yml has no repository.url to change", file=sys.stderr)
        return 1
    config.write_text(text)
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        body = nb.read_text()
        new = re.sub(r'REPOSITORY = \\"[^"\\]*\\"', lambda m: f'REPOSITORY = \\"{url}\\"', body)
        if new != body:
            nb.write_text(new)
            print(f"updated {nb.relative_to(ROOT)}")
    print(f"repository set to {url}: rebuild the book (make book) to update the launch buttons")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
