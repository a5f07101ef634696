"""Markdown listings with front matter highlighted as YAML, the same way in every listing.

Pygments' Markdown lexer knows nothing of front matter: it reads the last field above the closing
``---`` as a setext heading, so each template listing showed a different front-matter line in
heading colours. This lexer takes the ``---`` block at the very top as YAML and hands the rest to
Pygments' own Markdown lexer; a listing without front matter is highlighted exactly as before.
It replaces the ``markdown`` and ``md`` languages, so every listing gets it without asking.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pygments.lexer import RegexLexer, bygroups, using
from pygments.lexers.data import YamlLexer
from pygments.lexers.markup import MarkdownLexer
from pygments.token import Punctuation

if TYPE_CHECKING:
    from sphinx.application import Sphinx


class MarkdownWithFrontMatterLexer(RegexLexer):
    name = "Markdown with front matter"
    aliases: ClassVar[list[str]] = ["markdown", "md"]
    tokens: ClassVar[dict[str, Any]] = {
        "root": [
            # \A: only at the start of the listing, where front matter can be.
            (r"\A(---[ \t]*\n)((?:.*\n)*?)(---[ \t]*(?:\n|\Z))",
             bygroups(Punctuation, using(YamlLexer), Punctuation)),
            (r"(?s).+", using(MarkdownLexer)),
        ],
    }


def setup_highlighting(app: Sphinx) -> None:
    for alias in MarkdownWithFrontMatterLexer.aliases:
        app.add_lexer(alias, MarkdownWithFrontMatterLexer)
