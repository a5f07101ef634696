"""Placeholder nodes: left by the directives at read time, replaced when the page is written.

They are filled in late (on ``doctree-resolved``, as ``sphinx.ext.todo`` fills its list) because a
box or an index shows other records' titles and statuses, which are only all known after reading.
"""

from docutils import nodes


class status_box_placeholder(nodes.General, nodes.Element):  # noqa: N801 (docutils naming)
    """Where ``{adr-status}`` / ``{rfc-status}`` stood; ``kind`` is ``adr`` or ``rfc``."""


class record_index_placeholder(nodes.General, nodes.Element):  # noqa: N801
    """Where ``{adr-index}`` / ``{rfc-index}`` stood; ``statuses`` filters, empty for all."""

