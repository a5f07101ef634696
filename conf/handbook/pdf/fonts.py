"""Fonts for every script a handbook page may use, through babel on LuaLaTeX.

The Latin text is TeX Gyre (code in DejaVu Sans Mono). Text in another script is handed, character
by character, to a Noto font made for it by babel's ``onchar=ids fonts``: babel sees which script a
run of characters is in, switches to that script's font and rules, and sets Arabic and Hebrew right
to left (``bidi=basic``). Every script font uses the HarfBuzz renderer, which joins Arabic letters,
forms Devanagari conjuncts and places Thai vowel marks. Japanese and Korean lines may break between
characters, Thai lines at its word-break patterns (Debian's texlive-lang-other).

Emoji are not left to a font fallback: a fallback hands each code point to the emoji font on its own,
which splits a sequence such as 👩‍💻 (woman, zero-width joiner, laptop) into two pictures. The
handbook wraps each whole sequence in ``\\handbookemoji`` (emoji.py), which sets it in Noto Color
Emoji as one run, so HarfBuzz can draw it as the single glyph the font has for it. The fallback
stays for anything else the text fonts lack.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WritingSystem:
    """One babel locale and its Noto fonts for the serif text, the sans-serif headings and code."""

    locale: str
    serif: str
    sans: str
    mono: str


# Korean before Japanese: both claim the Han characters, and the last locale declared gets them,
# so kanji and hanzi are set in the Japanese face and only Hangul in the Korean one. Chinese text
# gets the Japanese face's forms of the shared characters.
WRITING_SYSTEMS = [
    WritingSystem("arabic", "Noto Naskh Arabic", "Noto Sans Arabic", "Noto Sans Arabic"),
    WritingSystem("hebrew", "Noto Serif Hebrew", "Noto Sans Hebrew", "Noto Sans Hebrew"),
    WritingSystem("hindi", "Noto Serif Devanagari", "Noto Sans Devanagari", "Noto Sans Devanagari"),
    WritingSystem("thai", "Noto Serif Thai", "Noto Sans Thai", "Noto Sans Thai"),
    WritingSystem("korean", "Noto Serif CJK KR", "Noto Sans CJK KR", "Noto Sans Mono CJK KR"),
    WritingSystem("japanese", "Noto Serif CJK JP", "Noto Sans CJK JP", "Noto Sans Mono CJK JP"),
]

# The font files behind WRITING_SYSTEMS and the emoji, as Debian installs them (scripts/pdf.py
# checks they are there before a build, and names the packages when they are not).
FONT_FILES = {
    "fonts-noto-core": ["/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf",
                        "/usr/share/fonts/truetype/noto/NotoSerifHebrew-Regular.ttf",
                        "/usr/share/fonts/truetype/noto/NotoSerifDevanagari-Regular.ttf",
                        "/usr/share/fonts/truetype/noto/NotoSerifThai-Regular.ttf"],
    "fonts-noto-cjk": ["/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
                       "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"],
    "fonts-noto-color-emoji": ["/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"],
    "fonts-dejavu-core": ["/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"],
}

LATIN = r"""
\directlua{luaotfload.add_fallback("handbookfallback", {
  "NotoColorEmoji:mode=harf;",
  "DejaVuSans:mode=harf;",
})}
\babelfont{rm}[
  Extension=.otf, UprightFont=*-regular, BoldFont=*-bold, ItalicFont=*-italic,
  BoldItalicFont=*-bolditalic, RawFeature={fallback=handbookfallback}]{texgyrepagella}
\babelfont{sf}[
  Extension=.otf, UprightFont=*-regular, BoldFont=*-bold, ItalicFont=*-italic,
  BoldItalicFont=*-bolditalic, RawFeature={fallback=handbookfallback}]{texgyreheros}
\babelfont{tt}[
  Extension=.ttf, UprightFont=*, BoldFont=*-Bold, ItalicFont=*-Oblique, BoldItalicFont=*-BoldOblique,
  Scale=0.85, RawFeature={fallback=handbookfallback}]{DejaVuSansMono}
"""

EMOJI = r"""
\newfontfamily\handbookemojifont{NotoColorEmoji}[Renderer=HarfBuzz]
\DeclareRobustCommand{\handbookemoji}[1]{{\handbookemojifont #1}}
"""


def babel_package() -> str:
    """The ``babel`` key of ``latex_elements``: babel with automatic direction, replacing polyglossia."""
    return r"\usepackage[bidi=basic]{babel}"


def font_setup() -> str:
    """The ``fontpkg`` key: Latin fonts, one babel locale and three fonts per other script, emoji."""
    lines = [LATIN]
    for system in WRITING_SYSTEMS:
        lines.append(rf"\babelprovide[import, onchar=ids fonts]{{{system.locale}}}")
    for system in WRITING_SYSTEMS:
        for family, name in (("rm", system.serif), ("sf", system.sans), ("tt", system.mono)):
            lines.append(rf"\babelfont[{system.locale}]{{{family}}}[Renderer=HarfBuzz]{{{name}}}")
    lines.append(EMOJI)
    # Bookmarks are plain text: the emoji itself, without the font switch.
    lines.append(r"\AtBeginDocument{\pdfstringdefDisableCommands{\def\handbookemoji#1{#1}}}")
    return "\n".join(lines)
