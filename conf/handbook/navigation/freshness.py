"""Every page shows facts about other pages: when those change, every page is written again.

Sphinx writes an edited page and the pages whose toctree lists it, but not the rest of the site,
although every page's sidebar shows every title and the toctree's order and nesting, and its
previous/next links show its neighbours' titles. So a signature of all of that (the "site") is
kept from build to build, and when it differs every page is written: what a clean build would
write. An edit to a page's body leaves the signature alone, and the build stays incremental.

The signature lives in a small file beside Sphinx's doctrees, not in the environment: nothing
here is pickled with it, and a build that fails does not record it. Should the sidebar ever move
into one shared file that every page loads, a change to the navigation alone would need that file
written, not every page; each page's previous/next links would then be all it shows of other
pages, and ``site_signature`` is where the two parts would be told apart.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.environment import BuildEnvironment

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def site_signature(env: BuildEnvironment, *parts: str) -> str:
    """Changes whenever a page could show something else about another page.

    Titles, each page's table of contents (its headings and the toctrees in it, with their
    captions, ``:hidden:``, ``:numbered:`` and glob results), which page includes which, section
    and figure numbers, previous/next/parent relations; ``parts`` add what the caller knows more.
    """
    digest = hashlib.sha256()

    def add(*texts: object) -> None:
        for text in texts:
            digest.update(str(text).encode("utf-8"))
            digest.update(b"\x00")

    add(*parts)
    for docname in sorted(env.found_docs):
        title = env.titles.get(docname)
        toc = env.tocs.get(docname)
        add(docname, title.pformat() if title is not None else "", toc.pformat() if toc is not None else "",
            env.toctree_includes.get(docname, []), sorted(env.toc_secnumbers.get(docname, {}).items()),
            sorted((kind, sorted(numbers.items()))
                   for kind, numbers in env.toc_fignumbers.get(docname, {}).items()))
    add(sorted(env.collect_relations().items()))
    return digest.hexdigest()


def signature_file(app: Sphinx) -> Path:
    return Path(app.doctreedir) / f"handbook-navigation-{app.builder.name}.sha256"


def changed(app: Sphinx, signature: str) -> bool:
    """True when the last successful build had another signature, or is not known."""
    try:
        return signature_file(app).read_text(encoding="utf-8").strip() != signature
    except OSError:
        return True


def remember(app: Sphinx, signature: str) -> None:
    path = signature_file(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(signature + "\n", encoding="utf-8")


def every_page(env: BuildEnvironment) -> list[str]:
    return sorted(env.found_docs)
