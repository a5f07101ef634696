"""Tags: read from front matter (property-tested), shown as links, a page per tag and an index
with counts, in HTML and the PDF, and never stale after an incremental build."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from handbook.frontmatter import read_front_matter
from handbook.tags import model


@given(st.text(max_size=40))
def test_a_slug_is_stable_and_made_of_words_and_hyphens(text):
    key = model.slug(text)
    assert model.slug(key) == key
    assert not key.startswith("-") and not key.endswith("-") and "--" not in key
    assert all(char == "-" or char.isalnum() for char in key)


def test_slugs_join_spellings_of_one_tag():
    assert model.slug("On call") == model.slug("on-call") == "on-call"
    assert model.slug("ＣＩ") == model.slug("ci")
    assert model.slug("インフラ") == "インフラ"


def test_read_tags_keeps_order_drops_repeats_and_reports_bad_values():
    tags, problems = model.read_tags(read_front_matter("---\ntitle: x\ntags: [ci, Tooling, CI, '!!']\n---\n"))
    assert tags == ["ci", "Tooling"]
    assert [(p.line, p.message) for p in problems] == [(3, "tag '!!' has no letters or digits; remove it")]
    assert model.read_tags(read_front_matter("---\ntags: solo\n---\n"))[0] == ["solo"]
    _, problems = model.read_tags(read_front_matter("---\ntags:\n  a: b\n---\n"))
    assert problems and problems[0].line == 2


def test_collect_counts_pages_most_used_first():
    tags = model.collect({"b": ["ci", "pdf"], "a": ["CI"], "c": ["pdf", "ci"], "d": ["zeta"]})
    assert [(tag.name, tag.pages) for tag in tags] == [
        ("CI", ("a", "b", "c")), ("pdf", ("b", "c")), ("zeta", ("d",))]


# --- builds ----------------------------------------------------------------------------------------

FILES = {
    "index.md": """
        # Handbook

        ```{toctree}
        guide
        tags
        engineering/adr/index
        ```
        """,
    "guide.md": "---\ntags: [ci, On call]\n---\n# Guide\n\nText.\n",
    "tags.md": "# Tags\n\n```{tag-index}\n```\n",
    "engineering/adr/index.md": "# Decisions\n\n```{toctree}\n:glob:\n\n0*\n```\n",
    "engineering/adr/0001-a.md": ("---\nstatus: accepted\ndate: 2026-10-01\ndeciders: [x]\ntags: [ci]\n---\n"
                                  "# ADR-0001: First\n\n```{adr-status}\n```\n"),
}


def article(html: str) -> str:
    return html[html.index("<article"):html.index("</article>")]


def index_counts(html: str) -> dict[str, tuple[str, str]]:
    """tag -> (its link, its count) as the tag index shows them."""
    found = re.findall(r'<a class="reference internal" href="([^"]+)"><span class="handbook-tag">([^<]+)</span></a>'
                       r'<span class="handbook-tag-count">([^<]+)</span>', html)
    return {name: (href, count) for href, name, count in found}


def test_tags_link_to_a_page_per_tag_and_the_index_counts_them(build_tree):
    built = build_tree(FILES)
    assert built.warnings == ""
    guide = article(built.html("guide"))
    assert re.search(r'<p class="handbook-tags"><strong>Tags: </strong><a class="reference internal" '
                     r'href="tags/ci.html"><span class="handbook-tag">ci</span></a> <a [^>]*href="tags/on-call.html">',
                     guide)
    record = article(built.html("engineering/adr/0001-a"))
    assert 'href="../../tags/ci.html"><span class="handbook-tag">ci</span>' in record
    assert "handbook-tags" not in record, "a record shows its tags in its status box only"
    assert index_counts(built.html("tags")) == {"ci": ("tags/ci.html", "2 pages"),
                                                "On call": ("tags/on-call.html", "1 page")}
    ci = article(built.html("tags/ci"))
    assert "Tagged “ci”" in ci and "2 pages carry this tag." in ci
    links = re.findall(r'<li><a class="reference internal" href="([^"]+)">([^<]+)</a>', ci)
    assert links == [("../engineering/adr/0001-a.html", "ADR-0001: First"), ("../guide.html", "Guide")]
    assert 'handbook-badge-accepted">Accepted</span>' in ci
    for href, _ in links:
        assert (built.outdir / "tags" / href).resolve().is_file()


def test_bad_tags_are_reported_at_their_line(build_tree):
    built = build_tree({**FILES, "guide.md": "---\norphan: true\ntags: [ok, '***']\n---\n# Guide\n"})
    assert re.search(r"guide\.md:3: WARNING: tag '\*\*\*' has no letters or digits; remove it \[handbook\.tag\]",
                     built.warnings)
    assert built.warnings.count("WARNING") == 1


def test_a_tag_page_never_replaces_a_real_page(build_tree):
    files = {**FILES, "tags/ci.md": "---\norphan: true\n---\n# A real page\n"}
    built = build_tree(files)
    assert "the page for tag 'ci' would replace the page 'tags/ci'" in built.warnings
    assert "A real page" in built.html("tags/ci")


def test_index_and_tag_pages_follow_edits_on_incremental_builds(build_tree, tmp_path):
    src = tmp_path / "src"
    build_tree(FILES)
    (src / "guide.md").write_text("---\ntags: [pdf]\n---\n# Renamed guide\n", encoding="utf-8")
    built = build_tree(srcdir=src)
    assert index_counts(built.html("tags")) == {"ci": ("tags/ci.html", "1 page"), "pdf": ("tags/pdf.html", "1 page")}
    assert "Renamed guide" in built.html("tags/pdf")
    # only the title of a tagged page changes: the index (which lists no titles in HTML) is still right,
    # and the tag page shows the new title
    (src / "guide.md").write_text("---\ntags: [pdf]\n---\n# Guide again\n", encoding="utf-8")
    again = build_tree(srcdir=src)
    assert "Guide again" in again.html("tags/pdf")
    fresh = build_tree(srcdir=src, freshenv=True, builddir=tmp_path / "_fresh")
    assert index_counts(fresh.html("tags")) == index_counts(again.html("tags"))


def test_unrelated_edit_leaves_the_tag_index_unwritten(build_tree, tmp_path):
    src = tmp_path / "src"
    first = build_tree(FILES)
    index_html = first.outdir / "tags.html"
    before = index_html.stat().st_mtime_ns
    (src / "guide.md").write_text("---\ntags: [ci, On call]\n---\n# Guide\n\nOther text.\n", encoding="utf-8")
    build_tree(srcdir=src)
    assert index_html.stat().st_mtime_ns == before


def test_tags_in_the_pdf_lead_to_the_tag_index(build_tree):
    built = build_tree(FILES, buildername="latex")
    tex = next(Path(built.outdir).glob("*.tex")).read_text(encoding="utf-8")
    targets = set(re.findall(r"\\hyperref\[\\detokenize\{(tags:tag-[^}]*)\}\]", tex))
    assert targets == {"tags:tag-ci", "tags:tag-on-call"}
    labels = set(re.findall(r"\\label\{\\detokenize\{(tags:tag-[^}]*)\}\}", tex))
    assert targets <= labels
    assert re.search(r"\\sphinxstylestrong\{ci\} \(2\)", tex)


def test_parallel_and_dirhtml_builds_give_the_same_tags(build_tree, tmp_path):
    serial = build_tree(FILES)
    parallel = build_tree(srcdir=tmp_path / "src", parallel=2, freshenv=True, builddir=tmp_path / "_parallel")
    assert index_counts(parallel.html("tags")) == index_counts(serial.html("tags"))
    assert article(parallel.html("tags/ci")) == article(serial.html("tags/ci"))
    folders = build_tree(srcdir=tmp_path / "src", buildername="dirhtml", freshenv=True, builddir=tmp_path / "_dir")
    page = (folders.outdir / "guide" / "index.html").read_text(encoding="utf-8")
    href = re.search(r'href="([^"]+)"><span class="handbook-tag">ci</span>', page).group(1)
    assert href == "../tags/ci/" and (folders.outdir / "tags" / "ci" / "index.html").is_file()
