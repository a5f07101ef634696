"""What a link check can conclude about one URL, in the words of Sphinx's linkcheck output.

The same strings as Sphinx's statuses (its ``_Status`` enum is private, and a ``StrEnum`` compares
equal to them).
"""

from __future__ import annotations

from typing import NamedTuple

WORKING = "working"
REDIRECTED = "redirected"  # reached, at another address: worth updating, not a failure
IGNORED = "ignored"  # not checked, and the info says why (an exclusion and its reason)
BROKEN = "broken"
TIMEOUT = "timeout"
RATE_LIMITED = "rate-limited"  # Sphinx's word for "asked to wait; will ask again": never a result

# What fails the run. A timeout counts: a link nobody could reach is not known to work.
FAILURES = frozenset({BROKEN, TIMEOUT})
# What the cache may remember; everything else is asked again on the next run.
SUCCESSES = frozenset({WORKING, REDIRECTED})


class Result(NamedTuple):
    status: str
    code: int = 0  # the HTTP status when there was one that matters (redirect, 4xx, 5xx), else 0
    info: str = ""  # why it failed, where it redirects to, or why it was not checked

    @property
    def failed(self) -> bool:
        return self.status in FAILURES
