"""Sphinx's link checker, with the handbook's limits around it.

Sphinx's ``HyperlinkAvailabilityChecker`` and its worker threads do the checking: HEAD then GET,
request headers, auth, TLS settings, URL normalisation, allowed redirects, ``Retry-After``, the
statuses. What is added here is only what Sphinx does not do:

- at most ``handbook_linkcheck_per_host`` requests in flight to one host, and links handed out
  host by host in turn, so no site gets a whole page of links at once;
- a whole-run time limit (``handbook_linkcheck_deadline``): what is unanswered then is a timeout;
- ``linkcheck_timeout`` bounds a whole attempt, reading included (``session.AttemptClock``);
- a 429 pauses the host for at least ``MIN_RATE_LIMIT_PAUSE`` (Sphinx asks again at once after
  ``Retry-After: 0``), at most ``RATE_LIMIT_ATTEMPTS`` times per link, and never longer in all than
  ``linkcheck_rate_limit_timeout`` (Sphinx applies it only when the site names no wait);
- only failures that may pass (a dropped connection, a 500, 502 or 504) are tried again; Sphinx
  asks again about every broken link, a 404 or a missing anchor included;
- results worded for a writer, with the HTTP status in ``code``.

This module and ``session.py`` are the only places that rely on Sphinx's checker internals;
``UPSTREAM`` names each one, and a test fails, saying which, when a Sphinx release changes them.
"""

from __future__ import annotations

import collections
import contextlib
import queue
import re
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

import requests
from sphinx.builders.linkcheck import (
    CHECK_IMMEDIATELY,
    CheckRequest,
    CheckResult,
    Hyperlink,
    HyperlinkAvailabilityChecker,
    HyperlinkAvailabilityCheckWorker,
    RateLimit,
)

from .results import BROKEN, IGNORED, RATE_LIMITED, REDIRECTED, TIMEOUT, WORKING
from .session import AttemptClock, LinkSession, RedirectLoop
from .settings import Exclusion, exclusion_for

if TYPE_CHECKING:
    from sphinx.config import Config

# A 429 with "Retry-After: 0" (or a date in the past) still waits this long before the next try.
MIN_RATE_LIMIT_PAUSE = 1.0
# Tries in all for a link that keeps answering 429, however short the pauses it asks for.
RATE_LIMIT_ATTEMPTS = 5
# Answers that say the server has trouble that usually passes.
TRANSIENT_CODES = frozenset({500, 502, 504})
CONNECTION_PREFIX = re.compile(r"^<?\w*Connection(?:Pool)?\(host='[^']*', port=\d+\)(?: at 0x[0-9a-f]+)?>?: ")

# Every member of Sphinx's checker the handbook overrides, calls or reads (test_linkcheck.py).
UPSTREAM = {
    HyperlinkAvailabilityChecker: ("check", "invoke_threads", "shutdown_threads", "rqueue", "wqueue",
                                   "workers", "num_workers", "rate_limits"),
    HyperlinkAvailabilityCheckWorker: ("_check", "_check_uri", "limit_rate", "_session", "rate_limits",
                                       "timeout", "retries", "rate_limit_timeout", "_timeout_status"),
}


def host_of(uri: str) -> str:
    """The politeness key: host and port, lower-case, without credentials."""
    try:
        return urlsplit(uri).netloc.rpartition("@")[2].lower()
    except ValueError:  # a malformed URL is still checked (and reported), under a key of its own
        return uri


def polite_order(hyperlinks: Iterable[Hyperlink]) -> list[Hyperlink]:
    """One link of each host in turn, so the first workers do not all wait on the same host."""
    by_host: dict[str, collections.deque[Hyperlink]] = collections.defaultdict(collections.deque)
    for hyperlink in hyperlinks:
        by_host[host_of(hyperlink.uri)].append(hyperlink)
    order = []
    while by_host:
        for host in list(by_host):
            order.append(by_host[host].popleft())
            if not by_host[host]:
                del by_host[host]
    return order


class Shared:
    """What the worker threads of one run share beyond Sphinx's own rate limits."""

    def __init__(self, config: Config, exclusions: tuple[Exclusion, ...]) -> None:
        self.per_host = config.handbook_linkcheck_per_host
        self.max_bytes = config.handbook_linkcheck_max_bytes
        self.exclusions = exclusions
        self.lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self.rate_limited: dict[str, tuple[int, float]] = {}  # uri -> (429s so far, seconds paused)

    def slot(self, uri: str) -> threading.BoundedSemaphore:
        with self.lock:
            host = host_of(uri)
            if host not in self._slots:
                self._slots[host] = threading.BoundedSemaphore(self.per_host)
            return self._slots[host]


class HandbookChecker(HyperlinkAvailabilityChecker):
    def __init__(self, config: Config, exclusions: tuple[Exclusion, ...]) -> None:
        super().__init__(config)
        self.shared = Shared(config, exclusions)
        self.deadline = float(config.handbook_linkcheck_deadline)
        self._timeout_status: Any = BROKEN if config.linkcheck_report_timeouts_as_broken else TIMEOUT

    def invoke_threads(self) -> None:
        for _ in range(self.num_workers):
            worker = HandbookWorker(self.config, self.rqueue, self.wqueue, self.rate_limits, self.shared)
            worker.start()
            self.workers.append(worker)

    def check(self, hyperlinks: dict[str, Hyperlink]) -> Iterator[CheckResult]:
        """A result for every link (the builder has taken out the excluded ones), within the deadline."""
        if not hyperlinks:
            return
        end = time.monotonic() + self.deadline
        self.invoke_threads()
        # Sphinx's queue is ordered by the time a link is due; tiny "times" long past keep the
        # polite order and are all due now (0 is Sphinx's, for the workers' stop signal).
        for rank, hyperlink in enumerate(polite_order(hyperlinks.values()), start=1):
            self.wqueue.put(CheckRequest(CHECK_IMMEDIATELY + rank, hyperlink), False)
        unanswered = dict(hyperlinks)
        while unanswered:
            try:
                result = self.rqueue.get(timeout=max(0.0, end - time.monotonic()))
            except queue.Empty:
                break
            if unanswered.pop(result.uri, None) is not None:
                yield result
        if not unanswered:
            self.shutdown_threads()
            return
        self._stop_now()
        for uri, hyperlink in unanswered.items():
            yield CheckResult(uri, hyperlink.docname, hyperlink.lineno, self._timeout_status,
                              f"not checked within the link check's time limit ({self.deadline:g} s, "
                              f"handbook_linkcheck_deadline)", 0)

    def _stop_now(self) -> None:
        # Nothing more is handed out; a request in flight ends within its own time limit, and the
        # workers, daemon threads, then take the stop signal.
        with contextlib.suppress(queue.Empty):
            while True:
                self.wqueue.get_nowait()
                self.wqueue.task_done()
        for _ in self.workers:
            self.wqueue.put(CheckRequest(CHECK_IMMEDIATELY, None), False)


class HandbookWorker(HyperlinkAvailabilityCheckWorker):
    def __init__(self, config: Config, rqueue: Any, wqueue: Any, rate_limits: dict[str, RateLimit],
                 shared: Shared) -> None:
        super().__init__(config, rqueue, wqueue, rate_limits)
        self.shared = shared
        self._session.close()
        self._session = LinkSession(_ignored_redirects=self._session._ignored_redirects,
                                    max_bytes=shared.max_bytes)
        self._uri = ""
        self._gave_up = ""  # why limit_rate stopped asking about the link in hand

    def _check(self, docname: str, uri: str, hyperlink: Hyperlink) -> tuple[Any, str, int]:
        """Sphinx's ``linkcheck_retries`` attempts, but only while the failure is one that may pass."""
        try:
            for _ in range(max(1, self.retries)):
                status, info, code, transient = self._attempt(uri, hyperlink)
                if not (status == BROKEN and transient):
                    break
            return status, info, code
        except Exception as err:  # a bug must never leave the run waiting for this link
            return BROKEN, f"link check error: {type(err).__name__}: {err}", 0

    def _attempt(self, uri: str, hyperlink: Hyperlink) -> tuple[str, str, int, bool]:
        self._uri, self._gave_up = uri, ""
        attempt = cast(LinkSession, self._session).begin()
        with self.shared.slot(uri), AttemptClock(float(cast(float, self.timeout))) as clock:
            status, info, code = self._check_uri(uri, hyperlink)
        failure = attempt.failure
        if status in (RATE_LIMITED, WORKING, REDIRECTED):
            return status, info, code, False  # an answer that came in time, even if only just
        if clock.expired:
            if attempt.status is None:
                return self._timeout_status, f"no answer within {clock.seconds:g} s (linkcheck_timeout)", 0, False
            return (self._timeout_status, f"the page was still arriving after {clock.seconds:g} s "
                    "(linkcheck_timeout bounds the whole request, reading included)", 0, False)
        if status == IGNORED and info.startswith("ignored redirect: "):
            destination = info.removeprefix("ignored redirect: ")
            exclusion = exclusion_for(self.shared.exclusions, destination)
            why = f": {exclusion.reason}" if exclusion else ""
            return IGNORED, f"redirects to {destination}, which is excluded{why}", code, False
        if attempt.not_html:
            anchor = uri.partition("#")[2]
            return IGNORED, f"anchor '{anchor}' not checked: the page is {attempt.not_html}, not HTML", 0, False
        if status != BROKEN:
            return status, info, code, False
        if self._gave_up:
            return BROKEN, self._gave_up, 429, False
        if attempt.read_limit_hit and info.startswith("Anchor"):
            return (BROKEN, f"{info} in the first {self.shared.max_bytes} bytes of the page "
                    "(handbook_linkcheck_max_bytes)", 0, False)
        if isinstance(failure, requests.Timeout):
            return self._timeout_status, f"no answer within {clock.seconds:g} s: {reason(failure)}", 0, False
        if isinstance(failure, RedirectLoop):
            return BROKEN, str(failure), attempt.status or 0, False
        if isinstance(failure, requests.exceptions.SSLError):
            return BROKEN, f"TLS error: {reason(failure)}", 0, False
        if isinstance(failure, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                                requests.exceptions.InvalidSchema, UnicodeError, ValueError)):
            return BROKEN, f"malformed URL: {reason(failure)}", 0, False
        if failure is not None and _unresolved(failure):
            return BROKEN, f"{NO_SUCH_HOST}: {reason(failure)}", 0, False
        if isinstance(failure, (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
            return BROKEN, f"connection failed: {reason(failure)}", 0, True
        if attempt.status and attempt.status >= 400:
            return BROKEN, info, attempt.status, attempt.status in TRANSIENT_CODES
        return BROKEN, info, code, False

    def limit_rate(self, response_url: str, retry_after: str | None) -> float | None:
        """Sphinx's pause for a 429, never shorter than a second nor repeated without end."""
        uri = self._uri
        with self.shared.lock:
            times, paused = self.shared.rate_limited.get(uri, (0, 0.0))
        times += 1
        if times >= RATE_LIMIT_ATTEMPTS:
            self._gave_up = f"rate limited (HTTP 429) {times} times in a row; the site may be checked later"
            return None
        next_check = super().limit_rate(response_url, retry_after)
        if next_check is None:
            self._gave_up = (f"rate limited (HTTP 429): the site asked for a longer wait than "
                             f"linkcheck_rate_limit_timeout ({self.rate_limit_timeout:g} s) allows")
            return None
        now = time.time()
        pause = max(next_check - now, MIN_RATE_LIMIT_PAUSE)
        if paused + pause > self.rate_limit_timeout:
            self._gave_up = (f"rate limited (HTTP 429): the site asked for {paused + pause:g} s of waiting in "
                             f"all, more than linkcheck_rate_limit_timeout ({self.rate_limit_timeout:g} s)")
            return None
        self.rate_limits[urlsplit(response_url).netloc] = RateLimit(pause, now + pause)
        with self.shared.lock:
            self.shared.rate_limited[uri] = (times, paused + pause)
        return now + pause


NO_SUCH_HOST = "host name not found"


def _unresolved(failure: BaseException | None) -> bool:
    """The host name could not be resolved (no such host, or no network to ask)."""
    seen = set()
    while failure is not None and id(failure) not in seen:
        seen.add(id(failure))
        if isinstance(failure, socket.gaierror):
            return True
        if type(failure).__name__ == "NameResolutionError":  # urllib3's, wrapping the gaierror
            return True
        nested = [failure.__cause__, failure.__context__, *(a for a in failure.args if isinstance(a, BaseException))]
        nested += [getattr(failure, "reason", None)]
        failure = next((n for n in nested if isinstance(n, BaseException) and id(n) not in seen), None)
    return False


def reason(err: BaseException) -> str:
    """The useful end of a requests error, without urllib3's pool and retry wrapping."""
    inner: object = err.args[0] if err.args else err
    inner = getattr(inner, "reason", None) or inner  # urllib3's MaxRetryError carries the cause
    text = str(inner)
    # "HTTPSConnection(host='example.com', port=443): Failed to resolve ..." -> "Failed to resolve ..."
    return CONNECTION_PREFIX.sub("", text) or type(err).__name__
