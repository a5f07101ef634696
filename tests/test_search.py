"""Search with Pagefind: what is indexed, in which language, and what a build leaves behind.

The browser half (relevance against Sphinx's own search, snippets, CSP, file://, no other origin)
is ``test_search_browser.py``.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import ROOT_CONF, build_app
from sphinx.testing.util import SphinxTestApp

from handbook.search import pagefind_index

pytestmark = pytest.mark.slow  # real Sphinx builds

REPO = Path(__file__).resolve().parent.parent

# Japanese pages of the kind a real handbook has, for the Japanese queries.
JAPANESE = {
    "ja/deploy.md": "# 本番環境へのデプロイ手順\n\nリリース担当者は毎週火曜日に本番環境へデプロイします。"
                    "デプロイの前にステージング環境で動作を確認し、ロールバックの手順も確かめてください。\n",
    "ja/backup.md": "# データベースのバックアップと復元\n\nPostgreSQL のバックアップは毎晩取得され、三十日間保存されます。"
                    "復元するときは、まず障害対応チャンネルで宣言してから作業を始めます。\n",
    "ja/onboarding.md": "# 新入社員のオンボーディング\n\n入社初日には、ノートパソコンの受け取り、アカウントの発行、"
                        "チームの紹介があります。最初の一週間でハンドブックを読み、メンターと面談します。\n",
    "ja/oncall.md": "# オンコール当番\n\nオンコール当番は一週間ごとの交代制です。アラートを受けたら十五分以内に応答し、"
                    "インシデントの記録を残します。\n",
    "ja/expenses.md": "# 経費精算\n\n出張の交通費と宿泊費は、領収書を添えて月末までに申請してください。\n",
    "ja/security.md": "# 情報セキュリティ方針\n\nパスワードは誰とも共有しないでください。二要素認証を必ず有効にします。\n",
}


def with_japanese(root: Path) -> Path:
    """The real handbook's sources with a Japanese section (orphan pages: no toctree to edit)."""
    shutil.copytree(REPO / "docs", root)
    for name, text in JAPANESE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("---\norphan: true\n---\n" + text, encoding="utf-8")
    return root


def build(srcdir: Path, outdir: Path, conf: str = "", buildername: str = "html") -> SphinxTestApp:
    (srcdir / "conf.py").write_text(ROOT_CONF + "\n" + conf, encoding="utf-8")
    return build_app(srcdir, outdir, buildername)


def fragments(outdir: Path) -> dict[str, dict]:
    """Pagefind's record of each indexed page, by URL."""
    found = {}
    for path in (outdir / "pagefind" / "fragment").iterdir():
        data = gzip.decompress(path.read_bytes())
        record = json.loads(data[data.index(b"{"):])
        found[record["url"]] = record
    return found


@pytest.fixture(scope="module")
def japanese_site(tmp_path_factory) -> SphinxTestApp:
    root = tmp_path_factory.mktemp("search")
    return build(with_japanese(root / "src"), root / "_build")


def test_pagefind_replaces_sphinxs_index(japanese_site):
    outdir = Path(japanese_site.outdir)
    assert (outdir / "pagefind" / "pagefind.js").is_file()
    assert not (outdir / "searchindex.js").exists()
    search = (outdir / "search.html").read_text(encoding="utf-8")
    assert "_static/handbook-search.js" in search and 'data-pagefind="pagefind/pagefind.js"' in search
    assert "searchindex.js" not in search and "searchtools.js" not in search
    assert "<script>" not in search.split("<body>", 1)[1].replace(  # no inline script of ours
        '<script>\n      document.body.dataset.theme = localStorage.getItem("theme") || "auto";\n    </script>', "")


def test_only_documents_are_indexed_with_clean_titles(japanese_site):
    outdir = Path(japanese_site.outdir)
    records = fragments(outdir)
    urls = set(records)
    assert "/engineering/adr/0001-record-architecture-decisions.html" in urls
    assert "/ja/deploy.html" in urls and "/index.html" in urls
    assert not urls & {"/search.html", "/genindex.html", "/404.html"}
    adr = records["/engineering/adr/0001-record-architecture-decisions.html"]
    assert adr["meta"]["title"] == "ADR-0001: Record architecture decisions"  # no headerlink "#"
    assert "Engineering" not in adr["content"].split("ADR-0001", 1)[0]  # not the sidebar's text
    assert len(urls) == len(japanese_site.env.found_docs)


def test_a_site_with_kana_is_indexed_as_japanese(japanese_site):
    meta = list((Path(japanese_site.outdir) / "pagefind").glob("pagefind.*.pf_meta"))
    assert [path.name.split("_")[0] for path in meta] == ["pagefind.ja"]


def language_of(texts: dict[str, str], language: str = "en", forced: str = "", tmp_path: Path = Path()) -> str:
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    env = SimpleNamespace(found_docs=set(texts), doc2path=lambda docname: tmp_path / docname)
    config = SimpleNamespace(handbook_search_language=forced, language=language)
    return pagefind_index.site_language(SimpleNamespace(env=env, config=config))


@pytest.mark.parametrize("texts, language, forced, expected", [
    ({"a": "Plain English.", "b": "More English."}, "en", "", "en"),
    ({"a": "English.", "b": "日本語のページです。"}, "en", "", "ja"),
    ({"a": "English.", "b": "中文页面"}, "en", "", "zh"),
    ({"a": "한국어 페이지"}, "en", "", "ko"),
    ({"a": "Deutsch."}, "de_DE", "", "de"),
    ({"a": "日本語のページです。"}, "en", "en", "en"),
])
def test_the_index_language(tmp_path, texts, language, forced, expected):
    assert language_of(texts, language, forced, tmp_path) == expected


def test_an_unchanged_site_is_not_indexed_again_and_a_change_is(tmp_path):
    src = with_japanese(tmp_path / "src")
    first = build(src, tmp_path / "_build")
    entry = Path(first.outdir) / "pagefind" / "pagefind-entry.json"
    written = entry.stat().st_mtime_ns
    build(src, tmp_path / "_build")
    assert entry.stat().st_mtime_ns == written
    page = src / "ja" / "expenses.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n立替金は翌月の給与で精算されます。\n", encoding="utf-8")
    third = build(src, tmp_path / "_build")
    # Pagefind writes the words it segmented with zero-width spaces between them.
    assert "立替金" in fragments(Path(third.outdir))["/ja/expenses.html"]["content"].replace("\u200b", "")
    assert not (Path(third.outdir) / "pagefind-old").exists()


def test_an_edit_indexes_its_part_again_and_keeps_the_others(tmp_path, monkeypatch):
    """Incremental equals clean: after an edit, the index parts are byte for byte those of a clean
    build, though Pagefind ran over the edited page's part only."""
    split = "handbook_search_pages_per_index = 8\n"
    src = with_japanese(tmp_path / "src")
    build(src, tmp_path / "_build", split)
    runs: list[str] = []
    command = pagefind_index.command
    monkeypatch.setattr(pagefind_index, "command",
                        lambda site, output, language, glob="": runs.append(glob) or command(site, output, language, glob))
    page = src / "ja" / "expenses.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n立替金は翌月の給与で精算されます。\n", encoding="utf-8")
    edited = Path(build(src, tmp_path / "_build", split).outdir) / "pagefind"
    assert len(runs) == 1 and glob_matches(runs[0], "ja/expenses.html")
    clean = Path(build(src, tmp_path / "_clean", split).outdir) / "pagefind"
    assert len(runs) > 2  # the clean build indexed every part

    def files(bundle: Path) -> dict[str, bytes]:
        return {path.relative_to(bundle).as_posix(): path.read_bytes() for path in bundle.rglob("*") if path.is_file()}

    assert files(edited) == files(clean)
    assert "立替金" in json.dumps(fragments_below(edited), ensure_ascii=False).replace("\u200b", "")


def fragments_below(bundle: Path) -> list[dict]:
    """Every part's fragments."""
    return [json.loads(data[data.index(b"{"):]) for path in bundle.rglob("fragment/*")
            for data in [gzip.decompress(path.read_bytes())]]


def test_a_failed_indexing_warns_once_and_keeps_the_last_index(tmp_path, monkeypatch):
    src = with_japanese(tmp_path / "src")
    first = build(src, tmp_path / "_build")
    monkeypatch.setattr(pagefind_index, "command",
                        lambda site, output, language, glob="": ["false"])
    page = src / "ja" / "oncall.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n追記。\n", encoding="utf-8")
    second = build(src, tmp_path / "_build")
    warnings = second.warning.getvalue()
    assert warnings.count("[handbook.search]") == 1 and "could not be built" in warnings
    assert (Path(first.outdir) / "pagefind" / "pagefind.js").is_file()


def test_sphinxs_search_comes_back_when_turned_off(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(REPO / "docs", src)
    app = build(src, tmp_path / "_build", "handbook_search = False\n")
    assert (Path(app.outdir) / "searchindex.js").is_file() and not (Path(app.outdir) / "pagefind").exists()
    assert "data-pagefind-body" not in (Path(app.outdir) / "index.html").read_text(encoding="utf-8")


def glob_matches(glob: str, page: str) -> bool:
    """Pagefind's globs as the parts use them: {a,b} alternatives, [c] one character, ** any folders."""
    def pattern(text: str) -> str:
        out, index = "", 0
        while index < len(text):
            if text.startswith("**/", index):
                out, index = out + "(?:.*/)?", index + 3
            elif text[index] == "*":
                out, index = out + "[^/]*", index + 1
            elif text[index] == "[":
                out, index = out + re.escape(text[index + 1]), index + 3
            elif text[index] == "{":
                end = text.index("}", index)
                while text[end - 1] == "[":  # an escaped brace: [}]
                    end = text.index("}", end + 1)
                body, depth, pieces, current = text[index + 1:end], 0, [], ""
                for character in body:
                    depth += {"[": 1, "]": -1}.get(character, 0)
                    if character == "," and depth == 0:
                        pieces.append(current)
                        current = ""
                    else:
                        current += character
                out, index = out + "(?:" + "|".join(pattern(piece) for piece in [*pieces, current]) + ")", end + 1
            else:
                out, index = out + re.escape(text[index]), index + 1
        return out

    return re.fullmatch(pattern(glob), page) is not None


def test_a_large_site_is_indexed_in_parts_folder_by_folder():
    """Parts of at most the limit, consecutive folders, a folder's own pages never split, every page
    in exactly one part, and no part without a page to index."""
    from pathlib import PurePosixPath as Page

    from handbook.search.pagefind_index import index_parts

    pages = [Page(name) for name in ("index.html", "search.html", "a/1.html", "a/2.html", "a/b/3.html",
                                     "a/b/4.html", "a/b/5.html", "c/6.html", "d{x},y/7.html", "z/m1.html",
                                     "z/m2.html", "z/m3.html")]
    bodied = {page for page in pages if page.parts[0] != "z"} - {Page("search.html")}
    assert [part.glob for part in index_parts(pages, 100, bodied)] == [""]  # small enough: the site whole
    split = index_parts(pages, 3, bodied)
    parts = [part.glob for part in split]
    assert parts == ["*.html", "a/*.html", "a/b/**/*.html", "{c/**/*.html,d[{]x[}][,]y/**/*.html}"]
    for page in pages:
        assert sum(glob_matches(glob, str(page)) for glob in parts) == (page.parts[0] != "z"), page
    for part in split:  # each part's pages, for its stamp, are those its glob matches
        assert part.pages == [page for page in pages if glob_matches(part.glob, str(page))]
    assert glob_matches("**/*.html", "index.html") and not glob_matches("a/*.html", "a/b/3.html")
