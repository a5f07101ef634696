"""Small pages: each page carries its own branch of Furo's sidebar, the rest is one shared file.

Every page of a generated handbook (with the toctree corner cases) is built twice, once with
Furo's whole tree in every page and once small; the small page's sidebar, joined with the shared
file as the sidebar script does it (``shared.expand``), must be Furo's byte for byte, serially,
with ``-j 2`` and with ``dirhtml``. The browser half (the script itself, no script, keyboard) is
in ``test_small_pages_browser.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import bench
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from navigation_tree import build, corner_cases, pages, write_tree
from sphinx.testing.util import SphinxTestApp
from sphinx.util.osutil import relative_uri

from handbook.navigation import shared

pytestmark = pytest.mark.slow  # real Sphinx builds

SIDEBAR = re.compile(r'<div class="sidebar-tree"[^>]*>.*?</div>', re.S)
WHOLE = "handbook_shared_navigation = False\n"
SCRIPTS = re.compile(r'\s*<script src="[./]*_static/handbook-(navigation|sidebar)\.js\?v=[0-9a-f]+"></script>')


def sources() -> dict[str, str]:
    """The corner cases (navigation_tree.py) plus nesting six levels deep below People."""
    files = corner_cases(60, "conditional\ndeep/index\n")
    path = "people/deep"
    for level in range(6):  # six levels below People, each with a sibling that has children of its own
        files[f"{path}/index.md"] = (f"# Deep {level} & more\n\n```{{toctree}}\n\nnext/index\nside/index\n```\n"
                                     if level < 5 else f"# Deep {level}\n\nThe bottom.\n")
        files[f"{path}/side/index.md"] = f"# Side {level}\n\n```{{toctree}}\n\nleaf\n```\n"
        files[f"{path}/side/leaf.md"] = f"# Leaf {level}\n\nText.\n"
        path += "/next"
    return files


def sidebar(text: str) -> str:
    found = SIDEBAR.search(text)
    assert found, "no sidebar"
    return found.group(0)


def expanded(outdir: Path) -> dict[str, str]:
    """Every page with its sidebar joined as the script joins it."""
    data = shared.read_data(Path(outdir))
    assert data is not None, "no shared navigation file"
    return {name: SIDEBAR.sub(lambda m: shared.expand(m.group(0), data), SCRIPTS.sub("", text))
            for name, text in pages(outdir).items()}


@pytest.fixture(scope="module")
def whole(tmp_path_factory) -> dict[str, str]:
    """Furo's whole tree in every page (the fast navigation, which is Furo's byte for byte)."""
    root = tmp_path_factory.mktemp("whole")
    return pages(build(write_tree(root / "src", sources(), WHOLE), root / "_build").outdir)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> SphinxTestApp:
    root = tmp_path_factory.mktemp("small")
    return build(write_tree(root / "src", sources()), root / "_build")


def test_every_small_page_joined_with_the_shared_file_is_furos(whole, small):
    got = expanded(small.outdir)
    assert len(got) >= 70 and set(got) == set(whole)
    assert {name: sidebar(text) for name, text in got.items()} == {name: sidebar(text) for name, text in whole.items()}
    assert got == whole  # and nothing else in the page changed but the two script tags
    assert "handbook.navigation" not in small.warning.getvalue()


def test_a_page_carries_its_branch_and_not_the_rest(whole, small):
    site = pages(small.outdir)
    page = "people/deep/next/next/index.html"  # Deep 2: its ancestors, siblings and children
    tree = sidebar(site[page])
    links = re.findall(r'<a class="[^"]*" href="([^"]*)">([^<]*)</a>', tree)
    titles = [title for _, title in links]
    for title in ("Engineering", "People", "Deep 0 &amp; more", "Deep 1 &amp; more", "Side 1",
                  "Deep 2 &amp; more", "Deep 3 &amp; more", "Side 2"):
        assert any(title in found for found in titles), f"{title} missing from {titles}"
    assert not any("Leaf" in title or "Deep 4" in title for title in titles), titles  # nephews and below
    assert tree.count("current-page") == 1 and tree.count('checked=""') == 4  # People, Deep 0, 1 and 2
    assert 'href="#"' in tree and f'{shared.PAGE_ATTRIBUTE}="{page}"' in tree
    # Every entry with children that is not on the branch is collapsed: its list is in the shared file.
    collapsed = re.findall(r'<li class="([^"]*)" data-handbook-subtree="\d+">', tree)
    assert collapsed and all("has-children" in classes and "current" not in classes for classes in collapsed)
    assert tree.count("<ul") == 3 + 4  # the top-level lists (two under captions), and the branch's four
    # The whole tree is many times larger than the branch.
    assert len(sidebar(whole[page])) > 3 * len(tree)


def test_pages_left_to_furo_keep_the_whole_tree(whole, small):
    site = pages(small.outdir)
    for page in ("about.html", "people/conditional-child.html"):  # two toctrees; below an `only` title
        assert shared.PAGE_ATTRIBUTE not in sidebar(site[page])
        assert sidebar(site[page]) == sidebar(whole[page])


def test_an_orphan_page_shows_the_top_level(small):
    tree = sidebar(pages(small.outdir)["orphan.html"])
    assert "current" not in tree and "toctree-l2" not in tree and "data-handbook-subtree" in tree


def test_parallel_write_and_dirhtml(whole, tmp_path):
    src = write_tree(tmp_path / "src", sources())
    parallel = build(src, tmp_path / "_parallel", parallel=2)
    assert parallel.builder.parallel_ok
    assert expanded(parallel.outdir) == whole
    dirhtml_small = build(src, tmp_path / "_dirhtml", "dirhtml")
    dirhtml_whole = build(write_tree(tmp_path / "whole", sources(), WHOLE), tmp_path / "_dirhtml_whole", "dirhtml")
    got = expanded(dirhtml_small.outdir)
    assert got == pages(dirhtml_whole.outdir)
    assert any(shared.PAGE_ATTRIBUTE in text for text in pages(dirhtml_small.outdir).values())


def test_the_shared_file_is_rewritten_only_when_the_navigation_changes(tmp_path):
    src = write_tree(tmp_path / "src", sources())
    first = build(src, tmp_path / "_build")
    data = Path(first.outdir) / "_static" / shared.DATA_FILE
    written = data.stat().st_mtime_ns
    page = src / "engineering" / "topic-000" / "page-1.md"
    page.write_text(page.read_text(encoding="utf-8").replace("in practice", "in practice, edited"), encoding="utf-8")
    build(src, tmp_path / "_build")
    assert data.stat().st_mtime_ns == written
    page.write_text("# A brand new title\n" + page.read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")
    third = build(src, tmp_path / "_build")
    assert "A brand new title" in data.read_text(encoding="utf-8")
    checksum = re.search(r"handbook-navigation\.js\?v=([0-9a-f]+)", pages(third.outdir)["index.html"]).group(1)
    assert all(f"handbook-navigation.js?v={checksum}" in text for name, text in pages(third.outdir).items()
               if name != "404.html")


URL_PART = st.sampled_from(["a", "b", "index", "x y", "ü", "a&b", ".."])
URLS = st.lists(URL_PART, min_size=1, max_size=4).map("/".join).flatmap(
    lambda path: st.sampled_from([path + ".html", path + "/", "", "/" + path]))


# Generation is cheap but a machine busy with builds can make it look slow; the examples still run.
@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(page=URLS, target=URLS, anchor=st.sampled_from(["", "#s", "#a&b"]))
def test_hrefs_are_sphinxs_relative_uris(page, target, anchor):
    # The href the joining writes (the script's relativeUri is a line-by-line copy, checked in the browser).
    sidebar_html = (f'<div class="sidebar-tree" {shared.PAGE_ATTRIBUTE}="{shared._escape(page)}">'
                    f'<ul><li class="x" {shared.SUBTREE_ATTRIBUTE}="0"><a href="#">x</a></li></ul></div>')
    data = {"links": [[target, anchor]], "parts": [["<ul><li><a ", 0, ">y</a></li></ul>"]]}
    got = shared.expand(sidebar_html, data)
    expected = shared._escape((relative_uri(page, target) + anchor) or "#")
    assert f'<a href="{expected}">y</a>' in got
    assert shared.SUBTREE_ATTRIBUTE not in got and shared.PAGE_ATTRIBUTE not in got


def test_nothing_is_shared_with_furos_own_navigation(tmp_path):
    app = build(write_tree(tmp_path / "src", bench.handbook_sources(12), "handbook_fast_navigation = False\n"),
                tmp_path / "_build")
    assert not (Path(app.outdir) / "_static" / shared.DATA_FILE).exists()
    assert all(shared.PAGE_ATTRIBUTE not in text and "handbook-sidebar.js" not in text
               for text in pages(app.outdir).values())
