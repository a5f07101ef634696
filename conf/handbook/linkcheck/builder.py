"""The ``handbook-linkcheck`` builder: Sphinx's link checker, every use reported, a cache.

Sphinx's ``linkcheck`` builder keeps the first place each URL is used and checks it. This one
collects every use (at the URL's own line), takes out before any request what needs none (the
excluded links, with their reasons; links the cache still trusts; in pull-request mode, links not
on a changed line), hands one ``Hyperlink`` per remaining URL to Sphinx's checker (``checker.py``
adds the per-host limit and the deadline) and fans each result out to every use. Results are
written in Sphinx's formats, ``output.json`` and ``output.txt`` in the output folder.
"""

from __future__ import annotations

import collections
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, cast

from docutils import nodes
from sphinx.builders.linkcheck import CheckExternalLinksBuilder, Hyperlink
from sphinx.errors import ConfigError, SphinxError
from sphinx.util import logging

from ..source import node_line, read_lines
from ..warnings_ import HandbookWarning, warn
from . import report
from .cache import DAY, LinkCache
from .changes import ChangesError, changed_lines
from .checker import NO_SUCH_HOST, HandbookChecker
from .occurrences import Occurrence, find_uri, is_external, link_lines, wanted
from .results import IGNORED, Result
from .settings import (
    SettingsError,
    cache_path,
    check_numbers,
    exclusion_for,
    linkcheck_ignore,
    parse_exclusions,
)

logger = logging.getLogger(__name__)


class LinkCheckError(SphinxError):
    category = "Link check error"


class HandbookLinkcheckBuilder(CheckExternalLinksBuilder):
    name = "handbook-linkcheck"
    epilog = "Every use of every external link, with its status, is in %(outdir)s/output.json."

    def init(self) -> None:
        # Not CheckExternalLinksBuilder.init(): it sets a process-wide socket timeout, and every
        # request here carries its own.
        try:
            linkcheck_ignore(self.config)
            check_numbers(self.config)
            self.exclusions = parse_exclusions(self.config.handbook_linkcheck_exclude)
        except SettingsError as err:
            raise ConfigError(str(err)) from None
        self.occurrences: list[Occurrence] = []
        self.changes = None
        if since := self.config.handbook_linkcheck_since:
            try:
                self.changes = changed_lines(Path(self.srcdir), since)
            except ChangesError as err:
                raise LinkCheckError(str(err)) from None

    def write_doc_serialized(self, docname: str, doctree: nodes.document) -> None:
        # Runs in the main process even in a parallel build, on the fully resolved doctree (so
        # links added on doctree-resolved, like a record's discussion URL, are seen too).
        found = []
        for node in doctree.findall(nodes.Element):
            uri = find_uri(node)
            if uri:
                uri = self.events.emit_firstresult("linkcheck-process-uri", uri) or uri
            if uri and is_external(uri):
                found.append((uri, node_line(node)))
        if not found:
            return
        path = self.env.doc2path(docname)
        filename = str(self.env.doc2path(docname, False))
        for (uri, _), lineno in zip(found, link_lines(read_lines(path), found), strict=False):
            occurrence = Occurrence(uri, docname, filename, str(path), lineno)
            if wanted(occurrence, self.changes):
                self.occurrences.append(occurrence)

    def finish(self) -> None:
        uses: dict[str, list[Occurrence]] = collections.defaultdict(list)
        for occurrence in self.occurrences:
            uses[occurrence.uri].append(occurrence)
        cache = LinkCache(cache_path(self.config.handbook_linkcheck_cache, Path(self.confdir), Path(self.outdir)),
                          self.config.handbook_linkcheck_cache_days * DAY, self.config.handbook_linkcheck_cache_jitter)
        if problem := cache.load():
            warn(HandbookWarning.LINKCHECK_CACHE, problem)
        known = self._known_without_asking(uses, cache)
        to_ask = {uri: Hyperlink(uri, first.docname, cast(Any, Path(first.path)), first.lineno)
                  for uri, (first, *_) in uses.items() if uri not in known}
        if self.changes is not None:
            logger.info(f"pull-request mode: {len(uses)} links on lines changed since "
                        f"{self.config.handbook_linkcheck_since}")
        logger.info(f"checking {len(to_ask)} links; {len(known)} more are excluded or cached")

        done: list[tuple[Occurrence, Result]] = []
        asked: list[Result] = []
        outdir = Path(self.outdir)
        try:
            with (open(outdir / "output.json", "w", encoding="utf-8") as json_out,
                  open(outdir / "output.txt", "w", encoding="utf-8") as text_out):
                def write(uri: str, result: Result, cached: bool) -> None:
                    logger.info(report.progress_line(uri, result, cached))
                    for occurrence in uses[uri]:
                        json_out.write(json.dumps(report.linkstat(occurrence, result)) + "\n")
                        if entry := report.text_entry(occurrence, result):
                            text_out.write(entry + "\n")
                        done.append((occurrence, result))
                    json_out.flush()  # a run stopped halfway still leaves what it found

                for uri, result in known.items():
                    write(uri, result, cached=result.status != IGNORED)
                for answer in HandbookChecker(self.config, self.exclusions).check(to_ask):
                    result = Result(str(answer.status), answer.code, answer.message)
                    asked.append(result)
                    cache.record(answer.uri, result, time.time())
                    write(answer.uri, result, cached=False)
        finally:
            if problem := cache.save(time.time()):  # even when interrupted: what was learnt is kept
                warn(HandbookWarning.LINKCHECK_CACHE, problem)

        # Offline, every host name fails to resolve: one notice says so, instead of blaming each page.
        offline = bool(asked) and all(result.info.startswith(NO_SUCH_HOST) for result in asked)
        if os.environ.get("GITHUB_ACTIONS") == "true" and not offline:
            for occurrence, result in done:
                if result.failed:
                    print(report.annotation(occurrence, result), file=sys.stdout, flush=True)
        cached = sum(result.status != IGNORED for result in known.values())
        logger.info("")
        for line in report.summary(done, len(to_ask), cached, report.shown_path(outdir / "output.json"),
                                   offline=offline):
            logger.info(line)
        if offline:
            self._app.statuscode = 2  # the check could not run: nothing is known about the links
        elif any(result.failed for _, result in done):
            self._app.statuscode = 1

    def _known_without_asking(self, uses: dict[str, list[Occurrence]], cache: LinkCache) -> dict[str, Result]:
        """Excluded links (with their reason) and links the cache still trusts."""
        known: dict[str, Result] = {}
        now = time.time()
        for uri in uses:
            if exclusion := exclusion_for(self.exclusions, uri):
                known[uri] = Result(IGNORED, 0, f"excluded: {exclusion.reason}")
            elif cached := cache.get(uri, now):
                known[uri] = cached
        return known
