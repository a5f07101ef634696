"""GitHub workflow annotations, escaped so that no text of a page can act as a workflow command.

``make check`` and ``make linkcheck`` print one ``::error file=...,line=...::message`` line per
finding when ``GITHUB_ACTIONS=true``. The runner reads any output line that starts (after spaces)
with ``::`` (or the older ``##[``) as a command, so every value is escaped as the runner's own
toolkit does (``%``, CR and LF always; ``:`` and ``,`` in properties), and every other line the
tools print goes through ``no_workflow_commands`` (or ``CommandSafeStream``, for a stream Sphinx
writes to in pieces): a line that would be a command is shown behind a ``| `` mark.

Neutral ground: imports nothing of the handbook's and nothing of Sphinx.
"""

from __future__ import annotations

import re
from typing import TextIO

# What the runner takes for a command at the start of a line, after leading whitespace.
COMMAND_STARTS = ("::", "##[")
MARK = "| "
# The runner reads its output a line at a time, and CR alone ends a line as LF does.
_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")


def escape_annotation(text: str, property_value: bool = False) -> str:
    """One annotation value, safe to print: it cannot end the line or start another command."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def annotation(level: str, file: str, line: int, title: str, message: str) -> str:
    """``::<level> file=<file>,line=<n>,title=<title>::<message>``, every part escaped."""
    return (f"::{level} file={escape_annotation(file, True)},line={line},"
            f"title={escape_annotation(title, True)}::{escape_annotation(message)}")


def _is_command(line: str) -> bool:
    return line.lstrip().startswith(COMMAND_STARTS)


def no_workflow_commands(text: str) -> str:
    """Text for a terminal that CI reads: no line of it can be taken for a workflow command.

    The runner takes any line whose text, leading spaces trimmed, starts with ``::`` as a command
    (``::error``, ``::stop-commands::``, ``::add-mask::`` ...). A page's text can reach the output
    in a message (docutils echoes the source lines of a broken block), so such a line is shown
    behind a ``| `` mark: still readable, never a command.
    """
    return "".join(MARK + piece if _is_command(piece) else piece for piece in _LINE_BREAK.split(text))


# Terminal control sequences (colours, "erase line" before a progress line), as Sphinx writes them
# when it believes it talks to a terminal.
_COLOUR = re.compile("\x1b\\[[0-9;?]*[A-Za-z]")


class CommandSafeStream:
    """``no_workflow_commands`` for a stream that is written in pieces, as Sphinx writes its log.

    Whether the next piece starts a line (nothing but whitespace before it) is remembered between
    writes, and the mark goes just before the first character that is not whitespace. A piece
    that could still become ``::`` or ``##[`` with the next write is marked at once, which is
    harmless if it does not.
    """

    def __init__(self, stream: TextIO, plain: bool = False) -> None:
        self.stream = stream
        self.plain = plain  # drop terminal colour codes (the output is a pipe or a log file)
        self._at_line_start = True  # nothing but whitespace on the current line so far

    def write(self, text: str) -> int:
        written = len(text)
        if self.plain:
            text = _COLOUR.sub("", text)
        out = []
        for piece in _LINE_BREAK.split(text):
            if _LINE_BREAK.fullmatch(piece):
                self._at_line_start = True
            elif self._at_line_start and (stripped := piece.lstrip()):
                self._at_line_start = False
                if stripped.startswith(COMMAND_STARTS) or any(start.startswith(stripped) for start in COMMAND_STARTS):
                    piece = piece[:len(piece) - len(stripped)] + MARK + stripped
            out.append(piece)
        self.stream.write("".join(out))
        return written

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def __getattr__(self, name: str) -> object:  # encoding, fileno, ... as the wrapped stream
        return getattr(self.stream, name)
