"""A build's memory bounded by a few pages, not by the size of the site.

Sphinx (9.0) keeps two caches of doctrees for the whole of a build:

- ``env._write_doc_doctree_cache``: every doctree read in this build, as live docutils nodes, until
  its page is written. Reading comes before writing, so at the end of reading all of them are in
  memory at once: 1.1 GB for 1,000 pages of the bench's realistic handbook (long pages, wide
  tables), about 5 GB at 5,000.
- ``env._pickled_doctree_cache``: the bytes of every doctree loaded from disk, never dropped; a
  build that writes every page (``-j 2``, or after a navigation change) ends with all of them.

Neither changes what is written: a doctree not in them is loaded from its file in the doctree
folder, where Sphinx has just written it. So the first is capped at the first pages read (pages
are read and written in the same, sorted, order, so those are the first ones written and the cap
saves loading them), and the second keeps only the most recently loaded. The caps cost loading a
doctree from disk once per page written; the bench measures both builds.

The cyclic garbage collector is tuned for the build too. Docutils nodes point to their parents, so
every doctree is a web of cycles that only the collector frees, and Python's default thresholds
(700, 10, 10) make it walk everything alive, the whole environment included, every few hundred
thousand allocations: at 1,000 realistic pages such full collections took 76 of the floor's 167
seconds, and the share grows with the site (each walk is longer and there are more of them). With a
young generation of 50,000 objects and rarer older collections, the doctrees a build drops are
still freed young, the same floor takes 93 seconds with no full collection at all, and its peak
memory goes from 139 to 177 MB. The build's process gets the old thresholds back when it finishes.

With ``-j 2`` Sphinx resolves the pages to write in chunks in its main process and hands each chunk
to a worker it forks; Sphinx keeps a chunk's doctrees alive until its worker is done (see below),
and the worker starts with a copy of all of them. Sphinx sizes chunks by the square root of the
site (about 70 pages at 1,000, 160 at 5,000), so the main process grew to 977 MB at 1,000 realistic
pages. Chunks of at most ``WRITE_CHUNK`` pages keep it to a few pages' worth, for the price of
more, cheap, forks.
Reading keeps Sphinx's chunks: each read chunk sends the whole environment back, so more of them
would cost more.

Sphinx (9.0) also keeps every finished worker's ``Process`` object, and with it the chunk it was
given, until all chunks are written (``ParallelTasks._procs`` is emptied only by ``terminate``), so
every doctree of a -j N build stayed in the main process: 490 MB at 1,000 pages even with small
chunks. ``ReleasingTasks`` lets go of a worker once its result is in.

And Sphinx's main process never waits for a worker before resolving the next chunk: a chunk with no
free worker waits in a queue, with its doctrees, and the queue starts its newest chunk first
(``popitem``), so the oldest wait to the end. When the workers write slower than the main process
resolves, the queue grows with the site; each collection walks it; at 5,000 pages collecting took
56% of the main process's time and held the workers up. ``ReleasingTasks`` hands a chunk to a worker
before the main process goes on, waiting for one to finish if need be, and, the worker being a fork
with its own copy, drops the chunk's doctrees as soon as the worker has started. They die young, so
the young generations' cheap collections free them, and the main process needs no full collection
while writing: at 1,000 pages its write phase went from 57 to 40 seconds, and at 5,000 pages -j 2
went from no faster than a serial build to 1.45x faster.
"""

from __future__ import annotations

import gc
from collections import OrderedDict
from multiprocessing import connection
from typing import Any

import sphinx.builders as sphinx_builders
import sphinx.util.parallel as sphinx_parallel
from docutils import nodes

# Doctrees of a realistic page are up to about 1 MB in memory and 0.3 MB pickled.
LIVE_DOCTREES = 64
PICKLED_DOCTREES = 32
# Pages per chunk a -j N build writes (see the module's docstring).
WRITE_CHUNK = 16
# Young, middle and old generation thresholds during a build (see the module's docstring).
BUILD_GC_THRESHOLDS = (50_000, 20, 100)
WRITE_GC_THRESHOLDS = (50_000, 20, 10)


class FirstPages(dict[str, Any]):
    """Keeps the first ``limit`` doctrees put in; later ones are loaded from disk when needed."""

    def __init__(self, limit: int, existing: dict[str, Any]) -> None:
        super().__init__(existing)
        self.limit = limit

    def __setitem__(self, key: str, value: Any) -> None:
        if key in self or len(self) < self.limit:
            super().__setitem__(key, value)


class RecentPages(OrderedDict[str, bytes]):
    """The ``limit`` most recently loaded doctrees' bytes."""

    def __init__(self, limit: int, existing: dict[str, bytes]) -> None:
        super().__init__(existing)
        self.limit = limit

    def __getitem__(self, key: str) -> bytes:
        value = super().__getitem__(key)
        self.move_to_end(key)
        return value

    def __setitem__(self, key: str, value: bytes) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.limit:
            self.popitem(last=False)


def bound_caches(app: Any, env: Any, docnames: list[str]) -> None:
    """Install the bounded caches before reading (the environment may have been loaded from disk)."""
    live = getattr(env, "_write_doc_doctree_cache", None)
    if isinstance(live, dict) and not isinstance(live, FirstPages):
        env._write_doc_doctree_cache = FirstPages(LIVE_DOCTREES, live)
    pickled = getattr(env, "_pickled_doctree_cache", None)
    if isinstance(pickled, dict) and not isinstance(pickled, RecentPages):
        env._pickled_doctree_cache = RecentPages(PICKLED_DOCTREES, pickled)


def tune_collector(app: Any) -> None:
    """Build-sized collector thresholds from the start of reading until the build finishes (for
    every process it forks too). Set when the build starts, not when the application is made, so an
    application that never builds changes nothing."""
    previous: list[tuple[int, ...]] = []

    def tune(app: Any, env: Any, docnames: list[str]) -> None:
        if not previous:
            previous.append(gc.get_threshold())
        gc.set_threshold(*BUILD_GC_THRESHOLDS)

    def restore(app: Any, exception: BaseException | None) -> None:
        if previous:
            gc.set_threshold(*previous.pop())

    app.connect("env-before-read-docs", tune, priority=100)
    app.connect("build-finished", restore, priority=999)


class ReleasingTasks(sphinx_parallel.ParallelTasks):
    """Sphinx's ParallelTasks, dropping each finished worker (and the chunk it holds), and starting
    each task before the next is made (see the module's docstring)."""

    def add_task(self, task_func: Any, arg: Any = None, result_func: Any = None) -> None:
        super().add_task(task_func, arg, result_func)
        while self._precvs_waiting:  # every worker is busy: wait for one to finish, then start this
            if self._precvs:
                connection.wait(list(self._precvs.values()))
            self._join_one()

    def _join_one(self) -> bool:
        joined = super()._join_one()
        for tid in [tid for tid in self._procs if tid not in self._precvs_waiting]:
            if tid in self._precvs:
                let_go_of_doctrees(self._args.get(tid))
            else:
                del self._procs[tid]
        return joined


def let_go_of_doctrees(chunk: Any) -> None:
    """A started worker has its own copy of its chunk (the process was forked): the main process
    drops the chunk's doctrees at once, while they are young and cheap to collect, keeping the
    page names. Reading chunks (page names only) are left as they are."""
    if isinstance(chunk, list):
        for index, item in enumerate(chunk):
            if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], nodes.document):
                chunk[index] = (item[0], None)


def release_finished_workers(app: Any) -> None:
    """``builder-inited``: the builders' parallel tasks let go of finished workers until the build ends."""
    original = sphinx_builders.ParallelTasks
    if original is not sphinx_parallel.ParallelTasks:
        return  # already replaced, or not the class ReleasingTasks extends: left as it is
    sphinx_builders.ParallelTasks = ReleasingTasks  # type: ignore[misc]

    def restore(app: Any, exception: BaseException | None) -> None:
        sphinx_builders.ParallelTasks = original  # type: ignore[misc]

    app.connect("build-finished", restore, priority=999)


def small_write_chunks(app: Any, env: Any) -> None:
    """``env-updated``: from here on (writing), -j N chunks of at most WRITE_CHUNK pages.

    Sphinx's parallel writer takes ``make_chunks`` from its builders module; the reading before
    this event keeps the original. Both are put back when the build finishes."""
    original = sphinx_builders.make_chunks
    if getattr(original, "handbook_write_chunks", False):
        return

    def make_chunks(arguments: Any, nproc: int, maxbatch: int = 10) -> list[Any]:
        return [chunk[start:start + WRITE_CHUNK] for chunk in original(arguments, nproc, maxbatch)
                for start in range(0, len(chunk), WRITE_CHUNK)]

    make_chunks.handbook_write_chunks = True  # type: ignore[attr-defined]
    sphinx_builders.make_chunks = make_chunks

    def restore(app: Any, exception: BaseException | None) -> None:
        sphinx_builders.make_chunks = original

    app.connect("build-finished", restore, priority=999)


def freeze_environment(app: Any, env: Any) -> None:
    """``env-updated``: what is alive after reading (the environment, mostly) stays alive to the
    end, so the collector stops walking it: it is frozen, and the collections that free the
    doctrees written page by page only walk those. The pages read and kept alive are dropped first
    (they would never be freed once frozen) and loaded from disk when written."""
    live = getattr(env, "_write_doc_doctree_cache", None)
    if isinstance(live, dict):
        live.clear()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*WRITE_GC_THRESHOLDS)

    def unfreeze(app: Any, exception: BaseException | None) -> None:
        gc.unfreeze()

    app.connect("build-finished", unfreeze, priority=998)


def collect_merged_chunks(app: Any, env: Any, docnames: Any, other: Any) -> None:
    """``env-merge-info``: in a -j N read, each chunk's worker sends back a whole environment, which
    the main process merges and drops. Environments are webs of cycles that reach the oldest
    generation at once; with the build's thresholds they would pile up (their sizes add up to
    pages x chunks), so the previous chunk's is collected when the next one arrives."""
    gc.collect()


def setup_memory(app: Any) -> None:
    tune_collector(app)
    app.connect("env-merge-info", collect_merged_chunks)
    app.connect("builder-inited", release_finished_workers)
    app.connect("env-updated", small_write_chunks)
    app.connect("env-updated", freeze_environment, priority=900)
    app.connect("env-before-read-docs", bound_caches)
