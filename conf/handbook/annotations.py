"""GitHub workflow annotations, escaped so that no text of a page can act as a workflow command.

``make check`` and ``make linkcheck`` print one ``::error file=...,line=...::message`` line per
finding when ``GITHUB_ACTIONS=true``. The runner reads any output line that starts (after spaces)
with ``::`` as a command, so every value is escaped as the runner's own toolkit does
(``%``, CR and LF always; ``:`` and ``,`` in properties).

Neutral ground: imports nothing of the handbook's and nothing of Sphinx.
"""

from __future__ import annotations


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


def no_workflow_commands(text: str) -> str:
    """Text for a terminal that CI reads: no line of it can be taken for a workflow command.

    The runner takes any line whose text, leading spaces trimmed, starts with ``::`` as a command
    (``::error``, ``::stop-commands::``, ``::add-mask::`` ...). A page's text can reach the output
    in a message (docutils echoes the source lines of a broken block), so such a line is shown
    behind a ``| `` mark: still readable, never a command.
    """
    return "\n".join(f"| {line}" if line.lstrip().startswith("::") else line for line in text.split("\n"))
