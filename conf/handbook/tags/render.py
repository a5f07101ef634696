"""Tags as readers see them: links on pages, the tag index, and a page per tag (HTML).

In HTML a tag leads to its own page (``tags/<slug>.html``, written by ``html-collect-pages``); in
the PDF, which has no such pages, to the tag's entry in the tag index, where its pages are listed.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from docutils import nodes

from .model import Tag, slug

if TYPE_CHECKING:
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment


def page_of(folder: str, tag_slug: str) -> str:
    """The generated page of a tag: ``tags/infra``."""
    return f"{folder.strip('/')}/{tag_slug}"


def anchor(tag_slug: str) -> str:
    return f"tag-{tag_slug}"


def tag_link(builder: Builder, fromdocname: str, tag: str, folder: str, index_doc: str | None) -> nodes.Node:
    """One tag as a link: to its page in HTML, to its entry in the tag index in the PDF."""
    key = slug(tag)
    if builder.format == "html":
        uri = builder.get_relative_uri(fromdocname, page_of(folder, key))
    elif builder.format == "latex" and index_doc is not None:
        uri = builder.get_relative_uri(fromdocname, index_doc) + "#" + anchor(key)
    else:
        return nodes.inline(tag, tag, classes=["handbook-tag"])
    return nodes.reference("", "", nodes.inline(tag, tag, classes=["handbook-tag"]), internal=True, refuri=uri)


def tag_links(builder: Builder, fromdocname: str, tags: list[str], folder: str, index_doc: str | None) -> list[nodes.Node]:
    found: list[nodes.Node] = []
    for tag in tags:
        if found:
            found.append(nodes.Text(" "))
        found.append(tag_link(builder, fromdocname, tag, folder, index_doc))
    return found


def pages_line(builder: Builder, docname: str, tags: list[str], folder: str, index_doc: str | None) -> nodes.paragraph:
    """``Tags: infra ci`` under a page's title."""
    line = nodes.paragraph(classes=["handbook-tags"])
    line += nodes.strong(text="Tags: ")
    line.extend(tag_links(builder, docname, tags, folder, index_doc))
    return line


def index(builder: Builder, env: BuildEnvironment, fromdocname: str, tags: list[Tag], folder: str) -> list[nodes.Node]:
    """The tag index: every tag with how many pages carry it; in the PDF, those pages too."""
    if not tags:
        return [nodes.paragraph(text="No page carries a tag yet.")]
    if builder.format != "latex":
        items = nodes.bullet_list(classes=["handbook-tag-index"])
        for tag in tags:
            paragraph = nodes.paragraph()
            paragraph += tag_link(builder, fromdocname, tag.name, folder, fromdocname)
            count = len(tag.pages)
            paragraph += nodes.inline("", f"{count} page{'s' if count != 1 else ''}", classes=["handbook-tag-count"])
            items += nodes.list_item("", paragraph)
        return [items]
    found: list[nodes.Node] = []
    for tag in tags:
        found.append(nodes.target("", "", ids=[anchor(tag.slug)]))
        heading = nodes.paragraph()
        heading += nodes.strong(text=tag.name)
        heading += nodes.Text(f" ({len(tag.pages)})")
        found.append(heading)
        pages = nodes.bullet_list()
        for docname in tag.pages:
            paragraph = nodes.paragraph()
            paragraph += nodes.reference("", title_of(env, docname), internal=True,
                                         refuri=builder.get_relative_uri(fromdocname, docname))
            pages += nodes.list_item("", paragraph)
        found.append(pages)
    return found


def title_of(env: BuildEnvironment, docname: str) -> str:
    title = env.titles.get(docname)
    return title.astext() if title is not None else docname


def tag_page_body(builder: Builder, env: BuildEnvironment, tag: Tag, folder: str, index_doc: str | None,
                  badge_of: Any) -> str:
    """The body of a tag's own page: the pages that carry it, records with their status."""
    pagename = page_of(folder, tag.slug)
    count = len(tag.pages)
    parts = [f'<section id="{anchor(tag.slug)}">',
             f"<h1>Tagged “{escape(tag.name)}”</h1>",
             f"<p>{count} page{'s carry' if count != 1 else ' carries'} this tag."]
    if index_doc is not None:
        parts.append(f' <a href="{escape(builder.get_relative_uri(pagename, index_doc))}">All tags</a>')
    parts.append('</p><ul class="handbook-tag-pages">')
    for docname in tag.pages:
        href = escape(builder.get_relative_uri(pagename, docname))
        badge = badge_of(docname)
        parts.append(f'<li><a class="reference internal" href="{href}">{escape(title_of(env, docname))}</a>'
                     + (f" {badge}" if badge else "") + "</li>")
    parts.append("</ul></section>")
    return "".join(parts)
