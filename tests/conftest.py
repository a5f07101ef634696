"""Shared fixtures: test roots are built with the handbook's own conf.py and extension."""

from __future__ import annotations

import os
import re
import textwrap
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

REPO = Path(__file__).resolve().parent.parent
CONF = REPO / "conf" / "conf.py"
os.environ["HANDBOOK_CONF"] = str(CONF)  # read by tests/roots/*/conf.py
# Plain output from every build the tests start: Sphinx colours its messages whenever CI=true,
# and the tests read those messages as text.
os.environ["NO_COLOR"] = "1"

# A test root's conf.py: the handbook's configuration, unchanged.
ROOT_CONF = (REPO / "tests" / "roots" / "test-records" / "conf.py").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return REPO / "tests" / "roots"


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: text}`` under root (text is dedented), plus the handbook conf.py."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "conf.py").write_text(ROOT_CONF, encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def build_app(srcdir: Path, builddir: Path, buildername: str = "html", parallel: int = 0) -> SphinxTestApp:
    """One quiet build of ``srcdir`` (its messages in ``app.status`` and ``app.warning``); the app,
    cleaned up so the next build starts clean."""
    app = SphinxTestApp(buildername, srcdir=srcdir, builddir=builddir, status=StringIO(), warning=StringIO(),
                        parallel=parallel)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


class Built:
    def __init__(self, app: SphinxTestApp, warnings: str) -> None:
        self.app = app
        self.warnings = re.sub(r"\x1b\[[0-9;]*m", "", warnings)  # colours off: compare plain text
        self.outdir = Path(app.outdir)

    def html(self, docname: str) -> str:
        return (self.outdir / f"{docname}.html").read_text(encoding="utf-8")


@pytest.fixture
def build_tree(tmp_path: Path) -> Callable[..., Built]:
    """Build a tree of sources with the handbook's configuration; return the app and its warnings."""
    def build(files: dict[str, str] | None = None, srcdir: Path | None = None, buildername: str = "html",
              parallel: int = 0, freshenv: bool = False, builddir: Path | None = None) -> Built:
        if srcdir is None:
            srcdir = write_tree(tmp_path / "src", files or {})
        warning = StringIO()
        app = SphinxTestApp(buildername, srcdir=srcdir, builddir=builddir or tmp_path / "_build",
                            warning=warning, parallel=parallel, freshenv=freshenv)
        try:
            app.build()
        finally:
            app.cleanup()  # unregister nodes and directives so the next build starts clean
        return Built(app, warning.getvalue())

    return build


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test of a module that drives Chromium carries the ``browser`` tier, so that
    ``make test-fast`` (``-m "not browser ..."``) never needs a browser."""
    unmarked = sorted({item.module.__name__ for item in items
                       if isinstance(item, pytest.Function) and item.module is not None
                       and any(name.startswith("playwright") or getattr(value, "__module__", "").startswith("playwright")
                               for name, value in vars(item.module).items())
                       and item.get_closest_marker("browser") is None})
    if unmarked:
        raise pytest.UsageError(f"{', '.join(unmarked)} drive a browser but are not marked 'browser' "
                                "(add: pytestmark = [pytest.mark.browser, pytest.mark.slow])")
