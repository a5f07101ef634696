"""Fonts for every script a handbook page may use, through babel on LuaLaTeX.

The Latin text is TeX Gyre (code in DejaVu Sans Mono). A run of text in another script is marked
with its babel language (scripts.py), and babel sets it in a Noto font made for that script, right
to left for Arabic and Hebrew (``bidi=basic``). The script fonts use the HarfBuzz renderer, which
joins Arabic letters, forms Devanagari conjuncts and places Thai vowel marks (CJK below). Japanese,
Chinese and Korean lines may break between characters, Thai lines at its word-break patterns
(Debian's texlive-lang-other).

The script fonts draw their own letters and little else: Noto Serif Thai and Hebrew have no colon,
comma, digit or bracket, Noto Naskh Arabic no bracket or question mark. The punctuation and digits
between two words of a script are part of its run (scripts.py), so that right-to-left text keeps
its order; each script font therefore falls back to the Latin face of its family, then DejaVu Sans.

Code blocks are highlighted from their source, so nothing marks the scripts in them: the code
font's fallback chain hands any character DejaVu Sans Mono lacks to the CJK face, then to the
colour-emoji font and DejaVu Sans.

Emoji are not left to a font fallback where it can be helped: a fallback hands each code point to
the emoji font on its own, which splits a sequence such as 👩‍💻 (woman, zero-width joiner, laptop)
into two pictures. The handbook wraps each whole sequence in ``\\handbookemoji`` (emoji.py), which
sets it in Noto Color Emoji as one run, so HarfBuzz draws it as the single glyph the font has for it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WritingSystem:
    """One babel language and its Noto fonts for the serif text, the sans-serif headings and code."""

    locale: str
    serif: str
    sans: str
    mono: str
    options: str = "Renderer=HarfBuzz"


# Chinese, Japanese and Korean share one face, Noto Sans CJK JP (it has Hangul and every Han
# character): LuaLaTeX holds a CJK face's 65,000 glyphs in about 400 MB, for each face it loads, so
# one face costs 400 MB and serif, sans, mono, bold and a Korean face would cost 2.5 GB. Bold is
# the same face drawn thicker. CJK needs no shaping, so the node renderer, lighter per size.
CJK = "Noto Sans CJK JP"
CJK_OPTIONS = "Renderer=Node, BoldFont=*, BoldFeatures={FakeBold=2}, BoldItalicFont=*, BoldItalicFeatures={FakeBold=2}"

# scripts.py gives kanji and hanzi to Japanese, Hangul to Korean.
WRITING_SYSTEMS = [
    WritingSystem("arabic", "Noto Naskh Arabic", "Noto Sans Arabic", "Noto Sans Arabic"),
    WritingSystem("hebrew", "Noto Serif Hebrew", "Noto Sans Hebrew", "Noto Sans Hebrew"),
    WritingSystem("hindi", "Noto Serif Devanagari", "Noto Sans Devanagari", "Noto Sans Devanagari"),
    WritingSystem("thai", "Noto Serif Thai", "Noto Sans Thai", "Noto Sans Thai"),
    WritingSystem("korean", CJK, CJK, CJK, CJK_OPTIONS),
    WritingSystem("japanese", CJK, CJK, CJK, CJK_OPTIONS),
]

# The font files behind WRITING_SYSTEMS and the emoji, as Debian installs them (scripts/pdf.py
# checks they are there before a build, and names the packages when they are not).
FONT_FILES = {
    "fonts-noto-core": ["/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf",
                        "/usr/share/fonts/truetype/noto/NotoSerifHebrew-Regular.ttf",
                        "/usr/share/fonts/truetype/noto/NotoSerifDevanagari-Regular.ttf",
                        "/usr/share/fonts/truetype/noto/NotoSerifThai-Regular.ttf"],
    "fonts-noto-cjk": ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"],
    "fonts-noto-color-emoji": ["/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"],
    "fonts-dejavu-core": ["/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"],
}

# luaotfload's fallback chains: where a character a font lacks is looked for, in turn. The Latin
# faces hand emoji and symbols on; code also hands on CJK (its text is not marked with a language);
# a script font hands on to the Latin face of its own family (the module's docstring says why).
FALLBACKS = {
    "handbookfallback": ["NotoColorEmoji:mode=harf;", "DejaVuSans:mode=harf;"],
    "handbookcodefallback": ["NotoSansCJKjp-Regular:mode=node;", "NotoColorEmoji:mode=harf;", "DejaVuSans:mode=harf;"],
    "handbookrmscripts": ["TeXGyrePagella-Regular:mode=harf;", "DejaVuSans:mode=harf;"],
    "handbooksfscripts": ["TeXGyreHeros-Regular:mode=harf;", "DejaVuSans:mode=harf;"],
    "handbookttscripts": ["DejaVuSansMono:mode=harf;", "DejaVuSans:mode=harf;"],
}

LATIN = r"""\babelfont{rm}[
  Extension=.otf, UprightFont=*-regular, BoldFont=*-bold, ItalicFont=*-italic,
  BoldItalicFont=*-bolditalic, RawFeature={fallback=handbookfallback}]{texgyrepagella}
\babelfont{sf}[
  Extension=.otf, UprightFont=*-regular, BoldFont=*-bold, ItalicFont=*-italic,
  BoldItalicFont=*-bolditalic, RawFeature={fallback=handbookfallback}]{texgyreheros}
\babelfont{tt}[
  Extension=.ttf, UprightFont=*, BoldFont=*-Bold, ItalicFont=*-Oblique, BoldItalicFont=*-BoldOblique,
  Scale=0.85, RawFeature={fallback=handbookcodefallback}]{DejaVuSansMono}
"""

EMOJI = r"""
\newfontfamily\handbookemojifont{NotoColorEmoji}[Renderer=HarfBuzz]
\DeclareRobustCommand{\handbookemoji}[1]{{\handbookemojifont #1}}
"""


def babel_package() -> str:
    """The ``babel`` key of ``latex_elements``: babel with automatic direction, replacing polyglossia."""
    return r"\usepackage[bidi=basic]{babel}"


def fallback_chains() -> str:
    return "".join(rf'\directlua{{luaotfload.add_fallback("{name}", {{' + "\n"
                   + "".join(f'  "{font}",\n' for font in fonts) + "})}\n" for name, fonts in FALLBACKS.items())


def font_setup() -> str:
    """The ``fontpkg`` key: Latin fonts, a babel language and three fonts per other script, emoji."""
    lines = ["\n" + fallback_chains() + LATIN]
    for system in WRITING_SYSTEMS:
        lines.append(rf"\babelprovide[import]{{{system.locale}}}")
        for family, name in (("rm", system.serif), ("sf", system.sans), ("tt", system.mono)):
            options = f"{system.options}, RawFeature={{fallback=handbook{family}scripts}}"
            lines.append(rf"\babelfont[{system.locale}]{{{family}}}[{options}]{{{name}}}")
        # \handbookjapanese{...}: scripts.py's mark. Robust, and with the language in its name, so
        # neither \MakeUppercase nor a table of contents can change the language.
        lines.append(rf"\DeclareRobustCommand{{\handbook{system.locale}}}[1]{{\foreignlanguage{{{system.locale}}}{{#1}}}}")
    lines.append(EMOJI)
    # Bookmarks are plain text: the text itself, without the font and language switches.
    disabled = "".join(rf"\let\handbook{system.locale}\@firstofone" for system in WRITING_SYSTEMS)
    lines.append(r"\makeatletter\AtBeginDocument{\pdfstringdefDisableCommands{"
                 rf"\let\handbookemoji\@firstofone{disabled}}}}}\makeatother")
    return "\n".join(lines)
