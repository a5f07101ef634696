"""Active content and third-party resources: what a handbook page must not bring in.

Plain functions over HTML text. Raw HTML in a source may not run code (``<script>``, ``on*=``
handlers, ``javascript:`` URLs) or frame another site; a page that truly needs one opts in with a
stated reason. The built site must load nothing from another origin: no fonts, scripts, styles,
images or analytics, so reading the handbook tells no third party who reads what.
"""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

# Attributes whose value is fetched or followed by the browser.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "srcset"}
# Tags that load or run something when the page is shown (as opposed to links a reader clicks).
LOADING_TAGS = {"script", "link", "img", "iframe", "frame", "embed", "object", "source", "video", "audio",
                "track", "input", "image"}
CSS_URL = re.compile(r"""(?:@import\s+(?:url\()?|url\()\s*["']?(?P<url>[^"')\s]+)""", re.I)


def is_other_origin(url: str) -> bool:
    url = url.strip().lower()
    return url.startswith(("http://", "https://", "//"))


@dataclasses.dataclass(frozen=True)
class Hit:
    line: int  # 0-based within the HTML given
    message: str


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.active: list[Hit] = []
        self.third_party: list[Hit] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0] - 1
        values = {name: (value or "") for name, value in attrs}
        if tag == "script":
            self.active.append(Hit(line, "a <script> element"))
        for name, value in values.items():
            if name.startswith("on"):
                self.active.append(Hit(line, f"an inline event handler {name}=\"...\" on <{tag}>"))
            elif name in URL_ATTRIBUTES and re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith(
                    ("javascript:", "vbscript:", "data:text/html")):
                self.active.append(Hit(line, f"a script URL in {name}= on <{tag}>"))
        if tag in ("iframe", "frame", "embed", "object") and is_other_origin(values.get("src") or values.get("data", "")):
            self.active.append(Hit(line, f"an <{tag}> showing another site ({values.get('src') or values.get('data')})"))
        self._third_party(tag, values, line)
        if tag == "style":
            self._in_style = True

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            for match in CSS_URL.finditer(data):
                if is_other_origin(match.group("url")):
                    self.third_party.append(Hit(self.getpos()[0] - 1, f"a stylesheet loads {match.group('url')}"))

    def _third_party(self, tag: str, values: dict[str, str], line: int) -> None:
        if tag not in LOADING_TAGS:
            if is_other_origin(values.get("style", "")) or any(
                    is_other_origin(m.group("url")) for m in CSS_URL.finditer(values.get("style", ""))):
                self.third_party.append(Hit(line, f"<{tag} style=...> loads from another origin"))
            return
        if tag == "link" and not set(values.get("rel", "").lower().split()) & {
                "stylesheet", "preload", "modulepreload", "icon", "prefetch", "preconnect", "dns-prefetch", "manifest"}:
            return  # rel="canonical", rel="next": metadata, nothing is fetched
        for name in ("src", "href", "data", "poster", "srcset"):
            url = values.get(name, "")
            if url and is_other_origin(url.split(",")[0].split()[0] if name == "srcset" else url):
                self.third_party.append(Hit(line, f"<{tag} {name}=\"{url}\"> loads from another origin"))


def scan(html: str) -> tuple[list[Hit], list[Hit]]:
    """(active content, third-party resources) in a piece of HTML."""
    scanner = _Scanner()
    try:
        scanner.feed(html)
        scanner.close()
    except (AssertionError, ValueError):
        pass
    return scanner.active, scanner.third_party


def third_party_in_css(css: str) -> list[Hit]:
    return [Hit(css.count("\n", 0, match.start()), f"loads {match.group('url')}")
            for match in CSS_URL.finditer(css) if is_other_origin(match.group("url"))]
