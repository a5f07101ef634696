"""Small pages: each page carries its own branch of Furo's sidebar, the rest comes from one shared file.

Furo puts the whole navigation tree in every page; at a few thousand pages that is most of each
page's weight and most of the site's. Here a page keeps, of the markup Furo would write, the
branch a reader needs without script: every top-level entry, and the entries under each ancestor
of the page and under the page itself (its siblings and children), each exactly as Furo writes it.
Below every other entry that has children, the checkbox, label and ``<ul>`` are moved to one
shared file, ``_static/handbook-navigation.js``, and the ``<li>`` is marked
``data-handbook-subtree="N"``. ``handbook-sidebar.js`` (a static file: no inline script, so it runs
under ``script-src 'self'``) puts them back, with each link's href worked out from the page's own
URL as Sphinx does, so the sidebar after load is Furo's, node for node. The shared file holds
every subtree once, with its nested subtrees by number, and is cached like any static file
(Sphinx adds ``?v=<checksum>``).

Only pages whose markup is the fast navigation's template (see ``site.py``) are made small; pages
left to Furo keep its whole tree. :func:`expand` does in Python what the script does in the
browser, so a build can be compared with Furo's without a browser.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.util import logging

from . import upstream
from .links import folder_of
from .markup import VOID, MarkupMismatch, NavigationTemplate
from .site import SiteNavigation

logger = logging.getLogger(__name__)

DATA_FILE = "handbook-navigation.js"  # written into _static by the build
SCRIPT_FILE = "handbook-sidebar.js"  # in the extension's _static folder
DATA_GLOBAL = "handbookNavigation"
SUBTREE_ATTRIBUTE = "data-handbook-subtree"
PAGE_ATTRIBUTE = "data-handbook-page"
# After Furo's html-page-context handler (500) has put the whole tree in the context.
AFTER_FURO = 520
# What moves out of a collapsed entry into the shared file: Furo's checkbox and label, and the list.
MOVED = frozenset({"input", "label", "ul"})
TOP = -1


@dataclass(frozen=True)
class Subtree:
    number: int
    item: int  # the piece of the <li> start tag
    start: int  # the first piece moved out (the checkbox)
    end: int  # the piece of the </li> end tag, which stays
    parent: int  # the subtree this one sits in, or TOP


def element_ends(template: NavigationTemplate) -> dict[int, int]:
    """The piece of each element's end tag (void elements end where they start)."""
    ends: dict[int, int] = {}
    stack: list[int] = []
    for index, piece in enumerate(template.pieces):
        name = template.names.get(index)
        if name is not None:
            if name in VOID or piece.endswith("/>"):
                ends[index] = index
            else:
                stack.append(index)
        elif piece.startswith("</"):
            if not stack:
                raise MarkupMismatch(f"unbalanced end tag {piece!r}")
            ends[stack.pop()] = index
    if stack:
        raise MarkupMismatch("unclosed elements in the navigation markup")
    return ends


class SmallPages:
    """One build's small navigation: which pieces each page keeps, and the shared file's data."""

    def __init__(self, template: NavigationTemplate) -> None:
        self.template = template
        ends = element_ends(template)
        children: dict[int, list[int]] = {}
        for head, parent in sorted(template.parents.items()):
            children.setdefault(parent, []).append(head)
        self.subtrees: list[Subtree] = []
        self._of_item: dict[int, int] = {}
        for head in sorted(template.names):
            if template.names[head] != "li":
                continue
            kids = children.get(head, [])
            if not any(template.names[kid] == "ul" for kid in kids):
                continue  # no children: nothing to move
            start = next(kid for kid in kids if template.names[kid] in MOVED)
            parent = self._enclosing(head)
            self._of_item[head] = len(self.subtrees)
            self.subtrees.append(Subtree(len(self.subtrees), head, start, ends[head], parent))
        self.children: dict[int, list[int]] = {}
        for subtree in self.subtrees:
            self.children.setdefault(subtree.parent, []).append(subtree.number)
        self._self_links: dict[str, list[int]] = {}
        for number, link in enumerate(template.links):
            if not link.anchor:
                self._self_links.setdefault(link.target, []).append(number)

    def _enclosing(self, head: int) -> int:
        element = self.template.parents[head]
        while element != -1:
            if element in self._of_item:
                return self._of_item[element]
            element = self.template.parents[element]
        return TOP

    def open_on(self, docname: str) -> set[int]:
        """The subtrees a page shows open: those of its ancestors' entries and its own."""
        links = self._self_links.get(docname, [])
        if len(links) != 1:
            return set()
        opened = set()
        element = self.template.link_tags[links[0]]
        while element != -1:
            if element in self._of_item:
                opened.add(self._of_item[element])
            element = self.template.parents[element]
        return opened

    def page(self, pieces: Sequence[str], docname: str) -> str:
        """The page's markup from its whole-tree ``pieces``, with the subtrees it does not open left out."""
        opened = self.open_on(docname)
        collapsed = sorted((number for parent in (TOP, *opened) for number in self.children.get(parent, ())
                            if number not in opened), key=lambda number: self.subtrees[number].start)
        out: list[str] = []
        position = 0
        for number in collapsed:
            subtree = self.subtrees[number]
            out.extend(pieces[position:subtree.item])
            out.append(mark(pieces[subtree.item], number))
            out.extend(pieces[subtree.item + 1:subtree.start])
            position = subtree.end
        out.extend(pieces[position:])
        return "".join(out)

    def shared_data(self, target_urls: Sequence[str], anchors: Sequence[str]) -> dict[str, Any]:
        """The shared file's content: every link's URL and anchor, and every subtree's markup.

        A subtree is a list of strings (markup), link numbers (an ``href="..."`` attribute for that
        link) and, for a subtree nested in it, ``-1 - its number``.
        """
        slots = {slot: link for link, slot in enumerate(self.template.link_slots)}
        parts = []
        for subtree in self.subtrees:
            part: list[str | int] = []
            index = subtree.start
            nested = iter(self.children.get(subtree.number, ()))
            upcoming = next(nested, None)
            while index < subtree.end:
                if upcoming is not None and index == self.subtrees[upcoming].start:
                    part.append(-1 - upcoming)
                    index = self.subtrees[upcoming].end
                    upcoming = next(nested, None)
                    continue
                if index in slots:
                    part.append(slots[index])
                elif part and isinstance(part[-1], str):
                    part[-1] += self.template.pieces[index]
                else:
                    part.append(self.template.pieces[index])
                index += 1
            parts.append(part)
        return {"links": [[url, anchor] for url, anchor in zip(target_urls, anchors, strict=True)],
                "parts": parts}


def mark(tag: str, number: int) -> str:
    """``<li ...>`` with the subtree's number, the attribute the sidebar script looks for."""
    end = -2 if tag.endswith("/>") else -1
    return f'{tag[:end]} {SUBTREE_ATTRIBUTE}="{number}"{tag[end:]}'


def data_script(data: dict[str, Any], signature: str) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # JSON is a JavaScript expression; U+2028/9 are escaped for older parsers all the same.
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"/* {signature} */\nwindow.{DATA_GLOBAL}={text};\n"


# --- the same joining in Python, for tests and the bench --------------------------------------------

def relative_uri(base: str, to: str) -> str:
    from sphinx.util.osutil import relative_uri as sphinxs

    return sphinxs(base, to)


def _escape(url: str) -> str:
    return url.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


_MARKED = re.compile(r'(<li[^>]*?) ' + SUBTREE_ATTRIBUTE + r'="(\d+)"(>.*?)(</li>)', re.S)
_PAGE = re.compile(r' ' + PAGE_ATTRIBUTE + r'="([^"]*)"')


def expand(sidebar: str, data: dict[str, Any]) -> str:
    """A small page's ``<div class="sidebar-tree" ...>...</div>`` as the script leaves it."""
    found = _PAGE.search(sidebar)
    if found is None:
        return sidebar
    import html

    page = html.unescape(found.group(1))
    links, parts = data["links"], data["parts"]

    def href(link: int) -> str:
        url, anchor = links[link]
        return 'href="' + _escape((relative_uri(page, url) + anchor) or "#") + '"'

    def fill(number: int) -> str:
        return "".join(item if isinstance(item, str) else href(item) if item >= 0 else fill(-1 - item)
                       for item in parts[number])

    sidebar = sidebar[:found.start()] + sidebar[found.end():]
    return _MARKED.sub(lambda m: m.group(1) + m.group(3) + fill(int(m.group(2))) + m.group(4), sidebar)


def read_data(outdir: Path) -> dict[str, Any] | None:
    path = outdir / "_static" / DATA_FILE
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    return json.loads(text[text.index("=") + 1:].rstrip().rstrip(";"))


def page_pieces(site: SiteNavigation, pagename: str) -> list[str] | None:
    """The pieces ``site.for_page`` joins for a page (None: left to Furo), before they are joined.

    The caller compares their join with the markup Furo was given, so a change in ``site.py`` can
    make pages whole again, never wrong.
    """
    if site._left_to_furo(pagename):
        return None
    branch = site.template.branch(pagename)
    if branch is None:
        return None
    url = site.builder.get_target_uri(pagename)
    pieces = list(site._filled(folder_of(url)))
    for index, text in branch.items():
        pieces[index] = text
    for link, href in site.links.own(url).items():
        pieces[site.template.link_slots[link]] = href
    return pieces


# --- wiring ----------------------------------------------------------------------------------------

class SharedNavigation:
    def __init__(self, navigation: Any) -> None:
        self.navigation = navigation  # the FastNavigation of this application
        self.small: SmallPages | None = None
        self.on = False

    def builder_inited(self, app: Any) -> None:
        self.small, self.on = None, False
        if not app.config.handbook_shared_navigation or not self.navigation.active:
            return
        self.on = True
        app.add_js_file(DATA_FILE, priority=600)
        app.add_js_file(SCRIPT_FILE, priority=610)

    def write_started(self, app: Any, builder: Any) -> None:
        """Write the shared file before any page: Sphinx's ``?v=`` checksum is taken from it."""
        self.small = None
        if not self.on or not self.navigation.active or self.navigation.resolved is None:
            return
        navigation = self.navigation
        try:
            if navigation.site is None:
                navigation.site = SiteNavigation(builder, navigation.resolved,
                                                 upstream.furos_own(navigation.furo))
            self.small = SmallPages(navigation.site.template)
        except MarkupMismatch:
            return  # the fast navigation says so on its first page and leaves the build to Furo
        path = Path(builder.outdir) / "_static" / DATA_FILE
        site = navigation.site
        text = data_script(self.small.shared_data(site.links.target_urls, site.links.anchors),
                           navigation.signature)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            upstream.forget_asset_checksums()

    def page_context(self, app: Any, pagename: str, templatename: str, context: dict[str, Any],
                     doctree: Any) -> None:
        site = self.navigation.site
        if self.small is None or site is None or not self.navigation.active:
            return
        markup = context.get("furo_navigation_tree")
        if not markup:
            return
        pieces = page_pieces(site, pagename)
        if pieces is None or "".join(pieces) != markup:
            return  # Furo computed this page's tree itself: keep it whole
        context["furo_navigation_tree"] = self.small.page(pieces, pagename)
        context["handbook_navigation_page"] = app.builder.get_target_uri(pagename)


def setup_shared(app: Any, navigation: Any) -> None:
    app.add_config_value("handbook_shared_navigation", True, "html", types=frozenset({bool}))
    shared = SharedNavigation(navigation)
    app.connect("builder-inited", shared.builder_inited, priority=600)
    app.connect("write-started", shared.write_started)
    app.connect("html-page-context", shared.page_context, priority=AFTER_FURO)
