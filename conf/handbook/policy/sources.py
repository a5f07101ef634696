"""Builds read only the handbook: nothing from outside the source folder, nothing from the network.

A page can make the build read a file (``include``, ``literalinclude``, ``raw :file:``,
``csv-table :file:``, images, downloads) or fetch a URL (``raw :url:``, ``csv-table :url:``). A
path that resolves outside the source folder (through ``..``, an absolute path or a symlink) would
publish whatever the building machine holds, so it is a finding; a ``:url:`` is a finding and is
never fetched, so ``make check`` makes no network request whatever the pages say.

``raw`` and ``csv-table`` are checked before they read anything. Sphinx and MyST-Parser read
``include`` and ``literalinclude`` themselves; what they read is recorded as the page's
dependencies, which are judged as soon as the page is read.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst.directives.misc import Raw
from docutils.parsers.rst.directives.tables import CSVTable
from sphinx import addnodes
from ..source import locate, node_line, page_source
from ..warnings_ import HandbookWarning, warn


def outside(message: str, location: Any) -> None:
    warn(HandbookWarning.OUTSIDE_SOURCE, message, location)


def is_inside(path: Path | str, folder: Path | str) -> bool:
    """Whether ``path``, with every symlink and ``..`` resolved, lies inside ``folder``."""
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(folder))
    except ValueError:
        return False
    return True


class _ReadsOnlyTheHandbook:
    """For directives with ``:file:`` and ``:url:`` options: judged before anything is read."""

    options: dict[str, Any]
    name: str
    lineno: int
    state: Any

    def run(self) -> list[nodes.Node]:
        document = self.state.document
        env = document.settings.env
        location = (env.docname, self.lineno)
        if "url" in self.options:
            outside(f"'{self.name}' with :url: {self.options['url']} fetches it while the site is built; the "
                 "handbook builds from its own files only: copy the file into the handbook and use :file:", location)
            return []
        if "file" in self.options:
            source_dir = Path(document.current_source or env.doc2path(env.docname)).parent
            path = Path(self.options["file"])
            path = path if path.is_absolute() else source_dir / path
            if not is_inside(path, env.srcdir):
                outside(f"'{self.name}' reads {self.options['file']}, which is outside the handbook's source folder; "
                     "the build reads only the handbook: copy the file into it", location)
                return []
        return super().run()  # type: ignore[misc]


class HandbookRaw(_ReadsOnlyTheHandbook, Raw):
    pass


class HandbookCSVTable(_ReadsOnlyTheHandbook, CSVTable):
    pass


def check_page_files(app: Any, doctree: nodes.document) -> None:
    """``doctree-read``: what the page included, and the images and downloads it uses."""
    env = app.env
    docname = env.docname
    srcdir = Path(env.srcdir)
    found: list[tuple[str, int | None]] = []  # (what the page names, line)
    if not is_inside(env.doc2path(docname), srcdir):
        found.append((str(env.doc2path(docname)), 1))
    dependencies = doctree.settings.record_dependencies
    for dependency in (dependencies.list if dependencies else []):
        path = Path(dependency)
        if not is_inside(path if path.is_absolute() else Path.cwd() / path, srcdir):
            found.append((path.name, None))
    for image in doctree.findall(nodes.image):
        uri = image.get("uri", "")
        if "://" in uri or uri.startswith("data:"):
            continue
        for candidate in (image.get("candidates") or {"*": uri}).values():
            if not is_inside(srcdir / candidate, srcdir):
                found.append((image.get("uri", candidate), node_line(image)))
                break
    for download in doctree.findall(addnodes.download_reference):
        target = download.get("reftarget", "")
        if not target or "://" in target:
            continue
        if not is_inside(env.relfn2path(target, docname)[1], srcdir):
            found.append((target, node_line(download)))
    if not found:
        return
    lines = locate(page_source(env, docname).lines, found)
    for (name, _), line in zip(found, lines):
        outside(f"the page reads '{name}', which is outside the handbook's source folder (through '..', an absolute "
             "path or a symlink); the build reads only the handbook: copy the file into it", (docname, line))


def setup_sources(app: Any) -> None:
    app.add_directive("raw", HandbookRaw, override=True)
    app.add_directive("csv-table", HandbookCSVTable, override=True)
    # After Sphinx's own collectors, which resolve image paths at the same event.
    app.connect("doctree-read", check_page_files, priority=600)


