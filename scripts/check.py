#!/usr/bin/env python3
"""`make check`: the handbook's quality gate, as a Sphinx build.

Runs a fresh, nitpicky HTML build with the handbook's configuration and extension, turns every
warning into a finding (file, line, kind, message, how to fix it), drops the findings that
configuration silences with a stated reason, and reports them three ways: a summary in the
terminal, ``$(BUILDDIR)/check/report.json``, and GitHub workflow annotations when
``GITHUB_ACTIONS=true``. Exit status: 0 clean, 1 findings, 2 the check itself could not run.

The build is the check: nothing here re-reads sources on its own, so the gate cannot disagree with
what Sphinx and the extension see.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import datetime as dt
import difflib
import fnmatch
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "conf"))
from handbook.annotations import annotation as workflow_annotation
from handbook.annotations import no_workflow_commands  # noqa: E402  (after the path is known)
from handbook.warnings_ import HandbookWarning  # noqa: E402

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from handbook.pages import PagesDomain
    from handbook.policy import PolicyDomain
    from handbook.quality import QualityDomain


@dataclasses.dataclass
class Finding:
    file: str
    line: int
    kind: str
    message: str
    hint: str
    type: str = ""
    severity: str = "error"  # "error" fails the check; "silenced" was silenced on purpose
    reason: str = ""  # why it was silenced

    def location(self) -> str:
        return f"{self.file}:{self.line}"


# Sphinx's and other extensions' warning types (or "type.subtype") -> (kind, how to fix it); the
# handbook's own come from its HandbookWarning enum. Longest match wins.
FOREIGN_KINDS: dict[str, tuple[str, str]] = {
    "toc.not_included": ("orphan", "add the page to a toctree in its section's index.md, or put "
                                   "'orphan: true' in its front matter if it is reached another way"),
    "toc": ("toctree", "list only documents that exist, without the .md suffix"),
    "myst.xref_missing": ("reference", "link to an existing page (as a .md path) and an existing heading; "
                                       "headings down to ### have GitHub-style anchors"),
    "myst.header": ("structure", "start each page with one '#' heading and do not skip heading levels"),
    "myst": ("markdown", "fix the MyST syntax the message names"),
    "ref": ("reference", "refer to a label, document or object that exists"),
    "image.not_readable": ("missing-file", "add the image or correct its path (relative to the page)"),
    "download.not_readable": ("missing-file", "add the file or correct its path (relative to the page)"),
    "design": ("component", "fix the sphinx-design directive's options"),
    "config": ("configuration", "fix the configuration value the message names"),
}
KINDS: dict[str, tuple[str, str]] = {
    **FOREIGN_KINDS,
    **{warning.type: (warning.kind, warning.hint) for warning in HandbookWarning},
}
MESSAGE_KINDS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"duplicate label|Duplicate explicit target name|Duplicate implicit target name"), "duplicate-label",
     "rename one of the two labels or headings"),
    (re.compile(r"undefined label|unknown document"), "reference", "refer to a label or document that exists"),
    (re.compile(r"nonexisting document|toctree glob pattern"), "toctree",
     "list only documents that exist, without the .md suffix"),
]


def classify(warning_type: str, message: str) -> tuple[str, str]:
    if warning_type:
        parts = warning_type.split(".")
        dashed = [warning_type, f"{parts[0]}.{parts[1].split('-')[0]}" if len(parts) > 1 else "", parts[0]]
        for key in dashed:
            if key and key in KINDS:
                return KINDS[key]
    for pattern, kind, hint in MESSAGE_KINDS:
        if pattern.search(message):
            return kind, hint
    return "build", "fix what the message names"


def display_path(path: str) -> str:
    """Repository-relative where possible, as GitHub annotations and writers want it."""
    try:
        return os.path.relpath(path) if Path(path).is_absolute() and not os.path.relpath(path).startswith("..") else path
    except ValueError:
        return path


def refine_line(finding: Finding, raw_path: str) -> None:
    """Sphinx places toctree warnings at the directive; point at the entry's own line instead."""
    names = re.findall(r"'([^']+)'", finding.message)
    if finding.kind != "toctree" or not names or not Path(raw_path).is_file():
        return
    lines = Path(raw_path).read_text(encoding="utf-8", errors="replace").split("\n")
    for number in range(finding.line, min(finding.line + 200, len(lines) + 1)):
        if lines[number - 1].strip() in (names[-1], names[-1] + ".md") or names[-1] in lines[number - 1]:
            finding.line = number
            return


def collector_for(app: Sphinx) -> Any:
    """A handler that keeps every warning of the build as a log record, never as printed text.

    A ``WarningStreamHandler`` to Sphinx, so that while Sphinx holds warnings back (reading pages
    in parallel, ``pending_warnings``) it is set aside and handed the held records once, like
    Sphinx's own warning stream. Filtered as that stream is: ``suppress_warnings`` applies,
    ``once`` warnings come once, and the location is the file and line Sphinx would print.
    """
    from sphinx.util.logging import (
        OnceFilter,
        SafeEncodingWriter,
        SphinxWarningLogRecord,
        WarningLogRecordTranslator,
        WarningStreamHandler,
        WarningSuppressor,
    )

    class FindingCollector(WarningStreamHandler):
        def __init__(self) -> None:
            super().__init__(SafeEncodingWriter(io.StringIO()))  # written to by nothing
            self.setLevel(logging.WARNING)
            self.addFilter(WarningSuppressor(app))
            self.addFilter(OnceFilter())
            self.translator = WarningLogRecordTranslator(app)
            self.records: list[logging.LogRecord] = []

        def emit(self, record: logging.LogRecord) -> None:
            # Records are shared with Sphinx's own handlers, which translate them in place (the
            # location to "path:line", the type appended to the message); work on a copy, and
            # translate it only if Sphinx's stream has not done so already.
            mine = copy.copy(record)
            if not isinstance(mine, SphinxWarningLogRecord):
                self.translator.filter(mine)  # type: ignore[arg-type]  # it turns the record into one
            # Now, while the build's directives are registered: which one a misspelt name meant.
            mine.handbook_hint = directive_hint(logging.LogRecord.getMessage(record))
            self.records.append(mine)

        def findings(self) -> list[Finding]:
            return [finding_of(record) for record in self.records]

    return FindingCollector()


def directive_hint(message: str) -> str | None:
    """``did you mean {adr-status}?`` for MyST's "Unknown directive type: 'adr-staus'"."""
    match = re.match(r"Unknown directive type: '([^']+)'", message)
    if not match:
        return None
    # docutils keeps registered directives (Sphinx's, MyST's, extensions') in this module-level
    # dict, as sphinx.util.docutils.is_directive_registered reads it; its built-ins in the registry.
    from docutils.parsers.rst import directives

    known = set(directives._directives) | set(directives._directive_registry)  # type: ignore[attr-defined]
    close = difflib.get_close_matches(match.group(1), sorted(known), n=2, cutoff=0.7)
    if not close:
        return None
    return "did you mean " + " or ".join(f"{{{name}}}" for name in close) + "? Fix the directive's name"


def finding_of(record: logging.LogRecord) -> Finding:
    warning_type = ".".join(part for part in (getattr(record, "type", None), getattr(record, "subtype", None)) if part)
    # The message alone: SphinxLogRecord.getMessage() would prefix the location, and Sphinx's
    # translator appends the type, which the report keeps in its own field.
    message = logging.LogRecord.getMessage(record).strip().removesuffix(f" [{warning_type}]").rstrip()
    kind, hint = classify(warning_type, message)
    hint = getattr(record, "handbook_hint", None) or hint
    if kind == "reference" and re.search(r"'[^']*\.html(#[^']*)?'", message):
        hint = "link to the page's source ('page.md#anchor'), not to its built .html file"
    file, line = split_location(getattr(record, "location", None))
    finding = Finding(file=display_path(file) if file else "(configuration)", line=line or 1, kind=kind,
                      message=message, hint=hint, type=warning_type)
    if file:
        refine_line(finding, file)
    return finding


def in_writers_words(findings: list[Finding], app: Sphinx) -> None:
    """Reference findings reworded in the writer's terms, with a "did you mean" where one fits."""
    from handbook.quality.wording import Known, reword

    env = app.env
    ids = cast("QualityDomain", env.domains["quality"]).data.get("ids", {})
    std = env.domains["std"]
    known = Known(pages=frozenset(env.found_docs),
                  anchors={docname: frozenset(found) for docname, found in ids.items()},
                  labels=frozenset(std.labels) | frozenset(std.anonlabels))
    pages = {str(Path(env.doc2path(docname)).resolve()): docname for docname in env.found_docs}
    for finding in findings:
        if finding.kind not in ("reference", "toctree", "missing-file"):
            continue
        docname = pages.get(str(Path(finding.file).resolve()))
        better = reword(finding.message, docname, known)
        if better is not None:
            finding.message = better.message
            if better.suggestion:
                finding.hint = f"{better.suggestion} {finding.hint[:1].upper()}{finding.hint[1:]}"


def split_location(location: object) -> tuple[str, int | None]:
    """``path:line`` or ``path`` (as Sphinx's translator leaves a record's location) to its parts."""
    if not location or not isinstance(location, str):
        return "", None
    path, _, line = location.rpartition(":")
    if path and line.isdigit():
        return path, int(line)
    if path and line == "":  # "path:" (a node without a line)
        return path, None
    return location, None


@dataclasses.dataclass
class Silence:
    kind: str
    files: str
    reason: str


def read_silences(entries: object, conf_file: str) -> tuple[list[Silence], list[Finding]]:
    """Silences from ``handbook_check_silence``; an entry without a reason is itself a finding."""
    silences: list[Silence] = []
    problems: list[Finding] = []
    conf_lines = Path(conf_file).read_text(encoding="utf-8").splitlines() if Path(conf_file).is_file() else []
    line = next((number for number, text in enumerate(conf_lines, 1) if "handbook_check_silence" in text), 1)
    if not isinstance(entries, (list, tuple)):
        return [], [Finding(display_path(conf_file), line, "configuration",
                            "handbook_check_silence must be a list of {kind, files, reason} entries",
                            "see the comment above handbook_check_silence in conf.py")]
    for entry in entries:
        if not isinstance(entry, dict) or not str(entry.get("kind", "")).strip():
            problems.append(Finding(display_path(conf_file), line, "configuration",
                                    f"handbook_check_silence entry {entry!r} has no 'kind'",
                                    "give the kind of finding to silence, e.g. 'orphan'"))
            continue
        reason = str(entry.get("reason", "")).strip()
        if not reason:
            problems.append(Finding(display_path(conf_file), line, "configuration",
                                    f"handbook_check_silence entry for '{entry['kind']}' states no reason",
                                    "add 'reason': why these findings are acceptable"))
            continue
        silences.append(Silence(str(entry["kind"]).strip(), str(entry.get("files", "*")).strip() or "*", reason))
    return silences, problems


def apply_silences(findings: list[Finding], silences: list[Silence]) -> None:
    for finding in findings:
        for silence in silences:
            if silence.kind in (finding.kind, finding.type) and fnmatch.fnmatch(finding.file, silence.files):
                finding.severity, finding.reason = "silenced", silence.reason
                break


def annotation(finding: Finding, level: str = "error") -> str:
    return workflow_annotation(level, finding.file, finding.line, f"handbook check: {finding.kind}",
                               f"{finding.message} — {finding.hint}")


@dataclasses.dataclass
class BuildFailure:
    """Why the build stopped, and where: the page being read or written, else the configuration."""

    message: str
    file: str


def run_build(source: Path, conf: Path, outdir: Path,
              collected: list[Any]) -> tuple[Any, BuildFailure | None]:
    """A fresh nitpicky HTML build; returns the application and, if it could not run, why.

    Reviews are judged by today's date, whatever SOURCE_DATE_EPOCH says: the gate is about now.
    The build's warnings land in the collector appended to ``collected``.
    """
    from sphinx.application import Sphinx
    from sphinx.errors import SphinxError
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    class CheckedSphinx(Sphinx):
        """Sphinx with the collector on its logger from the first extension on.

        Sphinx sets up its logger at the top of ``__init__`` (dropping any handler already there)
        and loads extensions right after; hooking the first ``setup_extension`` is the earliest
        point after that, so warnings of configuration and extension set-up are collected too.
        """

        def setup_extension(self, extname: str) -> None:
            if not collected:
                collector = collector_for(self)
                logging.getLogger("sphinx").addHandler(collector)
                collected.append(collector)
            super().setup_extension(extname)

    # The gate judges every file of the built site, so nothing may be left from an earlier build.
    shutil.rmtree(outdir / "html", ignore_errors=True)

    app = None

    def where() -> str:
        # A page's fault is blamed on the page Sphinx was working on, never on conf.py.
        docname = getattr(getattr(getattr(app, "env", None), "current_document", None), "docname", "")
        if app is not None and docname and docname in app.env.found_docs:
            return display_path(str(app.env.doc2path(docname)))
        return display_path(str(conf / "conf.py"))

    try:
        with patch_docutils(conf), docutils_namespace():
            app = CheckedSphinx(str(source), str(conf), str(outdir / "html"), str(outdir / "doctrees"), "html",
                         confoverrides={"nitpicky": True, "handbook_today": dt.date.today().isoformat(),
                                        "handbook_check_output": True},
                         status=None, warning=io.StringIO(), freshenv=True)
            app.build(force_all=True)
            return app, None
    except SphinxError as error:
        return None, BuildFailure(f"{error.category}: {error}", where())
    except RecursionError:
        return None, BuildFailure("the page is nested too deeply to build (lists, quotes or sections inside each "
                                  "other hundreds of levels deep); flatten it", where())
    except Exception:  # a bug in an extension, not a writer's mistake: keep the details in a file
        log = Path(tempfile.mkstemp(prefix="handbook-check-", suffix=".log")[1])
        log.write_text(traceback.format_exc(), encoding="utf-8")
        return None, BuildFailure(f"the build crashed ({sys.exc_info()[1]!r}); details in {log}", where())


def overdue_reviews(app: Sphinx, source: Path) -> list[Finding]:
    """Pages past their review date: listed as notices with their owners, never failures."""
    today = dt.date.today()
    findings = []
    for docname, review in cast("PagesDomain", app.env.domains["pages"]).overdue(today):
        findings.append(Finding(
            display_path(str(app.env.doc2path(docname))), review.line, "review-overdue",
            f"overdue for review since {review.due} (last reviewed {review.last_reviewed}); owner: {review.owner}",
            "ask the owner to review the page and update 'last-reviewed'", severity="notice"))
    return findings


def exempt_pages(app: Sphinx) -> list[Finding]:
    """Pages exempt from the built-site policy, listed with their reasons (they do not fail the check)."""
    return [Finding(display_path(str(app.env.doc2path(docname))), line, "active-content-exempt",
                    f"exempt from the active-content policy: {reason}",
                    "review the reason; remove 'allow-active-content' once the page no longer needs it",
                    severity="notice")
            for docname, reason, line in cast("PolicyDomain", app.env.domains["policy"]).exempt()]


def pages_gone_since(app: Sphinx, source: Path, ref: str) -> tuple[list[Finding], str | None]:
    """Pages that existed at ``ref`` and are gone now with no redirect to where they went."""
    listing = subprocess.run(["git", "ls-tree", "-r", "--name-only", ref, "."], cwd=source,
                             capture_output=True, text=True)
    if listing.returncode != 0:
        reason = (listing.stderr.strip().splitlines() or ["not a git repository"])[-1]
        return [], f"--since {ref}: git cannot list the pages at that ref ({reason})"
    suffixes = tuple(app.config.source_suffix)
    redirects = cast("PagesDomain", app.env.domains["pages"]).redirect_map(app.config.handbook_redirects)
    findings = []
    for path in listing.stdout.splitlines():
        if not path.endswith(suffixes):
            continue
        docname = path.rsplit(".", 1)[0]
        if docname in app.env.found_docs or docname in redirects or app.env.doc2path(docname).exists():
            continue
        findings.append(Finding(
            display_path(str(source / path)), 1, "moved-page",
            f"page '{docname}' existed at {ref} and is gone, with no redirect to where it went",
            f"add 'redirect-from: [{docname}]' to the front matter of the page that replaces it, or map it "
            "in handbook_redirects in conf.py"))
    return findings, None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=Path("docs"))
    parser.add_argument("--conf", type=Path, default=Path("conf"))
    parser.add_argument("--builddir", type=Path, default=Path("_build"))
    parser.add_argument("--since", help="also fail on pages removed since this git ref without a redirect")
    args = parser.parse_args(argv)
    for path, what in ((args.source, "source tree"), (args.conf / "conf.py", "configuration")):
        if not path.exists():
            print(f"make check: cannot run: the {what} {path} does not exist", file=sys.stderr)
            return 2

    outdir = args.builddir / "check"
    outdir.mkdir(parents=True, exist_ok=True)
    collected: list[Any] = []
    try:
        app, failure = run_build(args.source, args.conf, outdir, collected)
    finally:
        for collector in collected:
            logging.getLogger("sphinx").removeHandler(collector)
    config = app.config if app else None
    findings = [finding for collector in collected for finding in collector.findings()]
    if app is not None:
        in_writers_words(findings, app)
        findings.extend(overdue_reviews(app, args.source))
        findings.extend(exempt_pages(app))
        if args.since:
            gone, since_failure = pages_gone_since(app, args.source, args.since)
            if since_failure:
                print(f"make check: {since_failure}", file=sys.stderr)
                return 2
            findings.extend(gone)
    if failure:
        findings.append(Finding(failure.file, 1, "build", failure.message,
                                "fix the error above; the build could not finish"))
    silences, problems = read_silences(getattr(config, "handbook_check_silence", []) if config else [],
                                       str(args.conf / "conf.py"))
    findings.extend(problems)
    apply_silences(findings, silences)
    severity_order = {"error": 0, "notice": 1, "silenced": 2}
    findings.sort(key=lambda f: (severity_order.get(f.severity, 3), f.file, f.line, f.kind, f.message))

    report = outdir / "report.json"
    temporary = report.with_suffix(".json.tmp")
    temporary.write_text(json.dumps([dataclasses.asdict(f) for f in findings], indent=2, ensure_ascii=False) + "\n",
                         encoding="utf-8")
    os.replace(temporary, report)  # a reader never sees half a report

    errors = [f for f in findings if f.severity == "error"]
    notices = [f for f in findings if f.severity == "notice"]
    silenced = [f for f in findings if f.severity == "silenced"]
    for finding in errors:
        print(no_workflow_commands(f"{finding.location()}: {finding.kind}: {finding.message}\n"
                                   f"    how to fix: {finding.hint}"))
    for finding in notices:
        print(no_workflow_commands(f"{finding.location()}: notice: {finding.kind}: {finding.message}"))
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for finding in errors:
            print(annotation(finding))
        for finding in notices:
            print(annotation(finding, "warning"))
    counts: dict[str, int] = {}
    for finding in errors:
        counts[finding.kind] = counts.get(finding.kind, 0) + 1
    summary = ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
    tail = f"; {len(silenced)} silenced on purpose" if silenced else ""
    tail += f"; {len(notices)} notice(s), which do not fail the check" if notices else ""
    if errors:
        print(f"\nmake check: FAILED with {len(errors)} finding(s): {summary}{tail}. Report: {report}")
        return 1
    print(f"make check: passed, no findings{tail}. Report: {report}")
    return 1 if failure else 0

if __name__ == "__main__":
    sys.exit(main())
