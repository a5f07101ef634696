""""Last updated" dates from git that cannot be had: one plain notice, never a failed build.

sphinx-last-updated-by-git warns once per page of a shallow clone ("Git clone too shallow"), and
outside a git checkout prints "Error getting data from Git (...):" followed by git's own stderr;
both fail a ``-W`` build although nothing in the pages is wrong. The handbook silences those
warning types (``suppress_warnings``, the documented way to silence an extension's warnings) and,
after the dates are read, says once why pages have none and how to get them.
"""

from __future__ import annotations

import subprocess
from typing import TYPE_CHECKING

from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

SILENCED = ("git.too_shallow", "git.subprocess_error", "git.command_not_found")


def silence_per_page_warnings(app: Sphinx, config: Config) -> None:
    """``config-inited``: the extension's per-page warnings give way to the one notice below."""
    config.suppress_warnings = [*config.suppress_warnings, *SILENCED]


def why_no_dates(srcdir: str) -> str:
    """Why git gives no date for pages in ``srcdir``, in a writer's words."""
    try:
        inside = subprocess.run(["git", "rev-parse", "--is-inside-work-tree", "--is-shallow-repository"],
                                cwd=srcdir, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return "git is not installed"
    if inside.returncode != 0:
        return "the sources are not in a git checkout"
    if inside.stdout.split()[-1:] == ["true"]:
        return "the clone is shallow (clone with full history, e.g. fetch-depth: 0, to show them)"
    return "they are not committed yet"


def notice_pages_without_dates(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated`` (after the dates are read): one notice naming how many pages have none."""
    dates = getattr(env, "git_last_updated", None)
    if app.builder.format != "html" or not isinstance(dates, dict):
        return
    undated = sorted(docname for docname, value in dates.items() if not value or value[0] is None)
    if undated:
        pages = f"'{undated[0]}'" if len(undated) == 1 else f"{len(undated)} pages"
        logger.info("notice: %s show no 'last updated' date: %s", pages, why_no_dates(str(app.srcdir)))


def setup_git_dates(app: Sphinx) -> None:
    app.connect("config-inited", silence_per_page_warnings)
    # After sphinx-last-updated-by-git's own handler (default priority 500) has read the dates.
    app.connect("env-updated", notice_pages_without_dates, priority=900)
