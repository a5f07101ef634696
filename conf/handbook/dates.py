"""Dates as the handbook reads them: ISO dates in front matter, and the day a build judges by.

Neutral ground like ``problems.py``: no Sphinx, no handbook subpackage.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any


def parse_date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def build_day() -> dt.date:
    """The date a build judges by: ``SOURCE_DATE_EPOCH``'s when it is a number (reproducible
    builds of one commit agree), else today. A value that is not a number is ignored, as
    Sphinx's own reading of the variable would fail on it."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
        except (OverflowError, OSError, ValueError):
            pass
    return dt.date.today()


def writers_today() -> dt.date:
    """The writer's own today, for what a person writes now (a new record's date). Never
    ``SOURCE_DATE_EPOCH``: that is the last commit's time, kept for reproducible builds."""
    return dt.date.today()
