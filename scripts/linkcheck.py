#!/usr/bin/env python3
"""Check the handbook's external links: the front door of `make linkcheck`.

    make linkcheck                        # every external link; results in _build/linkcheck/output.json
    make linkcheck SINCE=origin/main      # only links on lines added or changed since origin/main

Runs Sphinx with the handbook's own ``handbook-linkcheck`` builder. Exit status: 0 when no link is
broken or timed out, 1 when one is, 2 for a mistake in the command or the configuration (a bad
--since ref, an exclusion without a reason), which is printed as one line, never a traceback, and
2 when no host name could be resolved at all (the machine seems to have no network).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import IO, cast

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "conf"))

from handbook.annotations import CommandSafeStream  # noqa: E402
from handbook.linkcheck.changes import ChangesError, base_commit  # noqa: E402


def colour_wanted(stream: IO[str]) -> bool:
    """Colour codes only for a terminal, and never with NO_COLOR set: a log file or a pipe gets
    plain text (the rule sphinx-build follows, applied here without its private helpers)."""
    if os.environ.get("NO_COLOR") or os.environ.get("NO_COLOUR"):
        return False
    return bool(os.environ.get("FORCE_COLOR") or os.environ.get("FORCE_COLOUR")) or stream.isatty()


def run_sphinx(source: Path, conf: Path, outdir: Path, overrides: dict[str, str]) -> int:
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    # Everything Sphinx prints (a URL, a server's answer, a source line quoted in a warning) goes
    # through a stream that keeps it from being read as a GitHub workflow command; the builder's
    # own annotations are printed to sys.stdout directly.
    with patch_docutils(conf), docutils_namespace():
        app = Sphinx(srcdir=source, confdir=conf, outdir=outdir, doctreedir=outdir / ".doctrees",
                     buildername="handbook-linkcheck", confoverrides=overrides,
                     status=cast(IO[str], CommandSafeStream(sys.stdout, plain=not colour_wanted(sys.stdout))),
                     warning=cast(IO[str], CommandSafeStream(sys.stderr, plain=not colour_wanted(sys.stderr))))
        app.build()
        return app.statuscode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=Path("docs"), help="the MyST source folder")
    parser.add_argument("--conf", type=Path, default=Path("conf"), help="the folder with conf.py")
    parser.add_argument("--builddir", type=Path, default=Path("_build"), help="results go to BUILDDIR/linkcheck")
    parser.add_argument("--since", metavar="REF", help="check only links on lines changed since this git ref")
    args = parser.parse_args(argv)

    from sphinx.errors import SphinxError

    for name, folder in (("--source", args.source), ("--conf", args.conf)):
        if not folder.is_dir():
            print(f"linkcheck: {name} {folder} is not a folder", file=sys.stderr)
            return 2
    overrides = {}
    if args.since is not None:
        try:
            base_commit(args.source, args.since)  # fail here, in one line, before Sphinx starts
        except ChangesError as err:
            print(f"linkcheck: {err}", file=sys.stderr)
            return 2
        overrides["handbook_linkcheck_since"] = args.since
    try:
        return run_sphinx(args.source.resolve(), args.conf.resolve(), (args.builddir / "linkcheck").resolve(),
                          overrides)
    except SphinxError as err:
        message = " ".join(str(err).split())
        print(f"linkcheck: {err.category}: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("linkcheck: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
