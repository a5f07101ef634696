"""Tags that lead somewhere: ``tags:`` in any page's front matter become links to a page per tag,
and ``{tag-index}`` lists every tag with how many pages carry it.

Decision records show their tags in their status box; other pages get a "Tags:" line under the
title. Per page the domain keeps only the tags written there; the index and the tag pages are drawn
from all of them when pages are written, and a change to any page's tags or title redraws them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from html import escape
from typing import TYPE_CHECKING, Any, ClassVar, cast

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from ..pagedata import PageDataDomain
from ..source import page_source
from ..warnings_ import HandbookWarning, warn
from . import model, render

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

    from handbook.records.domain import DecisionRecordsDomain


class tag_index_placeholder(nodes.General, nodes.Element):  # noqa: N801 (docutils naming)
    """Where ``{tag-index}`` stood; filled in once every page's tags are known."""


class TagIndex(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        node = tag_index_placeholder()
        self.set_source_info(node)
        return [node]


class TagsDomain(PageDataDomain):
    """tags: docname -> tags as written; indexes: docname -> True for pages showing the index."""

    name = "tags"
    label = "Tags"
    initial_data: ClassVar[dict[str, Any]] = {"tags": {}, "indexes": {}, "signature": ""}
    tables = ("tags", "indexes")

    def process_doc(self, env: BuildEnvironment, docname: str, document: nodes.document) -> None:
        if any(True for _ in document.findall(tag_index_placeholder)):
            self.table("indexes")[docname] = True
        tags, problems = model.read_tags(page_source(env, docname).front_matter)
        for problem in problems:
            warn(HandbookWarning.TAG, problem.message, (docname, problem.line))
        if tags:
            self.table("tags")[docname] = tags

    def tags_of(self, docname: str) -> list[str]:
        return list(self.table("tags").get(docname, []))

    def all_tags(self) -> list[model.Tag]:
        return model.collect(self.table("tags"))

    def index_doc(self) -> str | None:
        return min(self.table("indexes"), default=None)


def _signature(env: BuildEnvironment, domain: TagsDomain) -> str:
    shown = {docname: [tags, render.title_of(env, docname)] for docname, tags in domain.table("tags").items()}
    return hashlib.sha256(json.dumps(shown, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def indexes_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: when any page's tags, or the title of a tagged page, changed, the pages
    showing the tag index are written again (the tag pages are written on every build)."""
    domain = cast("TagsDomain", env.domains["tags"])
    signature = _signature(env, domain)
    if signature == domain.data.get("signature"):
        return []
    domain.data["signature"] = signature
    return sorted(domain.table("indexes"))


def folder(app_or_builder: Any) -> str:
    return app_or_builder.config.handbook_tags_folder.strip("/") or "tags"


def links_for(builder: Builder, docname: str, tags: list[str]) -> list[nodes.Node]:
    """A page's tags as links, for other capabilities that show tags (a record's status box)."""
    domain = cast("TagsDomain", builder.env.domains["tags"])
    return render.tag_links(builder, docname, tags, folder(builder), domain.index_doc())


def show_tags(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: the tag index where it is placed, and a "Tags:" line on tagged pages
    that are not decision records (a record's status box shows its tags)."""
    domain = cast("TagsDomain", app.env.domains["tags"])
    for node in list(doctree.findall(tag_index_placeholder)):
        node.replace_self(render.index(app.builder, app.env, docname, domain.all_tags(), folder(app)))
    if app.builder.format not in ("html", "latex"):
        return
    for page, root in _pages(doctree, docname):
        tags = domain.tags_of(page)
        if not tags or cast("DecisionRecordsDomain", app.env.domains["records"]).get_record(page) is not None:
            continue
        section = next(iter(root.findall(nodes.section)), None)
        if section is None:
            continue
        position = 1 if section.children and isinstance(section[0], nodes.title) else 0
        section.insert(position, render.pages_line(app.builder, page, tags, folder(app), domain.index_doc()))


def _pages(doctree: nodes.document, docname: str) -> list[tuple[str, nodes.Element]]:
    """The page itself, and in the PDF's single document every page inlined into it."""
    return [(docname, doctree)] + [(node["docname"], node) for node in doctree.findall(addnodes.start_of_file)]


def tag_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """``html-collect-pages``: one page per tag."""
    if app.builder.format != "html" or app.builder.name in ("singlehtml", "handbook-linkcheck"):
        return
    domain = cast("TagsDomain", app.env.domains["tags"])
    records = cast("DecisionRecordsDomain", app.env.domains["records"])

    def badge_of(docname: str) -> str:
        record = records.get_record(docname)
        if record is None:
            return ""
        status = record.status or "unknown"
        return f'<span class="handbook-badge handbook-badge-{escape(status)}">{escape(status.capitalize())}</span>'

    for tag in domain.all_tags():
        pagename = render.page_of(folder(app), tag.slug)
        if pagename in app.env.found_docs:
            warn(HandbookWarning.TAG, f"the page for tag '{tag.name}' would replace the page '{pagename}'; "
                                      "rename that page or set handbook_tags_folder", (pagename, 1))
            continue
        body = render.tag_page_body(app.builder, app.env, tag, folder(app), domain.index_doc(), badge_of)
        yield pagename, {"title": f"Tagged “{tag.name}”", "body": body}, "page.html"


def setup_tags(app: Sphinx) -> None:
    # Where the tag pages are written in the site: tags/<slug>.html.
    app.add_config_value("handbook_tags_folder", "tags", "html", types=frozenset({str}))
    app.add_node(tag_index_placeholder)
    app.add_domain(TagsDomain)
    app.add_directive("tag-index", TagIndex)
    app.connect("env-updated", indexes_to_rewrite)
    app.connect("doctree-resolved", show_tags)
    app.connect("html-collect-pages", tag_pages)
