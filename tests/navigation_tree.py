"""A generated handbook with the toctree corner cases, built for the navigation tests.

Shared by ``test_navigation.py`` (Furo's whole tree, fast and stock) and ``test_small_pages.py``
(each page's branch plus the shared file).
"""

from __future__ import annotations

from pathlib import Path

import bench
from conftest import ROOT_CONF
from conftest import build_app as build  # noqa: F401  (the tests import it from here)

BOTH_SUFFIXES = 'source_suffix = {".md": "markdown", ".rst": "restructuredtext"}\n'


def corner_cases(count: int, people: str) -> dict[str, str]:
    """``count`` generated pages plus the cases: a page in two toctrees (about), captions, an
    external link, genindex, and a numbered toctree below People holding ``people`` (page names,
    one a line) and a page whose title is in reStructuredText's ``.. only::`` (left to Furo)."""
    files = bench.handbook_sources(count)
    files["index.md"] += ("\n```{toctree}\n:caption: Elsewhere\n\nself\nThe example site <https://example.org>\n"
                          "genindex\n```\n")
    files["people/index.md"] = files["people/index.md"].replace(
        "```{toctree}\n:maxdepth: 2\n", f"```{{toctree}}\n:maxdepth: 2\n:numbered:\n\n{people}", 1)
    # In reStructuredText a whole page can sit in `.. only::`: Sphinx then gives its toctree
    # ancestors a navigation with its subsections, and other pages one without (left to Furo).
    files["people/conditional.rst"] = (".. only:: html\n\n   Conditional\n   ===========\n\n"
                                       "   Details\n   -------\n\n   .. toctree::\n\n      conditional-child\n")
    files["people/conditional-child.md"] = "# Conditional child\n\nText.\n"
    files["operations/index.md"] = files["operations/index.md"].replace(
        "```{toctree}\n:maxdepth: 2\n", "```{toctree}\n:maxdepth: 2\n\n../about\n", 1)  # about, twice
    return files


def write_tree(root: Path, files: dict[str, str], conf: str = "") -> Path:
    """The files, and a conf.py of the test root's plus ``conf`` (both source suffixes on)."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "conf.py").write_text(ROOT_CONF + "\n" + BOTH_SUFFIXES + conf, encoding="utf-8")
    return root


def pages(outdir: Path) -> dict[str, str]:
    return {path.relative_to(outdir).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(Path(outdir).rglob("*.html"))}
