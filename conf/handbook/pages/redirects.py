"""Old paths that must keep working after a page moves.

A page lists the paths it used to have (docnames, i.e. source paths without ``.md``)::

    redirect-from: [engineering/old-name, runbooks/deploy]

The build then writes a small page at each old path that sends the reader on (``meta refresh``
plus a plain link, so it works without JavaScript). sphinx-reredirects does the writing part well,
but it reads its map only from conf.py; declaring the old path on the page itself keeps the fact
with the page that moved, so the handbook writes these few lines itself.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Set

from ..frontmatter import FrontMatter
from ..problems import Problem

OLD_PATH = re.compile(r"^[A-Za-z0-9_.\-]+(?:/[A-Za-z0-9_.\-]+)*$")


def normalise(path: str) -> str:
    """``/engineering/old.html`` or ``engineering/old.md`` -> ``engineering/old``."""
    path = path.strip().strip("/")
    for suffix in (".html", ".md"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    return posixpath.normpath(path) if path else path


def read_redirect_from(front_matter: FrontMatter) -> tuple[list[tuple[str, int]], list[Problem]]:
    value = front_matter.values.get("redirect-from")
    if value is None or value == "":
        return [], []
    line = front_matter.lines.get("redirect-from", front_matter.first_line)
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else None
    if items is None or not all(isinstance(item, str) for item in items):
        return [], [Problem("redirect", line, "'redirect-from' must be a list of old paths, e.g. "
                                              "redirect-from: [engineering/old-name]")]
    found, problems = [], []
    for item in items:
        old = normalise(item)
        if not OLD_PATH.match(old) or old.startswith(".."):
            problems.append(Problem("redirect", line, f"'redirect-from' entry '{item}' is not a path inside the "
                                                      "handbook; write it like engineering/old-name"))
        else:
            found.append((old, line))
    return found, problems


def judge(old: str, new: str, found_docs: Set[str], generated: Set[str] = frozenset()) -> str | None:
    """Why a redirect cannot be written, or None.

    A redirect page must never replace another: a page of the handbook, a page Sphinx or an
    extension generates (``genindex``, ``search``, ``404``), or, for the ``dirhtml`` builder, which
    writes ``a/b`` and ``a/b/index`` both to ``a/b/index.html``, the folder of one.
    """
    if old in found_docs:
        return f"cannot redirect '{old}' to '{new}': '{old}' is still a page; remove the redirect or the page"
    if old in generated:
        return f"cannot redirect '{old}' to '{new}': '{old}' is a page the build generates; remove the redirect"
    same_file = {f"{old}/index"} | ({old.removesuffix("/index")} if old.endswith("/index") else set())
    clash = sorted(same_file & set(found_docs))
    if clash:
        return (f"cannot redirect '{old}' to '{new}': it would be written where the page '{clash[0]}' is "
                "(the same folder in a dirhtml build); remove the redirect")
    if old.split("/", 1)[0] in {"_static", "_images", "_downloads", "_sources"}:
        return f"cannot redirect '{old}' to '{new}': '{old.split('/', 1)[0]}/' holds the site's own files"
    if new not in found_docs:
        return f"redirect from '{old}' points to '{new}', which is not a page; fix the target"
    return None


def folder_clash(old: str, new: str, written_at: str, outputs: Set[str]) -> str | None:
    """Why a redirect written at ``written_at`` (relative to the site's root) would need a folder
    where the site has a file (``index.html/x`` under the page ``index.html``), or None.

    The operating system refuses such a path, or a name longer than a file system allows; the
    build must say so at the redirect, not stop.
    """
    if any(len(part.encode("utf-8")) > 200 for part in written_at.split("/")):
        return f"cannot redirect '{old[:80]}…' to '{new}': a part of the old path is too long to be a file name"
    parts = written_at.split("/")[:-1]
    for depth in range(1, len(parts) + 1):
        folder = "/".join(parts[:depth])
        if folder in outputs:
            return (f"cannot redirect '{old}' to '{new}': it would be written inside '{folder}', which is a file of "
                    "the site (a page), not a folder; write the old path as the page had it, e.g. without "
                    "'.html' in the middle")
    return None
