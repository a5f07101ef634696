"""Any sequence of edits, built incrementally, gives what a clean build gives: byte for byte, no new warning.

A Hypothesis state machine edits a small handbook (pages added, deleted, renamed and moved, titles,
toctree entries and their order, ``:hidden:``, ``:glob:``, captions, ``:numbered:``, decision
records' status, title, date, ``supersedes`` and tags, owners and review dates, ``redirect-from``,
page tags, conf.py; the tree has a tag index and a decision map) and after every edit builds on
the previous build folder and from scratch, then compares every file of the two outputs. html or
dirhtml, serial or ``-j 2``, is drawn per example.

The example budget is fixed for ``make test`` (about a minute); ``HANDBOOK_STATEFUL_EXAMPLES=200``
runs a longer search (the weekly CI job does). A failure prints the shortest edit sequence
Hypothesis found that reproduces it, as calls on the state machine.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import incremental_tree as tree_model
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from incremental_tree import Page, Record, Section, Tree

pytestmark = pytest.mark.slow  # real builds, each edit built twice

EXAMPLES = int(os.environ.get("HANDBOOK_STATEFUL_EXAMPLES", "4"))
STEPS = int(os.environ.get("HANDBOOK_STATEFUL_STEPS", "8"))

TITLES = st.sampled_from(["Alpha", "Beta page", "Gamma", "Delta: a longer title", "Ünïcode", "Same"])
SLUGS = st.sampled_from(["alpha", "beta", "gamma", "delta", "start", "style", "deploy"])
FOLDERS = st.sampled_from(["guides", "ops", "people"])
DATES = st.sampled_from(["2024-02-29", "2025-06-01", "2026-01-01"])
TAGS = st.sampled_from([(), ("ci",), ("ci", "security"), ("security",)])
STATUSES = st.sampled_from(["proposed", "accepted", "rejected", "deprecated"])


class IncrementalBuilds(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tree = Tree.small()
        self.workdir = Path(tempfile.mkdtemp(prefix="handbook-incremental-"))
        self.srcdir = self.workdir / "src"
        self.srcdir.mkdir()
        self.builder, self.parallel = "html", 0
        self.saved_epoch = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = tree_model.SOURCE_DATE_EPOCH

    @initialize(builder=st.sampled_from(["html", "dirhtml"]), parallel=st.sampled_from([0, 2]))
    def first_build(self, builder: str, parallel: int) -> None:
        self.builder, self.parallel = builder, parallel
        tree_model.write(self.srcdir, self.tree.files())
        tree_model.build(self.srcdir, self.workdir / "incremental", builder, parallel)

    def teardown(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)
        if self.saved_epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = self.saved_epoch

    # --- the check, after every edit ---------------------------------------------------------------

    @invariant()
    def incremental_equals_clean(self) -> None:
        if not (self.workdir / "incremental").exists():
            return  # before the first build
        tree_model.write(self.srcdir, self.tree.files())
        incremental = tree_model.build(self.srcdir, self.workdir / "incremental", self.builder, self.parallel)
        clean = tree_model.build(self.srcdir, self.workdir / "clean", self.builder, self.parallel, fresh=True)
        found = tree_model.differences(incremental, clean)
        assert not found, f"{self.builder} -j {self.parallel or 1}: " + "\n".join(found)

    # --- helpers ------------------------------------------------------------------------------------

    def _pages(self) -> list[tuple[str, str]]:
        return [(folder, slug) for folder, section in self.tree.sections.items() for slug in section.pages]

    def _pick(self, data: st.DataObject) -> tuple[str, str]:
        return data.draw(st.sampled_from(self._pages()), label="page")

    def has_pages(self) -> bool:
        return bool(self._pages())

    # --- pages ----------------------------------------------------------------------------------------

    @rule(folder=FOLDERS, slug=SLUGS, title=TITLES)
    def add_page(self, folder: str, slug: str, title: str) -> None:
        section = self.tree.sections.setdefault(folder, Section(folder.capitalize()))
        section.pages.setdefault(slug, Page(title))

    @precondition(has_pages)
    @rule(data=st.data())
    def delete_page(self, data: st.DataObject) -> None:
        folder, slug = self._pick(data)
        del self.tree.sections[folder].pages[slug]

    @precondition(has_pages)
    @rule(data=st.data(), new_slug=SLUGS, new_folder=FOLDERS)
    def rename_or_move_page(self, data: st.DataObject, new_slug: str, new_folder: str) -> None:
        folder, slug = self._pick(data)
        target = self.tree.sections.setdefault(new_folder, Section(new_folder.capitalize()))
        if new_slug in target.pages:
            return
        target.pages[new_slug] = self.tree.sections[folder].pages.pop(slug)

    @precondition(has_pages)
    @rule(data=st.data(), title=TITLES)
    def retitle_page(self, data: st.DataObject, title: str) -> None:
        folder, slug = self._pick(data)
        self.tree.sections[folder].pages[slug].title = title

    @precondition(has_pages)
    @rule(data=st.data())
    def edit_page_text(self, data: st.DataObject) -> None:
        folder, slug = self._pick(data)
        self.tree.sections[folder].pages[slug].body += 1

    @precondition(has_pages)
    @rule(data=st.data(), owner=st.sampled_from([None, "ops-team", "platform"]),
          reviewed=st.sampled_from([None, "2020-01-01", "2025-12-30"]))
    def set_owner_and_review(self, data: st.DataObject, owner: str | None, reviewed: str | None) -> None:
        folder, slug = self._pick(data)
        page = self.tree.sections[folder].pages[slug]
        page.owner, page.reviewed = owner, reviewed

    @precondition(has_pages)
    @rule(data=st.data(), old=st.sampled_from([(), ("old/page",), ("guides/start",), ("old/page", "older")]))
    def set_redirect_from(self, data: st.DataObject, old: tuple[str, ...]) -> None:
        folder, slug = self._pick(data)
        self.tree.sections[folder].pages[slug].redirect_from = old

    @precondition(has_pages)
    @rule(data=st.data(), tags=TAGS)
    def set_page_tags(self, data: st.DataObject, tags: tuple[str, ...]) -> None:
        folder, slug = self._pick(data)
        self.tree.sections[folder].pages[slug].tags = tags

    # --- toctrees -------------------------------------------------------------------------------------

    @precondition(has_pages)
    @rule(data=st.data())
    def toggle_toctree_entry(self, data: st.DataObject) -> None:
        folder, slug = self._pick(data)
        page = self.tree.sections[folder].pages[slug]
        page.listed = not page.listed

    @rule(folder=FOLDERS, seed=st.randoms(use_true_random=False))
    def reorder_toctree(self, folder: str, seed) -> None:
        section = self.tree.sections.get(folder)
        if section is not None:
            items = list(section.pages.items())
            seed.shuffle(items)
            section.pages = dict(items)

    @rule(seed=st.randoms(use_true_random=False))
    def reorder_root_toctree(self, seed) -> None:
        items = list(self.tree.sections.items())
        seed.shuffle(items)
        self.tree.sections = dict(items)

    @rule(folder=FOLDERS, option=st.sampled_from(["glob", "hidden", "caption"]))
    def toggle_section_option(self, folder: str, option: str) -> None:
        section = self.tree.sections.get(folder)
        if section is None:
            return
        if option == "caption":
            section.caption = None if section.caption else "In this section"
        else:
            setattr(section, option, not getattr(section, option))

    @rule(folder=FOLDERS)
    def remove_section(self, folder: str) -> None:
        self.tree.sections.pop(folder, None)

    @rule(option=st.sampled_from(["root_hidden", "root_numbered", "root_caption"]))
    def toggle_root_option(self, option: str) -> None:
        if option == "root_caption":
            self.tree.root_caption = None if self.tree.root_caption else "Contents"
        else:
            setattr(self.tree, option, not getattr(self.tree, option))

    # --- decision records -------------------------------------------------------------------------------

    @rule(number=st.integers(1, 4), title=TITLES)
    def add_record(self, number: int, title: str) -> None:
        self.tree.records.setdefault(number, Record(f"decision-{number}", title))

    @rule(number=st.integers(1, 4))
    def delete_record(self, number: int) -> None:
        self.tree.records.pop(number, None)

    @rule(number=st.integers(1, 4), status=STATUSES, title=TITLES, date=DATES,
          supersedes=st.sampled_from([(), (1,), (2,), (3,)]), tags=TAGS, field=st.sampled_from(
              ["status", "title", "date", "supersedes", "tags", "body"]))
    def edit_record(self, number: int, status: str, title: str, date: str, supersedes: tuple[int, ...],
                    tags: tuple[str, ...], field: str) -> None:
        record = self.tree.records.get(number)
        if record is None:
            return
        if field == "body":
            record.body += 1
        else:
            setattr(record, field, {"status": status, "title": title, "date": date, "tags": tags,
                                    "supersedes": tuple(n for n in supersedes if n != number)}[field])

    # --- conf.py ------------------------------------------------------------------------------------------

    @rule(variant=st.integers(0, len(tree_model.CONF_VARIANTS) - 1))
    def edit_conf(self, variant: int) -> None:
        self.tree.conf = variant


IncrementalBuilds.TestCase.settings = settings(
    max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, derandomize=EXAMPLES <= 10,
    suppress_health_check=list(HealthCheck), print_blob=True)
TestIncrementalBuilds = IncrementalBuilds.TestCase
