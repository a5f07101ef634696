"""Decision records in real Sphinx builds: boxes, indexes, every validation rule, and build safety."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

BASE = {
    "index.md": """
        # Handbook

        ```{toctree}
        :glob:

        engineering/adr/index
        engineering/rfcs/index
        ```
        """,
    "engineering/adr/index.md": """
        # Decisions

        ```{adr-index}
        ```

        ```{toctree}
        :glob:

        0*
        ```
        """,
    "engineering/rfcs/index.md": """
        # Proposals

        ```{rfc-index}
        ```
        """,
}


def adr(number: int, status: str = "accepted", extra: str = "", title: str | None = None,
        date: str = "2026-10-01", box: bool = True) -> str:
    return (f"---\nstatus: {status}\ndate: {date}\ndeciders: [handbook-maintainers]\n{extra}---\n"
            f"# {title or f'ADR-{number:04d}: Decision {number}'}\n\n"
            + ("```{adr-status}\n```\n\n" if box else "") + f"Body of decision {number}.\n")


def article(html: str) -> str:
    """The page's main content, the part the extension writes."""
    return html[html.index("<article"):html.index("</article>")]


def test_status_boxes_and_indexes(build_tree):
    built = build_tree(files={}, srcdir=Path(__file__).parent / "roots" / "test-records")
    assert built.warnings == ""
    old = article(built.html("engineering/adr/0002-queue-in-redis"))
    assert 'class="handbook-badge handbook-badge-superseded">Superseded<' in old
    # The warning-style box comes first and points at the successor.
    assert re.search(r'class="warning handbook-retired admonition">.*This ADR is superseded.*'
                     r'href="0003-queue-in-postgresql.html">ADR-0003: Queue jobs in PostgreSQL</a>', old, re.S)
    assert "platform-lead, handbook-maintainers" in old
    new = article(built.html("engineering/adr/0003-queue-in-postgresql"))
    assert re.search(r"Supersedes<.*href=\"0002-queue-in-redis.html\">ADR-0002: Queue jobs in Redis</a>", new, re.S)
    assert "handbook-retired" not in new

    index = article(built.html("engineering/adr/index"))
    tables = index.split("<table")[1:]
    assert len(tables) == 2
    everything, accepted = tables
    assert re.findall(r"<td><p>(ADR-\d{4})</p></td>", everything) == ["ADR-0001", "ADR-0002", "ADR-0003"]
    assert re.findall(r"<td><p>(ADR-\d{4})</p></td>", accepted) == ["ADR-0001", "ADR-0003"]
    assert "Superseded by <a class=\"reference internal\" href=\"0003-queue-in-postgresql.html\">ADR-0003" in everything

    rfc = article(built.html("engineering/rfcs/0001-page-owners"))
    assert "handbook-badge-review" in rfc and "Authors" in rfc
    assert 'href="https://example.org/discussions/1"' in rfc


# One case per validation rule: (files added to BASE, file, line, warning subtype, words in the message).
CASES = {
    "unknown status": ({"engineering/adr/0001-a.md": adr(1, status="acepted")},
                       "engineering/adr/0001-a.md", 2, "record-status", "use one of: proposed, accepted"),
    "impossible date": ({"engineering/adr/0001-a.md": adr(1, date="2026-02-30")},
                        "engineering/adr/0001-a.md", 3, "record-date", "not a real ISO date"),
    "missing date": ({"engineering/adr/0001-a.md": adr(1).replace("date: 2026-10-01\n", "")},
                     "engineering/adr/0001-a.md", 1, "record-date", "required field 'date' is missing"),
    "missing deciders": ({"engineering/adr/0001-a.md": adr(1).replace("deciders: [handbook-maintainers]\n", "")},
                         "engineering/adr/0001-a.md", 1, "record-field", "required field 'deciders'"),
    "superseded without successor": ({"engineering/adr/0001-a.md": adr(1, status="superseded")},
                                     "engineering/adr/0001-a.md", 2, "record-supersedes",
                                     "'superseded-by' is missing"),
    "superseded-by names no record": ({"engineering/adr/0001-a.md": adr(1, "superseded", "superseded-by: 7\n")},
                                      "engineering/adr/0001-a.md", 5, "record-supersedes",
                                      "superseded by ADR-0007, which does not exist"),
    "supersedes names no record": ({"engineering/adr/0001-a.md": adr(1, extra="supersedes: [4]\n")},
                                   "engineering/adr/0001-a.md", 5, "record-supersedes",
                                   "supersedes ADR-0004, which does not exist"),
    "supersedes not reciprocated": ({"engineering/adr/0001-a.md": adr(1),
                                     "engineering/adr/0002-b.md": adr(2, extra="supersedes: [1]\n")},
                                    "engineering/adr/0002-b.md", 5, "record-supersedes",
                                    "set 'status: superseded' and 'superseded-by: 2'"),
    "superseded-by not reciprocated": ({"engineering/adr/0001-a.md": adr(1, "superseded", "superseded-by: 2\n"),
                                        "engineering/adr/0002-b.md": adr(2)},
                                       "engineering/adr/0001-a.md", 5, "record-supersedes",
                                       "add 'supersedes: [1]'"),
    "number taken twice": ({"engineering/adr/0001-a.md": adr(1),
                            "engineering/adr/0001-b.md": adr(1)},
                           "engineering/adr/0001-b.md", 1, "record-number", "ADR-0001 is taken twice"),
    "file name not NNNN-slug": ({"engineering/adr/12_Use_X.md": adr(12)},
                                "engineering/adr/12_Use_X.md", 1, "record-filename", "rename it, e.g. '0012-use-x.md'"),
    "title names another number": ({"engineering/adr/0003-c.md": adr(3, title="ADR-0004: Wrong")},
                                   "engineering/adr/0003-c.md", 6, "record-title", "make them agree"),
    "record without status box": ({"engineering/adr/0001-a.md": adr(1, box=False)},
                                  "engineering/adr/0001-a.md", 6, "record-directive", "has no status box"),
    "status box on a plain page": ({"engineering/adr/0001-a.md": adr(1),
                                    "engineering/rfcs/notes.md": "# Notes\n\n```{adr-status}\n```\n"},
                                   "engineering/rfcs/notes.md", 3, "record-directive", "only for ADRs"),
    "index filter names no status": ({"engineering/adr/0001-a.md": adr(1),
                                      "engineering/rfcs/list.md": "# List\n\n```{adr-index}\n:status: acepted\n```\n"},
                                     "engineering/rfcs/list.md", 3, "record-status", "is not an ADR status"),
    "unknown field": ({"engineering/adr/0001-a.md": adr(1, extra="superseeded-by: 2\n")},
                      "engineering/adr/0001-a.md", 5, "record-field", "unknown field 'superseeded-by'"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_bad_record_is_reported_at_its_line(build_tree, case):
    files, filename, line, subtype, words = CASES[case]
    built = build_tree({**BASE, **files})
    located = [w for w in built.warnings.splitlines() if f"[handbook.{subtype}]" in w]
    expected = f"{built.app.srcdir / filename}:{line}: WARNING: "
    assert any(w.startswith(expected) and words in w for w in located), built.warnings
    assert "Traceback" not in built.warnings


def test_a_clean_log_has_no_warnings(build_tree):
    built = build_tree({**BASE, "engineering/adr/0001-a.md": adr(1, "superseded", "superseded-by: 2\n"),
                        "engineering/adr/0002-b.md": adr(2, extra="supersedes: [1]\n")})
    assert built.warnings == ""


def test_warnings_can_be_silenced_one_subtype_at_a_time(build_tree, tmp_path):
    files = {**BASE, "engineering/adr/0001-a.md": adr(1, status="acepted", date="2026-02-30")}
    src = tmp_path / "src"
    built = build_tree(files)
    assert "[handbook.record-status]" in built.warnings and "[handbook.record-date]" in built.warnings
    with open(src / "conf.py", "a", encoding="utf-8") as conf:
        conf.write('\nsuppress_warnings = ["handbook.record-status"]\n')
    rebuilt = build_tree(srcdir=src, freshenv=True)
    assert "[handbook.record-status]" not in rebuilt.warnings
    assert "[handbook.record-date]" in rebuilt.warnings


def index_statuses(html: str) -> dict[str, str]:
    rows = re.findall(r"<td><p>(ADR-\d{4})</p></td>\s*<td>.*?</td>\s*<td><p><span class=\"handbook-badge "
                      r"handbook-badge-(\w+)\"", article(html), re.S)
    return dict(rows)


def test_index_is_never_stale_after_an_incremental_build(build_tree, tmp_path):
    src = tmp_path / "src"
    first = build_tree({**BASE, "engineering/adr/0001-a.md": adr(1), "engineering/adr/0002-b.md": adr(2),
                        "engineering/adr/0003-c.md": adr(3)})
    assert index_statuses(first.html("engineering/adr/index")) == {
        "ADR-0001": "accepted", "ADR-0002": "accepted", "ADR-0003": "accepted"}

    # Edit one record's status only (no page added or removed, so no glob toctree changes); no -E.
    (src / "engineering/adr/0001-a.md").write_text(adr(1, status="deprecated"), encoding="utf-8")
    second = build_tree(srcdir=src)
    assert second.warnings == ""
    assert index_statuses(second.html("engineering/adr/index")) == {
        "ADR-0001": "deprecated", "ADR-0002": "accepted", "ADR-0003": "accepted"}

    # Retitle a record: the box of the record it supersedes shows the new title.
    (src / "engineering/adr/0002-b.md").write_text(adr(2, "superseded", "superseded-by: 3\n"), encoding="utf-8")
    (src / "engineering/adr/0003-c.md").write_text(adr(3, extra="supersedes: [2]\n"), encoding="utf-8")
    build_tree(srcdir=src)
    (src / "engineering/adr/0003-c.md").write_text(
        adr(3, extra="supersedes: [2]\n", title="ADR-0003: Renamed decision"), encoding="utf-8")
    third = build_tree(srcdir=src)
    assert third.warnings == ""
    assert "ADR-0003: Renamed decision</a>" in article(third.html("engineering/adr/0002-b"))

    # Add a record and remove another.
    (src / "engineering/adr/0004-d.md").write_text(adr(4), encoding="utf-8")
    (src / "engineering/adr/0001-a.md").unlink()
    fourth = build_tree(srcdir=src)
    assert index_statuses(fourth.html("engineering/adr/index")) == {
        "ADR-0002": "superseded", "ADR-0003": "accepted", "ADR-0004": "accepted"}


def test_an_unrelated_edit_does_not_reread_the_log(build_tree, tmp_path):
    src = tmp_path / "src"
    build_tree({**BASE, "engineering/adr/0001-a.md": adr(1), "notes.md": "---\norphan: true\n---\n# Notes\n"})
    (src / "notes.md").write_text("---\norphan: true\n---\n# Notes\n\nMore.\n", encoding="utf-8")
    again = build_tree(srcdir=src)
    status = again.app.status.getvalue()
    assert "1 changed" in status or re.search(r"reading sources\.\.\. \[100%\] notes\s*$", status, re.M), status
    assert not re.search(r"reading sources.*engineering/adr", status)


def many_records() -> dict[str, str]:
    files = dict(BASE)
    for number in range(1, 13):
        if number % 4 == 1 and number + 1 <= 12:
            files[f"engineering/adr/{number:04d}-r.md"] = adr(number, "superseded", f"superseded-by: {number + 1}\n")
        elif number % 4 == 2:
            files[f"engineering/adr/{number:04d}-r.md"] = adr(number, extra=f"supersedes: [{number - 1}]\n")
        else:
            files[f"engineering/adr/{number:04d}-r.md"] = adr(number, status=["proposed", "rejected", "deprecated"][number % 3])
    files["engineering/rfcs/index.md"] = "# Proposals\n\n```{rfc-index}\n```\n\n```{toctree}\n0001-p\n```\n"
    files["engineering/rfcs/0001-p.md"] = ("---\nstatus: draft\ndate: 2026-11-01\nauthors: [a]\n---\n"
                                           "# RFC-0001: P\n\n```{rfc-status}\n```\n")
    return files


def all_articles(outdir: Path) -> dict[str, str]:
    return {str(path.relative_to(outdir)): article(path.read_text(encoding="utf-8"))
            for path in sorted(outdir.rglob("*.html")) if "<article" in path.read_text(encoding="utf-8")}


def test_parallel_incremental_and_fresh_builds_agree(build_tree, tmp_path):
    files = many_records()
    serial = build_tree(files)
    assert serial.warnings == ""
    expected = all_articles(serial.outdir)
    assert len(expected) >= 14

    parallel_src = tmp_path / "parallel"
    shutil.copytree(tmp_path / "src", parallel_src)
    parallel = build_tree(srcdir=parallel_src, parallel=2, builddir=tmp_path / "_build_parallel")
    assert parallel.app.parallel == 2 and parallel.warnings == ""
    assert all_articles(parallel.outdir) == expected

    # Incremental: start from an older log, then bring the files to the final state and rebuild.
    inc_src = tmp_path / "incremental"
    shutil.copytree(tmp_path / "src", inc_src)
    for name in ("engineering/adr/0002-r.md", "engineering/adr/0001-r.md"):
        (inc_src / name).write_text(adr(int(Path(name).name[:4]), status="proposed"), encoding="utf-8")
    build_tree(srcdir=inc_src, builddir=tmp_path / "_build_incremental")
    for name in ("engineering/adr/0002-r.md", "engineering/adr/0001-r.md"):
        shutil.copy(tmp_path / "src" / name, inc_src / name)
    incremental = build_tree(srcdir=inc_src, builddir=tmp_path / "_build_incremental")
    assert incremental.warnings == ""
    assert all_articles(incremental.outdir) == expected


def index_order(html: str) -> list[list[str]]:
    """The record ids of each index table on a page, in the order they are listed."""
    return [re.findall(r"<td><p>((?:ADR|RFC)-\d{4})</p></td>", table) for table in article(html).split("<table")[1:]]


def test_indexes_can_list_open_records_first_newest_first(build_tree):
    files = {**BASE,
             "engineering/adr/index.md": """
                # Decisions

                ```{adr-index}
                :sort: open-first
                ```

                ```{adr-index}
                :sort: newest
                :status: accepted, proposed
                ```

                ```{adr-index}
                ```

                ```{toctree}
                :glob:

                0*
                ```
                """,
             "engineering/adr/0001-a.md": adr(1, date="2026-01-01"),
             "engineering/adr/0002-b.md": adr(2, "proposed", date="2026-02-01"),
             "engineering/adr/0003-c.md": adr(3, "rejected", date="2026-05-01"),
             "engineering/adr/0004-d.md": adr(4, "proposed", date="2026-04-01"),
             "engineering/adr/0005-e.md": adr(5, date="2026-03-01"),
             "engineering/rfcs/index.md": "# Proposals\n\n```{rfc-index}\n:sort: open-first\n```\n\n"
                                          "```{toctree}\n:glob:\n\n0*\n```\n",
             **{f"engineering/rfcs/000{n}-r.md": (f"---\nstatus: {status}\ndate: 2026-0{n}-01\nauthors: [a]\n---\n"
                                                  f"# RFC-000{n}: R\n\n```{{rfc-status}}\n```\n")
                for n, status in ((1, "review"), (2, "accepted"), (3, "draft"), (4, "implemented"))}}
    built = build_tree(files)
    assert built.warnings == ""
    open_first, newest, by_number = index_order(built.html("engineering/adr/index"))
    assert open_first == ["ADR-0004", "ADR-0002", "ADR-0003", "ADR-0005", "ADR-0001"]
    assert newest == ["ADR-0004", "ADR-0005", "ADR-0002", "ADR-0001"]
    assert by_number == ["ADR-0001", "ADR-0002", "ADR-0003", "ADR-0004", "ADR-0005"]
    [rfcs] = index_order(built.html("engineering/rfcs/index"))
    assert rfcs == ["RFC-0003", "RFC-0001", "RFC-0004", "RFC-0002"]


def test_an_unknown_sort_order_is_named_and_the_index_still_listed(build_tree):
    built = build_tree({**BASE, "engineering/adr/0001-a.md": adr(1),
                        "engineering/rfcs/list.md": "---\norphan: true\n---\n# List\n\n```{adr-index}\n:sort: oldest\n```\n"})
    [warning] = [w for w in built.warnings.splitlines() if "[handbook." in w]
    assert "list.md:6: WARNING: {adr-index} ':sort: oldest' is not an order; use one of: number, newest, open-first" in warning
    assert "[handbook.record-index-order]" in warning
    assert index_order(built.html("engineering/rfcs/list")) == [["ADR-0001"]]


def handbook_lines(built) -> list[str]:
    """Every warning line, the handbook's and MyST's and Sphinx's alike, but for a glob that the
    small test trees leave empty."""
    return [line for line in built.warnings.splitlines()
            if "WARNING:" in line and "didn't match any documents" not in line]


def test_one_unclosed_bracket_gives_one_finding(build_tree):
    broken = adr(2, extra="supersedes: [1\n")
    built = build_tree({**BASE, "engineering/adr/0001-a.md": adr(1, "superseded", "superseded-by: 2\n"),
                        "engineering/adr/0002-b.md": broken})
    assert len(handbook_lines(built)) == 1, built.warnings
    [warning] = handbook_lines(built)
    assert warning.startswith(f"{built.app.srcdir / 'engineering/adr/0002-b.md'}:")
    assert "front matter is not valid YAML" in warning and "[handbook.record-front-matter]" in warning
    assert "Malformed YAML" not in built.warnings  # MyST's would say it a second time


def test_broken_front_matter_on_any_page_is_reported_once(build_tree):
    index = BASE["index.md"].replace("engineering/rfcs/index", "engineering/rfcs/index\n        notes")
    built = build_tree({**BASE, "index.md": index,
                        "notes.md": "---\nowner: a\ntags: [a\n---\n# Notes\n"})
    assert len(handbook_lines(built)) == 1, built.warnings
    [warning] = handbook_lines(built)
    assert "notes.md:3: WARNING: front matter is not valid YAML" in warning and "[handbook.front-matter]" in warning


def test_a_misspelt_status_box_is_one_finding(build_tree):
    page = adr(1).replace("{adr-status}", "{adr-staus}")
    built = build_tree({**BASE, "engineering/adr/0001-a.md": page})
    assert len(handbook_lines(built)) == 1, built.warnings
    [warning] = handbook_lines(built)
    assert "Unknown directive type: 'adr-staus'" in warning
    assert "no status box" not in built.warnings


@pytest.mark.parametrize("status, meant", [("aproved", "'accepted'"), ("approved", "'accepted'"),
                                           ("acepted", "'accepted'"), ("supersed", "'superseded'")])
def test_an_unknown_status_suggests_the_one_meant(build_tree, status, meant):
    built = build_tree({**BASE, "engineering/adr/0001-a.md": adr(1, status=status)})
    assert len(handbook_lines(built)) == 1, built.warnings
    [warning] = handbook_lines(built)
    assert f"did you mean {meant}" in warning and "[handbook.record-status]" in warning


LIFECYCLE = {
    "successor only proposed": ({"engineering/adr/0001-a.md": adr(1, "superseded", "superseded-by: 2\n"),
                                 "engineering/adr/0002-b.md": adr(2, "proposed", "supersedes: [1]\n")},
                                "engineering/adr/0002-b.md", 2, "record-lifecycle",
                                "ADR-0002 supersedes ADR-0001 but is still proposed, so no decision on this is in force"),
    "successor rejected": ({"engineering/adr/0001-a.md": adr(1, "superseded", "superseded-by: 2\n"),
                            "engineering/adr/0002-b.md": adr(2, "rejected", "supersedes: [1]\n")},
                           "engineering/adr/0002-b.md", 2, "record-lifecycle", "but was rejected"),
    "cycle": ({"engineering/adr/0005-a.md": adr(5, "superseded", "superseded-by: 6\nsupersedes: [6]\n"),
               "engineering/adr/0006-b.md": adr(6, "superseded", "superseded-by: 5\nsupersedes: [5]\n")},
              "engineering/adr/0005-a.md", 5, "record-lifecycle",
              "supersession goes round in a cycle (ADR-0005 -> ADR-0006 -> ADR-0005)"),
    "an RFC in an ADR's supersedes": ({"engineering/adr/0002-b.md": adr(2, extra="supersedes: [RFC-0001]\n")},
                                      "engineering/adr/0002-b.md", 5, "record-supersedes",
                                      "'supersedes' names RFC-0001, but an ADR is superseded only by another ADR"),
    "supersedes in an RFC": ({"engineering/rfcs/0001-a.md": "---\nstatus: draft\ndate: 2026-01-01\nauthors: [a]\n"
                                                            "supersedes: [2]\n---\n# RFC-0001: A\n\n```{rfc-status}\n```\n"},
                             "engineering/rfcs/0001-a.md", 5, "record-field",
                             "'supersedes' is for ADRs: RFCs are answered, not superseded"),
}


@pytest.mark.parametrize("case", sorted(LIFECYCLE))
def test_the_lifecycle_is_checked_with_one_finding(build_tree, case):
    files, filename, line, subtype, words = LIFECYCLE[case]
    index = "# Proposals\n\n```{rfc-index}\n```\n\n```{toctree}\n:glob:\n\n0*\n```\n"
    built = build_tree({**BASE, "engineering/rfcs/index.md": index, **files})
    assert len(handbook_lines(built)) == 1, built.warnings
    [warning] = handbook_lines(built)
    assert warning.startswith(f"{built.app.srcdir / filename}:{line}: WARNING: "), warning
    assert words in warning and f"[handbook.{subtype}]" in warning


def test_pages_still_holding_their_template_are_flagged(build_tree, tmp_path):
    repo = Path(__file__).resolve().parent.parent
    templates = {f"engineering/templates/{name}": (repo / "docs/engineering/templates" / name).read_text(encoding="utf-8")
                 for name in ("adr.md.tmpl", "runbook.md.tmpl")}
    fresh = templates["engineering/templates/adr.md.tmpl"].replace("{{number}}", "0001").replace(
        "{{title}}", "Fresh").replace("{{date}}", "2026-12-01")
    runbook = templates["engineering/templates/runbook.md.tmpl"].replace("{{date}}", "2026-12-01")
    done = adr(2, title="ADR-0002: Release on {{date}}") + "\n## Context\n\nWe needed a queue.\n"
    built = build_tree({**BASE, **templates, "engineering/adr/0001-a.md": fresh, "engineering/adr/0002-b.md": done,
                        "engineering/runbooks/restart.md": runbook,
                        "index.md": BASE["index.md"].replace("engineering/rfcs/index",
                                                             "engineering/rfcs/index\n        engineering/runbooks/restart")})
    found = [line for line in handbook_lines(built) if "[handbook.template-text]" in line]
    assert len(found) == 2, built.warnings
    adr_line, runbook_line = sorted(found)
    assert "engineering/adr/0001-a.md:13: WARNING: this page still holds its template's text (and 3 more line(s)): " \
           "'What situation forces a decision now" in adr_line
    assert "engineering/runbooks/restart.md:6: WARNING: this page still holds its template's text" in runbook_line
    assert "'# {{title}}'" in runbook_line


def test_a_page_opening_with_a_thematic_break_is_not_broken_front_matter(build_tree):
    index = BASE["index.md"].replace("engineering/rfcs/index", "engineering/rfcs/index\n        notes")
    built = build_tree({**BASE, "index.md": index, "notes.md": "# Notes\n\nText.\n", "rule.md": "---\n\n# Rule\n"})
    assert "front matter" not in built.warnings
