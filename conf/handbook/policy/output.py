"""No text of a page reaches the build's output as a CI workflow command.

Docutils echoes the source lines of a broken block in its messages, so a page holding
``::error file=...::`` or ``::stop-commands::`` would otherwise print a forged annotation (or turn
the runner's command reading off) in ``make html``, ``make check`` and ``make linkcheck``. Every
message Sphinx prints passes ``annotations.no_workflow_commands`` on its way to the terminal.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ..annotations import no_workflow_commands

if TYPE_CHECKING:
    from sphinx.application import Sphinx


class NoWorkflowCommands(logging.Filter):
    """On Sphinx's own handlers, after its filters: the message as it will print, made inert."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = logging.LogRecord.getMessage(record)  # without the location Sphinx puts in front
        inert = no_workflow_commands(text)
        if inert != text:
            record.msg, record.args = inert, ()
        return True


def guard_output(app: Sphinx) -> None:
    """Sphinx sets up its handlers anew for every application, before extensions load."""
    for handler in logging.getLogger("sphinx").handlers:
        if not any(isinstance(existing, NoWorkflowCommands) for existing in handler.filters):
            handler.addFilter(NoWorkflowCommands())
