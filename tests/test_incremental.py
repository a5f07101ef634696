"""Incremental builds: one test per fault found, each compared with a clean build of the same sources."""

from __future__ import annotations

import pickle

import incremental_tree as tree_model
import pytest
from incremental_tree import Page, Record, Tree

pytestmark = pytest.mark.slow  # real builds, each edit built twice


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", tree_model.SOURCE_DATE_EPOCH)


class Scratch:
    """A tree on disk with a build folder that is reused, as `make html` reuses _build."""

    def __init__(self, root, tree: Tree, builder: str = "html", parallel: int = 0) -> None:
        self.root, self.tree, self.builder, self.parallel = root, tree, builder, parallel
        self.srcdir = root / "src"
        self.srcdir.mkdir(parents=True)
        self.first = self.build()

    def build(self) -> tree_model.Build:
        tree_model.write(self.srcdir, self.tree.files())
        return tree_model.build(self.srcdir, self.root / "incremental", self.builder, self.parallel)

    def build_and_compare(self) -> tree_model.Build:
        incremental = self.build()
        clean = tree_model.build(self.srcdir, self.root / "clean", self.builder, self.parallel, fresh=True)
        assert tree_model.differences(incremental, clean) == []
        return incremental


def sidebar(build: tree_model.Build, page: str) -> str:
    # The page's own sidebar (with small pages: the top-level entries and the page's branch).
    text = (build.outdir / page).read_text(encoding="utf-8")
    start = text.index('<div class="sidebar-tree')
    return text[start:start + 4000]


@pytest.mark.parametrize(("builder", "parallel"), [("html", 0), ("dirhtml", 2)])
def test_a_page_added_to_the_root_toctree_is_in_every_sidebar(tmp_path, builder, parallel):
    scratch = Scratch(tmp_path, Tree.small(), builder, parallel)
    scratch.tree.sections["security"] = tree_model.Section("Security policy")
    built = scratch.build_and_compare()
    pages = [p for p in built.outdir.rglob("*.html") if "sidebar-tree" in p.read_text(encoding="utf-8")]
    assert len(pages) >= 8
    for page in pages:
        assert "Security policy" in sidebar(built, page.relative_to(built.outdir).as_posix()), page
    # ... and a build with nothing changed keeps it so (Sphinx then writes nothing).
    assert scratch.build_and_compare().warnings == []


def test_the_environment_never_keeps_a_copy_of_the_root_doctree(tmp_path):
    # The cause of the fault above: Sphinx caches the root doctree on the environment, and a
    # copy read before the environment was pickled was used, stale, by the next build.
    Scratch(tmp_path, Tree.small())
    doctreedir = tmp_path / "incremental" / "doctrees"
    env = pickle.loads((doctreedir / "environment.pickle").read_bytes())
    assert "master_doctree" not in vars(env)


def test_a_stale_root_doctree_from_an_older_build_folder_is_not_used(tmp_path):
    scratch = Scratch(tmp_path, Tree.small())
    env_file = tmp_path / "incremental" / "doctrees" / "environment.pickle"
    env = pickle.loads(env_file.read_bytes())
    from docutils.utils import new_document

    env.__dict__["master_doctree"] = new_document("stale")  # as older handbook versions left it
    env_file.write_bytes(pickle.dumps(env, pickle.HIGHEST_PROTOCOL))
    scratch.tree.sections["security"] = tree_model.Section("Security policy")
    built = scratch.build_and_compare()
    assert "Security policy" in sidebar(built, "index.html")


def test_removing_a_root_toctree_entry_and_its_page_warns_of_nothing(tmp_path):
    scratch = Scratch(tmp_path, Tree.small())
    del scratch.tree.sections["ops"]  # its entry in the root toctree and its files
    built = scratch.build_and_compare()
    assert built.warnings == []
    assert not (built.outdir / "ops").exists()  # no page of it is left in the output


def test_a_moved_page_and_a_dropped_redirect_leave_no_file_behind(tmp_path):
    tree = Tree.small()
    tree.sections["guides"].pages["style"].redirect_from = ("old/style",)
    scratch = Scratch(tmp_path, tree)
    assert (scratch.first.outdir / "old" / "style.html").is_file()
    page = scratch.tree.sections["guides"].pages.pop("style")
    page.redirect_from = ()
    scratch.tree.sections["ops"].pages["style"] = page
    built = scratch.build_and_compare()
    assert not (built.outdir / "guides" / "style.html").exists()
    assert not (built.outdir / "old").exists()


def written(build: tree_model.Build, before: dict[str, int]) -> set[str]:
    return {name for name, mtime in mtimes(build).items() if before.get(name) != mtime}


def mtimes(build: tree_model.Build) -> dict[str, int]:
    return {p.relative_to(build.outdir).as_posix(): p.stat().st_mtime_ns for p in build.outdir.rglob("*.html")}


DOCUMENTS = {"404.html", "genindex.html", "search.html"}  # written by every build, as in stock Sphinx


def records_tree() -> Tree:
    tree = Tree.small()
    for number in range(3, 12):
        tree.records[number] = Record(f"decision-{number}", f"Decision {number}")
    tree.records[5].supersedes = (4,)
    return tree


def test_a_record_body_edit_writes_that_record_alone(tmp_path):
    scratch = Scratch(tmp_path, records_tree())
    before = mtimes(scratch.first)
    scratch.tree.records[7].body += 1
    built = scratch.build_and_compare()
    assert written(built, before) - DOCUMENTS == {"engineering/adr/0007-decision-7.html"}


@pytest.mark.parametrize(("field", "value"), [("status", "deprecated"), ("date", "2025-06-01")])
def test_a_record_status_or_date_writes_the_index_and_related_records(tmp_path, field, value):
    scratch = Scratch(tmp_path, records_tree())
    before = mtimes(scratch.first)
    setattr(scratch.tree.records[5], field, value)
    built = scratch.build_and_compare()
    assert written(built, before) - DOCUMENTS == {
        "engineering/adr/0005-decision-5.html",  # the record
        "engineering/adr/index.html",  # the index lists its status and date
        "engineering/adr/0004-decision-4.html",  # superseded by it: its box links to it
    }


def test_a_record_title_changes_the_navigation_so_every_page_is_written(tmp_path):
    scratch = Scratch(tmp_path, records_tree())
    before = mtimes(scratch.first)
    scratch.tree.records[4].title = "A new title"
    built = scratch.build_and_compare()
    assert written(built, before) == set(before)
    # The whole tree is in the shared navigation file (a page holds only its own branch).
    shared = (built.outdir / "_static" / "handbook-navigation.js").read_text(encoding="utf-8")
    assert "A new title" in shared or "A new title" in sidebar(built, "guides/style.html")


def test_editing_a_page_body_writes_that_page_alone(tmp_path):
    scratch = Scratch(tmp_path, Tree.small())
    before = mtimes(scratch.first)
    scratch.tree.sections["guides"].pages["style"].body += 1
    built = scratch.build_and_compare()
    assert written(built, before) - DOCUMENTS == {"guides/style.html"}  # not its toctree's page


def test_a_section_heading_or_order_change_writes_every_page(tmp_path):
    scratch = Scratch(tmp_path, Tree.small())
    scratch.tree.sections["guides"].pages = dict(reversed(scratch.tree.sections["guides"].pages.items()))
    before = mtimes(scratch.first)
    built = scratch.build_and_compare()  # the previous/next links and the sidebar order changed
    assert written(built, before) == set(before)
    scratch.tree.sections["guides"].pages["new"] = Page("New", listed=False)
    scratch.build_and_compare()  # a page in no toctree: Sphinx's orphan warning, as in a clean build
