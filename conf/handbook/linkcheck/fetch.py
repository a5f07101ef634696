"""Ask one URL whether it works: one attempt, never an exception, always a ``Result``.

Whatever the network does (a reset, a bad certificate, garbage instead of HTTP, a redirect loop, a
page too big to search) becomes a status with a reason. Whether to try again is the caller's call:
an ``Outcome`` says only whether the failure is the kind that passes (``transient``) and whether the
site asked us to slow down (``retry_after``).
"""

from __future__ import annotations

import codecs
import email.utils
import re
import time
from typing import Any, NamedTuple
from urllib.parse import unquote, urljoin, urlsplit

import requests
from requests.utils import requote_uri
from sphinx.builders.linkcheck import AnchorCheckParser

from .results import BROKEN, IGNORED, REDIRECTED, TIMEOUT, WORKING, Result
from .settings import Settings

MAX_REDIRECTS = 10
# Server-side trouble that usually passes; another attempt after a pause may well succeed.
TRANSIENT_CODES = frozenset({500, 502, 503, 504})
# A 429 without Retry-After: wait this long before asking that host again.
DEFAULT_RATE_LIMIT_WAIT = 60.0
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
CHUNK = 64 * 1024
CONNECTION_PREFIX = re.compile(r"^<?\w*Connection(?:Pool)?\(host='[^']*', port=\d+\)(?: at 0x[0-9a-f]+)?>?: ")
ACCEPT = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}


class Outcome(NamedTuple):
    result: Result
    transient: bool = False  # worth another attempt after a pause
    retry_after: float | None = None  # the site answered 429 and asked us to wait this many seconds


class RedirectLoop(requests.TooManyRedirects):
    def __init__(self, chain: list[str], code: int) -> None:
        super().__init__("redirect loop: " + " -> ".join(chain))
        self.code = code


class ExcludedRedirect(requests.RequestException):
    def __init__(self, destination: str, reason: str, code: int) -> None:
        super().__init__(f"redirects to {destination}, which is excluded: {reason}")
        self.code = code


class LinkSession(requests.Session):
    """A session that stops at the first repeated address instead of following a loop 30 times.

    One per worker thread: the addresses visited belong to the request in flight.
    """

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self.max_redirects = MAX_REDIRECTS
        self.headers["User-Agent"] = settings.user_agent
        self._visited: list[str] = []

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self._visited = []
        return super().request(method, url, *args, **kwargs)

    def get_redirect_target(self, resp: requests.Response) -> str | None:
        target = super().get_redirect_target(resp)
        if target:
            here = _without_fragment(resp.url)
            if here not in self._visited:
                self._visited.append(here)
            there = _without_fragment(urljoin(resp.url, requote_uri(target)))
            if there in self._visited:
                resp.close()
                raise RedirectLoop([*self._visited, there], resp.status_code)
            if exclusion := self.settings.exclusion_for(there):
                resp.close()
                raise ExcludedRedirect(there, exclusion.reason, resp.status_code)
        return target


def check_link(session: LinkSession, uri: str, settings: Settings) -> Outcome:
    """One attempt at one http(s) URI."""
    try:
        return _check(session, uri, settings)
    except RedirectLoop as err:
        return Outcome(Result(BROKEN, err.code, str(err)))
    except ExcludedRedirect as err:
        return Outcome(Result(IGNORED, err.code, str(err)))
    except requests.TooManyRedirects:
        return Outcome(Result(BROKEN, 0, f"more than {MAX_REDIRECTS} redirects"))
    except requests.Timeout as err:
        status = BROKEN if settings.timeouts_as_broken else TIMEOUT
        return Outcome(Result(status, 0, f"no answer within {settings.timeout:g} s: {reason(err)}"),
                       transient=True)
    except requests.exceptions.SSLError as err:
        return Outcome(Result(BROKEN, 0, f"TLS error: {reason(err)}"))
    except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
            requests.exceptions.InvalidSchema, UnicodeError, ValueError) as err:
        return Outcome(Result(BROKEN, 0, f"malformed URL: {reason(err)}"))
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as err:
        # Reset, refused, DNS failure, or an answer that is not HTTP: often passing, so retried.
        return Outcome(Result(BROKEN, 0, f"connection failed: {reason(err)}"), transient=True)
    except Exception as err:  # noqa: BLE001 - a strange answer is a broken link, never a crash
        return Outcome(Result(BROKEN, 0, f"{type(err).__name__}: {err}"))


def _check(session: LinkSession, uri: str, settings: Settings) -> Outcome:
    url, _, fragment = uri.partition("#")
    anchor = anchor_to_find(url, fragment, settings)
    options: dict[str, Any] = {
        "timeout": settings.timeout,
        "headers": request_headers(uri, settings.request_headers),
        "auth": next((auth for pattern, auth in settings.auth if pattern.match(uri)), None),
        "verify": tls_verify_for(url, settings),
    }
    if anchor is None:
        # HEAD first: it costs the site nothing. Some servers refuse HEAD (405, 403, even 404) or
        # drop the connection, so a refusal is asked again with GET, which has the last word.
        try:
            with session.head(url, allow_redirects=True, **options) as response:
                if response.status_code < 400 or response.status_code in (401, 429):
                    return judge(url, response, settings)
        except requests.ConnectionError as err:
            if isinstance(err, (requests.Timeout, requests.exceptions.SSLError)):
                raise
    with session.get(url, stream=True, **options) as response:
        if anchor is not None and response.ok:
            if missing := search_anchor(response, anchor, settings):
                return missing
        return judge(url, response, settings)


def anchor_to_find(url: str, fragment: str, settings: Settings) -> str | None:
    """The anchor to look for in the page, or None when there is none to check."""
    if not (settings.check_anchors and fragment):
        return None
    if any(p.match(fragment) for p in settings.anchors_ignore):
        return None
    if any(p.match(url) for p in settings.anchors_ignore_for_url):
        return None
    return unquote(fragment)


def judge(url: str, response: requests.Response, settings: Settings) -> Outcome:
    """What a final answer (after redirects) says about the link."""
    code = response.status_code
    if code == 429:
        wait = parse_retry_after(response.headers.get("Retry-After"))
        return Outcome(Result(BROKEN, 429, "rate limited (HTTP 429)"),
                       retry_after=DEFAULT_RATE_LIMIT_WAIT if wait is None else wait)
    if code == 401:
        if settings.allow_unauthorized:
            return Outcome(Result(WORKING, 0, "unauthorized"))
        return Outcome(Result(BROKEN, 401, "unauthorized (HTTP 401)"))
    if code >= 400:
        return Outcome(Result(BROKEN, code, f"HTTP {code} {response.reason or ''}".strip()),
                       transient=code in TRANSIENT_CODES)
    final = response.url
    if same_address(url, final, settings) or any(
            source.match(url) and target.match(final) for source, target in settings.allowed_redirects):
        return Outcome(Result(WORKING))
    # The code of the first hop: it is what the address in the page does (301: update the link).
    first = response.history[0].status_code if response.history else 0
    return Outcome(Result(REDIRECTED, first, final))


def search_anchor(response: requests.Response, anchor: str, settings: Settings) -> Outcome | None:
    """None when the page has the anchor; otherwise why the link counts as broken or unchecked."""
    content_type = response.headers.get("Content-Type", "")
    kind = content_type.partition(";")[0].strip().lower()
    if kind and kind not in HTML_TYPES:
        # A PDF's #page=2 or a file's fragment is not an HTML id: the page is there, the anchor
        # cannot be looked for. Sphinx reports content it cannot read the same way.
        return Outcome(Result(IGNORED, 0, f"anchor '{anchor}' not checked: the page is {kind}, not HTML"))
    # Without a declared charset requests assumes ISO-8859-1, which garbles a UTF-8 page's
    # non-ASCII ids; UTF-8 is what such pages nearly always are.
    encoding = response.encoding if "charset=" in content_type.lower() else "utf-8"
    try:
        decoder = codecs.getincrementaldecoder(encoding or "utf-8")(errors="replace")
    except LookupError:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    parser = AnchorCheckParser(anchor)
    started, read = time.monotonic(), 0
    for chunk in response.iter_content(chunk_size=min(CHUNK, settings.max_bytes)):
        read += len(chunk)
        parser.feed(decoder.decode(chunk))
        if parser.found:
            return None
        if read >= settings.max_bytes:
            return Outcome(Result(BROKEN, 0, f"Anchor '{anchor}' not found in the first {settings.max_bytes} "
                                             "bytes of the page (handbook_linkcheck_max_bytes)"))
        if time.monotonic() - started > settings.timeout:
            # Each read had its answer in time, but a page dripping out slowly must not hold a worker.
            status = BROKEN if settings.timeouts_as_broken else TIMEOUT
            return Outcome(Result(status, 0, f"reading the page took longer than {settings.timeout:g} s"),
                           transient=True)
    parser.feed(decoder.decode(b"", final=True))
    parser.close()
    return None if parser.found else Outcome(Result(BROKEN, 0, f"Anchor '{anchor}' not found"))


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait, from ``Retry-After: 120`` or ``Retry-After: <HTTP date>``; None if unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def same_address(requested: str, final: str, settings: Settings) -> bool:
    """``https://x/a`` and ``https://x/a/`` are the same page; case only counts where the site says."""
    def normal(url: str) -> str:
        url = _without_fragment(url).rstrip("/")
        if any(p.match(requested) for p in settings.case_insensitive):
            url = url.casefold()
        return url
    return normal(requested) == normal(final)


def request_headers(uri: str, configured: Any) -> dict[str, str]:
    """linkcheck_request_headers, looked up as Sphinx does: the site, the site with /, the URI, '*'."""
    parts = urlsplit(uri)
    for key in (f"{parts.scheme}://{parts.netloc}", f"{parts.scheme}://{parts.netloc}/", uri, "*"):
        if key in configured:
            return {**ACCEPT, **configured[key]}
    return dict(ACCEPT)


def tls_verify_for(url: str, settings: Settings) -> bool | str:
    """tls_verify and tls_cacerts, as Sphinx reads them: a CA bundle for all hosts or per host."""
    if not settings.tls_verify:
        return False
    certs = settings.tls_cacerts
    if not certs:
        return True
    if isinstance(certs, str):
        return certs
    host = urlsplit(url).netloc.rpartition("@")[2]
    return certs.get(host, True)


def reason(err: BaseException) -> str:
    """The useful end of a requests error, without urllib3's pool and retry wrapping."""
    inner: object = err.args[0] if err.args else err
    inner = getattr(inner, "reason", None) or inner  # urllib3's MaxRetryError carries the cause
    text = str(inner)
    # "HTTPSConnection(host='example.com', port=443): Failed to resolve ..." -> "Failed to resolve ..."
    return CONNECTION_PREFIX.sub("", text) or type(err).__name__


def _without_fragment(url: str) -> str:
    return url.partition("#")[0]
