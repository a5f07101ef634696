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

A part whose pages are byte for byte those it was made from last time is kept as it is: an edit to
one page of a 5,000-page site runs Pagefind over that page's part only. A part's index depends on
nothing but its pages, the language and Pagefind's version, all of which its stamp covers.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from sphinx.util import logging

from ..warnings_ import HandbookWarning, warn
from .pages import BUNDLE, uses_pagefind

# Sphinx's "#" after each heading is no word of the page (and would end every result's title).
EXCLUDE = ".headerlink"
STAMP = "handbook-search.json"  # in the doctree folder: the pages the index and each part were made from
PARTS = "handbook-parts.json"  # in the bundle: the other parts, relative to it
MORE = "more"  # in the bundle: the folder of the other parts
KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
HANGUL = re.compile(r"[\uac00-\ud7af]")

logger = logging.getLogger(__name__)


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


def page_digests(outdir: Path) -> tuple[dict[PurePosixPath, bytes], set[PurePosixPath]]:
    """Each page Pagefind may read with the digest of its contents, and those with a body to index.

    Contents, not times: the index, search and 404 pages are written again by every build."""
    digests: dict[PurePosixPath, bytes] = {}
    bodied: set[PurePosixPath] = set()
    for page in site_pages(outdir):
        content = (outdir / page).read_bytes()
        digests[page] = hashlib.sha256(content).digest()
        if b"data-pagefind-body" in content:
            bodied.add(page)
    return digests, bodied


def _pagefind_version() -> str:
    versions = []
    for package in ("pagefind", "pagefind_bin_extended", "pagefind_bin"):
        try:
            versions.append(f"{package}={importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            pass
    return " ".join(versions)


def signature(header: str, pages: list[PurePosixPath], digests: dict[PurePosixPath, bytes]) -> str:
    """A digest of ``pages`` (in order) and their contents, under ``header``."""
    digest = hashlib.sha256(f"{header}\n".encode())
    for page in pages:
        digest.update(f"{page}\n".encode())
        digest.update(digests[page])
    return digest.hexdigest()


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


class Part(NamedTuple):
    glob: str  # what Pagefind is given; "" for a site indexed whole
    pages: list[PurePosixPath]


def index_parts(pages: list[PurePosixPath], limit: int, bodied: set[PurePosixPath] | None = None) -> list[Part]:
    """The parts to index: consecutive folders, at most ``limit`` pages a part (a folder's own
    pages are never split). One part, the whole site, when it is small enough.

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
        return [Part("", list(pages))]
    return [Part(globs[0] if len(globs) == 1 else "{" + ",".join(globs) + "}", members) for globs, members in parts]


def command(site: Path, output: Path, language: str, glob: str = "") -> list[str]:
    return [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(output),
            "--force-language", language, "--exclude-selectors", EXCLUDE, "--keep-index-url", "--quiet",
            *(["--glob", glob] if glob else [])]


def _location(bundle: Path, number: int) -> Path:
    return bundle if number == 0 else bundle / MORE / str(number)


def _keep(old: Path, target: Path) -> None:
    """Put an unchanged part's index, ``old``, at ``target``: hard links where the file system
    allows (an index is never written to in place: each build writes a new one aside)."""
    def link(source: str, destination: str) -> None:
        try:
            os.link(source, destination)
        except OSError:
            shutil.copy2(source, destination)

    # the first part's folder also holds the other parts and their list, which are not its own
    shutil.copytree(old, target, copy_function=link, dirs_exist_ok=True,
                    ignore=lambda folder, names: [MORE, PARTS] if Path(folder) == old else [])


def _index(outdir: Path, aside: Path, language: str, parts: list[Part], stamps: list[str],
           kept: dict[str, Path]) -> str | None:
    """Each part into ``aside`` (the first) and ``aside/more/<n>``, Pagefind run only for the parts
    not in ``kept`` (stamp: the last index's folder of that part); what went wrong, if anything."""
    for number, (part, stamp) in enumerate(zip(parts, stamps, strict=True)):
        target = _location(aside, number)
        if stamp in kept:
            _keep(kept[stamp], target)
            continue
        result = subprocess.run(command(outdir, target, language, part.glob),
                                capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
        if result.returncode != 0 or not (target / "pagefind.js").is_file():
            output = (result.stderr or result.stdout).strip().splitlines()
            return f"pagefind exited with {result.returncode}: {output[-1] if output else 'no message'}"
    names = [f"{MORE}/{number}/" for number in range(1, len(parts))]
    (aside / PARTS).write_text(json.dumps(names) + "\n", encoding="utf-8")
    return None


def _last_stamp(path: Path) -> tuple[str, list[str]]:
    """The site's and each part's stamp of the last index; nothing for a stamp unread or of an older form."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return str(data["site"]), [str(stamp) for stamp in data["parts"]]
    except (OSError, ValueError, KeyError, TypeError):
        return "", []


def build_finished(app: Any, exception: BaseException | None) -> None:
    if exception is not None or not uses_pagefind(app):
        return
    outdir = Path(app.outdir)
    stale = outdir / "searchindex.js"  # Sphinx's, from a build before the search was Pagefind's
    if stale.exists():
        stale.unlink()
    language = site_language(app)
    limit = int(app.config.handbook_search_pages_per_index)
    stamp_file = Path(app.doctreedir) / STAMP
    digests, bodied = page_digests(outdir)
    header = f"pagefind {_pagefind_version()} {language} exclude={EXCLUDE}"
    site_stamp = signature(f"{header} limit={limit}", list(digests), digests)
    bundle = outdir / BUNDLE
    last_site, last_parts = _last_stamp(stamp_file)
    if bundle.is_dir() and last_site == site_stamp:
        return  # no page changed since the index was made
    parts = index_parts(list(digests), limit, bodied)
    stamps = [signature(f"{header} glob={part.glob}", part.pages, digests) for part in parts]
    kept = {stamp: _location(bundle, number) for number, stamp in enumerate(last_parts)
            if (_location(bundle, number) / "pagefind.js").is_file()} if bundle.is_dir() else {}
    aside = Path(app.doctreedir) / "pagefind-new"
    shutil.rmtree(aside, ignore_errors=True)
    failure = _index(outdir, aside, language, parts, stamps, kept)
    if failure is not None:
        shutil.rmtree(aside, ignore_errors=True)
        warn(HandbookWarning.SEARCH, f"the search index could not be built, so search shows the last index ({failure})")
        return
    if len(parts) > 1:
        fresh = sum(stamp not in kept for stamp in stamps)
        logger.info(f"search: {fresh} of {len(parts)} index parts made again, the others unchanged")
    old = outdir / f"{BUNDLE}-old"
    shutil.rmtree(old, ignore_errors=True)
    stamp_file.unlink(missing_ok=True)  # a build stopped before the new stamp is written indexes anew
    if bundle.exists():
        bundle.rename(old)
    aside.rename(bundle)
    shutil.rmtree(old, ignore_errors=True)
    stamp_file.write_text(json.dumps({"site": site_stamp, "parts": stamps}) + "\n", encoding="utf-8")
