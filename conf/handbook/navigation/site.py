"""One build's navigation: Sphinx's global toctree resolved once, each page's copy cut from a template.

The toctree is resolved by Sphinx's own code (the HTML builder's ``_get_local_toctree``, with the
arguments Furo passes) for a page that is in no toctree, with a stand-in builder that turns
internal links into numbered placeholders. Furo's own code then turns the rendered tree into its
markup, twice: as it is, and with every branch marked current (see ``markup.py``).
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bs4 import BeautifulSoup
from docutils import nodes
from sphinx import addnodes

from . import upstream
from .links import LinkTable, folder_of
from .markup import NavigationTemplate, anchor_text, build_template

if TYPE_CHECKING:
    from sphinx.builders.html import StandaloneHTMLBuilder
    from sphinx.environment import BuildEnvironment

# A docname no toctree names and no page has: resolved for it, the tree has no current branch
# and no toctree ancestors, which is what every page has in common.
NO_PAGE = "\x00handbook-navigation"
PLACEHOLDER_PREFIX = "handbook-navigation-link-"
PLACEHOLDER = re.compile(r'href="' + PLACEHOLDER_PREFIX + r'(?P<link>\d+)(?P<anchor>[^"]*)"')
FOLDERS_KEPT = 8  # pages are written in docname order, so a page's folder is usually the last one


class _StandIn:
    """The HTML builder as Sphinx's toctree code sees it while the navigation is resolved.

    Internal links come out as numbered placeholders; the resolved tree is kept, not rendered.
    Everything else is the real builder's.
    """

    def __init__(self, builder: StandaloneHTMLBuilder) -> None:
        self._builder = builder
        self.targets: list[str] = []
        self._numbers: dict[str, int] = {}
        self.tree: nodes.Element | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._builder, name)

    def get_relative_uri(self, from_: str, to: str, typ: str | None = None) -> str:
        if to not in self._numbers:
            self._numbers[to] = len(self.targets)
            self.targets.append(to)
        return f"{PLACEHOLDER_PREFIX}{self._numbers[to]}"

    def render_partial(self, node: nodes.Node | None) -> dict[str, str]:
        self.tree = node  # type: ignore[assignment]
        return {"fragment": "", "title": ""}


@dataclass
class ResolvedToctree:
    """The global toctree for no page in particular, with placeholder links."""

    tree: nodes.Element | None
    targets: list[str]  # placeholder number -> docname

    @classmethod
    def resolve(cls, builder: StandaloneHTMLBuilder, furos_own: Callable[[dict[str, Any]], str]) -> ResolvedToctree:
        stand_in = _StandIn(builder)

        def toctree(**kwargs: Any) -> str:
            # The builder's own method, run on the stand-in: Furo's arguments, Sphinx's defaults.
            return upstream.local_toctree(builder, stand_in, NO_PAGE, **kwargs)

        try:
            furos_own({"toctree": toctree})  # Furo asks for its tree with the arguments it always uses
        finally:
            upstream.forget_root_doctree(builder.env)  # never pickled with the environment
        return cls(stand_in.tree, stand_in.targets)

    def signature(self, *software: str) -> str:
        """Changes whenever any page's navigation would: titles, order, nesting, captions, links."""
        text = self.tree.pformat() if self.tree is not None else ""
        return hashlib.sha256("\n".join([*software, text, *self.targets]).encode("utf-8")).hexdigest()


def mark_every_branch_current(tree: nodes.Element) -> None:
    """Give every link and everything above it ``current``, once, as Sphinx does for one page."""
    marked: set[int] = set()
    for reference in tree.findall(nodes.reference):
        node: nodes.Element | None = reference
        while node is not None and id(node) not in marked:
            marked.add(id(node))
            node["classes"].append("current")
            node = node.parent


def exact_href(builder: StandaloneHTMLBuilder) -> Callable[[str], str]:
    """``href="..."`` for an unusual URL, written by the same HTML writer and BeautifulSoup as Furo."""
    cache: dict[str, str] = {}

    def attribute(url: str) -> str:
        if url not in cache:
            reference = nodes.reference("", "x", internal=True, refuri=url)
            fragment = builder.render_partial(nodes.paragraph("", "", reference))["fragment"]
            written = str(BeautifulSoup(fragment, "html.parser"))
            found = re.search(r""" (href=(?:"[^"]*"|'[^']*'))""", written)
            if found is None:
                raise ValueError(f"no href written for {url!r}")
            cache[url] = found.group(1)
        return cache[url]

    return attribute


def toctree_ancestors(toctree_includes: dict[str, list[str]]) -> Callable[[str], set[str]]:
    """Sphinx's toctree ancestors of a page: its parent, the parent's parent, ... (last parent wins)."""
    parent: dict[str, str] = {}
    for docname, children in toctree_includes.items():
        parent.update(dict.fromkeys(children, docname))

    def ancestors(docname: str) -> set[str]:
        found: list[str] = []
        while docname in parent and docname not in found:
            found.append(docname)
            docname = parent[docname]
        return set(found)

    return ancestors


class SiteNavigation:
    """Every page's navigation markup for one build (in one process)."""

    def __init__(self, builder: StandaloneHTMLBuilder, resolved: ResolvedToctree,
                 furos_own: Callable[[dict[str, Any]], str]) -> None:
        self.builder = builder
        plain = furos_own({"toctree": lambda **kwargs: self._render(resolved.tree, current=False)})
        current = furos_own({"toctree": lambda **kwargs: self._render(resolved.tree, current=True)})
        self.template: NavigationTemplate = build_template(plain, current, PLACEHOLDER, resolved.targets)
        self.links = LinkTable([builder.get_target_uri(link.target) for link in self.template.links],
                               [anchor_text(link.anchor) for link in self.template.links],
                               exact_href(builder))
        self._folders: OrderedDict[str, list[str]] = OrderedDict()
        self._left_to_furo = self._pages_with_conditional_ancestors(builder.env)

    def _render(self, tree: nodes.Element | None, *, current: bool) -> str:
        if tree is None:
            return ""
        copy = tree.deepcopy()  # rendering puts the tree into a document of its own
        if current:
            mark_every_branch_current(copy)
        return self.builder.render_partial(copy)["fragment"]

    @staticmethod
    def _pages_with_conditional_ancestors(env: BuildEnvironment) -> Callable[[str], bool]:
        # Sphinx copies an ancestor's toc entry whole (keeping its `only` nodes) but filters other
        # pages' entries, so below a page whose toc has `.. only::` the tree can differ from page to
        # page. Those few pages are left to Furo.
        conditional = {docname for docname, toc in env.tocs.items()
                       if next(toc.findall(addnodes.only), None) is not None}
        if not conditional:
            return lambda docname: False
        ancestors = toctree_ancestors(env.toctree_includes)
        return lambda docname: bool(ancestors(docname) & conditional)

    def for_page(self, pagename: str) -> str | None:
        """The page's navigation markup, or None where Furo must compute it itself."""
        if self._left_to_furo(pagename):
            return None
        branch = self.template.branch(pagename)
        if branch is None:
            return None
        url = self.builder.get_target_uri(pagename)
        return self.template.page(self._filled(folder_of(url)), branch, self.links.own(url))

    def _filled(self, folder: str) -> list[str]:
        filled = self._folders.get(folder)
        if filled is None:
            filled = self._folders[folder] = self.template.with_links(self.links.in_folder(folder))
            if len(self._folders) > FOLDERS_KEPT:
                self._folders.popitem(last=False)
        else:
            self._folders.move_to_end(folder)
        return filled
