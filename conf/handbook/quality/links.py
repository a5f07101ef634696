"""Links inside raw HTML, which neither Sphinx nor MyST-Parser look at.

Plain functions: find the links in a block of HTML (with their line within the block), and judge a
link against the documents, anchors and files of the site.
"""

from __future__ import annotations

import dataclasses
import posixpath
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

# Attributes that point at something the reader's browser will fetch or follow.
LINK_ATTRIBUTES = {("a", "href"), ("area", "href"), ("img", "src"), ("source", "src"), ("video", "src"),
                   ("audio", "src"), ("iframe", "src"), ("embed", "src"), ("object", "data"),
                   ("link", "href"), ("script", "src"), ("track", "src")}


@dataclasses.dataclass(frozen=True)
class RawLink:
    line: int  # 0-based line within the HTML block
    url: str


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[RawLink] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0] - 1
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif (tag, name) in LINK_ATTRIBUTES:
                self.links.append(RawLink(line, value.strip()))

    handle_startendtag = handle_starttag


def parse_html(html: str) -> tuple[list[RawLink], set[str]]:
    """The links in a piece of HTML, and the ids it defines (targets for ``#fragment`` links)."""
    parser = _LinkParser()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):
        pass  # html.parser gives up on some broken markup; keep what it found
    return parser.links, parser.ids


def is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme) or url.startswith("//")


@dataclasses.dataclass(frozen=True)
class Site:
    """What a link may land on: documents (by docname) with their ids, and files by path."""

    docs: dict[str, set[str]]
    files: set[str]  # files the built site has besides pages: static and extra files, by site path
    sources: frozenset[str] = frozenset()  # files in the source tree (raw HTML does not copy them)
    file_suffix: str = ".html"


def judge(site: Site, docname: str, url: str) -> str | None:
    """Why a site-internal link from ``docname`` is broken, or None when it lands.

    ``url`` is as written in the HTML: relative to the page's own output file.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return f"'{url}' is not a valid URL"
    if parts.scheme or url.startswith("//"):
        return None  # external: make linkcheck's business
    path, fragment = unquote(parts.path), unquote(parts.fragment)
    if not path:
        if fragment and fragment not in site.docs.get(docname, set()):
            return f"'#{fragment}' is not an anchor on this page"
        return None
    here = posixpath.dirname(docname)
    target = posixpath.normpath(posixpath.join(here, path)) if not path.startswith("/") else path.lstrip("/")
    if target.startswith("../") or target == "..":
        return f"'{url}' points outside the site"
    if path.endswith("/"):
        target = posixpath.join(target, "index" + site.file_suffix)
    if target.endswith(site.file_suffix):
        target_doc = target[: -len(site.file_suffix)]
        if target_doc not in site.docs:
            return f"'{url}' links to a page that does not exist"
        if fragment and fragment not in site.docs[target_doc]:
            return f"'{url}': page '{target_doc}' has no anchor '#{fragment}'"
        return None
    if target.endswith((".md", ".rst")):
        doc = target.rsplit(".", 1)[0]
        if doc in site.docs:
            return (f"'{url}' links to a source file, which raw HTML does not rewrite; "
                    f"link to '{posixpath.relpath(doc, here or '.')}{site.file_suffix}'")
    if target in site.files:
        return None
    if target in site.sources:
        return (f"'{url}' is in the source tree but raw HTML does not copy it into the site; "
                "use a Markdown image or {download} link so Sphinx copies it")
    return f"'{url}' links to a file that does not exist"
