"""The site's search: Pagefind, a chunked index built after the pages, in place of Sphinx's searchindex.

Sphinx's search loads one index of the whole site (``searchindex.js``, tens of megabytes at a few
thousand pages) and then fetches every result page for its snippet. Pagefind (the decision and its
measurements: ADR-0009) splits its index into chunks, so a query loads only the chunks of its
words and the fragments of the results it shows, snippets included, all from the site itself.

- The HTML builders stop making Sphinx's index (``builder.search = False``), and the handbook's own
  ``search.html`` (``templates/handbook-search.html``, script ``_static/handbook-search.js``) asks
  Pagefind. The sidebar's search box is Furo's, unchanged.
- Each document's body is marked ``data-pagefind-body`` (with its title as Pagefind's title), so
  the index holds what a reader came for, not the navigation, the index or the search page.
- After a build that succeeded, ``python -m pagefind`` indexes the site into ``pagefind/`` (built
  aside, then swapped in). The whole site is indexed as one language, so one query sees every page:
  Japanese (word segmentation of Pagefind's extended build) when a source holds kana, Chinese when
  it holds Han characters only, otherwise Sphinx's ``language``; ``handbook_search_language``
  overrides it.

``handbook_search = False`` in conf.py gives Sphinx's own search back.
"""

from __future__ import annotations

from typing import Any


def setup_search(app: Any) -> None:
    from . import pagefind_index, pages

    app.add_config_value("handbook_search", True, "html", types=frozenset({bool}))
    app.add_config_value("handbook_search_language", "", "html", types=frozenset({str}))
    # Pages per Pagefind index part: Pagefind's memory grows with the pages of a part (pagefind_index.py).
    app.add_config_value("handbook_search_pages_per_index", 1000, "html", types=frozenset({int}))
    app.connect("config-inited", pages.add_templates)
    app.connect("builder-inited", pages.builder_inited)
    app.connect("html-page-context", pages.mark_body)
    app.connect("html-collect-pages", pages.search_page)
    app.connect("build-finished", pagefind_index.build_finished)
