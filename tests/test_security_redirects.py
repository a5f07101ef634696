"""Redirects never replace a page: generated pages, existing pages, and dirhtml folders of pages."""

from __future__ import annotations

import pytest

from handbook.pages import redirects

PAGES = {"index", "guide", "team/index", "team", "other"}


@pytest.mark.parametrize("old, words", [
    ("guide", "is still a page"),
    ("genindex", "a page the build generates"),
    ("search", "a page the build generates"),
    ("404", "a page the build generates"),
    ("manual", "(the same folder in a dirhtml build)"),  # manual/index is a page
    ("manual/index", "(the same folder in a dirhtml build)"),  # manual is a page
    ("_static/furo", "holds the site's own files"),
])
def test_a_redirect_that_would_replace_a_page_is_refused(old, words):
    pages = {"index", "guide", "manual/index"} if old == "manual" else {"index", "guide", "manual"}
    problem = redirects.judge(old, "index", pages, {"genindex", "search", "404"})
    assert problem is not None and words in problem


def test_a_real_move_is_allowed():
    assert redirects.judge("old/guide", "guide", {"index", "guide"}, {"genindex", "search", "404"}) is None


FILES = {
    "index.md": "# Home\n\n```{toctree}\nguide\nteam/index\n```\n",
    "guide.md": "---\nredirect-from: [genindex, search, 404, team, old-guide, tags/ci]\ntags: [ci]\n---\n# Guide\n",
    "team/index.md": "# Team\n",
}


@pytest.mark.parametrize("buildername", ["html", "dirhtml"])
def test_generated_and_existing_pages_survive_a_redirect_naming_them(build_tree, buildername):
    built = build_tree(FILES, buildername=buildername)
    for old in ("genindex", "search", "404", "team", "tags/ci"):
        assert f"cannot redirect '{old}' to 'guide'" in built.warnings, built.warnings
    assert built.warnings.count("guide.md:2: WARNING") == 5
    suffix = (lambda name: f"{name}/index.html") if buildername == "dirhtml" else (lambda name: f"{name}.html")
    for name in ("genindex", "search", "404", "tags/ci"):
        assert "Moved to" not in (built.outdir / suffix(name)).read_text(encoding="utf-8"), name
    assert "Team" in (built.outdir / "team/index.html").read_text(encoding="utf-8")
    assert "Moved to" not in (built.outdir / "team/index.html").read_text(encoding="utf-8")
    assert "Moved to" in (built.outdir / suffix("old-guide")).read_text(encoding="utf-8")
