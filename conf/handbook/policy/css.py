"""The URLs a piece of CSS makes the browser load, found by tokenising it as CSS does.

tinycss2 follows CSS Syntax Level 3, so escapes (``u\\72l(``), comments and odd whitespace that
would slip past a regular expression are read the way the browser reads them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import tinycss2
from tinycss2.ast import Node

# Functions whose string arguments are URLs the browser fetches.
URL_FUNCTIONS = {"url", "src", "image-set", "-webkit-image-set", "image", "cross-fade"}


def _urls(tokens: Iterable[Node] | None, in_url_function: bool = False) -> Iterator[str]:
    for token in tokens or ():
        if token.type == "url":
            yield token.value
        elif token.type == "string" and in_url_function:
            yield token.value
        elif token.type == "function":
            yield from _urls(token.arguments, token.lower_name in URL_FUNCTIONS)
        elif token.type in ("() block", "[] block", "{} block"):
            yield from _urls(token.content, in_url_function)


def stylesheet_urls(css: str) -> list[str]:
    """URLs in a stylesheet or ``<style>`` element: ``url()``, ``@import "..."``, ``image-set()``."""
    found: list[str] = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule" and rule.lower_at_keyword == "import":
            found += [token.value for token in rule.prelude if token.type == "string"]
        if rule.type in ("at-rule", "qualified-rule"):
            found += _urls(rule.prelude)
            found += _urls(rule.content)
    return found


def declaration_urls(css: str) -> list[str]:
    """URLs in a ``style="..."`` attribute (a list of declarations)."""
    found: list[str] = []
    for item in tinycss2.parse_blocks_contents(css, skip_comments=True, skip_whitespace=True):
        if item.type == "declaration":
            found += _urls(item.value)
        elif item.type in ("at-rule", "qualified-rule"):  # not valid here, but tokenised all the same
            found += [*_urls(item.prelude), *_urls(item.content)]
    return found
