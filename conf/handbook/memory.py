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
"""

from __future__ import annotations

import gc
from collections import OrderedDict
from typing import Any

# Doctrees of a realistic page are up to about 1 MB in memory and 0.3 MB pickled.
LIVE_DOCTREES = 64
PICKLED_DOCTREES = 32
# Young, middle and old generation thresholds during a build (see the module's docstring).
BUILD_GC_THRESHOLDS = (50_000, 20, 100)


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
    """Build-sized collector thresholds until the build finishes (for every process it forks too)."""
    previous = gc.get_threshold()
    gc.set_threshold(*BUILD_GC_THRESHOLDS)

    def restore(app: Any, exception: BaseException | None) -> None:
        gc.set_threshold(*previous)

    app.connect("build-finished", restore, priority=999)


def setup_memory(app: Any) -> None:
    tune_collector(app)
    app.connect("env-before-read-docs", bound_caches)
