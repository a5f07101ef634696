"""URLs as a browser reads them: which scheme a value really has, and whose origin it is.

Browsers drop leading and trailing C0 controls and spaces and every tab and newline inside a URL
before they look at its scheme (WHATWG URL Standard, "basic URL parser"), so ``java&#9;script:``
and `` javascript:`` both run. Entities are already decoded by the HTML parser before a value gets
here. The page's own origin is a placeholder: nothing is ever fetched.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

SCRIPT_SCHEMES = ("javascript", "vbscript")
# What a page's own files are served from, for judging relative URLs; never contacted.
SITE = "https://handbook.invalid/"
_C0_OR_SPACE = "".join(chr(code) for code in range(0x21))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# Raster images a data: URL may carry in <img src>: pictures, never documents or SVG (which can script).
RASTER_DATA = re.compile(r"^data:image/(?:png|jpeg|jpg|gif|webp|avif|bmp|x-icon|vnd\.microsoft\.icon)[;,]", re.I)


def clean(url: str) -> str:
    """The URL with what the URL parser strips removed."""
    return _TAB_OR_NEWLINE.sub("", url.strip(_C0_OR_SPACE))


def scheme(url: str) -> str:
    """The scheme, lower case, or "" for a relative URL."""
    match = _SCHEME.match(clean(url))
    return match.group(1).lower() if match else ""


def is_script(url: str) -> bool:
    return scheme(url) in SCRIPT_SCHEMES


def is_data(url: str) -> bool:
    return scheme(url) == "data"


def is_raster_data(url: str) -> bool:
    return RASTER_DATA.match(clean(url)) is not None


def is_other_origin(url: str, page: str = "index.html") -> bool:
    """Whether loading ``url`` from ``page`` (a path inside the site) would reach another origin.

    ``data:`` is judged separately; every other scheme (http, https, ftp, blob, ws, ...) that is not
    the site's own, and any scheme-relative ``//host`` URL, is another origin.
    """
    value = clean(url)
    if not value or is_data(value):
        return False
    if scheme(value):
        # Any scheme: "https:x" is relative only when the site is served over https, and a page
        # cannot know how it is served, so it is judged as another origin.
        return True
    if "\\" in value:  # browsers read backslashes as slashes in special URLs: "\\host" is "//host"
        value = value.replace("\\", "/")
    try:
        resolved = urlsplit(urljoin(SITE + page.lstrip("/"), value))
    except ValueError:
        return True  # a URL Python cannot even split; a browser might still load it
    site = urlsplit(SITE)
    return (resolved.scheme, resolved.netloc) != (site.scheme, site.netloc)


def site_path(url: str, page: str = "index.html") -> str | None:
    """The path inside the site that ``url`` from ``page`` names, or None for another origin."""
    if is_other_origin(url, page) or is_data(url) or is_script(url):
        return None
    resolved = urlsplit(urljoin(SITE + page.lstrip("/"), clean(url).replace("\\", "/")))
    return resolved.path.lstrip("/")


def srcset_urls(value: str) -> list[str]:
    """The URLs of a ``srcset``: comma-separated candidates, each a URL and an optional descriptor."""
    urls = []
    for candidate in value.split(","):
        parts = candidate.split()
        if parts:
            urls.append(parts[0])
    return urls
