"""The claims registry: every source-post claim the book checks, with its verdict.

Design: one data file, `claims.toml` at the repository root, one `[[claim]]` table per
claim. This module loads it into `Claim` records, checks that each claim's evidence exists
(`evidence_problems`), and renders the registry for the book's claims page. The evidence of a
claim is a code cell: `notebooks/<lab>.ipynb#<cell-id>` names a notebook cell by its id, and
`book/<page>.md#<label>` names a MyST target `(label)=` placed just before a code cell.
In a notebook, the markdown cell before the evidence cell carries the target `(<cell-id>)=`,
so the claims page can link straight to it on the built site.
"""
from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .measured_claims import Predicate, describe_provenance, stored_measurement, stored_records

__all__ = ["Claim", "VERDICTS", "REFERENCE", "load_claims", "load_post_topics", "evidence_problems", "claims_markdown",
           "chapter_claims_table", "default_registry"]

VERDICTS = ("true", "partly true", "false", "version-dependent")
_FIELDS = ("id", "post", "claim", "verdict", "versions", "evidence", "explanation")
# Optional: where the verdict differs from the reference interpreter's, per version or build
# ("3.11", "3.13t"). The one verdict per version the claims page shows comes from here.
_OPTIONAL = ("by_version", "predicate")
REFERENCE = "3.14"


@dataclass(frozen=True)
class Claim:
    id: str
    post: int
    claim: str          # the post's claim, paraphrased
    verdict: str        # one of VERDICTS
    versions: str       # the CPython versions the verdict was checked on
    evidence: str       # where the evidence cell is: "<path>#<cell id or label>"
    explanation: str    # one or two sentences: what the evidence shows
    by_version: tuple = ()   # ((version, verdict), ...) where it differs from `verdict`
    predicate: str = ""      # for a measured claim: the condition its data must meet (measured_claims)

    def verdict_on(self, version: str) -> str:
        """The verdict on one interpreter ("3.12", "3.14t"); the reference's unless listed."""
        return dict(self.by_version).get(version, self.verdict)

    @property
    def evidence_path(self) -> str:
        return self.evidence.partition("#")[0]

    @property
    def evidence_anchor(self) -> str:
        return self.evidence.partition("#")[2]


def default_registry() -> Path:
    return Path(__file__).resolve().parents[2] / "claims.toml"


def load_claims(path: str | Path | None = None) -> list[Claim]:
    path = Path(path) if path is not None else default_registry()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"no claims registry at {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path} is not valid TOML: {exc}") from None
    claims = []
    for number, entry in enumerate(data.get("claim", []), start=1):
        missing = [f for f in _FIELDS if f not in entry]
        extra = sorted(set(entry) - set(_FIELDS) - set(_OPTIONAL))
        if missing or extra:
            raise ValueError(f"{path}: claim #{number} ({entry.get('id', '?')}): missing {missing}, unknown {extra}")
        by_version = entry.get("by_version", {})
        if not isinstance(by_version, dict):
            raise ValueError(f"{path}: claim {entry['id']}: by_version must be a table of version = verdict")
        claim = Claim(**{f: entry[f] for f in _FIELDS}, by_version=tuple(sorted(by_version.items())),
                      predicate=entry.get("predicate", ""))
        if claim.predicate:
            try:
                Predicate.parse(claim.predicate)
            except ValueError as exc:
                raise ValueError(f"{path}: claim {claim.id}: {exc}") from None
        for verdict in (claim.verdict, *dict(claim.by_version).values()):
            if verdict not in VERDICTS:
                raise ValueError(f"{path}: claim {claim.id}: verdict {verdict!r} is not one of {VERDICTS}")
        for version, verdict in claim.by_version:
            if not re.fullmatch(r"3\.\d+t?", version):
                raise ValueError(f"{path}: claim {claim.id}: {version!r} is not a version like 3.12 or 3.14t")
            if verdict == claim.verdict:
                raise ValueError(f"{path}: claim {claim.id}: by_version repeats the verdict for {version}; "
                                 "list only the versions where it differs")
        claims.append(claim)
    ids = [c.id for c in claims]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"{path}: claim ids used twice: {duplicates}")
    return claims


def load_post_topics(path: str | Path | None = None) -> dict[int, str]:
    """Each source post's number and the topic it is about (the `[post_topics]` table)."""
    path = Path(path) if path is not None else default_registry()
    table = tomllib.loads(path.read_text(encoding="utf-8")).get("post_topics", {})
    return {int(number): topic for number, topic in table.items()}


def _notebook_problems(claim: Claim, notebook: Path, root: Path) -> list[str]:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    index = next((i for i, c in enumerate(cells) if c.get("id") == claim.evidence_anchor), None)
    if index is None:
        return [f"{claim.id}: {claim.evidence_path} has no cell with id {claim.evidence_anchor!r}"]
    problems = []
    cell = cells[index]
    if cell["cell_type"] != "code":
        problems.append(f"{claim.id}: cell {claim.evidence_anchor!r} is a {cell['cell_type']} cell, not code")
    elif not cell.get("outputs"):
        problems.append(f"{claim.id}: cell {claim.evidence_anchor!r} has no stored output for the reader to see")
    elif claim.predicate and stored_measurement(claim, root) is None:
        problems.append(f"{claim.id}: a measured claim, but no cell of {claim.evidence_path} stores a "
                        f"record({claim.id!r}, ...) output for its predicate")
    before = cells[index - 1] if index else None
    target = f"({claim.evidence_anchor})="
    if before is None or before["cell_type"] != "markdown" or target not in "".join(before["source"]):
        problems.append(f"{claim.id}: the markdown cell before {claim.evidence_anchor!r} should carry the target {target}")
    return problems


def _page_problems(claim: Claim, page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    target = re.search(rf"^\({re.escape(claim.evidence_anchor)}\)=\s*$", text, re.M)
    if not target:
        return [f"{claim.id}: {claim.evidence_path} has no target ({claim.evidence_anchor})="]
    rest = text[target.end():].lstrip()
    if not rest.startswith("```{code-cell}"):
        return [f"{claim.id}: the target ({claim.evidence_anchor})= in {claim.evidence_path} is not right before a code cell"]
    cell = rest.split("\n```", 1)[0]
    if claim.predicate and not re.search(rf"record\(\s*[\"']{re.escape(claim.id)}[\"']", cell):
        return [f"{claim.id}: a measured claim, but its evidence cell in {claim.evidence_path} never calls "
                f"record({claim.id!r}, ...)"]
    return []


def evidence_problems(claims: list[Claim], root: str | Path) -> list[str]:
    """Every way a claim's evidence location fails to point at a code cell; empty when all do."""
    root = Path(root)
    problems = []
    for claim in claims:
        path = root / claim.evidence_path
        if not claim.evidence_anchor:
            problems.append(f"{claim.id}: evidence {claim.evidence!r} names no cell (expected path#cell)")
        elif not path.is_file():
            problems.append(f"{claim.id}: evidence file {claim.evidence_path} does not exist")
        elif path.suffix == ".ipynb":
            problems.extend(_notebook_problems(claim, path, root))
        elif path.suffix == ".md":
            problems.extend(_page_problems(claim, path))
        else:
            problems.append(f"{claim.id}: evidence must be in a notebook or a book page, not {path.suffix}")
    return problems


def _measured_verdict(claim: Claim, root: Path) -> str | None:
    """For a measured claim, the verdict line's text when its data do not confirm it; else None."""
    if not claim.predicate:
        return None
    values = stored_measurement(claim, root)
    predicate = Predicate.parse(claim.predicate)
    if values is None:
        return f"**not confirmed on this machine** (no measurement recorded for the condition {predicate})"
    failures = predicate.failures(values)
    if failures:
        return f"**not confirmed on this machine** ({'; '.join(failures)})"
    return None


def _stored_provenance(claim: Claim, root: Path) -> dict:
    """Where and when a lab's stored measurement was taken (empty for a page or an older run)."""
    path = root / claim.evidence_path
    if path.suffix != ".ipynb" or not path.is_file():
        return {}
    return stored_records(path).get(claim.id, {}).get("provenance", {})


def claims_markdown(claims: list[Claim], root: str | Path | None = None,
                    topics: dict[int, str] | None = None) -> str:
    """The registry as MyST markdown: a section per source post, linking each verdict's evidence.

    A measured claim's verdict is printed only when its recorded data meet its predicate.
    """
    root = Path(root) if root is not None else default_registry().parent
    if topics is None:
        registry = root / "claims.toml"
        topics = load_post_topics(registry) if registry.is_file() else {}
    out = []
    for post in sorted({c.post for c in claims}):
        out.append(f"## Post {post}: {topics[post]}\n" if post in topics else f"## Post {post}\n")
        for c in (c for c in claims if c.post == post):
            differs = ""
            if c.by_version:
                grouped: dict[str, list[str]] = {}
                for version, verdict in c.by_version:
                    grouped.setdefault(verdict, []).append(version)
                differs = "".join(f"; on {', '.join(vs)}: **{v}**" for v, vs in grouped.items())
            unconfirmed = _measured_verdict(c, root)
            verdict = unconfirmed or f"**{c.verdict}**{differs}"
            if c.predicate and not unconfirmed:
                verdict += f", its condition {Predicate.parse(c.predicate)} met by the recorded measurement"
                provenance = _stored_provenance(c, root)
                if provenance:
                    verdict += f" ({describe_provenance(provenance)})"
            out.append(
                f"**{c.claim}**\n\n"
                f"- Verdict on {REFERENCE}: {verdict} (checked on CPython {c.versions})\n"
                f"- {c.explanation}\n"
                f"- Evidence: [the cell that shows it]({c.evidence_anchor}) (`{c.evidence}`)\n"
            )
    return "\n".join(out)


def chapter_claims_table(evidence_path: str, *, here: dict[str, str] | None = None,
                         root: str | Path | None = None, registry: str | Path | None = None) -> str:
    """The claims a chapter's lab gives evidence for, as the markdown table its page ends with.

    One function for every chapter page, so that a page's table and the claims page decide a
    verdict the same way: a measured claim whose recorded data do not meet its predicate says
    "not confirmed on this machine" here too. `here` maps a claim id to the verdict computed
    from the build the page runs on (chapter 7's build-dependent tips), shown beside it.
    """
    root = Path(root) if root is not None else default_registry().parent
    claims = [c for c in load_claims(registry if registry is not None else root / "claims.toml")
              if c.evidence_path == evidence_path]
    if not claims:
        raise ValueError(f"no claim in the registry has its evidence in {evidence_path}")
    here = here or {}
    rows = []
    for c in claims:
        verdict = _measured_verdict(c, root) or (
            c.verdict + "".join(f"; {version}: {verdict}" for version, verdict in c.by_version))
        if c.id in here:
            verdict += f" (this build: {here[c.id]})"
        rows.append(f"| Post {c.post}: {c.claim} | {verdict} | {c.versions} | [the cell]({c.evidence_anchor}) |")
    return "| Claim | Verdict | Checked on | Evidence |\n| --- | --- | --- | --- |\n" + "\n".join(rows)
