"""Unit tests for the bad-text rules and raw-HTML link judging, without Sphinx."""

from __future__ import annotations

from pathlib import Path

import pytest

from handbook.quality import links, text

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "engineering-index.md"
REPAIRED = {"\U0001f3d7\ufe0f", "\U0001f52c", "\U0001f6e1\ufe0f", "\U0001f680"}


def messages(source: str) -> list[str]:
    return [bad.message for bad in text.find_bad_text(source)]


def test_all_four_seed_emoji_are_caught_with_their_repair():
    seed = SEED.read_text(encoding="utf-8") if SEED.is_file() else "\n".join(
        "### " + emoji.encode("utf-8").decode("mac_roman") + " Heading" for emoji in sorted(REPAIRED))
    found = [bad for bad in text.find_bad_text(seed) if bad.rule == "mojibake"]
    assert len(found) == 4
    assert {message.split("replace it with '")[1].split("'")[0] for message in (b.message for b in found)} == REPAIRED


@pytest.mark.parametrize("emoji", sorted(REPAIRED))
def test_seed_style_mojibake_without_the_private_use_lead_is_still_caught(emoji):
    broken = emoji.encode("utf-8").decode("mac_roman").lstrip("\uf8ff")
    assert [bad.rule for bad in text.find_bad_text(f"### {broken} Heading")] == ["mojibake"]


@pytest.mark.parametrize("source, repaired", [
    ("cafÃ©", "é"), ("donâ€™t", "’"), ("Ã¼ber", "ü"), ("ðŸš€ launch", "\U0001f680"),
])
def test_windows_1252_mojibake_is_repaired(source, repaired):
    assert any(f"replace it with '{repaired}'" in message for message in messages(source))


@pytest.mark.parametrize("clean", [
    "café naïve résumé", "Zürich, São Paulo, Ñandú", "“quoted…” — «guillemets»", "Straße Größe",
    "\U0001f3d7\ufe0f Build for Scale", "emoji with ZWJ: \U0001f469\u200d\U0001f4bb", "中文 日本語 한국어",
    "tabs\tand\r\nnewlines",
])
def test_clean_text_is_not_flagged(clean):
    assert messages(clean) == []


@pytest.mark.parametrize("source, rule, column", [
    ("a\ufffdb", "replacement", 2), ("x \ue000", "private-use", 3), ("bell\x07", "control", 5),
    ("\x1b[31m", "control", 1), ("abc\u202eevil", "control", 4), ("\u0085", "control", 1),
])
def test_bad_characters_are_located(source, rule, column):
    [bad] = text.find_bad_text(source)
    assert (bad.rule, bad.line, bad.column) == (rule, 1, column)


def test_lines_are_counted_from_one():
    assert [bad.line for bad in text.find_bad_text("ok\nok\n\ufffd\n")] == [3]


SITE = links.Site(docs={"index": {"top"}, "guide/page": {"section"}, "guide/index": set()},
                  files={"_static/logo.png"}, sources=frozenset({"guide/diagram.png"}))


@pytest.mark.parametrize("docname, url, broken", [
    ("index", "#top", None),
    ("index", "#nope", "not an anchor on this page"),
    ("index", "guide/page.html#section", None),
    ("index", "guide/page.html#nope", "has no anchor '#nope'"),
    ("guide/page", "../index.html", None),
    ("guide/page", "./", None),
    ("guide/page", "missing.html", "page that does not exist"),
    ("guide/page", "index.md", "does not rewrite"),
    ("index", "_static/logo.png", None),
    ("guide/page", "diagram.png", "does not copy it"),
    ("index", "nothing.pdf", "file that does not exist"),
    ("index", "../../etc/passwd", "outside the site"),
    ("index", "https://example.org/x", None),
    ("index", "mailto:someone@example.org", None),
    ("index", "http://[::1", "not a valid URL"),
])
def test_judge_raw_html_links(docname, url, broken):
    verdict = links.judge(SITE, docname, url)
    assert (verdict is None) if broken is None else (broken in (verdict or ""))


def test_parse_html_finds_links_ids_and_their_lines():
    found, ids = links.parse_html('<div id="a">\n<a href="x.html">x</a>\n<img src="y.png"/>\n<a name="b"></a></div>')
    assert [(link.line, link.url) for link in found] == [(1, "x.html"), (2, "y.png")]
    assert ids == {"a", "b"}


# Lines that made the old search quadratic: long runs of characters that are UTF-8 continuation
# bytes in Mac Roman or Windows-1252 but never repair to anything, and runs of whole sequences
# broken near their end. 100,000 characters must take well under a second (40 s before).
LONG_LINES = {
    "bullets": "\u2022" * 100_000,
    "daggers": "\u2020" * 100_000,
    "letters without a lead": "\u00fc\u00f6" * 50_000,
    "sequences with a bad tail": ("\u00c3\u00a9" * 999 + "\u00c3\u0081") * 50,
    "mixed": ("caf\u00c3\u00a9 \u2022\u2020 \u00f0\u0178\u0161\u20ac " * 9_000)[:100_000],
}


@pytest.mark.parametrize("name", LONG_LINES)
def test_a_100000_character_line_is_checked_in_linear_time(name):
    import time

    line = LONG_LINES[name]
    started = time.process_time()  # CPU time of this process: other work on the machine does not count
    text.find_bad_text(line)
    elapsed = time.process_time() - started
    assert elapsed < 1.0, f"{name}: {elapsed:.2f} s for {len(line):,} characters"
