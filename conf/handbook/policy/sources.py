"""Builds read only the handbook: nothing from outside the source folder, nothing from the network.

A page can make the build read a file (``include``, ``literalinclude``, ``raw :file:``,
``csv-table :file:``, images, downloads) or fetch a URL (``raw :url:``, ``csv-table :url:``). A
path that resolves outside the source folder (through ``..``, an absolute path or a symlink) would
publish whatever the building machine holds, so it is a finding; a ``:url:`` is a finding and is
never fetched, so ``make check`` makes no network request whatever the pages say.

``raw``, ``csv-table`` and ``literalinclude`` are checked before they read anything. MyST-Parser
reads ``include`` itself (it runs its own stand-in for any ``Include`` directive); what it read is
recorded as the page's dependencies, which are judged as soon as the page is read.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.parsers.rst.directives.misc import Raw
from docutils.parsers.rst.directives.tables import CSVTable
from sphinx import addnodes
from sphinx.directives.code import LiteralInclude

from ..source import locate, node_line, page_source
from ..warnings_ import HandbookWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


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
    """For directives that read a file or a URL: judged before anything is read or fetched."""

    options: dict[str, Any]
    arguments: list[str]
    name: str
    lineno: int
    state: Any

    def _file_option(self) -> str | None:
        return self.options.get("file")

    def run(self) -> list[nodes.Node]:
        document = self.state.document
        env = document.settings.env
        url, file = self.options.get("url"), self._file_option()
        if url is None and file is None:
            return super().run()  # type: ignore[misc]
        shown = str(url if url is not None else file)
        line = locate(page_source(env, env.docname).lines, [(shown, self.lineno)])[0]
        if url is not None:
            outside(f"'{self.name}' with :url: {url} fetches it while the site is built; the handbook builds from "
                    "its own files only: copy the file into the handbook and use :file:", (env.docname, line))
            return []
        if file is not None and not is_inside(self._path(env, document, file), env.srcdir):
            outside(f"'{self.name}' reads {file}, which is outside the handbook's source folder (through '..', an "
                    "absolute path or a symlink); the build reads only the handbook", (env.docname, line))
            return []
        return super().run()  # type: ignore[misc]

    def _path(self, env: BuildEnvironment, document: nodes.document, file: str) -> Path:
        """Where docutils reads ``:file:``: beside the current source, or an absolute path as it is."""
        path = Path(file)
        return path if path.is_absolute() else Path(document.current_source or env.doc2path(env.docname)).parent / path


class HandbookRaw(_ReadsOnlyTheHandbook, Raw):
    pass


class HandbookCSVTable(_ReadsOnlyTheHandbook, CSVTable):  # type: ignore[misc]  # run() is CSVTable's, wrapped
    pass


class HandbookLiteralInclude(_ReadsOnlyTheHandbook, LiteralInclude):
    """Sphinx's literalinclude: its argument is the file (an absolute one is taken from the source folder)."""

    def _file_option(self) -> str | None:
        return self.arguments[0] if self.arguments else None

    def _path(self, env: BuildEnvironment, document: nodes.document, file: str) -> Path:
        return Path(env.relfn2path(file)[1])


def check_page_files(app: Sphinx, doctree: nodes.document) -> None:
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
    for (name, _), line in zip(found, lines, strict=False):
        outside(f"the page reads '{name}', which is outside the handbook's source folder (through '..', an absolute "
             "path or a symlink); the build reads only the handbook: copy the file into it", (docname, line))


def setup_sources(app: Sphinx) -> None:
    app.add_directive("raw", HandbookRaw, override=True)
    app.add_directive("csv-table", HandbookCSVTable, override=True)
    app.add_directive("literalinclude", HandbookLiteralInclude, override=True)
    # After Sphinx's own collectors, which resolve image paths at the same event.
    app.connect("doctree-read", check_page_files, priority=600)


