"""How results are written: Sphinx's JSON lines, its text file, GitHub annotations, a summary.

Places printed for a person (the summary, annotations) are paths from the folder the check was
started in, as ``make check`` prints them, so they can be clicked or pasted from there; the files
keep Sphinx's own form, relative to the source folder.
"""

from __future__ import annotations

import collections
import os
from collections.abc import Iterable
from pathlib import Path

from ..annotations import annotation as workflow_annotation
from .occurrences import Occurrence
from .results import FAILURES, REDIRECTED, Result

ORDER = ("working", "redirected", "ignored", "broken", "timeout")


def linkstat(occurrence: Occurrence, result: Result) -> dict[str, str | int]:
    """One line of output.json, with the keys and order of Sphinx's linkcheck builder."""
    return {"filename": occurrence.filename, "lineno": occurrence.lineno, "status": result.status,
            "code": result.code, "uri": occurrence.uri, "info": result.info}


def text_entry(occurrence: Occurrence, result: Result) -> str | None:
    """One line of output.txt, which (as in Sphinx) lists only what needs a look."""
    place = f"{occurrence.filename}:{occurrence.lineno}"
    if result.status in FAILURES:
        return f"{place}: [{result.status}] {occurrence.uri}: {result.info}"
    if result.status == REDIRECTED:
        return f"{place}: [redirected {result.code}] {occurrence.uri} to {result.info}"
    return None


def shown_path(path: str | Path, cwd: str | Path | None = None) -> str:
    """A path from the current folder when it is under it, else as it is."""
    cwd = Path.cwd() if cwd is None else Path(cwd)
    path = Path(path)
    try:
        return os.path.relpath(path, cwd) if path.resolve().is_relative_to(cwd.resolve()) else str(path)
    except (OSError, ValueError):
        return str(path)


def annotation(occurrence: Occurrence, result: Result, cwd: str | Path | None = None) -> str:
    """A GitHub Actions workflow command that marks the line in the pull request's diff."""
    message = f"{result.status} link {occurrence.uri}" + (f": {result.info}" if result.info else "")
    return workflow_annotation("error", shown_path(occurrence.path, cwd), occurrence.lineno, "link check", message)


def progress_line(uri: str, result: Result, cached: bool) -> str:
    label = result.status + (" (cached)" if cached else "")
    return f"{label:<19} {uri}" + (f" - {result.info}" if result.info else "")


def summary(uses: Iterable[tuple[Occurrence, Result]], checked: int, cached: int, output: str,
            offline: bool = False) -> list[str]:
    """The lines printed at the end: counts by status, then every failing use at its file and line."""
    uses = list(uses)
    links = {occurrence.uri: result for occurrence, result in uses}
    by_status = collections.Counter(result.status for result in links.values())
    counts = ", ".join(f"{by_status[status]} {status}" for status in ORDER if by_status[status])
    lines = [f"link check: {len(links)} links in {len(uses)} places ({checked} asked, {cached} from the cache)"
             + (f": {counts}" if counts else "")]
    failures = sorted(((o, r) for o, r in uses if r.failed), key=lambda use: (use[0].path, use[0].lineno))
    if offline:
        lines.append(f"no host name could be resolved: this machine seems to have no network, so the {checked} "
                     "links asked about were not really checked (each is in the results as broken). "
                     "Run the check again when it is online.")
    elif failures:
        places = "1 place uses" if len(failures) == 1 else f"{len(failures)} places use"
        lines.append(f"{places} a broken link or one that timed out:")
        lines += [f"  {shown_path(o.path)}:{o.lineno}: {r.status} {o.uri}" + (f" - {r.info}" if r.info else "")
                  for o, r in failures]
    lines.append(f"results: {output}")
    return lines
