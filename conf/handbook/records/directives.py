"""``{adr-status}``, ``{rfc-status}``, ``{adr-index}`` and ``{rfc-index}``.

The directives only leave placeholders: they run while their own page is being parsed, before
its front matter is known to Sphinx and before other records are read (MyST-Parser issue 947).
``render.py`` fills the placeholders in once the whole decision log is known.
"""

from __future__ import annotations

from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from ..warnings_ import HandbookWarning, warn
from .kinds import KINDS
from .nodes import record_index_placeholder, status_box_placeholder
from .record import INDEX_ORDERS


class StatusBoxDirective(SphinxDirective):
    """Shows the page's own record: status badge, date, people, supersedes links."""

    kind = ""
    has_content = False

    def run(self) -> list:
        node = status_box_placeholder(kind=self.kind)
        self.set_source_info(node)
        return [node]


class AdrStatus(StatusBoxDirective):
    kind = "adr"


class RfcStatus(StatusBoxDirective):
    kind = "rfc"


class RecordIndexDirective(SphinxDirective):
    """A table of every record of one kind, optionally only some statuses."""

    kind = ""
    has_content = False
    option_spec = {"status": directives.unchanged_required, "sort": directives.unchanged_required}

    def run(self) -> list:
        record_kind = KINDS[self.kind]
        order = self.options.get("sort", "number").strip().lower()
        if order not in INDEX_ORDERS:
            warn(HandbookWarning.RECORD_INDEX_ORDER,
                 f"{{{self.kind}-index}} ':sort: {self.options['sort']}' is not an order; use one of: "
                 + ", ".join(INDEX_ORDERS), self.get_location())
            order = "number"
        statuses = []
        for word in self.options.get("status", "").replace(",", " ").split():
            status = word.lower()
            if status in record_kind.statuses:
                statuses.append(status)
            else:
                warn(HandbookWarning.RECORD_STATUS,
                     f"{{{self.kind}-index}} ':status: {word}' is not an {record_kind.label} status; "
                     "use one or more of: " + ", ".join(record_kind.statuses),
                     self.get_location())
        if "status" in self.options and not statuses:
            statuses = ["__none__"]  # every filter word was wrong: list nothing rather than everything
        node = record_index_placeholder(kind=self.kind, statuses=statuses, order=order)
        self.set_source_info(node)
        return [node]


class AdrIndex(RecordIndexDirective):
    kind = "adr"


class RfcIndex(RecordIndexDirective):
    kind = "rfc"
