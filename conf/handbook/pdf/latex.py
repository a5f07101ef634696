"""The PDF's LaTeX styling: fonts with a colour-emoji fallback, status colours, wrapping.

LuaLaTeX (ADR-0003) because it is the only TeX engine here that draws colour emoji: luaotfload's
fallback chain hands every glyph the text font lacks to Noto Color Emoji, shaped by HarfBuzz.
"""

from __future__ import annotations

from ..records.kinds import KINDS

# Same colours as handbook.css, so a status looks the same on screen and on paper.
STATUS_COLOURS = {
    "proposed": "8A5A00", "accepted": "1A7F37", "rejected": "C4182A", "deprecated": "953800",
    "superseded": "7339C9", "draft": "57606A", "review": "0860C8", "withdrawn": "3B4249",
    "implemented": "0B6B54", "unknown": "57606A",
}

# Text fonts from TeX Gyre, code in DejaVu Sans Mono (wide Unicode coverage); any glyph they lack
# falls back to Noto Color Emoji, then DejaVu Sans. "mode=harf" shapes the emoji with HarfBuzz, so
# an emoji and its U+FE0F presentation selector become one colour glyph, not a glyph and a box.
FONTS = r"""
\directlua{luaotfload.add_fallback("handbookfallback", {
  "NotoColorEmoji:mode=harf;",
  "DejaVuSans:mode=harf;",
})}
\setmainfont{texgyrepagella}[
  Extension=.otf, UprightFont=*-regular, BoldFont=*-bold, ItalicFont=*-italic,
  BoldItalicFont=*-bolditalic, RawFeature={fallback=handbookfallback}]
\setsansfont{texgyreheros}[
  Extension=.otf, UprightFont=*-regular, BoldFont=*-bold, ItalicFont=*-italic,
  BoldItalicFont=*-bolditalic, RawFeature={fallback=handbookfallback}]
\setmonofont{DejaVuSansMono}[
  Extension=.ttf, UprightFont=*, BoldFont=*-Bold, ItalicFont=*-Oblique, BoldItalicFont=*-BoldOblique,
  Scale=0.85, RawFeature={fallback=handbookfallback}]
"""


def status_styles() -> str:
    """Colours, badges (``\\DUrole``) and boxes (``sphinxuseclass``) for every record status."""
    lines = [r"\usepackage{tcolorbox}", r"\tcbuselibrary{skins,breakable}"]
    for status, colour in STATUS_COLOURS.items():
        lines.append(rf"\definecolor{{handbook{status}}}{{HTML}}{{{colour}}}")
        # Badge: white bold text on the status colour.
        lines.append(
            rf"\expandafter\def\csname DUrolehandbook-badge-{status}\endcsname#1"
            rf"{{\colorbox{{handbook{status}}}{{\textcolor{{white}}{{\sffamily\bfseries\small #1}}}}}}")
        # Box: a rule in the status colour down the left, as on the site.
        lines.append(
            rf"\newenvironment{{sphinxclasshandbook-status-{status}}}"
            rf"{{\begin{{tcolorbox}}[enhanced jigsaw,breakable,colback=black!3,colframe=handbook{status},"
            rf"boxrule=0pt,leftrule=3pt,arc=0pt,left=6pt,right=6pt,top=4pt,bottom=4pt]}}{{\end{{tcolorbox}}}}")
    lines.append(r"\expandafter\def\csname DUrolehandbook-badge\endcsname#1{#1}")
    return "\n".join(lines)


# sphinx-design components as LaTeX: cards framed, tab and dropdown titles bold (their content is
# made printable by transforms.py).
DESIGN = r"""
\newenvironment{sphinxclasssd-card}{\begin{tcolorbox}[enhanced jigsaw,breakable,colback=white,
  colframe=black!25,boxrule=0.5pt,arc=2pt]}{\end{tcolorbox}}
\newenvironment{sphinxclasssd-tab-item}{\begin{tcolorbox}[enhanced jigsaw,breakable,colback=white,
  colframe=black!25,boxrule=0.5pt,arc=0pt]}{\end{tcolorbox}}
\newenvironment{sphinxclasshandbook-print-dropdown}{\begin{tcolorbox}[enhanced jigsaw,breakable,
  colback=black!2,colframe=black!25,boxrule=0.5pt,arc=2pt]}{\end{tcolorbox}}
"""

# Long identifiers and URLs must wrap instead of running off the page.
WRAPPING = r"""
\usepackage{needspace}
\usepackage{xurl}
\sloppy
\setlength{\emergencystretch}{3em}
% identifiers_with_underscores may break after any underscore
\makeatletter
\DeclareRobustCommand{\_}{\ifmmode\nfss@text{\textunderscore}\else\textunderscore\allowbreak\fi}
\makeatother
% a hyphenated-word may break after its hyphen (LuaTeX does not, after Sphinx's -\kern0pt);
% inline literals keep their own unbreakable hyphen
\protected\def\sphinxhyphen#1{-\penalty\exhyphenpenalty\hskip0pt\relax}
% Tables: a smaller type and shorter hyphenation fragments, and no column narrower than a short
% word, so cells wrap instead of running into the next column.
\AtBeginDocument{\setlength{\tymin}{5em}}
\AtBeginEnvironment{tabulary}{\small\lefthyphenmin=2\righthyphenmin=2\hyphenpenalty=0\exhyphenpenalty=0}
\AtBeginEnvironment{longtable}{\small\lefthyphenmin=2\righthyphenmin=2\hyphenpenalty=0\exhyphenpenalty=0}
\setcounter{tocdepth}{2}
"""

SPHINXSETUP = ",".join([
    "verbatimwrapslines=true",
    "verbatimforcewraps=true",       # wrap even where no break point is natural
    "verbatimmaxoverfull=1",
    "verbatimmaxunderfull=0",
    "TitleColor={HTML}{1F2328}",
    "InnerLinkColor={HTML}{0860C8}",
    "OuterLinkColor={HTML}{0860C8}",
])


def latex_elements() -> dict[str, str]:
    kinds = ", ".join(sorted({kind.label for kind in KINDS.values()}))
    return {
        "papersize": "a4paper",
        "pointsize": "10pt",
        "fontpkg": FONTS,
        "preamble": "\n".join([f"% Handbook styles: decision records ({kinds}), components, wrapping",
                               status_styles(), DESIGN, WRAPPING]),
        "sphinxsetup": SPHINXSETUP,
        "releasename": "",
        "tableofcontents": r"\sphinxtableofcontents",
        "printindex": "",
        "makeindex": "",
        "fncychap": r"\usepackage[Bjarne]{fncychap}",
        # Bookmarks for every page and its sections, the chapters open.
        "hyperref": r"\usepackage[bookmarksdepth=5,bookmarksopen=true,bookmarksopenlevel=1]{hyperref}"
                    "\n\\usepackage{hypcap}",
    }
