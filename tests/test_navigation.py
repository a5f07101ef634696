"""The fast navigation: Furo's markup, byte for byte, at the cost of one page; builds stay incremental."""

from __future__ import annotations

import re
from pathlib import Path

import bench
import furo
import pytest
from furo.navigation import get_navigation_tree
from hypothesis import given
from hypothesis import strategies as st
from navigation_tree import build, corner_cases, pages, write_tree
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.testing.util import SphinxTestApp
from sphinx.util.osutil import relative_uri

from handbook.navigation import upstream
from handbook.navigation.links import LinkTable, folder_of
from handbook.navigation.markup import MarkupMismatch, build_template
from handbook.navigation.site import SiteNavigation

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
ROOT_CONF = (REPO / "tests" / "roots" / "test-records" / "conf.py").read_text(encoding="utf-8")
SIDEBAR = re.compile(r'<div class="sidebar-tree">.*?</div>', re.S)

# --- the markup template, on Furo's own function ---------------------------------------------------

# Sphinx's toctree markup for a three-level tree; {a}..{e} take " current" on the current branch.
TOCTREE = (
    '<ul{ul1}>\n<li class="toctree-l1{a}"><a class="{ra}reference internal" href="P0">A</a><ul{ul2}>\n'
    '<li class="toctree-l2{b}"><a class="{rb}reference internal" href="P1">B</a><ul{ul3}>\n'
    '<li class="toctree-l3{c}"><a class="{rc}reference internal" href="P2">C</a></li>\n'
    '</ul>\n</li>\n'
    '<li class="toctree-l2{d}"><a class="{rd}reference internal" href="P3#part">D, part</a></li>\n'
    '</ul>\n</li>\n<li class="toctree-l1{e}"><a class="{re}reference internal" href="P4">E</a></li>\n</ul>\n'
)
DOCS = ["a", "b", "c", "d", "e"]
BRANCHES = {  # page -> the list items and <ul> on its branch (d is linked only with an anchor)
    "a": ("a", ("ul1",)), "b": ("ab", ("ul1", "ul2")), "c": ("abc", ("ul1", "ul2", "ul3")),
    "d": ("", ()), "e": ("e", ("ul1",)),
}
PLACEHOLDER = re.compile(r'href="P(?P<link>\d+)(?P<anchor>[^"]*)"')


def toctree(items: str = "", lists: tuple[str, ...] = (), everything: bool = False) -> str:
    """Sphinx's markup with ``items`` and ``lists`` current, and the innermost item's link."""
    return TOCTREE.format(
        **{key: " current" if everything or key in items else "" for key in "abcde"},
        **{f"r{key}": "current " if everything or key == items[-1:] else "" for key in "abcde"},
        **{ul: ' class="current"' if everything or ul in lists else "" for ul in ("ul1", "ul2", "ul3")})


def template():
    return build_template(get_navigation_tree(toctree()), get_navigation_tree(toctree(everything=True)),
                          PLACEHOLDER, DOCS)


@pytest.mark.parametrize("page", ["a", "b", "c", "d", "e", "outside"])
def test_template_gives_furos_markup_for_every_page(page):
    built = template()
    items, lists = BRANCHES.get(page, ("", ()))
    expected = get_navigation_tree(toctree(items, lists))
    hrefs = [f'href="P{i}{link.anchor}"' for i, link in enumerate(built.links)]
    got = built.page(built.with_links(hrefs), built.branch(page), {})
    assert got == expected
    if items:
        assert got.count("current-page") == 1 and got.count("checked") == len([i for i in items if i in "ab"])


def test_template_fills_each_link_and_leaves_pages_linked_twice_to_furo():
    built = template()
    assert [link.target for link in built.links] == DOCS and built.links[3].anchor == "#part"
    page = built.page(built.with_links([f'href="u{i}"' for i in range(5)]), {}, {2: 'href="#"'})
    assert re.findall(r'href="([^"#][^"]*|#)"', page)[:5] == ["u0", "u1", "#", "u3", "u4"]
    twice = build_template(get_navigation_tree(toctree()), get_navigation_tree(toctree(everything=True)),
                           PLACEHOLDER, ["a", "a", "c", "d", "e"])
    assert twice.branch("a") is None


def test_template_refuses_renderings_that_do_not_line_up():
    plain = get_navigation_tree(toctree())
    with pytest.raises(MarkupMismatch):
        build_template(plain, plain.replace("<li", "<li><b>x</b", 1), PLACEHOLDER, DOCS)
    with pytest.raises(MarkupMismatch):
        build_template(plain, plain.replace(">A<", ">Z<"), PLACEHOLDER, DOCS)


URL_PART = st.sampled_from(["a", "b", "index", "x y", "ü", "a&b"])
URLS = st.lists(URL_PART, min_size=1, max_size=4).map("/".join).flatmap(
    lambda path: st.sampled_from([path + ".html", path + "/", ""]))


@given(page=URLS, targets=st.lists(URLS, min_size=1, max_size=6))
def test_links_per_folder_are_sphinxs_relative_uris(page, targets):
    anchors = ["#s" if i % 3 == 2 else "" for i in range(len(targets))]
    table = LinkTable(targets, anchors, attribute=lambda url: f"exact({url})")
    got = table.in_folder(folder_of(page))
    got = [table.own(page).get(i, href) for i, href in enumerate(got)]
    expected = []
    for target, anchor in zip(targets, anchors, strict=False):
        url = (relative_uri(page, target) + anchor) or "#"
        expected.append(f'href="{url}"' if re.fullmatch(r"[A-Za-z0-9._~/%#-]*", url) else f"exact({url})")
    assert got == expected


def test_the_pinned_furo_is_the_supported_one():
    # Bumping Furo in pyproject.toml/requirements.lock means comparing its navigation again
    # (make test, make bench) and adding the version to SUPPORTED_FURO.
    pinned = re.search(r'"furo==([^"]+)"', (REPO / "pyproject.toml").read_text(encoding="utf-8")).group(1)
    assert pinned in upstream.SUPPORTED_FURO and furo.__version__ == pinned
    assert upstream.unsupported(furo) is None


def test_the_private_code_relied_on_is_still_there():
    # Fails after a Sphinx or Furo upgrade that changes what upstream.py relies on, saying what.
    found = upstream.differences()
    assert not found, "the navigation's use of private Sphinx/Furo code needs review:\n" + "\n".join(found)


def test_a_change_upstream_is_named(monkeypatch):
    monkeypatch.setattr(furo, "_html_page_context", lambda app, pagename, templatename, context, doctree: None)
    monkeypatch.setattr(StandaloneHTMLBuilder, "_get_local_toctree", lambda self, name, **kwargs: "")
    found = upstream.differences()
    assert any("_get_local_toctree" in text and text.startswith("Sphinx") for text in found)
    assert any("no longer calls _compute_navigation_tree" in text and text.startswith("Furo") for text in found)
    assert "not as the fast navigation expects" in upstream.unsupported(furo)


def test_an_unsupported_furo_is_named_with_what_to_do(monkeypatch):
    monkeypatch.setattr(furo, "__version__", "2024.1.1")
    message = upstream.unsupported(furo)
    assert "Furo 2024.1.1" in message and "2025.12.19" in message


def test_no_module_holds_a_page_between_handlers():
    # The page being announced travels in its own context; Furo's function answers from it.
    original = furo._compute_navigation_tree
    upstream.install(furo)
    try:
        context = {"toctree": lambda **kwargs: ""}
        upstream.announce(context, lambda: "<ul>handbook</ul>")
        assert furo._compute_navigation_tree(context) == "<ul>handbook</ul>"
        assert furo._compute_navigation_tree({"toctree": lambda **kwargs: ""}) == original({"toctree": lambda **kwargs: ""})
        upstream.withdraw(context)
        assert upstream.ANNOUNCED not in context
    finally:
        upstream.uninstall(furo)
    assert furo._compute_navigation_tree is original


# --- real builds of a generated handbook -----------------------------------------------------------


def edge_sources() -> dict[str, str]:
    """The corner cases (navigation_tree.py) plus a page with two top-level titles."""
    files = corner_cases(44, "two-titles\nconditional\n")
    files["people/two-titles.md"] = "# First title\n\nText.\n\n# Second title\n\nMore text.\n"
    return files


STOCK = "handbook_fast_navigation = False\n"


def whole_tree(root: Path, files: dict[str, str], conf: str = "") -> Path:
    """Furo's whole tree in every page, to compare with Furo's own; small pages: test_small_pages.py."""
    return write_tree(root, files, "handbook_shared_navigation = False\n" + conf)


def sidebars(site: dict[str, str]) -> dict[str, str]:
    return {name: SIDEBAR.search(text).group(0) for name, text in site.items()}


@pytest.fixture(scope="module")
def stock(tmp_path_factory) -> dict[str, str]:
    """Serial build with Furo computing every page's navigation itself."""
    root = tmp_path_factory.mktemp("stock")
    src = whole_tree(root / "src", edge_sources(), STOCK)
    app = build(src, root / "_build")
    return pages(app.outdir)


@pytest.fixture(scope="module")
def fast(tmp_path_factory) -> tuple[SphinxTestApp, dict[str, str]]:
    root = tmp_path_factory.mktemp("fast")
    src = whole_tree(root / "src", edge_sources())
    app = build(src, root / "_build")
    return app, pages(app.outdir)


def test_every_page_and_sidebar_is_furos(stock, fast):
    app, site = fast
    assert len(site) >= 45
    assert sidebars(site) == sidebars(stock)  # first the sidebars, for a readable difference
    assert site == stock
    assert "handbook.navigation" not in app.warning.getvalue()
    # The tree does hold the cases: a current page at depth 3, an orphan, a captioned external link.
    deep = next(text for name, text in sidebars(site).items() if name.count("/") == 3)
    assert deep.count("current-page") == 1 and deep.count('checked=""') == 3
    assert "current" not in sidebars(site)["orphan.html"] and "https://example.org" in deep
    assert "Details" in sidebars(site)["people/conditional.html"] and "Details" not in deep
    assert sidebars(site)["about.html"].count('class="current reference') == 2  # in two toctrees


def test_a_page_unlike_furos_is_caught_and_furo_takes_over(stock, tmp_path, monkeypatch):
    # The first page of a build with a new navigation is also computed by Furo and compared.
    monkeypatch.setattr(SiteNavigation, "for_page", lambda self, pagename: "<ul>wrong</ul>")
    app = build(whole_tree(tmp_path / "src", edge_sources()), tmp_path / "_build")
    warnings = app.warning.getvalue()
    assert warnings.count("[handbook.navigation]") == 1 and "differed from Furo's" in warnings
    assert sidebars(pages(app.outdir)) == sidebars(stock)


def test_parallel_write_gives_the_same_sidebars(stock, tmp_path):
    src = whole_tree(tmp_path / "src", edge_sources())
    app = build(src, tmp_path / "_build", parallel=2)
    assert app.parallel == 2 and app.builder.parallel_ok
    site = pages(app.outdir)
    assert sidebars(site) == sidebars(stock)
    assert site == stock


def test_dirhtml_gives_furos_sidebars(tmp_path):
    files = edge_sources()
    fast = build(whole_tree(tmp_path / "fast", files), tmp_path / "_fast", "dirhtml")
    stock = build(whole_tree(tmp_path / "stock", files, STOCK), tmp_path / "_stock", "dirhtml")
    assert sidebars(pages(fast.outdir)) == sidebars(pages(stock.outdir))


def mtimes(outdir: Path, src: Path) -> dict[str, int]:
    """When each document's page was written (genindex, search, 404 are written by every build)."""
    return {path.relative_to(outdir).as_posix(): path.stat().st_mtime_ns for path in Path(outdir).rglob("*.html")
            if (src / path.relative_to(outdir)).with_suffix(".md").is_file()}


def written_since(outdir: Path, src: Path, before: dict[str, int]) -> set[str]:
    return {name for name, mtime in mtimes(outdir, src).items() if before.get(name) != mtime}


def test_editing_a_page_rewrites_that_page_not_the_site(tmp_path):
    files = bench.handbook_sources(40)
    src = whole_tree(tmp_path / "src", files)
    first = build(src, tmp_path / "_build")
    before = mtimes(first.outdir, src)
    page = src / "engineering" / "topic-000" / "page-1.md"
    page.write_text(page.read_text(encoding="utf-8").replace("in practice", "in practice, edited"),
                    encoding="utf-8")
    assert first.warning.getvalue() == ""  # the generated handbook is a clean one
    second = build(src, tmp_path / "_build")
    written = written_since(second.outdir, src, before)
    # The page alone: no title or heading changed, so the page whose toctree lists it (which stock
    # Sphinx writes again) shows nothing new.
    assert written == {"engineering/topic-000/page-1.html"}
    assert "in practice, edited" in (second.outdir / "engineering/topic-000/page-1.html").read_text()
    assert "handbook.navigation" not in second.warning.getvalue()


def test_a_new_title_reaches_every_pages_navigation(tmp_path):
    files = bench.handbook_sources(40)
    src = whole_tree(tmp_path / "src", files)
    first = build(src, tmp_path / "_build")
    before = mtimes(first.outdir, src)
    page = src / "engineering" / "topic-000" / "page-1.md"
    text = page.read_text(encoding="utf-8")
    page.write_text("# A brand new title\n" + text.split("\n", 1)[1], encoding="utf-8")
    second = build(src, tmp_path / "_build")
    assert written_since(second.outdir, src, before) == set(before)  # every page: each shows the title
    for name, sidebar in sidebars(pages(second.outdir)).items():
        assert "A brand new title" in sidebar, name
    # ... and the next build, with nothing changed, writes nothing.
    before = mtimes(second.outdir, src)
    third = build(src, tmp_path / "_build")
    assert written_since(third.outdir, src, before) == set()


def test_an_unsupported_furo_warns_and_furo_computes_the_navigation(tmp_path, monkeypatch):
    files = bench.handbook_sources(12)
    expected = pages(build(whole_tree(tmp_path / "stock", files, STOCK), tmp_path / "_stock").outdir)
    monkeypatch.setattr(furo, "__version__", "2024.1.1")
    original = furo._compute_navigation_tree
    app = build(whole_tree(tmp_path / "src", files), tmp_path / "_build")
    warnings = app.warning.getvalue()
    assert warnings.count("[handbook.navigation]") == 1 and "Furo 2024.1.1" in warnings
    assert "handbook_fast_navigation = False" in warnings
    assert furo._compute_navigation_tree is original  # never replaced
    assert sidebars(pages(app.outdir)) == sidebars(expected)


def test_nothing_of_furos_is_touched_with_another_theme(tmp_path, monkeypatch):
    monkeypatch.setattr(furo, "__version__", "2024.1.1")  # would warn with Furo
    original = furo._compute_navigation_tree
    app = build(whole_tree(tmp_path / "src", bench.handbook_sources(12), 'html_theme = "basic"\nhtml_sidebars = {}\n'),
                tmp_path / "_build")
    assert (app.outdir / "index.html").is_file()
    assert furo._compute_navigation_tree is original
    assert "handbook.navigation" not in app.warning.getvalue()
