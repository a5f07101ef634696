"""Where the navigation's links point from a page: worked out once per folder, not once per page.

Sphinx writes a navigation link as ``relative_uri(page URL, target URL) + anchor`` (``"#"`` when
that is empty). ``relative_uri`` looks only at the folder of the page's URL, except that a link to
the page's own URL is ``""``. So the hrefs are computed once for a stand-in page in each folder,
and each page recomputes only its links to itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from sphinx.util.osutil import relative_uri

# URLs that HTML-escaping and BeautifulSoup's re-serialising leave exactly as they are; what
# `quote(docname) + ".html"` gives. Anything else is written by the caller's exact routine.
PLAIN_URL = re.compile(r"[A-Za-z0-9._~/%#-]*")
# The last part of a stand-in page's URL: no real URL ends in it, so no link points at it.
NOWHERE = "\x00"


def folder_of(page_url: str) -> str:
    """``"a/b/"`` for ``"a/b/page.html"`` (and for dirhtml's ``"a/b/"``), ``""`` at the top."""
    path = page_url.partition("#")[0]
    return path[: path.rfind("/") + 1]


class LinkTable:
    """The hrefs of the navigation's links (``targets``: their URLs; ``anchors``: unescaped)."""

    def __init__(self, target_urls: Sequence[str], anchors: Sequence[str],
                 attribute: Callable[[str], str]) -> None:
        self.target_urls = list(target_urls)
        self.anchors = list(anchors)
        self._attribute = attribute  # exact href="..." for a URL that is not plain
        self._to_url: dict[str, list[int]] = {}
        for link, url in enumerate(self.target_urls):
            self._to_url.setdefault(url.partition("#")[0], []).append(link)

    def href(self, relative: str, link: int) -> str:
        url = (relative + self.anchors[link]) or "#"
        if PLAIN_URL.fullmatch(url):
            return f'href="{url}"'
        return self._attribute(url)

    def in_folder(self, folder: str) -> list[str]:
        """Every link's href from any page in ``folder`` (see :meth:`own`)."""
        stand_in = folder + NOWHERE
        return [self.href(relative_uri(stand_in, url), link) for link, url in enumerate(self.target_urls)]

    def own(self, page_url: str) -> dict[int, str]:
        """The links that point at ``page_url`` itself, with their hrefs from that page."""
        return {link: self.href(relative_uri(page_url, self.target_urls[link]), link)
                for link in self._to_url.get(page_url.partition("#")[0], ())}
