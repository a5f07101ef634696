"""The built-site policy for one page: what it may run, load and point at, as an allowlist.

The page is parsed as Chromium parses it (html5lib, the WHATWG algorithm), twice: with scripting
on, as a reader's browser does (``<noscript>`` is then raw text, and a ``</noscript>`` inside an
attribute ends it), and with scripting off (what a reader without JavaScript, or a sanitiser,
sees). Whatever either tree holds is judged:

- scripts: only files the site itself ships (``site_scripts``), and inline scripts only when their
  hash is one the theme needs (the same hashes the Content-Security-Policy allows);
- no inline event handler (``on*`` attributes), on any element, in any namespace;
- no ``javascript:``/``vbscript:``/``data:`` URL in any attribute that holds a URL (SVG
  ``xlink:href`` and animation values included), except ``data:`` raster images in ``<img src>``,
  and none in CSS (``style`` elements and attributes);
- no ``<base>``, no ``<object>``/``<embed>``/``<applet>``, no ``<meta http-equiv=refresh>`` except
  on the redirect pages the handbook writes itself;
- frames only from the site itself; ``srcdoc`` documents are judged by these same rules;
- nothing loaded from another origin, by any element or any CSS.

Everything is reported; nothing is removed. Each ``Breach`` carries a snippet of what was found,
which the caller searches for in the page's source to give the writer a line.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from collections import Counter
from collections.abc import Iterator, Set
from xml.etree.ElementTree import Element

import html5lib

from . import css, urls

XLINK = "{http://www.w3.org/1999/xlink}"
SVG = "{http://www.w3.org/2000/svg}"
# Attributes whose value a browser fetches, follows or submits to: HTML, SVG and MathML.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "cite", "codebase",
                  "longdesc", "usemap", "manifest", "icon", "profile", "dynsrc", "lowsrc", "ping", "archive",
                  "classid", "xml:base", XLINK + "href", "{http://www.w3.org/XML/1998/namespace}base"}
SRCSET_ATTRIBUTES = {"srcset", "imagesrcset"}
# SVG animation sets another attribute's value: values="javascript:..." on <animate attributeName=href>.
ANIMATION_ATTRIBUTES = {"values", "from", "to", "by"}
# Elements a page may never carry: plugins, and <base> (it re-points every relative URL, the
# site's own scripts included).
FORBIDDEN = {"object": "an <object> element", "embed": "an <embed> element", "applet": "an <applet> element",
             "base": "a <base> element"}
FRAMES = {"iframe", "frame"}
# Elements whose URL attributes the browser loads as the page is shown; anything else (<a>, <area>,
# <form>) is followed only when the reader acts, and may point anywhere but at a script URL.
LINK_ELEMENTS = {"a", "area"}
# <link rel=...> values that fetch nothing: metadata about the page.
METADATA_RELS = {"canonical", "next", "prev", "previous", "index", "search", "author", "license", "help",
                 "bookmark", "me", "alternate", "top", "up", "first", "last", "contents", "copyright", "glossary"}


@dataclasses.dataclass(frozen=True)
class Breach:
    rule: str  # "active-content" or "third-party"
    message: str
    snippet: str  # text as it stands in the page, to find its line in the source


def script_hash(text: str) -> str:
    """The CSP source expression for an inline script's text."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


@dataclasses.dataclass(frozen=True)
class Site:
    """What the site itself is: the scripts it ships and the inline scripts its theme needs."""

    scripts: Set[str]  # paths inside the site of its own script files
    inline_hashes: Set[str]  # CSP hashes of the theme's inline scripts


def _local(tag: str) -> tuple[str, str]:
    """(namespace, local name) of an html5lib etree tag."""
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _attribute_name(name: str) -> str:
    return "xlink:href" if name == XLINK + "href" else _local(name)[1] if name.startswith("{") else name


def parse(html: str, scripting: bool) -> Element:
    return html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=True, scripting=scripting)


def check(html: str, page: str, site: Site, *, redirect_page: bool = False) -> list[Breach]:
    """Every breach of the policy in the page ``page`` (its path inside the site)."""
    found: dict[Breach, int] = {}
    for scripting in (True, False):
        counted = Counter(_check_tree(parse(html, scripting), page, site, redirect_page, depth=0))
        for breach, count in counted.items():  # in both trees: once, as often as the tree with more has it
            found[breach] = max(found.get(breach, 0), count)
    return [breach for breach, count in found.items() for _ in range(count)]


def _check_tree(root: Element, page: str, site: Site, redirect_page: bool, depth: int) -> Iterator[Breach]:
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments
        namespace, tag = _local(element.tag)
        tag = tag.lower()
        attributes = {_attribute_name(name): value for name, value in element.attrib.items()}
        yield from _element(element, namespace, tag, attributes, page, site, redirect_page, depth)


def _element(element: Element, namespace: str, tag: str, attributes: dict[str, str], page: str, site: Site,
             redirect_page: bool, depth: int) -> Iterator[Breach]:
    shown = f"<{tag}>"
    if tag in FORBIDDEN and namespace.endswith("xhtml"):
        yield Breach("active-content", f"{FORBIDDEN[tag]} (not allowed on a handbook page)", f"<{tag}")
        return  # one mistake, one message: what it would load does not matter
    if tag == "script":
        yield from _script(element, attributes, page, site)
    if tag == "meta" and attributes.get("http-equiv", "").strip().lower() == "refresh" and not redirect_page:
        yield Breach("active-content", "a <meta http-equiv=\"refresh\"> (it sends the reader to another "
                                       "address; use redirect-from for a moved page)",
                     attributes.get("content", "").strip() or "refresh")
    for name, value in attributes.items():
        if name.lower().startswith("on"):
            yield Breach("active-content", f"an inline event handler {name}=\"...\" on {shown}", f"{name}=")
        elif name.lower() in URL_ATTRIBUTES or name == "xlink:href":
            yield from _url(value, name, tag, attributes, page)
        elif name.lower() in SRCSET_ATTRIBUTES:
            for url in urls.srcset_urls(value):
                yield from _url(url, name, tag, attributes, page)
        elif name in ANIMATION_ATTRIBUTES and namespace.endswith("svg"):
            for url in value.split(";"):
                if urls.is_script(url) or urls.is_data(url):
                    yield Breach("active-content", f"a {urls.scheme(url)}: URL in {name}= on SVG {shown}",
                                 url.strip())
        elif name == "style":
            yield from _css(css.declaration_urls(value), f"the style attribute of {shown}", page)
        elif name == "srcdoc" and tag in FRAMES:
            if depth > 8:
                yield Breach("active-content", "frames nested more than eight deep in srcdoc", "srcdoc")
                continue
            for breach in _check_tree(parse(value, True), page, site, False, depth + 1):
                yield Breach(breach.rule, f"{breach.message}, in the srcdoc of an <{tag}>", breach.snippet)
    if tag == "style":
        yield from _css(css.stylesheet_urls(element.text or ""), "a <style> element", page)
    if tag == "link" and "href" in attributes:
        rels = set(attributes.get("rel", "").lower().split())
        if rels - METADATA_RELS and urls.is_other_origin(attributes["href"], page):
            yield Breach("third-party", f"<link rel=\"{attributes.get('rel', '')}\"> loads {attributes['href']}",
                         attributes["href"])


def _script(element: Element, attributes: dict[str, str], page: str, site: Site) -> Iterator[Breach]:
    src = attributes.get("src") if "src" in attributes else attributes.get("xlink:href", attributes.get("href"))
    if src is None:
        text = element.text or ""
        if script_hash(text) not in site.inline_hashes:
            first = next((line.strip() for line in text.splitlines() if line.strip()), "<script>")
            yield Breach("active-content", "an inline <script> element", first[:80])
        return
    path = urls.site_path(src, page)
    if path is None or path not in site.scripts:
        yield Breach("active-content", f"a <script> from {src!r}, not one of the site's own script files",
                     src.strip() or "<script")


def _url(value: str, name: str, tag: str, attributes: dict[str, str], page: str) -> Iterator[Breach]:
    shown = f"<{tag}>"
    if urls.is_script(value):
        yield Breach("active-content", f"a {urls.scheme(value)}: URL in {name}= on {shown}", value.strip()[:80])
    elif urls.is_data(value):
        if not (tag == "img" and name == "src" and urls.is_raster_data(value)):
            yield Breach("active-content", f"a data: URL in {name}= on {shown} (only raster images in <img src> "
                                           "may be data: URLs)", value.strip()[:40])
    elif tag in FRAMES and name == "src":
        if urls.is_other_origin(value, page):
            yield Breach("active-content", f"an <{tag}> showing another site ({value.strip()})", value.strip())
    elif tag == "form" or name == "formaction":
        if urls.is_other_origin(value, page):
            yield Breach("third-party", f"{shown} sends what the reader types to another site ({value.strip()})",
                         value.strip())
    elif tag in LINK_ELEMENTS or (tag == "link" and name == "href"):
        return  # a link the reader follows (<link> is judged by its rel)
    elif name != "cite" and urls.is_other_origin(value, page):
        yield Breach("third-party", f"{shown} loads {value.strip()} ({name}=)", value.strip())


def _css(found: list[str], where: str, page: str) -> Iterator[Breach]:
    for url in found:
        if urls.is_script(url) or urls.is_data(url):
            yield Breach("active-content", f"a {urls.scheme(url)}: URL in CSS, in {where}", url.strip()[:40])
        elif urls.is_other_origin(url, page):
            yield Breach("third-party", f"CSS in {where} loads {url.strip()}", url.strip())
