"""Whole emoji sequences in the PDF: each one set in the colour-emoji font as one run (fonts.py says why).

The ``emoji`` package knows every sequence Unicode defines (zero-width-joiner sequences, skin tones,
flags, keycaps), which a hand-written pattern would keep missing as Unicode adds them.
"""

from __future__ import annotations

import re

import emoji
from docutils import nodes

from .cells import line_level_latex
from .scripts import inside

# Every sequence of two or more code points holds one of these (joiner, presentation selector,
# keycap, skin tone, regional indicator, tag): text without any is passed over at once.
SEQUENCE_PART = re.compile("[\u200d\ufe0f\u20e3\U0001F3FB-\U0001F3FF\U0001F1E6-\U0001F1FF\U000E0020-\U000E007F]")

# Code blocks are highlighted from their source text, so a LaTeX command inside one would print
# as text; there the font fallback still draws each emoji, as separate pictures.
NOT_IN = (nodes.literal_block, nodes.raw, nodes.comment)


def split_emoji(text: str) -> list[tuple[str, bool]]:
    """``text`` as runs of (text, is an emoji sequence), in order.

    Only sequences of two or more code points: a single one is drawn by the font fallback already,
    in colour where the text font lacks it, and as text where it has it (©, ™, ↔ stay text, as
    Unicode wants for characters whose default presentation is text).
    """
    runs: list[tuple[str, bool]] = []
    position = 0
    for found in emoji.emoji_list(text):
        if len(found["emoji"]) < 2:
            continue
        if found["match_start"] > position:
            runs.append((text[position:found["match_start"]], False))
        runs.append((found["emoji"], True))
        position = found["match_end"]
    if position < len(text):
        runs.append((text[position:], False))
    return runs


def wrap_emoji(doctree: nodes.document) -> None:
    for text in list(doctree.findall(nodes.Text)):
        if not SEQUENCE_PART.search(text) or inside(text, NOT_IN):
            continue
        runs = split_emoji(str(text))
        if not any(is_emoji for _, is_emoji in runs):
            continue
        replacement: list[nodes.Node] = []
        for run, is_emoji in runs:
            if is_emoji:
                replacement.append(line_level_latex(rf"\handbookemoji{{{run}}}"))
            else:
                replacement.append(nodes.Text(run))
        text.parent.replace(text, replacement)
