"""Problems found in a page's source, and text made safe to print in a one-line message.

Neutral ground: every capability of the extension and the command-line scripts use these, so this
module imports nothing of the handbook's and nothing of Sphinx.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from typing import Any


def printable(text: str) -> str:
    """Text safe for a one-line ``file:line: WARNING: message``: control characters and line
    separators escaped (a terminal must not act on them), and very long values cut short."""
    def escape(char: str) -> str:
        if char == "\t" or unicodedata.category(char) not in ("Cc", "Zl", "Zp"):
            return char
        return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"

    escaped = "".join(escape(char) for char in text)
    return escaped if len(escaped) <= 400 else escaped[:400] + "…"


def quoted(value: Any) -> str:
    """A writer's value, quoted into a message: printable and at most 60 characters."""
    text = printable(str(value))
    return text if len(text) <= 60 else text[:60] + "…"


@dataclasses.dataclass
class Problem:
    """One thing wrong with a record, located at a line of its source file."""

    rule: str  # the warning subtype without its prefix: "status", "date", ...
    line: int
    message: str

    def __post_init__(self) -> None:
        self.message = printable(self.message)


# The name the rule modules use for a writer's value quoted into a message.
_value = quoted
