"""Bad input never takes the build down: each fault is one finding at its page and line, and the
rest of the handbook is built. Faults that stock Sphinx turns into a stopped build: a page that is
not UTF-8 ("Encoding error!"), toctrees that include each other ("Recursion error!")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import write_tree

from handbook.quality import cycles

HOME = "# Home\n\n```{toctree}\na\nb\n```\n"


def handbook_warnings(text: str, subtype: str) -> list[str]:
    return [line for line in text.splitlines() if f"[handbook.{subtype}]" in line]


@pytest.mark.parametrize("parallel", [0, 2])
def test_a_page_that_is_not_utf8_is_one_finding_and_the_rest_builds(tmp_path, build_tree, parallel):
    src = write_tree(tmp_path / "src", {"index.md": HOME})
    # Line 4 holds the first bad byte (Latin-1 é); line 5 two more.
    (src / "a.md").write_bytes(b"---\nowner: team\n---\n# Caf\xe9\n\nna\xefve, d\xe9j\xe0\n")
    (src / "b.md").write_text("# B\n\n```{include} notes.txt\n```\n", encoding="utf-8")
    (src / "notes.txt").write_bytes(b"fine\nr\xe9sum\xe9\n")
    built = build_tree(srcdir=src, parallel=parallel)
    found = handbook_warnings(built.warnings, "text-encoding")
    assert len(found) == 2, built.warnings
    assert any(re.search(r"a\.md:4: WARNING: the file is not valid UTF-8: byte 0xE9 \('é' in Windows-1252/Latin-1\) "
                         r"and 3 more bad byte\(s\) after it", line) for line in found), found
    assert any(re.search(r"notes\.txt:2: WARNING: the file is not valid UTF-8: byte 0xE9", line) for line in found)
    # The same mistake is not reported again as replacement characters, and nothing else failed.
    assert "text-replacement" not in built.warnings and "Encoding error" not in built.warnings
    assert "Caf\ufffd" in built.html("a") and "r\ufffdsum\ufffd" in built.html("b")
    assert (built.outdir / "index.html").is_file()


def test_toctrees_that_include_each_other_are_one_finding_at_the_entry(tmp_path, build_tree):
    files = {"index.md": "# Home\n\n```{toctree}\na\nc\n```\n",
             "a.md": "# A\n\n```{toctree}\nb\n```\n",
             "b.md": "# B\n\nText.\n\n```{toctree}\na\n```\n",
             "c.md": "# C\n"}
    first = build_tree(files)
    found = handbook_warnings(first.warnings, "toctree-cycle")
    assert len(found) == 1 and "b.md:6:" in found[0] and "a → b → a" in found[0], first.warnings
    assert "circular toctree" not in first.warnings and "Recursion" not in first.warnings
    for page in ("index", "a", "b", "c"):
        assert (first.outdir / f"{page}.html").is_file()
    # An incremental build that reads nothing says the same, once.
    again = build_tree(srcdir=tmp_path / "src")
    assert handbook_warnings(again.warnings, "toctree-cycle") == found


@pytest.mark.parametrize("includes, cut", [
    ({"r": ["a"], "a": ["b"], "b": ["a"]}, [("b", "a")]),
    ({"r": ["r"]}, [("r", "r")]),
    ({"r": ["a", "b"], "a": ["c"], "b": ["c"], "c": []}, []),  # shared child: no cycle
    ({"r": ["a"], "a": ["b"], "b": ["c"], "c": ["a", "r"]}, [("c", "a"), ("c", "r")]),
    ({"r": [], "x": ["y"], "y": ["x"]}, [("y", "x")]),  # a loop the root does not reach
])
def test_cycles_are_cut_at_the_entry_that_closes_them(includes, cut):
    found: list[tuple[str, str, list[str]]] = []
    acyclic = cycles.without_cycles("r", includes, found)
    assert [(page, entry) for page, entry, _ in found] == cut
    for page, entry in cut:
        assert entry not in acyclic[page]
    assert sum(map(len, acyclic.values())) == sum(map(len, includes.values())) - len(cut)


def test_a_deep_chain_does_not_exhaust_the_stack():
    chain = {f"p{i}": [f"p{i + 1}"] for i in range(20_000)}
    chain["p20000"] = ["p0"]
    found: list[tuple[str, str, list[str]]] = []
    cycles.without_cycles("p0", chain, found)
    assert [(page, entry) for page, entry, _ in found] == [("p20000", "p0")]


def test_source_lines_of_a_page_that_is_not_utf8_are_still_read(tmp_path):
    from handbook.source import read_lines

    page = tmp_path / "p.md"
    page.write_bytes(b"---\nowner: t\xe9am\n---\n# X\n")
    assert read_lines(Path(page))[1] == "owner: t\ufffdam"


@pytest.mark.parametrize("builder, old, writable", [
    ("html", "index.html/x", False), ("dirhtml", "index.html/x", False),
    ("html", "a.html/deeper/still", False),  # the page a is the file a.html
    ("dirhtml", "a.html/deeper/still", True),  # the page a is a/index.html: a.html/ is free
    ("html", "x" * 300, False), ("dirhtml", "x" * 300, False),
])
def test_a_redirect_that_cannot_be_written_is_one_finding(build_tree, builder, old, writable):
    built = build_tree({"index.md": "# Home\n\n```{toctree}\na\n```\n",
                        "a.md": f"---\nredirect-from: [\"{old}\"]\n---\n# A\n"}, buildername=builder)
    found = handbook_warnings(built.warnings, "redirect")
    if writable:
        assert found == [] and (built.outdir / old / "index.html").is_file()
    else:
        assert len(found) == 1 and "a.md:2: WARNING: cannot redirect" in found[0], built.warnings
    assert (built.outdir / "index.html").is_file()
