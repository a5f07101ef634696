"""Page ownership and review dates, as plain data and rules.

A page opts in with front matter (runbooks must)::

    owner: handbook-maintainers
    last-reviewed: 2026-11-27
    review-every: 180          # days; optional, default 180

Nothing here imports Sphinx; ``__init__.py`` is the glue.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from ..dates import build_day, parse_date, writers_today
from ..frontmatter import FrontMatter
from ..problems import Problem

DEFAULT_REVIEW_DAYS = 180
# A review interval longer than this is a typo ("1800"), not a policy.
LONGEST_REVIEW_DAYS = 3 * 366


@dataclasses.dataclass
class Review:
    """One page's owner and review dates: plain values, so it pickles into the environment."""

    owner: str
    last_reviewed: str  # ISO date
    review_every: int  # days
    line: int  # where to point a reader of the source

    @property
    def due(self) -> str:
        return (dt.date.fromisoformat(self.last_reviewed) + dt.timedelta(days=self.review_every)).isoformat()

    def overdue_on(self, today: dt.date) -> bool:
        return today > dt.date.fromisoformat(self.due)


def read_review(front_matter: FrontMatter, required: bool,
                fallback_owner: str = "", today: dt.date | None = None) -> tuple[Review | None, list[Problem]]:
    """The page's review data, or the problems that keep it from having any. ``fallback_owner``
    (from CODEOWNERS) owns a page whose front matter names no owner.

    ``today`` judges a review date in the future: by default the later of the build's day and the
    writer's, so a review done since the last commit is not taken for one still to come.
    """
    values, lines = front_matter.values, front_matter.lines
    fields = ("owner", "last-reviewed", "review-every")
    if not required and not any(field in values for field in fields):
        return None, []
    problems: list[Problem] = []
    first = front_matter.first_line

    owner = values.get("owner")
    if (not isinstance(owner, str) or not owner.strip()) and "owner" not in values and fallback_owner:
        owner = fallback_owner
    if not isinstance(owner, str) or not owner.strip():
        where = lines.get("owner", first)
        problems.append(Problem("review-field", where, "'owner' is missing or empty; name who keeps this page "
                                "current, e.g. 'owner: handbook-maintainers' (or in CODEOWNERS)"))
    last = values.get("last-reviewed")
    last_date = parse_date(last) if isinstance(last, str) else None
    if last_date is None:
        where = lines.get("last-reviewed", first)
        shown = f" '{last}'" if isinstance(last, str) and last else ""
        problems.append(Problem("review-date", where, f"'last-reviewed'{shown} is missing or not a real date; "
                                "write the date of the last review as YYYY-MM-DD"))
    every = values.get("review-every", str(DEFAULT_REVIEW_DAYS))
    days = int(every) if isinstance(every, str) and re.fullmatch(r"\s*\d{1,6}\s*", every) else None
    if days is None or not 1 <= days <= LONGEST_REVIEW_DAYS:
        problems.append(Problem("review-field", lines.get("review-every", first),
                                f"'review-every: {every}' must be a number of days from 1 to {LONGEST_REVIEW_DAYS}"))
        days = DEFAULT_REVIEW_DAYS
    today = today or max(build_day(), writers_today())
    if last_date is not None and last_date > today:
        problems.append(Problem("review-date", lines.get("last-reviewed", first),
                                f"'last-reviewed: {last}' is in the future (today is {today.isoformat()}); "
                                "record a review once it has happened"))
    elif last_date is not None and days is not None:
        try:
            last_date + dt.timedelta(days=days)
        except OverflowError:
            problems.append(Problem("review-date", lines.get("last-reviewed", first),
                                    f"'last-reviewed: {last}' is too far in the future to have a next review"))
    if problems or last_date is None or not isinstance(owner, str):
        return None, problems
    return Review(owner.strip(), last_date.isoformat(), days, lines.get("last-reviewed", first)), []
