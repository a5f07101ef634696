"""Sphinx's HTTP session for link checking, with the bounds Sphinx's leaves out.

Sphinx's checker sends every request through ``sphinx.util.requests._Session`` (User-Agent, TLS
settings, redirects to ignored URLs not followed). This subclass keeps all of that and adds what a
misbehaving server needs:

- **a time limit on the whole attempt.** requests' ``timeout`` bounds each wait for a byte, so a
  server that sends one byte every two seconds is never timed out. An ``AttemptClock`` shuts the
  sockets of the attempt when ``linkcheck_timeout`` has passed, whatever phase it is in (headers,
  or the page being read for an anchor);
- **a limit on what is read** looking for an anchor (``handbook_linkcheck_max_bytes``), and no
  search at all in a page that is not HTML;
- **redirect loops stop at the first repeated address**, not after 30 requests;
- **a record of what happened** (the final status, the exception, why reading stopped), from which
  the checker words its result and decides whether another attempt may help.

The connection classes are urllib3's, with one hook: when a request has been sent, its socket is
handed to the clock of the attempt running in that thread (each checker worker is one thread with
its own session).
"""

from __future__ import annotations

import dataclasses
import socket
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

import requests
from requests.adapters import HTTPAdapter
from requests.utils import requote_uri, stream_decode_response_unicode
from sphinx.util.requests import _Session
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
CHUNK = 64 * 1024

_running = threading.local()  # the AttemptClock of the attempt in this thread, if any


class AttemptClock:
    """Ends an attempt after ``seconds``: every socket it reads from is shut, so any read returns."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> AttemptClock:
        _running.clock = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            self._sockets.clear()
        _running.clock = None

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            if self.expired:
                _shut(sock)
            else:
                self._sockets.append(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    # The plain socket's shutdown, also for a TLS socket: the reading thread then sees the end of
    # the stream, and the TLS object, which that thread is using, is left alone.
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


class _Watched:
    sock: socket.socket | None

    def getresponse(self) -> Any:
        clock = getattr(_running, "clock", None)
        if clock is not None:
            clock.watch(self.sock)
        return super().getresponse()  # type: ignore[misc]


class WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class WatchedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = WatchedHTTPConnection


class WatchedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = WatchedHTTPSConnection


POOLS = {"http": WatchedHTTPConnectionPool, "https": WatchedHTTPSConnectionPool}


class WatchedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if getattr(manager, "pool_classes_by_scheme", None) is not None and not proxy.startswith("socks"):
            manager.pool_classes_by_scheme = POOLS
        return manager


class AttemptTimeUp(requests.Timeout):
    """The attempt's time is up: no further request (Sphinx's GET after a failed HEAD) is sent."""


class RedirectLoop(Exception):
    # Not a requests exception: Sphinx's checker then reports it at once, without trying GET
    # after HEAD and walking the loop a second time.
    def __init__(self, chain: list[str]) -> None:
        super().__init__("redirect loop: " + " -> ".join(chain))


@dataclasses.dataclass
class Attempt:
    """What the session saw during one attempt at one link."""

    status: int | None = None  # of the last answer (after redirects)
    failure: BaseException | None = None  # what the last request, or reading its page, raised
    not_html: str = ""  # the content type of a page that was not searched for an anchor
    read_limit_hit: bool = False  # the anchor search stopped at max_bytes


class LinkSession(_Session):
    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.attempt = Attempt()
        self._visited: list[str] = []
        adapter = WatchedAdapter()
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    def begin(self) -> Attempt:
        self.attempt = Attempt()
        return self.attempt

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self._visited = []
        clock = getattr(_running, "clock", None)
        try:
            if clock is not None and clock.expired:
                raise AttemptTimeUp(f"no answer within {clock.seconds:g} s")
            response = super().request(method, url, *args, **kwargs)
        except BaseException as err:
            self.attempt.failure = err
            if clock is not None and clock.expired and not isinstance(err, requests.Timeout):
                raise AttemptTimeUp(f"no answer within {clock.seconds:g} s") from err
            raise
        self.attempt.status, self.attempt.failure = response.status_code, None
        if kwargs.get("stream"):
            self._bound_reading(response)
        return response

    def get_redirect_target(self, resp: requests.Response) -> str | None:
        target = super().get_redirect_target(resp)
        if target:
            here = resp.url.partition("#")[0]
            if here not in self._visited:
                self._visited.append(here)
            there = urljoin(resp.url, requote_uri(target)).partition("#")[0]
            if there in self._visited:
                resp.close()
                raise RedirectLoop([*self._visited, there])
        return target

    def _bound_reading(self, response: requests.Response) -> None:
        """Sphinx reads a page with ``iter_content`` to look for an anchor: bound that reading."""
        content_type = response.headers.get("Content-Type", "")
        kind = content_type.partition(";")[0].strip().lower()
        if "charset=" not in content_type.lower():
            # requests would assume ISO-8859-1 and garble a UTF-8 page's non-ASCII ids.
            response.encoding = "utf-8"
        unbounded = response.iter_content
        attempt, limit = self.attempt, self.max_bytes

        def bounded(chunk_size: int | None = 1, decode_unicode: bool = False) -> Iterator[Any]:
            if kind and kind not in HTML_TYPES:
                attempt.not_html = kind  # a PDF's #page=2 is not an HTML id: nothing to search
                return iter(())
            chunks = _at_most(unbounded(chunk_size=min(chunk_size or CHUNK, CHUNK)), limit, attempt)
            return stream_decode_response_unicode(chunks, response) if decode_unicode else chunks

        response.iter_content = bounded  # type: ignore[method-assign]


def _at_most(chunks: Iterator[bytes], limit: int, attempt: Attempt) -> Iterator[bytes]:
    read = 0
    try:
        for chunk in chunks:
            yield chunk[:limit - read]
            read += len(chunk)
            if read >= limit:
                attempt.read_limit_hit = True
                return
    except Exception as err:
        attempt.failure = err
        raise
