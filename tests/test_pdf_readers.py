"""The reader features on paper: the decision map drawn in the PDF with links to each record, tags
leading to the tag index, checklists printed as boxes, the review page as tables."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

pytestmark = [pytest.mark.tex, pytest.mark.slow]

REPO = Path(__file__).resolve().parent.parent
PDF_NAME = "mbodi-handbook.pdf"


def adr(number: int, status: str, extra: str = "", date: str = "2026-10-01") -> str:
    return (f"---\nstatus: {status}\ndate: {date}\ndeciders: [x]\n{extra}---\n"
            f"# ADR-{number:04d}: Decision {number}\n\n```{{adr-status}}\n```\n\nWhy and what.\n")


TREE = {
    "index.md": "# Handbook\n\n```{toctree}\nengineering/adr/index\nengineering/rfcs/index\nguide\ntags\nowners\n```\n",
    "engineering/adr/index.md": "# Decisions\n\n```{decision-map}\n```\n\n```{toctree}\n:glob:\n\n0*\n```\n",
    "engineering/rfcs/index.md": "# Proposals\n\n```{toctree}\n:glob:\n\n0*\n```\n",
    "engineering/adr/0001-a.md": adr(1, "superseded", "superseded-by: 2\ntags: [infra]\n"),
    "engineering/adr/0002-b.md": adr(2, "accepted", "supersedes: [1]\nimplements: [RFC-0001]\n", "2026-11-01"),
    "engineering/rfcs/0001-p.md": ("---\nstatus: implemented\ndate: 2026-09-01\nauthors: [x]\n---\n"
                                   "# RFC-0001: Proposal\n\n```{rfc-status}\n```\n\nText.\n"),
    # twelve more, so the map takes two pictures, with arcs from one to the other
    **{f"engineering/adr/{number:04d}-n.md": adr(number, "superseded" if number == 3 else "accepted",
                                                 "superseded-by: 14\n" if number == 3 else
                                                 "supersedes: [3]\n" if number == 14 else "",
                                                 f"2026-10-{number - 1:02d}")
       for number in range(3, 15)},
    "guide.md": """
        ---
        tags: [infra, onboarding]
        owner: team-a
        last-reviewed: 2026-01-01
        ---
        # Guide

        - [ ] First task for the reader
        - [x] Done already
        """,
    "tags.md": "# Tags\n\n```{tag-index}\n```\n",
    "owners.md": "# Owners\n\n```{page-owners}\n```\n",
}


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("pdf-readers")
    source = root / "src"
    for name, text in TREE.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "scripts/pdf.py", "--source", str(source), "--conf", "conf", "--builddir", str(root),
         "--sphinx-build", str(Path(sys.executable).with_name("sphinx-build"))],
        cwd=REPO, capture_output=True, text=True, env=os.environ.copy())
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "pdf" / PDF_NAME


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [unicodedata.normalize("NFKC", page) for page in text.split("\f")]


def link_targets(reader: PdfReader, page_index: int) -> list[int]:
    named = reader.named_destinations
    targets = []
    for annotation in reader.pages[page_index].get("/Annots") or []:
        annotation = annotation.get_object()
        action = annotation.get("/A")
        dest = annotation.get("/Dest") or (action.get("/D") if action and action.get("/S") == "/GoTo" else None)
        if annotation.get("/Subtype") == "/Link" and dest is not None:
            targets.append(reader.get_destination_page_number(named[str(dest)]))
    return targets


def bookmarks(reader: PdfReader) -> dict[str, int]:
    """Bookmark title -> the page index it opens."""
    found: dict[str, int] = {}

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found[item.title] = reader.get_destination_page_number(item)

    walk(reader.outline)
    return found


def first_page_with(texts: list[str], pattern: str) -> int:
    return next(index for index, text in enumerate(texts) if re.search(pattern, text))


def test_decision_map_is_drawn_with_links_to_every_record(pdf):
    reader = PdfReader(pdf)
    texts = page_texts(pdf)
    page = first_page_with(texts, r"ADR-0001 · 2026-10-01 · superseded")
    for heading in ("RFC-0001 · 2026-09-01 · implemented", "ADR-0002 · 2026-11-01 · accepted"):
        assert heading in texts[page] + texts[page + 1]
    assert "Oldest first; colours by status" in texts[page] + texts[page + 1]
    marks = bookmarks(reader)
    records = [title for title in marks if re.match(r"(ADR|RFC)-\d{4}: ", title)]
    assert len(records) == 15
    record_pages = {marks[title] for title in records}
    map_links = set(link_targets(reader, page)) | set(link_targets(reader, page + 1))
    assert record_pages <= map_links, "every box links to its record's page"
    assert "ADR-0014 · 2026-10-13 · accepted" in texts[page] + texts[page + 1]


def test_tags_lead_to_the_tag_index_which_lists_their_pages(pdf):
    reader = PdfReader(pdf)
    texts = page_texts(pdf)
    guide = first_page_with(texts, r"Tags:\s+infra\s+onboarding")
    index = first_page_with(texts, r"infra \(2\)")
    assert "onboarding (1)" in texts[index]
    assert index in link_targets(reader, guide)


def test_checklists_print_as_boxes(pdf):
    texts = page_texts(pdf)
    guide = first_page_with(texts, r"First task for the reader")
    assert re.search(r"^\s*☐\s+First task for the reader", texts[guide], re.M), "a box, and no bullet before it"
    assert re.search(r"^\s*☒\s+Done already", texts[guide], re.M)


def test_review_page_prints_its_tables(pdf):
    texts = page_texts(pdf)
    page = first_page_with(texts, r"As of \d{4}-\d{2}-\d{2}: \d+ pages? overdue")
    assert re.search(r"Guide\s+team-a\s+2026-06-30\s+overdue by \d+ days", texts[page])
