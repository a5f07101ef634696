"""The PDF on real content: every script in a font made for it, read back; deep lists; long, wide tables.

One small tree, one chapter per case (each starts a page), built once with scripts/pdf.py. Each
test finds its chapter by its bookmark and reads that page back with poppler: the text
(pdftotext), the fonts it uses (pdffonts), where its words sit (pdftotext -bbox), its pictures
(pdfimages).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import write_tree
from defusedxml import ElementTree
from pypdf import PdfReader

from handbook.pdf.scripts import NOT_ASCII

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
from pdf import pdf_name  # noqa: E402

pytestmark = [pytest.mark.tex, pytest.mark.slow]

JAPANESE = "日本語の段落です。長い段落は行末で折り返されます。" * 6
CHINESE = "中文段落，用于检查汉字的字体。" * 3
KOREAN = "한국어 문단입니다. 긴 문단은 줄 끝에서 줄바꿈됩니다."
HINDI = "हिन्दी में एक अनुच्छेद। क्षत्रिय और द्वितीय जैसे संयुक्ताक्षर सही ढंग से जुड़ते हैं।"
THAI = "ภาษาไทยเป็นภาษาที่ไม่มีการเว้นวรรคระหว่างคำ" * 5
ARABIC = "هذه فقرة باللغة العربية تكتب من اليمين إلى اليسار"
HEBREW = "זוהי פסקה בעברית שנכתבת מימין לשמאל"


def deep_list(depth: int) -> str:
    """A list ``depth`` levels deep, bullets and numbers in turn, each item indented under the last."""
    lines, indent = [], 0
    for level in range(1, depth + 1):
        marker = "- " if level % 2 else "1. "
        lines.append(" " * indent + f"{marker}list level {level}")
        indent += len(marker)
    return "\n".join(lines)


def table(columns: int, rows: int) -> str:
    head = "| " + " | ".join(f"Heading {c}" for c in range(columns)) + " |"
    body = ["| " + " | ".join(f"row {r} some_identifier_{c}" for c in range(columns)) + " |" for r in range(rows)]
    return "\n".join([head, "|" + "---|" * columns, *body])


# One console line three times the page's width, of words and punctuation only.
CODE = ("$ deploy --environment=production --owner=handbook-maintainers --timeout=600 && echo 'every "
        "reader of this command should see whole words, never one cut in two, because a wrapped line "
        "breaks at spaces and punctuation', then verify --reader=operations; done")

# The deepest list MyST-Parser parses: markdown-it stops at 20 nested blocks, and a list level
# takes two (the list and its item), so the 10th level's text is already past it.
DEEPEST_LIST = 9

# Cells of every kind (cells.py): line-level ones (text, code, links, other scripts, emoji) go
# without Sphinx's varwidth wrapper; a list, a block and a merged cell keep it.
CELLS = """# Cells

| Plain | Code | Link | Japanese | Emoji |
|---|---|---|---|---|
| plain words | `inline_code` | [the code chapter](code.md) | 表の日本語 | team 👩‍💻 |

```{list-table}
:header-rows: 1

* - Kind
  - Content
* - list cell
  - - first item
    - second item
* - block cell
  - ```text
    block line
    ```
```

```{eval-rst}
+----------------------+-----------+
| merged across        | beside    |
| two rows             +-----------+
|                      | below     |
+----------------------+-----------+
```

{long_cells}

Text after the cells.
"""
# A long table: Sphinx gives it "l" columns, where only the wrapper makes a cell's text wrap.
LONG_CELLS = "| Step | What to do |\n|---|---|\n" + "".join(
    f"| {row} | {'check the deployment dashboard before and after the change ' * 3} |\n" for row in range(35))
# The cells above that need the wrapper: the list, the code block, the merged cell, and the long
# table's (two cells a row: the header, written twice for its first and later pages, and 35 rows).
WRAPPED_CELLS = 3 + 2 * (2 + 35)

# Punctuation and digits inside a run of another script, which most script fonts do not have.
PUNCTUATION = ["ไทย: ทดสอบ (1, 2) ก่อน? ครั้ง", "עברית: בדקו (3, 4) לפני? הפריסה", "هذه: فقرة (5, 6) العربية? تكتب",
               "हिन्दी: एक (7, 8) अनुच्छेद? है", "한국어: 문단 (9, 0) 입니다? 네"]
SHARED = ":,?0123456789"

TREE = {
    "index.md": """
        # Scripts

        ```{toctree}
        japanese
        chinese
        korean
        hindi
        thai
        arabic
        hebrew
        emoji
        lists
        tables
        cells
        punctuation
        code
        ```
        """,
    "japanese.md": f"# Japanese 日本語\n\n{JAPANESE}\n\n`code コード 日本語` and\n\n```text\ncode コード 日本語\n```\n",
    "chinese.md": f"# Chinese 中文\n\n{CHINESE}\n",
    "korean.md": f"# Korean 한국어\n\n{KOREAN}\n",
    "hindi.md": f"# Hindi हिन्दी\n\n{HINDI}\n",
    "thai.md": f"# Thai ไทย\n\n{THAI}\n",
    "arabic.md": f"# Arabic\n\n{ARABIC}\n\nبببب\n\nب\n",
    "hebrew.md": f"# Hebrew\n\n{HEBREW}\n",
    "emoji.md": "# Emoji\n\nA developer: 👩‍💻\n",
    "lists.md": f"# Lists\n\n{deep_list(DEEPEST_LIST)}\n\n:::{{note}}\n> {deep_list(6).replace(chr(10), chr(10) + '> ')}\n:::\n\n"
                "Text after the lists.\n",
    "code.md": f"# Code\n\n```console\n{CODE}\n```\n",
    "tables.md": f"# Tables\n\n{table(12, 4)}\n\n{table(3, 120)}\n\nText after the tables.\n",
    "cells.md": CELLS.replace("{long_cells}", LONG_CELLS),
    "punctuation.md": "# Punctuation\n\n" + "\n\n".join(PUNCTUATION) + "\n",
}


@pytest.fixture(scope="module")
def scripts_pdf(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("scripts")
    source = write_tree(tmp / "src", TREE)
    result = subprocess.run(
        [sys.executable, "scripts/pdf.py", "--source", str(source), "--conf", "conf", "--builddir", str(tmp),
         "--sphinx-build", str(Path(sys.executable).with_name("sphinx-build"))],
        cwd=REPO, capture_output=True, text=True, env={**os.environ, "HANDBOOK_CONF": str(REPO / "conf" / "conf.py")})
    assert result.returncode == 0, result.stdout + result.stderr
    return tmp / "pdf" / pdf_name(REPO / "conf")


def page_of(pdf: Path, title: str) -> int:
    """The 1-based page a chapter starts on, from its bookmark."""
    reader = PdfReader(pdf)
    for item in reader.outline:
        if not isinstance(item, list) and item.title.endswith(title):
            return reader.get_destination_page_number(item) + 1
    raise AssertionError(f"no bookmark for {title}")


def plain(text: str) -> str:
    """Text to compare: compatibility forms folded (Arabic presentation forms, ligatures), no
    whitespace or direction marks, which depend on how poppler splits glyph runs into words."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)


def text_on(pdf: Path, page: int, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def fonts_on(pdf: Path, page: int) -> set[str]:
    """The base names of the fonts a page uses (subset prefix removed)."""
    out = subprocess.run(["pdffonts", "-f", str(page), "-l", str(page), str(pdf)],
                         capture_output=True, text=True, check=True).stdout
    return {line.split()[0].split("+")[-1] for line in out.splitlines()[2:] if line.strip()}


def lines_on(pdf: Path, page: int) -> list[list[tuple[str, float, float]]]:
    """The page's lines, top to bottom, each as (text, left x, right x) of its boxes left to right.

    poppler gives a box per glyph run; for Arabic and Hebrew a box per letter, in the order the
    letters were set, so their x positions show the direction the text runs.
    """
    xhtml = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    rows: dict[float, list[tuple[str, float, float]]] = {}
    for word in ElementTree.fromstring(xhtml).iter("{http://www.w3.org/1999/xhtml}word"):
        box = (unicodedata.normalize("NFKC", word.text or ""), float(word.get("xMin")), float(word.get("xMax")))
        rows.setdefault(round(float(word.get("yMin"))), []).append(box)
    return [sorted(rows[y], key=lambda box: box[1]) for y in sorted(rows)]


def log_of(pdf: Path) -> str:
    return (pdf.parent / "latex" / pdf.with_suffix(".log").name).read_text(encoding="utf-8", errors="replace")


@pytest.mark.parametrize(("title", "text", "font"), [
    ("Japanese 日本語", JAPANESE, "NotoSansCJKjp-Regular"),
    ("Chinese 中文", CHINESE, "NotoSansCJKjp-Regular"),
    ("Korean 한국어", KOREAN, "NotoSansCJKjp-Regular"),
    ("Hindi हिन्दी", HINDI, "NotoSerifDevanagari-Regular"),
    ("Thai ไทย", THAI, "NotoSerifThai-Regular"),
    ("Arabic", ARABIC, "NotoNaskhArabic-Regular"),
    ("Hebrew", HEBREW, "NotoSerifHebrew-Regular"),
])
def test_each_script_reads_back_in_its_own_font(scripts_pdf, title, text, font):
    page = page_of(scripts_pdf, title)
    assert plain(text) in plain(text_on(scripts_pdf, page, "-raw"))
    assert font in fonts_on(scripts_pdf, page)


@pytest.mark.parametrize("title", ["Japanese 日本語", "Chinese 中文", "Korean 한국어", "Hindi हिन्दी", "Thai ไทย"])
def test_headings_keep_their_script(scripts_pdf, title):
    """A heading (a chapter title, in capitals) keeps its script: set in that script's sans-serif font, no glyph dropped."""
    assert plain(title).casefold() in plain(text_on(scripts_pdf, page_of(scripts_pdf, title), "-raw")).casefold()
    assert "Missing character" not in log_of(scripts_pdf)


def test_code_keeps_cjk_and_one_cjk_face_serves_all(scripts_pdf):
    """Inline code and code blocks print their CJK text; and the whole PDF uses one CJK face, as
    each face LuaLaTeX loads costs about 400 MB of memory (fonts.py)."""
    page = page_of(scripts_pdf, "Japanese 日本語")
    assert plain(text_on(scripts_pdf, page, "-raw")).count(plain("コード 日本語")) == 2
    assert "DejaVuSansMono" in fonts_on(scripts_pdf, page)
    every_font = set().union(*(fonts_on(scripts_pdf, number) for number in range(1, len(PdfReader(scripts_pdf).pages) + 1)))
    assert {font for font in every_font if "CJK" in font} == {"NotoSansCJKjp-Regular"}


def test_languages_without_spaces_wrap_inside_the_page(scripts_pdf):
    """Japanese and Thai paragraphs several lines long break between characters or words."""
    overfull = re.findall(r"Overfull \\hbox \((\d+\.\d+)pt too wide\)", log_of(scripts_pdf))
    assert not [points for points in overfull if float(points) > 5], overfull
    for title in ("Japanese 日本語", "Thai ไทย"):
        lines = [line for line in text_on(scripts_pdf, page_of(scripts_pdf, title)).splitlines() if line.strip()]
        assert len(lines) >= 4, lines


@pytest.mark.parametrize(("title", "sentence"), [("Arabic", ARABIC), ("Hebrew", HEBREW)])
def test_right_to_left_scripts_run_right_to_left(scripts_pdf, title, sentence):
    """The sentence's first letter is its rightmost, its last letter its leftmost."""
    line = max(lines_on(scripts_pdf, page_of(scripts_pdf, title)),
               key=lambda line: sum(1 for text, _, _ in line if text and text in sentence))
    letters = [text for text, _, _ in line]
    assert letters[-1] == sentence[0] and letters[0] == sentence[-1], letters


def test_arabic_letters_join(scripts_pdf):
    """Four joined behs are far narrower than four isolated ones, whose bowls stand apart."""
    lines = lines_on(scripts_pdf, page_of(scripts_pdf, "Arabic"))
    joined = next(line for line in lines if "".join(text for text, _, _ in line) == "بببب")
    alone = next(line for line in lines if "".join(text for text, _, _ in line) == "ب")
    width = joined[-1][2] - joined[0][1]
    assert width < 0.7 * 4 * (alone[0][2] - alone[0][1])


def colour_images(pdf: Path, page: int) -> int:
    out = subprocess.run(["pdfimages", "-list", "-f", str(page), "-l", str(page), str(pdf)],
                         capture_output=True, text=True, check=True).stdout
    return sum(1 for line in out.splitlines()[2:] if line.split()[2] == "image" and line.split()[5] == "rgb")


def test_a_joined_emoji_sequence_is_one_glyph(scripts_pdf):
    """👩‍💻 (woman, zero-width joiner, laptop) is one colour picture, not a woman and a laptop."""
    assert colour_images(scripts_pdf, page_of(scripts_pdf, "Emoji")) == 1


def test_lists_nest_as_deep_as_markdown_allows(scripts_pdf):
    page = page_of(scripts_pdf, "Lists")
    text = plain(text_on(scripts_pdf, page, "-raw"))
    for level in range(1, DEEPEST_LIST + 1):
        assert plain(f"list level {level}") in text
    assert plain("Text after the lists.") in text


def test_long_and_wide_tables_fit_the_page(scripts_pdf):
    first = page_of(scripts_pdf, "Tables")
    reader = PdfReader(scripts_pdf)
    text = plain("".join(text_on(scripts_pdf, page) for page in range(first, len(reader.pages) + 1)))
    # every column of the wide table is on the page, each identifier whole (hyphenated at worst)
    assert all(plain(f"Heading {column}") in text for column in range(12))
    assert text.replace("-", "").count("some_identifier_11") == 4
    # the long table runs over pages, with a continuation note, to its last row
    assert "continuesonnextpage" in text and plain("row 119 some_identifier_2") in text
    assert plain("Text after the tables.") in text


def test_every_kind_of_cell_prints_and_only_blocks_keep_varwidth(scripts_pdf):
    latex = (scripts_pdf.parent / "latex" / scripts_pdf.with_suffix(".tex").name).read_text(encoding="utf-8")
    cells = latex.split(r"\label{\detokenize{cells::doc}}")[1].split("::doc}}")[0]
    assert cells.count(r"\begin{varwidth}") == WRAPPED_CELLS
    overfull = re.findall(r"Overfull \\hbox \((\d+\.\d+)pt too wide\)", log_of(scripts_pdf))
    assert not [points for points in overfull if float(points) > 5], overfull  # every long cell wraps
    page = page_of(scripts_pdf, "Cells")
    text = plain("".join(text_on(scripts_pdf, number) for number in range(page, page_of(scripts_pdf, "Punctuation"))))
    for words in ("plain words", "inline_code", "the code chapter", "表の日本語", "team", "first item",
                  "second item", "block line", "merged across two rows", "beside", "below",
                  "Text after the cells."):
        assert plain(words) in text, words
    assert "NotoSansCJKjp-Regular" in fonts_on(scripts_pdf, page)
    assert colour_images(scripts_pdf, page) == 1


def test_punctuation_inside_another_script_is_printed(scripts_pdf):
    """Each colon, comma, digit, bracket and question mark between two words of a script is on the
    page (a bracket in right-to-left text may come out mirrored, and the CJK face's own colon is
    the fullwidth one), and LuaLaTeX dropped no glyph."""
    page = unicodedata.normalize("NFKC", text_on(scripts_pdf, page_of(scripts_pdf, "Punctuation")))
    printed = "".join(line for line in page.splitlines() if NOT_ASCII.search(line))  # not the page number
    written = "".join(PUNCTUATION)
    for character in SHARED:
        assert printed.count(character) == written.count(character), character
    assert printed.count("(") + printed.count(")") == written.count("(") + written.count(")")
    assert "Missing character" not in log_of(scripts_pdf)


def test_long_code_lines_wrap_between_words(scripts_pdf):
    """A wrapped code line breaks at a space or punctuation: no word of it is printed in pieces."""
    tokens = set(re.findall(r"\w+", CODE))
    printed = set(re.findall(r"\w+", text_on(scripts_pdf, page_of(scripts_pdf, "Code"))))
    assert tokens <= printed, tokens - printed
    pieces = {word for word in printed - tokens if any(word in token for token in tokens)}
    assert not pieces, pieces
