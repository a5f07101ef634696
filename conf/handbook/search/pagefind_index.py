"""Index the built site with Pagefind, after a build that succeeded.

Pagefind reads the written pages, not Sphinx's doctrees, so it runs once the site is complete; a
build that wrote no page leaves the index as it was. The new index is written aside and swapped in,
so a failed indexing leaves the last good one, and nothing of an older index lingers.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from ..warnings_ import HandbookWarning, warn
from .pages import BUNDLE, uses_pagefind

# Sphinx's "#" after each heading is no word of the page (and would end every result's title).
EXCLUDE = ".headerlink"
STAMP = "handbook-search.sha256"  # in the doctree folder: the pages the index was made from
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


def pages_signature(outdir: Path, language: str) -> str:
    digest = hashlib.sha256(f"pagefind {language}\n".encode())
    for path in sorted(outdir.rglob("*.html")):
        if BUNDLE in path.relative_to(outdir).parts[:1] or not path.is_file():
            continue  # the index itself, and folders named like pages (dirhtml's old "a.html/")
        # Contents, not times: the index, search and 404 pages are written by every build.
        digest.update(f"{path.relative_to(outdir).as_posix()}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def command(site: Path, output: Path, language: str) -> list[str]:
    return [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(output),
            "--force-language", language, "--exclude-selectors", EXCLUDE, "--keep-index-url", "--quiet"]


def build_finished(app: Any, exception: BaseException | None) -> None:
    if exception is not None or not uses_pagefind(app):
        return
    outdir = Path(app.outdir)
    stale = outdir / "searchindex.js"  # Sphinx's, from a build before the search was Pagefind's
    if stale.exists():
        stale.unlink()
    language = site_language(app)
    stamp = Path(app.doctreedir) / STAMP
    signature = pages_signature(outdir, language)
    bundle = outdir / BUNDLE
    if bundle.is_dir() and stamp.is_file() and stamp.read_text(encoding="utf-8") == signature:
        return  # no page changed since the index was made
    aside = Path(app.doctreedir) / "pagefind-new"
    shutil.rmtree(aside, ignore_errors=True)
    result = subprocess.run(command(outdir, aside, language), capture_output=True, text=True,
                            env={**os.environ, "NO_COLOR": "1"})
    if result.returncode != 0 or not (aside / "pagefind.js").is_file():
        shutil.rmtree(aside, ignore_errors=True)
        output = (result.stderr or result.stdout).strip().splitlines()
        warn(HandbookWarning.SEARCH, "the search index could not be built, so search shows the last index "
             f"(pagefind exited with {result.returncode}: {output[-1] if output else 'no message'})")
        return
    old = outdir / f"{BUNDLE}-old"
    shutil.rmtree(old, ignore_errors=True)
    if bundle.exists():
        bundle.rename(old)
    aside.rename(bundle)
    shutil.rmtree(old, ignore_errors=True)
    stamp.write_text(signature, encoding="utf-8")
