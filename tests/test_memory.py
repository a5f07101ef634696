"""A build's memory is bounded by a few pages (handbook/memory.py), and the pages come out the same."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from bench_tree import realistic_sources
from conftest import ROOT_CONF
from conftest import build_app as build
from sphinx.testing.util import SphinxTestApp

from handbook import memory

pytestmark = pytest.mark.slow  # real Sphinx builds



def test_first_pages_keeps_the_first_and_recent_pages_the_last():
    first = memory.FirstPages(2, {})
    for name in "abcd":
        first[name] = name.upper()
    first["a"] = "again"  # a page read again replaces its own entry
    assert first == {"a": "again", "b": "B"}
    assert first.pop("a") == "again" and first.pop("c", None) is None
    recent = memory.RecentPages(2, {})
    recent["a"], recent["b"] = b"a", b"b"
    assert recent["a"] == b"a"  # used: now the most recent
    recent["c"] = b"c"
    assert list(recent) == ["a", "c"]


def realistic_tree(src: Path, size: int, monkeypatch) -> Path:
    """The bench's realistic handbook of ``size`` pages with the records root's conf.py, dated alike."""
    for name, text in realistic_sources(size).items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text, encoding="utf-8")
    (src / "conf.py").write_text(ROOT_CONF, encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    return src


def pages(out: Path) -> dict[str, bytes]:
    return {path.relative_to(out).as_posix(): path.read_bytes() for path in sorted(out.rglob("*"))
            if path.is_file() and ".doctrees" not in path.parts}


def test_bounded_caches_write_the_same_site_and_stay_bounded(tmp_path, monkeypatch):
    src = realistic_tree(tmp_path / "src", 60, monkeypatch)
    monkeypatch.setattr(memory, "LIVE_DOCTREES", 3)
    monkeypatch.setattr(memory, "PICKLED_DOCTREES", 2)
    seen: list[int] = []
    original = memory.RecentPages.__setitem__

    def watched(self, key, value):
        original(self, key, value)
        seen.append(len(self))

    monkeypatch.setattr(memory.RecentPages, "__setitem__", watched)
    bounded = build(src, tmp_path / "bounded")
    assert isinstance(bounded.env._write_doc_doctree_cache, memory.FirstPages)
    assert seen and max(seen) <= 2  # pages past the first three were loaded from disk, two kept at most
    monkeypatch.setattr(memory, "bound_caches", lambda app, env, docnames: None)
    unbounded = build(src, tmp_path / "unbounded")
    assert not isinstance(unbounded.env._write_doc_doctree_cache, memory.FirstPages)
    assert pages(Path(bounded.outdir)) == pages(Path(unbounded.outdir))


def test_the_collector_is_tuned_for_the_build_and_given_back(tmp_path, monkeypatch):
    """Build-sized thresholds while Sphinx reads and writes (also in the -j 2 workers it forks),
    the process's own ones again once the build is over."""
    import gc

    src = realistic_tree(tmp_path / "src", 24, monkeypatch)
    during: list[tuple[int, int, int]] = []
    original = memory.bound_caches

    def watched(app, env, docnames):
        during.append(gc.get_threshold())
        original(app, env, docnames)

    monkeypatch.setattr(memory, "bound_caches", watched)
    process_thresholds = gc.get_threshold()
    gc.set_threshold(700, 10, 10)  # Python's defaults, whatever an earlier test left
    try:
        made = SphinxTestApp("html", srcdir=src, builddir=tmp_path / "unbuilt", status=StringIO(), warning=StringIO())
        made.cleanup()
        assert gc.get_threshold() == (700, 10, 10)  # an application that never builds changes nothing
        build(src, tmp_path / "out")
        after = gc.get_threshold()
    finally:
        gc.set_threshold(*process_thresholds)
    assert during == [memory.BUILD_GC_THRESHOLDS]
    assert after == (700, 10, 10)


def test_finished_workers_let_go_of_their_chunk():
    """Sphinx keeps every finished worker's Process, and the chunk of doctrees it was given, to the
    end of the build; the handbook's tasks drop a worker once its result is in."""
    import gc
    import weakref

    class Chunk(list):
        pass

    tasks = memory.ReleasingTasks(2)
    chunks = [Chunk([number]) for number in range(6)]
    alive = [weakref.ref(chunk) for chunk in chunks]
    results = []
    for chunk in chunks:
        tasks.add_task(lambda chunk: sum(chunk), chunk, lambda arg, result: results.append(result))
    tasks.join()
    del chunks, chunk
    gc.collect()
    assert sorted(results) == list(range(6))
    assert not tasks._procs and [ref() for ref in alive] == [None] * 6


def test_parallel_builds_write_in_small_chunks_and_the_same_site(tmp_path, monkeypatch):
    """-j 2 writes chunks of at most WRITE_CHUNK pages (Sphinx would make chunks of about the square
    root of the site), the same pages as a serial build, and puts Sphinx's own pieces back after."""
    import sphinx.builders

    src = realistic_tree(tmp_path / "src", 60, monkeypatch)
    monkeypatch.setattr(memory, "WRITE_CHUNK", 5)
    original_chunks, original_tasks = sphinx.builders.make_chunks, sphinx.builders.ParallelTasks
    sizes: list[int] = []
    seen_tasks: list[type] = []

    def record(app, env):
        seen_tasks.append(sphinx.builders.ParallelTasks)
        chunked = sphinx.builders.make_chunks
        sizes.extend(len(chunk) for chunk in chunked([str(number) for number in range(60)], 2))

    parallel_app = SphinxTestApp("html", srcdir=src, builddir=tmp_path / "parallel", status=StringIO(),
                                 warning=StringIO(), parallel=2)
    parallel_app.connect("env-updated", record, priority=950)  # after the handbook's own handlers
    try:
        parallel_app.build()
    finally:
        parallel_app.cleanup()
    assert sizes and max(sizes) <= 5 and sum(sizes) == 60
    assert seen_tasks == [memory.ReleasingTasks]
    assert sphinx.builders.make_chunks is original_chunks and sphinx.builders.ParallelTasks is original_tasks
    serial = build(src, tmp_path / "serial")
    assert pages(Path(parallel_app.outdir)) == pages(Path(serial.outdir))


def test_a_chunk_waits_for_a_worker_before_the_next_is_made():
    """Sphinx queues every chunk no worker is free for, with its doctrees, and starts the newest
    first; the handbook's tasks hand each chunk to a worker before the caller makes the next, so no
    more chunks than workers are ever alive, and they start in order."""
    import time

    tasks = memory.ReleasingTasks(2)
    alive, waiting, results = [], [], []

    def slow(number: int) -> int:
        time.sleep(0.05)
        return number

    for number in range(8):
        tasks.add_task(slow, number, lambda number, result: results.append(result))
        alive.append(len(tasks._procs))
        waiting.append(len(tasks._precvs_waiting))
    tasks.join()
    assert max(alive) <= 2 and waiting == [0] * 8
    assert sorted(results) == list(range(8))


def test_a_started_worker_keeps_its_doctrees_and_the_main_process_drops_them():
    """The worker is a fork with its own copy of the chunk; the main process lets go of the
    chunk's doctrees once it has started, and keeps the page names (reading chunks, names only,
    are left as they are)."""
    from docutils import nodes
    from docutils.utils import new_document

    def page(text: str) -> nodes.document:
        document = new_document(text)
        document += nodes.paragraph(text, text)
        return document

    tasks = memory.ReleasingTasks(2)
    chunk = [("a", page("Alpha")), ("b", page("Beta"))]
    names = ["c", "d"]
    written: list[list[str]] = []
    tasks.add_task(lambda chunk: [doctree.astext() for _, doctree in chunk], chunk,
                   lambda arg, result: written.append(result))
    tasks.add_task(lambda names: names, names, lambda arg, result: written.append(result))
    tasks.join()
    assert sorted(written) == [["Alpha", "Beta"], ["c", "d"]]
    assert chunk == [("a", None), ("b", None)] and names == ["c", "d"]
