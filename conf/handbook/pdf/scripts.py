"""Runs of text in another script, marked with their babel language for the PDF (fonts.py says why).

Each run of Arabic, Hebrew, Devanagari, Thai, Hangul or Japanese and Chinese characters (with the
spaces and punctuation between its words) becomes ``\\handbook<locale>{...}``, babel's
``\\foreignlanguage`` under a name of its own (fonts.py) so that ``\\MakeUppercase`` in a chapter
title cannot change the language's name. Babel then
sets it in that script's font, right to left where the script is, and breaks its lines by the
script's rules. Marking runs here, rather than with babel's ``onchar`` option, keeps LuaLaTeX
loading a script's fonts only at the sizes where that script occurs: ``onchar`` loads every
script's fonts at every size the document uses, 1.5 GB of Noto CJK instances for this handbook.
"""

from __future__ import annotations

import re

from docutils import nodes

from .cells import line_level_latex

# Unicode blocks of each script (with its presentation forms, compatibility and fullwidth forms).
SCRIPT_CHARACTERS = {
    "arabic": "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff",
    "hebrew": "\u0590-\u05ff\ufb1d-\ufb4f",
    "hindi": "\u0900-\u097f\ua8e0-\ua8ff\u1cd0-\u1cff",
    "thai": "\u0e00-\u0e7f",
    "korean": "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7ff",
    "japanese": "\u2e80-\u2fdf\u3000-\u30ff\u31c0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                "\uff00-\uffef\U00020000-\U0003134f",
}

# Between two words of one script: spaces and the punctuation scripts share with Latin text.
BETWEEN = r"[\s.,;:!?'\"()\[\]\-\u2013\u2014\u00b7]*"

RUN = re.compile("|".join(f"(?P<{locale}>[{chars}]+(?:{BETWEEN}[{chars}]+)*)"
                          for locale, chars in SCRIPT_CHARACTERS.items()))
NOT_ASCII = re.compile(r"[^\x00-\x7f]")

# Code blocks are highlighted from their source text (their font's fallback draws other scripts);
# raw and math are not text.
NOT_IN = (nodes.literal_block, nodes.raw, nodes.comment, nodes.math, nodes.math_block)


def split_scripts(text: str) -> list[tuple[str, str]]:
    """``text`` as runs of (text, locale), locale "" for text the Latin fonts set."""
    runs: list[tuple[str, str]] = []
    position = 0
    for found in RUN.finditer(text):
        if found.start() > position:
            runs.append((text[position:found.start()], ""))
        runs.append((found.group(), found.lastgroup or ""))
        position = found.end()
    if position < len(text):
        runs.append((text[position:], ""))
    return runs


def inside(node: nodes.Node, kinds: tuple[type[nodes.Node], ...]) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, kinds):
            return True
        parent = parent.parent
    return False


def mark_scripts(doctree: nodes.document) -> None:
    for text in list(doctree.findall(nodes.Text)):
        if not NOT_ASCII.search(text) or inside(text, NOT_IN):
            continue
        runs = split_scripts(str(text))
        if all(not locale for _, locale in runs):
            continue
        replacement: list[nodes.Node] = []
        for run, locale in runs:
            if locale:
                replacement += [line_level_latex(rf"\handbook{locale}{{"), nodes.Text(run), line_level_latex("}")]
            else:
                replacement.append(nodes.Text(run))
        text.parent.replace(text, replacement)
