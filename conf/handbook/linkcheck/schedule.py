"""Check many URLs politely: a few at a time per host, waiting when a host asks, within a deadline.

Sphinx's linkcheck bounds only the total number of workers, so a page full of links to one site
sends that site all of them at once. Here a worker takes the first waiting URL whose host has a
free slot (``per_host``) and is not in a 429 pause; a transient failure waits a little and goes back
in the queue until ``attempts`` are used up. When the run's ``deadline`` passes, every URL without
an answer is reported as a timeout, so no single URL can hold the run.
"""

from __future__ import annotations

import collections
import dataclasses
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import urlsplit

from .fetch import LinkSession, Outcome, check_link
from .results import BROKEN, TIMEOUT, Result
from .settings import Settings

# Pause before attempt n+1 after a transient failure: 1 s, 2 s, 4 s ... at most MAX_BACKOFF.
BACKOFF = 1.0
MAX_BACKOFF = 30.0

Checker = Callable[[LinkSession, str, Settings], Outcome]
Progress = Callable[[str], None]


def host_of(uri: str) -> str:
    """The politeness key: scheme-less host and port, lower-case, without credentials."""
    try:
        return urlsplit(uri).netloc.rpartition("@")[2].lower()
    except ValueError:  # a malformed URL still gets checked (and reported), under a key of its own
        return uri


@dataclasses.dataclass
class _Job:
    uri: str
    host: str
    attempt: int = 1
    not_before: float = 0.0
    waited: float = 0.0  # seconds of 429 pauses so far


@dataclasses.dataclass
class _Host:
    active: int = 0
    paused_until: float = 0.0  # set by a 429's Retry-After; holds every URL on the host


class LinkScheduler:
    def __init__(self, settings: Settings, check: Checker = check_link,
                 progress: Progress = lambda message: None) -> None:
        self.settings = settings
        self.check = check
        self.progress = progress
        self._cond = threading.Condition()
        self._pending: list[_Job] = []
        self._hosts: dict[str, _Host] = collections.defaultdict(_Host)
        self._results: queue.Queue[tuple[str, Result]] = queue.Queue()
        self._stopped = False

    def run(self, uris: Iterable[str]) -> Iterator[tuple[str, Result]]:
        """Yield ``(uri, result)`` for every URI, in the order answers arrive."""
        waiting = list(dict.fromkeys(uris))
        if not waiting:
            return
        end = time.monotonic() + self.settings.deadline
        self._pending = [_Job(uri, host_of(uri)) for uri in waiting]
        workers = [threading.Thread(target=self._work, name=f"linkcheck-{n}", daemon=True)
                   for n in range(min(self.settings.workers, len(waiting)))]
        for worker in workers:
            worker.start()
        unanswered = set(waiting)
        try:
            while unanswered:
                try:
                    uri, result = self._results.get(timeout=max(0.0, end - time.monotonic()))
                except queue.Empty:
                    break
                unanswered.discard(uri)
                yield uri, result
        finally:
            with self._cond:
                self._stopped = True
                self._cond.notify_all()
        status = BROKEN if self.settings.timeouts_as_broken else TIMEOUT
        for uri in waiting:
            if uri in unanswered:
                yield uri, Result(status, 0, f"not checked: the run reached its time limit of "
                                             f"{self.settings.deadline:g} s (handbook_linkcheck_deadline)")
        # Workers still in a request finish it within linkcheck_timeout and drop the answer.

    def _work(self) -> None:
        with LinkSession(self.settings) as session:
            while (job := self._take()) is not None:
                try:
                    outcome = self.check(session, job.uri, self.settings)
                except Exception as err:  # noqa: BLE001 - a bug must not leave the run waiting forever
                    outcome = Outcome(Result(BROKEN, 0, f"link check error: {type(err).__name__}: {err}"))
                self._settle(job, outcome)

    def _take(self) -> _Job | None:
        with self._cond:
            while not self._stopped:
                now = time.monotonic()
                wake: float | None = None
                for index, job in enumerate(self._pending):
                    host = self._hosts[job.host]
                    ready = max(job.not_before, host.paused_until)
                    if ready > now:
                        wake = ready if wake is None else min(wake, ready)
                    elif host.active < self.settings.per_host:
                        del self._pending[index]
                        host.active += 1
                        return job
                # Nothing ready: sleep until the next pause ends or a host frees a slot.
                self._cond.wait(None if wake is None else wake - now)
            return None

    def _settle(self, job: _Job, outcome: Outcome) -> None:
        now = time.monotonic()
        with self._cond:
            host = self._hosts[job.host]
            host.active -= 1
            if outcome.retry_after is not None and job.waited + outcome.retry_after <= self.settings.rate_limit_timeout:
                # The site asked for a pause: honour it for every URL on that host, then ask again.
                host.paused_until = max(host.paused_until, now + outcome.retry_after)
                job.waited += outcome.retry_after
                self._pending.append(job)
                self.progress(f"rate limited by {job.host}: waiting {outcome.retry_after:g} s ({job.uri})")
            elif outcome.transient and job.attempt < self.settings.attempts:
                job.not_before = now + min(MAX_BACKOFF, BACKOFF * 2 ** (job.attempt - 1))
                job.attempt += 1
                self._pending.append(job)
            else:
                result = outcome.result
                if outcome.retry_after is not None:
                    result = result._replace(info=(
                        f"rate limited (HTTP 429): the site asked to wait {outcome.retry_after:g} s, more than "
                        f"linkcheck_rate_limit_timeout ({self.settings.rate_limit_timeout:g} s) allows"))
                self._results.put((job.uri, result))
            self._cond.notify_all()
