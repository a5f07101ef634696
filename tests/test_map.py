"""The decision map: its layout as geometry (property-tested), its SVG as XML, and real builds:
HTML, the PDF's LaTeX, warnings at file:line, incremental builds and -j 2."""

from __future__ import annotations

import re
from pathlib import Path

import defusedxml.ElementTree as SafeET
from hypothesis import given, settings
from hypothesis import strategies as st

from handbook.decisions import layout, svg, tikz

SVG_NS = "{http://www.w3.org/2000/svg}"


def entry(kind: str, number: int, date: str = "2026-10-01", status: str = "accepted", title: str = "A decision",
          supersedes: tuple[int, ...] = (), implements: tuple[int, ...] = ()) -> layout.Entry:
    label = kind.upper()
    return layout.Entry(kind, number, f"{label}-{number:04d}", title, status, date,
                        f"engineering/{kind}/{number:04d}-x", supersedes, implements)


# --- layout --------------------------------------------------------------------------------------

def test_rows_follow_the_dates_and_rfcs_sit_left_of_adrs():
    drawn = layout.lay_out([entry("adr", 2, "2026-11-01"), entry("rfc", 1, "2026-10-01"),
                            entry("adr", 1, "2026-10-01"), entry("adr", 3, "")], ("accepted",))
    assert [box.entry.record_id for box in drawn.boxes] == ["RFC-0001", "ADR-0001", "ADR-0002", "ADR-0003"]
    rfc, adr = drawn.boxes[0], drawn.boxes[1]
    assert rfc.x < adr.x
    assert drawn.boxes[-1].heading == "ADR-0003 · accepted"  # no date: last, and no empty part


def test_relations_become_arcs_and_missing_targets_are_left_out():
    drawn = layout.lay_out([entry("adr", 1, status="superseded"), entry("adr", 2, supersedes=(1, 9), implements=(1, 7)),
                            entry("rfc", 1)], ("accepted", "superseded"))
    arcs = {(arc.relation, arc.source.entry.record_id, arc.target.entry.record_id) for arc in drawn.arcs}
    assert arcs == {("supersedes", "ADR-0002", "ADR-0001"), ("implements", "ADR-0002", "RFC-0001")}
    assert drawn.statuses == ("accepted", "superseded")


def test_long_titles_are_cut_to_two_lines_with_an_ellipsis():
    lines = layout.title_lines("word " * 40)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(len(line) <= layout.TITLE_CHARS for line in lines)


entries_strategy = st.lists(
    st.builds(entry, st.sampled_from(["adr", "rfc"]), st.integers(1, 30),
              st.sampled_from(["", "2026-01-01", "2026-06-30", "2027-02-01"]),
              st.sampled_from(["accepted", "superseded", "draft", "weird"]),
              st.text(max_size=150),
              st.lists(st.integers(1, 30), max_size=3).map(tuple),
              st.lists(st.integers(1, 30), max_size=3).map(tuple)),
    max_size=25, unique_by=lambda e: (e.kind, e.number))


@settings(max_examples=150, deadline=None)
@given(entries_strategy)
def test_every_layout_fits_its_width_and_no_two_boxes_overlap(entries):
    drawn = layout.lay_out(entries, ("accepted", "superseded", "draft"))
    assert len(drawn.boxes) == len(entries)
    for box in drawn.boxes:
        assert 0 <= box.x and box.x + box.width <= drawn.width
        assert 0 <= box.y and box.y + box.height <= drawn.height
    for upper, lower in zip(drawn.boxes, drawn.boxes[1:], strict=False):
        assert upper.y + upper.height < lower.y
    for arc in drawn.arcs:
        points = layout.anchor(arc)
        assert all(0 <= x <= drawn.width and 0 <= y <= drawn.height for x, y in points)
    assert set(drawn.statuses) == {box.entry.status for box in drawn.boxes}


# --- SVG and TikZ ----------------------------------------------------------------------------------

@settings(max_examples=100, deadline=None)
@given(entries_strategy)
def test_svg_is_well_formed_with_one_link_per_record_and_nothing_active(entries):
    drawn = layout.lay_out(entries, ("accepted",))
    markup = svg.render(drawn, lambda docname: f"../{docname}.html?a=1&b=2", "Decision map", "m0")
    root = SafeET.fromstring(markup)
    links = root.findall(f"{SVG_NS}a")
    assert [link.get("href") for link in links] == [f"../{box.entry.docname}.html?a=1&b=2" for box in drawn.boxes]
    assert all((link.findtext(f"{SVG_NS}title") or "").startswith(link.findtext(f"{SVG_NS}text")) for link in links)
    for element in root.iter():
        assert element.tag not in (f"{SVG_NS}script", f"{SVG_NS}foreignObject", f"{SVG_NS}style")
        assert "style" not in element.attrib, "no inline styles: the CSP forbids them"
        assert not any(name.startswith("on") for name in element.attrib)


def test_svg_text_is_escaped():
    drawn = layout.lay_out([entry("adr", 1, title='<script>alert("x")</script> & more')], ("accepted",))
    markup = svg.render(drawn, lambda docname: "x.html", 'Map "quoted"', "m0")
    assert "<script>" not in markup
    texts = "".join(SafeET.fromstring(markup).itertext())
    assert '<script>alert("x")</script> & more' in texts


def test_tikz_links_use_sphinx_document_labels():
    assert tikz.document_label("engineering/adr/0005-x") == r"\detokenize{engineering/adr/0005-x::doc}"
    drawn = layout.lay_out([entry("adr", 1, title="Use 100% of $HOME_dir & {x}"), entry("rfc", 1)], ("accepted",))
    source = tikz.render(drawn)
    assert source.count(r"\hyperref[") == 2
    assert r"100\%" in source and r"\$HOME\_dir" in source and r"\&" in source


def test_a_long_log_is_drawn_as_several_pictures_with_arcs_cut_at_their_edges():
    log = [entry("adr", number, f"2026-01-{number:02d}") for number in range(1, 26)]
    log[24] = entry("adr", 25, "2026-01-25", supersedes=(1,))
    source = tikz.render(layout.lay_out(log, ("accepted",)))
    assert source.count(r"\begin{tikzpicture}") == 3  # 12 + 12 + 1 records
    assert source.count(r"\hyperref[") == 25
    pictures = source.split(r"\begin{tikzpicture}")[1:]
    # ADR-0025 supersedes ADR-0001, two pictures apart: each end's picture names the other record
    assert r"{ADR\sphinxhyphen{}0025};" in pictures[0] and r"{ADR\sphinxhyphen{}0001};" in pictures[2]
    assert r"\clip" in pictures[1] and r"0025};" not in pictures[1]  # nothing of the arc in between


# --- real builds -----------------------------------------------------------------------------------

INDEX = """
    # Handbook

    ```{toctree}
    engineering/adr/index
    engineering/rfcs/index
    ```
    """
ADR_INDEX = """
    # Decisions

    ```{decision-map}
    ```

    ```{toctree}
    :glob:

    0*
    ```
    """
RFC_INDEX = """
    # Proposals

    ```{decision-map}
    :kinds: rfc
    ```

    ```{toctree}
    :glob:

    0*
    ```
    """


def adr(number: int, status: str = "accepted", extra: str = "", date: str = "2026-10-01") -> str:
    return (f"---\nstatus: {status}\ndate: {date}\ndeciders: [maintainers]\n{extra}---\n"
            f"# ADR-{number:04d}: Decision {number}\n\n```{{adr-status}}\n```\n")


def rfc(number: int, status: str = "accepted", date: str = "2026-09-01") -> str:
    return (f"---\nstatus: {status}\ndate: {date}\nauthors: [maintainers]\n---\n"
            f"# RFC-{number:04d}: Proposal {number}\n\n```{{rfc-status}}\n```\n")


def tree(**records: str) -> dict[str, str]:
    files = {"index.md": INDEX, "engineering/adr/index.md": ADR_INDEX, "engineering/rfcs/index.md": RFC_INDEX}
    files.update({name.replace("__", "/").replace("_", "-") + ".md": text for name, text in records.items()})
    return files


def map_of(html: str) -> dict[str, tuple[str, str]]:
    """record id -> (fill colour, link) for each box of the page's (first) map."""
    markup = re.search(r"<svg[^>]*handbook-decision-map.*?</svg>", html, re.S).group(0)
    root = SafeET.fromstring(markup)
    found = {}
    for link in root.findall(f"{SVG_NS}a"):
        heading = link.find(f"{SVG_NS}text").text
        found[heading.split(" · ")[0]] = (link.find(f"{SVG_NS}rect").get("fill"), link.get("href"))
    return found


def arcs_of(html: str) -> set[str]:
    return set(re.findall(r"<title>((?:ADR|RFC)-\d+ (?:supersedes|implements) (?:ADR|RFC)-\d+)</title>", html))


RECORDS = dict(
    engineering__adr__0001_a=adr(1, "superseded", "superseded-by: 2\n"),
    engineering__adr__0002_b=adr(2, extra="supersedes: [1]\nimplements: [RFC-0001]\n", date="2026-11-01"),
    engineering__rfcs__0001_p=rfc(1, "implemented"),
)


def test_map_in_html_links_every_record_with_its_colour_and_relations(build_tree):
    built = build_tree(tree(**RECORDS))
    assert built.warnings == ""
    html = built.html("engineering/adr/index")
    assert map_of(html) == {
        "RFC-0001": (svg.STATUS_COLOURS["implemented"], "../rfcs/0001-p.html"),
        "ADR-0001": (svg.STATUS_COLOURS["superseded"], "0001-a.html"),
        "ADR-0002": (svg.STATUS_COLOURS["accepted"], "0002-b.html"),
    }
    assert arcs_of(html) == {"ADR-0002 supersedes ADR-0001", "ADR-0002 implements RFC-0001"}
    for _, href in map_of(html).values():
        assert (built.outdir / "engineering/adr" / href).is_file()
    # ":kinds: rfc" draws the RFCs only
    assert set(map_of(built.html("engineering/rfcs/index"))) == {"RFC-0001"}


def test_bad_implements_are_reported_at_their_line(build_tree):
    built = build_tree(tree(
        engineering__adr__0001_a=adr(1, extra="implements: [RFC-0009]\n"),
        engineering__adr__0002_b=adr(2, extra="implements: [banana]\n"),
        engineering__rfcs__0001_p=rfc(1)))
    assert re.search(r"0001-a\.md:5: WARNING: 'implements' names RFC-0009, which does not exist; fix the number "
                     r"\[handbook\.record-implements\]", built.warnings)
    assert re.search(r"0002-b\.md:5: WARNING: 'implements' entry 'banana' is not an RFC number", built.warnings)
    assert built.warnings.count("WARNING") == 2, built.warnings


def test_map_is_redrawn_on_incremental_builds(build_tree, tmp_path):
    src = tmp_path / "src"
    build_tree(tree(**RECORDS))
    # A status changes, a record arrives, another goes: no -E, no fresh environment.
    (src / "engineering/adr/0002-b.md").write_text(adr(2, "deprecated", "supersedes: [1]\n"), encoding="utf-8")
    (src / "engineering/adr/0003-c.md").write_text(adr(3, date="2026-12-01"), encoding="utf-8")
    (src / "engineering/rfcs/0001-p.md").unlink()
    built = build_tree(srcdir=src)
    html = built.html("engineering/adr/index")
    assert {record: colour for record, (colour, _) in map_of(html).items()} == {
        "ADR-0001": svg.STATUS_COLOURS["superseded"], "ADR-0002": svg.STATUS_COLOURS["deprecated"],
        "ADR-0003": svg.STATUS_COLOURS["accepted"]}
    assert arcs_of(html) == {"ADR-0002 supersedes ADR-0001"}
    # and a fresh build of the same sources agrees
    fresh = build_tree(srcdir=src, freshenv=True, builddir=tmp_path / "_fresh")
    assert map_of(fresh.html("engineering/adr/index")) == map_of(html)


def test_a_record_body_edit_leaves_the_map_pages_unwritten(build_tree, tmp_path):
    """(The map is on a page of its own here: Sphinx writes a changed page's toctree parent anyway.)"""
    src = tmp_path / "src"
    files = tree(**RECORDS)
    files["index.md"] = INDEX.replace("engineering/rfcs/index", "engineering/rfcs/index\n    overview")
    files["overview.md"] = "# Overview\n\n```{decision-map}\n```\n"
    first = build_tree(files)
    index = first.outdir / "overview.html"
    before = index.stat().st_mtime_ns
    (src / "engineering/adr/0002-b.md").write_text(
        adr(2, extra="supersedes: [1]\nimplements: [RFC-0001]\n", date="2026-11-01") + "\nMore text.\n",
        encoding="utf-8")
    build_tree(srcdir=src)
    assert index.stat().st_mtime_ns == before
    (src / "engineering/adr/0002-b.md").write_text(
        adr(2, extra="supersedes: [1]\n", date="2026-11-01") + "\nMore text.\n", encoding="utf-8")
    third = build_tree(srcdir=src)
    assert index.stat().st_mtime_ns != before
    assert arcs_of(third.html("overview")) == {"ADR-0002 supersedes ADR-0001"}


def test_parallel_build_draws_the_same_map(build_tree, tmp_path):
    serial = build_tree(tree(**RECORDS))
    parallel = build_tree(srcdir=tmp_path / "src", parallel=2, freshenv=True, builddir=tmp_path / "_parallel")
    assert map_of(parallel.html("engineering/adr/index")) == map_of(serial.html("engineering/adr/index"))


def test_map_in_latex_is_tikz_with_links_to_record_chapters(build_tree):
    built = build_tree(tree(**RECORDS), buildername="latex")
    tex = next(Path(built.outdir).glob("*.tex")).read_text(encoding="utf-8")
    assert tex.count(r"\begin{tikzpicture}") == 2
    assert r"\usepackage{tikz}" in tex
    targets = set(re.findall(r"\\hyperref\[\\detokenize\{([^}]*::doc)\}\]\{\\color\{white\}", tex))
    assert targets == {"engineering/adr/0001-a::doc", "engineering/adr/0002-b::doc", "engineering/rfcs/0001-p::doc"}
    labels = set(re.findall(r"\\label\{\\detokenize\{([^}]*::doc)\}\}", tex))
    assert targets <= labels, "every box links to a label the PDF has"
