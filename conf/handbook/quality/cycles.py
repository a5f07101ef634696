"""Toctrees that include each other: one warning (Sphinx's own), never a crashed build.

When page a lists b in its toctree and b lists a, Sphinx warns "circular toctree references
detected" while reading, and then, when writing HTML, walks the toctrees with a recursive
function that follows the cycle until Python's recursion limit ("Recursion error!", the whole
build lost; stock Sphinx and Furo alike). The handbook hands the writers a copy of the toctree
graph without the edges that close a cycle, chosen by walking from the root page in toctree order
(then from every other page, in name order), so clean and incremental builds cut the same edges.

The copy is made when writing starts, after Sphinx has saved the environment, and the full graph
is put back when the build finishes: what is kept between builds is always what the pages say.

One mistake, one message: Sphinx says "circular toctree references detected" again for every page
whose sidebar meets the cycle, without a line; the handbook silences that (``toc.circular``) and
says it once per cut entry, at the entry's own line, every build (incremental ones too).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..source import read_lines
from ..warnings_ import HandbookWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

# builder -> the graph as read, while writing works on the acyclic copy. Keyed by the builder so
# two applications in one process (the test suite) never share it.
_ORIGINALS = "_handbook_toctree_includes"


def without_cycles(root: str, includes: dict[str, list[str]],
                   cut: list[tuple[str, str, list[str]]] | None = None) -> dict[str, list[str]]:
    """``includes`` less every edge that leads back to a page on the path to it.

    Each edge left out is added to ``cut`` as (page, entry, the cycle from entry back to page).
    """
    kept: dict[str, list[str]] = {}
    done: set[str] = set()

    def visit(start: str) -> None:
        # Iterative depth-first walk: the graph may be as deep as the handbook is large.
        on_path = {start}
        stack = [(start, iter(includes.get(start, ())))]
        kept.setdefault(start, [])
        while stack:
            page, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                on_path.discard(page)
                done.add(page)
                continue
            if child in on_path:
                if cut is not None:  # this entry closes a cycle: leave it out
                    path = [name for name, _ in stack]
                    cut.append((page, child, path[path.index(child):] + [child]))
                continue
            kept[page].append(child)
            if child not in done and child in includes:
                on_path.add(child)
                kept.setdefault(child, [])
                stack.append((child, iter(includes[child])))
            elif child not in includes:
                done.add(child)

    for start in [root, *sorted(includes)]:
        if start not in done and start in includes:
            visit(start)
    return kept


@contextlib.contextmanager
def acyclic_toctrees(env: BuildEnvironment, root: str) -> Iterator[None]:
    """For code that walks the whole toctree graph before writing starts (the navigation is
    resolved when reading ends): the graph without its cycles while it runs, the graph as read
    after. The warning is given once, when writing starts."""
    original = env.toctree_includes
    acyclic = without_cycles(root, original)
    env.toctree_includes = acyclic
    try:
        yield
    finally:
        if env.toctree_includes is acyclic:
            env.toctree_includes = original


def cut_cycles_for_writing(app: Sphinx, builder: Builder) -> None:
    """``write-started``: the writers see the toctree graph without its cycles."""
    env = builder.env
    cut: list[tuple[str, str, list[str]]] = []
    acyclic = without_cycles(app.config.root_doc, env.toctree_includes, cut)
    for page, entry, cycle in cut:
        lines = read_lines(env.doc2path(page))
        line = next((number for number, text in enumerate(lines, 1) if text.strip() in (entry, f"{entry}.md")
                     or text.strip().endswith((f"<{entry}>", f"<{entry}.md>"))), None)
        warn(HandbookWarning.TOCTREE_CYCLE,
             f"the toctree entry '{entry}' makes a loop: " + " \u2192 ".join(cycle)
             + f"; a page has one place in the navigation, so '{entry}' is left out of this toctree "
             "(remove the entry, or link to the page with an ordinary link)", (page, line))
    if acyclic != env.toctree_includes:
        setattr(builder, _ORIGINALS, env.toctree_includes)
        env.toctree_includes = acyclic


def restore_toctrees(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: put the graph as read back."""
    original = getattr(app.builder, _ORIGINALS, None)
    if original is not None:
        app.env.toctree_includes = original
        delattr(app.builder, _ORIGINALS)


def silence_sphinx_repeats(app: Sphinx, config: Config) -> None:
    """``config-inited``: Sphinx's own repeated, unlocated cycle warnings give way to the one above."""
    config.suppress_warnings = [*config.suppress_warnings, "toc.circular"]
