"""Every `docs/<page>.md#<anchor>` the code and the docs cite names a heading that exists.

Docstrings justify a choice by pointing at the fact in docs/ (a CUCM or Slack behaviour, a
runbook section); a renamed heading would leave them pointing at nothing, as the old
"reference §N" citations did. Anchors are GitHub's heading slugs, or an HTML anchor
`<a id="…"></a>` (docs/operations.md gives its runbook sections stable ones). A `{#id}` after a
heading is not an anchor on GitHub: it shows as text and changes the slug, so it is refused.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from bot.health.runbook import SECTIONS

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SCANNED = ("bot", "commands", "cucmsim", "bench", "tests", "docs", "migrations")
SUFFIXES = {".py", ".md", ".wsdl", ".xsd", ".toml", ".yml", ".yaml", ".ini", ".txt"}

_CITATION = re.compile(r"docs/([\w-]+\.md)#([\w-]+)")
_RELATIVE = re.compile(r"\]\(([\w-]+\.md)?#([\w-]+)\)")  # [text](page.md#x) or [text](#x)
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*$")
_HTML_ANCHOR = re.compile(r'<a id="([\w-]+)"></a>')
_BRACE_ID = re.compile(r"\{#[\w-]+\}\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    """The anchors a page's headings produce (code blocks hold no headings)."""
    found: set[str] = set()
    seen: Counter[str] = Counter()
    in_code = False
    for line in markdown.splitlines():
        if _FENCE.match(line):
            in_code = not in_code
            continue
        if in_code:
            continue
        found.update(_HTML_ANCHOR.findall(line))
        match = _HEADING.match(line)
        if match is None:
            continue
        base = slug(match.group(1))
        found.add(base if seen[base] == 0 else f"{base}-{seen[base]}")
        seen[base] += 1
    return found


def _scanned_files() -> list[Path]:
    files = [ROOT / "README.md"]
    for folder in SCANNED:
        files.extend(
            p for p in sorted((ROOT / folder).rglob("*")) if p.is_file() and p.suffix in SUFFIXES
        )
    return files


def citations() -> list[tuple[str, str, str]]:
    """(where, page, anchor) for every anchored docs link in the repository's text files."""
    found: list[tuple[str, str, str]] = []
    for path in _scanned_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        where = str(path.relative_to(ROOT))
        found.extend((where, page, anchor) for page, anchor in _CITATION.findall(text))
        if path.suffix == ".md":
            here = path.name if path.parent == DOCS else None
            for page, anchor in _RELATIVE.findall(text):
                target = page or here
                if target is not None:
                    found.append((where, target, anchor))
    return found


def _page_anchors(page: str) -> set[str]:
    path = DOCS / page
    return anchors(path.read_text(encoding="utf-8")) if path.is_file() else set()


def test_every_cited_anchor_exists() -> None:
    broken = [
        f"{where}: docs/{page}#{anchor}"
        for where, page, anchor in citations()
        if anchor not in _page_anchors(page)
    ]
    assert not broken, "citations of headings that do not exist:\n" + "\n".join(broken)


def test_the_interface_facts_are_cited_from_the_code() -> None:
    """The scan sees the citations it exists for (an empty scan would pass anything)."""
    cited = {(page, where.split("/")[0]) for where, page, _ in citations()}
    for page, folder in [
        ("cucm-interfaces.md", "bot"),
        ("cucm-interfaces.md", "cucmsim"),
        ("cucm-interfaces.md", "commands"),
        ("slack-interfaces.md", "bot"),
    ]:
        assert (page, folder) in cited


def test_every_runbook_section_exists() -> None:
    """Alert messages link docs/operations.md#<anchor> for their kind of alert."""
    present = _page_anchors("operations.md")
    assert {s.anchor for s in SECTIONS.values()} <= present


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("## The command model (`commands/`)", {"the-command-model-commands"}),
        ("## response_url", {"response_url"}),
        ('<a id="home-tab"></a>\n\n## The Home tab', {"home-tab", "the-home-tab"}),
        ("## The Home tab {#home-tab}", {"the-home-tab-home-tab"}),
        ("## Notes\n## Notes", {"notes", "notes-1"}),
        ("```sh\n# not a heading\n```\n### Scope", {"scope"}),
    ],
)
def test_anchors_follow_github_slugs(markdown: str, expected: set[str]) -> None:
    assert anchors(markdown) == expected


def test_no_heading_carries_a_brace_id() -> None:
    """`## Title {#id}` renders the braces on GitHub and breaks every link to `#id`."""
    offenders = [
        f"{page.name}: {line}"
        for page in [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
        for line in page.read_text(encoding="utf-8").splitlines()
        if _HEADING.match(line) and _BRACE_ID.search(line)
    ]
    assert offenders == []
