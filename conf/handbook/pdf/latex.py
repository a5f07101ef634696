"""The PDF's LaTeX styling: fonts for every script (fonts.py), status colours, lists, wrapping.

LuaLaTeX (ADR-0003) because it is the only TeX engine here that draws colour emoji and shapes every
script with HarfBuzz.
"""

from __future__ import annotations

from ..records.kinds import KINDS
from . import fonts

# Same colours as handbook.css, so a status looks the same on screen and on paper.
STATUS_COLOURS = {
    "proposed": "8A5A00", "accepted": "1A7F37", "rejected": "C4182A", "deprecated": "953800",
    "superseded": "7339C9", "draft": "57606A", "review": "0860C8", "withdrawn": "3B4249",
    "implemented": "0B6B54", "unknown": "57606A",
}

# The roles whose LaTeX draws a box around their text (a table cell holding one keeps Sphinx's
# varwidth wrapper, cells.py).
BOXED_ROLES = ("handbook-badge",)

# A badge is a line's height at most: a thin padding, so it never reaches into the line below; and
# lines inside a status box keep a little air between them whatever they hold.
BADGE = r"""
\newcommand{\handbookbadge}[2]{{\setlength{\fboxsep}{1.5pt}%
  \colorbox{#1}{\textcolor{white}{\sffamily\bfseries\small #2}}}}
\AtBeginEnvironment{sphinxuseclass}{\setlength{\lineskiplimit}{2pt}\setlength{\lineskip}{3pt}}
"""


def status_styles() -> str:
    """Colours, badges (``\\DUrole``) and boxes (``sphinxuseclass``) for every record status."""
    lines = [r"\usepackage{tcolorbox}", r"\tcbuselibrary{skins,breakable}", BADGE]
    for status, colour in STATUS_COLOURS.items():
        lines.append(rf"\definecolor{{handbook{status}}}{{HTML}}{{{colour}}}")
        # Badge: white bold text on the status colour.
        lines.append(
            rf"\expandafter\def\csname DUrolehandbook-badge-{status}\endcsname#1"
            rf"{{\handbookbadge{{handbook{status}}}{{#1}}}}")
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
% identifiers_with_underscores may break after any underscore, and the word after it may be
% hyphenated as a word of its own (a glue, not a penalty, ends the word before it)
\makeatletter
\DeclareRobustCommand{\_}{\ifmmode\nfss@text{\textunderscore}\else\textunderscore\hskip0pt\relax\fi}
\makeatother
% a hyphenated-word may break after its hyphen (LuaTeX does not, after Sphinx's -\kern0pt);
% inline literals keep their own unbreakable hyphen
\protected\def\sphinxhyphen#1{-\penalty\exhyphenpenalty\hskip0pt\relax}
% Tables: a smaller type and shorter hyphenation fragments, and no column narrower than a short
% word, so cells wrap instead of running into the next column (a loosely set narrow cell is expected,
% and not logged). Wide tables get a smaller type still
% (\handbooktablesize, set per table by transforms.py from its number of columns).
\AtBeginDocument{\setlength{\tymin}{5em}}
\newcommand{\handbooktablesize}{\small}
\newcommand{\handbooktablesetup}{\handbooktablesize\lefthyphenmin=2\righthyphenmin=2\hyphenpenalty=0\exhyphenpenalty=0\hbadness=10000}
\AtBeginEnvironment{tabulary}{\handbooktablesetup}
\AtBeginEnvironment{longtable}{\handbooktablesetup}
\AtBeginEnvironment{tabular}{\handbooktablesetup}
\setcounter{tocdepth}{2}
"""

# Page structure: the child pages of a page follow its own text (transforms.py); the page's own
# sections are printed unnumbered while its children are numbered, so in the contents a record sits
# below its index page, not beside the index page's sections.
STRUCTURE = r"""
\newcounter{handbooksecnumdepth}
\newcommand{\handbookownsections}[1]{%
  \setcounter{handbooksecnumdepth}{\value{secnumdepth}}\setcounter{secnumdepth}{#1}}
\newcommand{\handbookchildpages}{\setcounter{secnumdepth}{\value{handbooksecnumdepth}}}
"""

# Markdown lets lists nest without limit (and quotes and boxes count as levels in LaTeX, whose
# cap is 6 levels and 4 of one kind): Sphinx lifts the cap to this depth.
MAX_LIST_DEPTH = 20

SPHINXSETUP = ",".join([
    # Long code lines wrap at spaces and punctuation. Only a single word longer than the line is
    # broken inside it (verbatimforcewraps); a line that wraps with room to spare at its end is
    # not broken again mid-word to fill it (verbatimmaxunderfull large).
    "verbatimwrapslines=true",
    "verbatimforcewraps=true",
    "verbatimmaxoverfull=1",
    "verbatimmaxunderfull=1000",
    "TitleColor={HTML}{1F2328}",
    "InnerLinkColor={HTML}{0860C8}",
    "OuterLinkColor={HTML}{0860C8}",
])


def latex_elements() -> dict[str, str]:
    kinds = ", ".join(sorted({kind.label for kind in KINDS.values()}))
    return {
        "papersize": "a4paper",
        "pointsize": "10pt",
        # One-sided with chapters starting on any page: no blank pages after the title or contents.
        "extraclassoptions": "openany,oneside",
        "passoptionstopackages": rf"\PassOptionsToPackage{{maxlistdepth={MAX_LIST_DEPTH}}}{{sphinx}}",
        "polyglossia": "",
        "babel": fonts.babel_package(),
        "fontpkg": fonts.font_setup(),
        "preamble": "\n".join([f"% Handbook styles: decision records ({kinds}), components, wrapping",
                               status_styles(), DESIGN, WRAPPING, STRUCTURE]),
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
