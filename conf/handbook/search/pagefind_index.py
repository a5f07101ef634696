"""Index the built site with Pagefind, after a build that succeeded.

Pagefind reads the written pages, not Sphinx's doctrees, so it runs once the site is complete; a
build that wrote no page leaves the index as it was. The new index is written aside and swapped in,
so a failed indexing leaves the last good one, and nothing of an older index lingers.

Pagefind holds everything it indexes in memory until it writes: about 0.2 to 0.3 MB per realistic
page (tables and code are most of it), plus about 310 MB for its Japanese dictionary. So a site of
more than ``handbook_search_pages_per_index`` pages is indexed in parts, folder by folder, one
Pagefind run after another: ``pagefind/`` holds the first, ``pagefind/more/<n>/`` the others, and
``pagefind/handbook-parts.json`` lists them for the search page, which merges them into one search
(Pagefind's ``mergeIndex``). Memory then stays that of one part however large the site; a query
loads each part's small entry files and chunks for its words, and the fragments of the results it
shows.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath
from typing import Any

from ..warnings_ import HandbookWarning, warn
from .pages import BUNDLE, uses_pagefind

# Sphinx's "#" after each heading is no word of the page (and would end every result's title).
EXCLUDE = ".headerlink"
STAMP = "handbook-search.sha256"  # in the doctree folder: the pages the index was made from
PARTS = "handbook-parts.json"  # in the bundle: the other parts, relative to it
MORE = "more"  # in the bundle: the folder of the other parts
KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
HANGUL = re.compile(r"[\uac00-\ud7af]")


def site_language(app: Any) -> str:
    """The one language the whole site is indexed as (see the package docstring)."""
    if app.config.handbook_search_language:
        return str(app.config.handbook_search_language)
    han = hangul = False
    for docname in sorted(app.env.found_docs):
        try:
            text = Path(app.env.doc2path(docname)).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if KANA.search(text):
            return "ja"  # Japanese mixes kana with Han characters; kana alone says Japanese
        han = han or bool(HAN.search(text))
        hangul = hangul or bool(HANGUL.search(text))
    if han:
        return "zh"
    if hangul:
        return "ko"
    return (app.config.language or "en").split("_")[0].split("-")[0]


def site_pages(outdir: Path) -> list[PurePosixPath]:
    """Every page Pagefind may read, relative to the site, sorted."""
    return sorted(PurePosixPath(path.relative_to(outdir).as_posix()) for path in outdir.rglob("*.html")
                  # the index itself, and folders named like pages (dirhtml's old "a.html/")
                  if BUNDLE not in path.relative_to(outdir).parts[:1] and path.is_file())


def pages_signature(outdir: Path, language: str, limit: int = 0) -> tuple[str, set[PurePosixPath]]:
    """A digest of the pages Pagefind would read, and those of them with a body to index."""
    digest = hashlib.sha256(f"pagefind {language} {limit}\n".encode())
    bodied: set[PurePosixPath] = set()
    for page in site_pages(outdir):
        # Contents, not times: the index, search and 404 pages are written by every build.
        content = (outdir / page).read_bytes()
        digest.update(f"{page}\n".encode())
        digest.update(hashlib.sha256(content).digest())
        if b"data-pagefind-body" in content:
            bodied.add(page)
    return digest.hexdigest(), bodied


GLOB_SPECIAL = re.compile(r"([\\{}\[\]*?,!])")


def _glob_folder(folder: PurePosixPath) -> str:
    return GLOB_SPECIAL.sub(r"[\1]", folder.as_posix())


def _groups(folder: PurePosixPath, pages: list[PurePosixPath], limit: int) -> list[tuple[str, list[PurePosixPath]]]:
    """(glob, its pages) covering ``pages`` (all below ``folder``), in order, each at most ``limit``
    pages unless a single folder holds more pages of its own than that."""
    prefix = f"{_glob_folder(folder)}/" if folder.parts else ""
    if len(pages) <= limit:
        return [(f"{prefix}**/*.html", pages)]
    here = [page for page in pages if page.parent == folder]
    below: dict[str, list[PurePosixPath]] = {}
    for page in pages:
        if page.parent != folder:
            below.setdefault(page.relative_to(folder).parts[0], []).append(page)
    groups = [(f"{prefix}*.html", here)] if here else []
    for name in sorted(below):
        groups += _groups(folder / name, below[name], limit)
    return groups


def index_parts(pages: list[PurePosixPath], limit: int, bodied: set[PurePosixPath] | None = None) -> list[str]:
    """One Pagefind glob per part: consecutive folders, at most ``limit`` pages a part (a folder's
    own pages are never split). One part, ``**/*.html``, when the site is small enough.

    A part none of whose pages has a body to index is left out: Pagefind, finding no
    ``data-pagefind-body`` in a run, would index those pages (redirects, the search page) whole."""
    parts: list[tuple[list[str], list[PurePosixPath]]] = []
    for glob, members in _groups(PurePosixPath(), pages, max(1, limit)):
        if not parts or len(parts[-1][1]) + len(members) > limit:
            parts.append(([], []))
        parts[-1][0].append(glob)
        parts[-1][1].extend(members)
    if bodied is not None:
        parts = [part for part in parts if any(page in bodied for page in part[1])]
    if len(parts) <= 1:
        return ["**/*.html"]
    return [globs[0] if len(globs) == 1 else "{" + ",".join(globs) + "}" for globs, _ in parts]


def command(site: Path, output: Path, language: str, glob: str = "") -> list[str]:
    return [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(output),
            "--force-language", language, "--exclude-selectors", EXCLUDE, "--keep-index-url", "--quiet",
            *(["--glob", glob] if glob else [])]


def _index(outdir: Path, aside: Path, language: str, globs: list[str]) -> str | None:
    """Pagefind over each part into ``aside`` (the first) and ``aside/more/<n>``; what went wrong, if anything."""
    for number, glob in enumerate(globs):
        target = aside if number == 0 else aside / MORE / str(number)
        result = subprocess.run(command(outdir, target, language, glob if len(globs) > 1 else ""),
                                capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
        if result.returncode != 0 or not (target / "pagefind.js").is_file():
            output = (result.stderr or result.stdout).strip().splitlines()
            return f"pagefind exited with {result.returncode}: {output[-1] if output else 'no message'}"
    parts = [f"{MORE}/{number}/" for number in range(1, len(globs))]
    (aside / PARTS).write_text(json.dumps(parts) + "\n", encoding="utf-8")
    return None


def build_finished(app: Any, exception: BaseException | None) -> None:
    if exception is not None or not uses_pagefind(app):
        return
    outdir = Path(app.outdir)
    stale = outdir / "searchindex.js"  # Sphinx's, from a build before the search was Pagefind's
    if stale.exists():
        stale.unlink()
    language = site_language(app)
    limit = int(app.config.handbook_search_pages_per_index)
    stamp = Path(app.doctreedir) / STAMP
    signature, bodied = pages_signature(outdir, language, limit)
    bundle = outdir / BUNDLE
    if bundle.is_dir() and stamp.is_file() and stamp.read_text(encoding="utf-8") == signature:
        return  # no page changed since the index was made
    aside = Path(app.doctreedir) / "pagefind-new"
    shutil.rmtree(aside, ignore_errors=True)
    failure = _index(outdir, aside, language, index_parts(site_pages(outdir), limit, bodied))
    if failure is not None:
        shutil.rmtree(aside, ignore_errors=True)
        warn(HandbookWarning.SEARCH, f"the search index could not be built, so search shows the last index ({failure})")
        return
    old = outdir / f"{BUNDLE}-old"
    shutil.rmtree(old, ignore_errors=True)
    if bundle.exists():
        bundle.rename(old)
    aside.rename(bundle)
    shutil.rmtree(old, ignore_errors=True)
    stamp.write_text(signature, encoding="utf-8")
