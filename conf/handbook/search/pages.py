"""The search page, and what of each page Pagefind indexes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).parent / "templates"
SEARCH_TEMPLATE = "handbook-search.html"
SCRIPT = "handbook-search.js"
BUNDLE = "pagefind"  # the folder of the site Pagefind writes its index and scripts into


def uses_pagefind(app: Any) -> bool:
    """Pagefind searches this build: the search is on and the builder writes a site of pages."""
    from sphinx.builders.html import StandaloneHTMLBuilder

    return (bool(app.config.handbook_search) and isinstance(app.builder, StandaloneHTMLBuilder)
            and app.builder.name in ("html", "dirhtml"))


def add_templates(app: Any, config: Any) -> None:
    config.templates_path = [*config.templates_path, str(TEMPLATES)]


def builder_inited(app: Any) -> None:
    if uses_pagefind(app):
        app.builder.search = False  # no searchindex.js: Sphinx's index is neither built nor loaded


def mark_body(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Mark a document's body for Pagefind; pages without a document (the index, search) stay out."""
    if doctree is None or "body" not in context or not uses_pagefind(app):
        return
    if pagename == getattr(app.config, "notfound_pagename", "404"):
        return  # the 404 page is no answer to a search
    context["body"] = f"<div data-pagefind-body>{context['body']}</div>"


def search_page(app: Any) -> Iterator[tuple[str, dict[str, Any], str]]:
    if uses_pagefind(app):
        yield "search", {"handbook_search_script": f"_static/{SCRIPT}",
                         "handbook_search_bundle": f"{BUNDLE}/pagefind.js"}, SEARCH_TEMPLATE
