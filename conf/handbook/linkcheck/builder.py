"""The ``handbook-linkcheck`` builder: Sphinx's linkcheck output, every use reported, a cache.

It keeps Sphinx's builder (its name for results, output.json and output.txt in the output folder,
its ``linkcheck_*`` settings) and replaces the two things the handbook needs done differently:
collecting links (every use, not the first; at the URL's own line) and checking them (per-host
limits, retries, a deadline, a cache; see ``schedule.py`` and ``fetch.py``).
"""

from __future__ import annotations

import collections
import json
import os
import sys
import time
from pathlib import Path

from docutils import nodes
from sphinx.builders.linkcheck import CheckExternalLinksBuilder
from sphinx.errors import ConfigError, SphinxError
from sphinx.util import logging

from ..source import locate, node_line, read_lines
from . import report
from .cache import DAY, LinkCache
from .changes import ChangesError, changed_lines
from .occurrences import Occurrence, find_uri, is_external, wanted
from .results import IGNORED, Result
from .schedule import LinkScheduler
from .settings import SettingsError, cache_path, settings_from_config

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
            self.settings = settings_from_config(self.config)
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
        lines = read_lines(path)
        filename = str(self.env.doc2path(docname, False))
        for (uri, _), lineno in zip(found, locate(lines, found), strict=False):
            occurrence = Occurrence(uri, docname, filename, str(path), lineno)
            if wanted(occurrence, self.changes):
                self.occurrences.append(occurrence)

    def finish(self) -> None:
        uses: dict[str, list[Occurrence]] = collections.defaultdict(list)
        for occurrence in self.occurrences:
            uses[occurrence.uri].append(occurrence)
        cache = LinkCache(cache_path(self.config.handbook_linkcheck_cache, Path(self.confdir), Path(self.outdir)),
                          self.settings.cache_days * DAY, self.settings.cache_jitter)
        if problem := cache.load():
            logger.warning(problem, type="handbook", subtype="linkcheck")
        known = self._known_without_asking(uses, cache)
        to_ask = [uri for uri in uses if uri not in known]
        if self.changes is not None:
            logger.info(f"pull-request mode: {len(uses)} links on lines changed since "
                        f"{self.config.handbook_linkcheck_since}")
        logger.info(f"checking {len(to_ask)} links; {len(known)} more are excluded or cached")

        done: list[tuple[Occurrence, Result]] = []
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
                for uri, result in LinkScheduler(self.settings, progress=logger.info).run(to_ask):
                    cache.record(uri, result, time.time())
                    write(uri, result, cached=False)
        finally:
            cache.save(time.time())  # even when interrupted: what was learnt so far is kept

        if os.environ.get("GITHUB_ACTIONS") == "true":
            for occurrence, result in done:
                if result.failed:
                    print(report.annotation(occurrence, result, os.getcwd()), file=sys.stdout, flush=True)
        cached = sum(result.status != IGNORED for result in known.values())
        logger.info("")
        output = outdir / "output.json"
        shown = os.path.relpath(output) if output.is_relative_to(Path.cwd()) else str(output)
        for line in report.summary(done, len(to_ask), cached, shown):
            logger.info(line)
        if any(result.failed for _, result in done):
            self._app.statuscode = 1

    def _known_without_asking(self, uses: dict[str, list[Occurrence]], cache: LinkCache) -> dict[str, Result]:
        """Excluded links (with their reason) and links the cache still trusts."""
        known: dict[str, Result] = {}
        now = time.time()
        for uri in uses:
            if exclusion := self.settings.exclusion_for(uri):
                known[uri] = Result(IGNORED, 0, f"excluded: {exclusion.reason}")
            elif cached := cache.get(uri, now):
                known[uri] = cached
        return known
