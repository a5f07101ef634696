"""The bench's realistic tree has the shapes it promises, the same on every run, and builds cleanly."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from bench_tree import realistic_sources
from sphinx.testing.util import SphinxTestApp

pytestmark = pytest.mark.slow  # real Sphinx builds

REPO = Path(__file__).resolve().parent.parent
ROOT_CONF = (REPO / "tests" / "roots" / "test-records" / "conf.py").read_text(encoding="utf-8")


def test_the_tree_has_the_shapes_of_a_large_real_handbook():
    files = realistic_sources(1000)
    assert len(files) == 1000 and files == realistic_sources(1000)
    pages = [text for name, text in files.items() if "/area-" in name]
    records = [name for name in files if re.fullmatch(r"engineering/adr/\d{4}-.*\.md", name)]
    assert len(records) == 1000 // 12
    japanese = [text for text in pages if re.search(r"^# .*[\u3040-\u30ff]", text, re.M)]
    assert 0.2 < len(japanese) / len(pages) < 0.5
    deepest = max(len(re.match(r"^( *)", line).group(1)) for text in pages for line in text.splitlines()
                  if re.match(r"^ *(-|\d+\.) ", line))
    assert deepest >= 5 * 2  # six levels of list: the sixth indented at least five markers deep
    assert all(text.count("| Column 11 |") == 1 for text in pages)  # twelve columns
    assert all("<details>" in text and "```python" in text and "](" in text for text in pages)
    scripts = "".join(pages)
    for sample in ("中文", "한국어", "हिन्दी", "ไทย", "العربية", "עברית", "👩‍💻"):
        assert sample in scripts
    depth = max(name.count("/") for name in files)
    assert depth >= 4  # sections nest: section/area/part/part/page
    assert "{adr-status}" in files[records[0]] and "{adr-status}" not in realistic_sources(1000, stock=True)[records[0]]


def test_a_small_tree_builds_without_a_warning(tmp_path):
    src = tmp_path / "src"
    for name, text in realistic_sources(80).items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text, encoding="utf-8")
    (src / "conf.py").write_text(ROOT_CONF, encoding="utf-8")
    app = SphinxTestApp("html", srcdir=src, builddir=tmp_path / "_build", status=StringIO(), warning=StringIO())
    try:
        app.build()
    finally:
        app.cleanup()
    assert app.warning.getvalue() == ""
    assert len(app.env.found_docs) == 80
