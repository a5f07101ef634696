"""The decision map: ``{decision-map}`` draws every decision record and how they relate.

Supersedes chains, the RFCs and the ADRs that implement them (an ADR's ``implements: [RFC-0001]``
front matter), ordered by date and coloured by status, each box a link to its record: inline SVG
in HTML (no script), TikZ in the PDF. Records are read from the records domain; this package
keeps only what the records do not: which RFCs an ADR implements, and which pages show a map.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from typing import TYPE_CHECKING, Any, ClassVar, cast

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from ..pagedata import PageDataDomain
from ..records import kinds
from ..source import page_source
from ..warnings_ import HandbookWarning
from ..warnings_ import warn as handbook_warn
from . import layout, svg, tikz

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

    from handbook.records.domain import DecisionRecordsDomain

# "RFC-0001", "RFC 1", "0001" or "1" all name RFC 1.
RFC_NUMBER = re.compile(r"\s*(?:RFC[-\s]?)?0*(\d{1,6})\s*", re.IGNORECASE)


IMPLEMENTS = HandbookWarning.RECORD_IMPLEMENTS


class decision_map_placeholder(nodes.General, nodes.Element):  # noqa: N801 (docutils naming)
    """Where ``{decision-map}`` stood; filled in once every record is known."""


class DecisionMap(SphinxDirective):
    """``{decision-map}``: the map of every record; ``:kinds: adr`` or ``rfc`` shows one kind only."""

    has_content = False
    option_spec = {"kinds": lambda text: directives.choice(text.strip().lower(), ("all", "adr", "rfc"))}

    def run(self) -> list[nodes.Node]:
        node = decision_map_placeholder(kinds=self.options.get("kinds", "all"))
        self.set_source_info(node)
        return [node]


class DecisionLinksDomain(PageDataDomain):
    """implements: ADR docname -> [[RFC number, line], ...]; maps: docname -> True."""

    name = "decisions"
    label = "Decision map"
    initial_data: ClassVar[dict[str, Any]] = {"implements": {}, "maps": {}, "signature": ""}
    tables = ("implements", "maps")

    def process_doc(self, env: BuildEnvironment, docname: str, document: nodes.document) -> None:
        if any(True for _ in document.findall(decision_map_placeholder)):
            self.table("maps")[docname] = True
        if kinds.record_kind_for(docname, env.config.handbook_record_dirs) is not kinds.ADR:
            return  # the records' own rules warn about 'implements' anywhere else
        front_matter = page_source(env, docname).front_matter
        if "implements" not in front_matter.values:
            return
        line = front_matter.lines["implements"]
        value = front_matter.values["implements"]
        items = [value] if isinstance(value, str) else value if isinstance(value, list) else None
        if items is None or not all(isinstance(item, str) for item in items):
            handbook_warn(IMPLEMENTS, "'implements' must be a list of RFC numbers, e.g. implements: [RFC-0001]", (docname, line))
            return
        found: list[list[int]] = []
        for item in filter(str.strip, items):
            match = RFC_NUMBER.fullmatch(item)
            if match is None:
                handbook_warn(IMPLEMENTS, f"'implements' entry '{item}' is not an RFC number; write e.g. implements: [RFC-0001]",
                     (docname, line))
            elif int(match.group(1)) not in [number for number, _ in found]:
                found.append([int(match.group(1)), line])
        if found:
            self.table("implements")[docname] = found

    def implemented(self, docname: str) -> tuple[int, ...]:
        return tuple(number for number, _ in self.table("implements").get(docname, []))


def check_implements(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-check-consistency``: every RFC an ADR implements exists."""
    records = cast("DecisionRecordsDomain", env.domains["records"])
    domain = cast("DecisionLinksDomain", env.domains["decisions"])
    for docname, found in sorted(domain.table("implements").items()):
        for number, line in found:
            if records.find("rfc", number) is None:
                handbook_warn(IMPLEMENTS,
                              f"'implements' names {kinds.RFC.record_id(number)}, which does not exist; fix the number",
                     (docname, line))


def maps_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: a map shows every record's id, title, status, date and relations; when any
    of those changed (a record added, removed, retitled, its status moved), the pages showing a map
    are written again. An edit to a record's text alone redraws nothing."""
    domain = cast("DecisionLinksDomain", env.domains["decisions"])
    drawn = sorted(dataclasses.astuple(entry) for entry in entries(env, "all"))
    signature = hashlib.sha256(json.dumps(drawn, ensure_ascii=False).encode()).hexdigest()
    if signature == domain.data.get("signature"):
        return []
    domain.data["signature"] = signature
    return sorted(domain.table("maps"))


def entries(env: BuildEnvironment, shown: str) -> list[layout.Entry]:
    """The records a map shows: every record of the kind ``shown`` ("all", "adr" or "rfc")."""
    domain = cast("DecisionLinksDomain", env.domains["decisions"])
    found = []
    for record in cast("DecisionRecordsDomain", env.domains["records"]).all_records():
        if record.number is None or shown not in ("all", record.kind):
            continue
        found.append(layout.Entry(
            kind=record.kind, number=record.number, record_id=record.record_id, title=record.short_title,
            status=record.status or "unknown", date=record.date or "", docname=record.docname,
            supersedes=tuple(record.supersedes),
            implements=domain.implemented(record.docname) if record.kind == "adr" else ()))
    return found


def status_order() -> tuple[str, ...]:
    ordered: list[str] = []
    for kind in kinds.KINDS.values():
        ordered += [status for status in kind.statuses if status not in ordered]
    return (*ordered, "unknown")


def describe(drawn: layout.Layout) -> str:
    counts = {kind: sum(1 for box in drawn.boxes if box.entry.kind == kind) for kind in kinds.KINDS}
    shown = " and ".join(f"{count} {kinds.KINDS[kind].label}{'s' if count != 1 else ''}"
                         for kind, count in counts.items() if count)
    return f"Decision map: {shown or 'no records'}, oldest first"


def legend(drawn: layout.Layout) -> nodes.paragraph:
    """Colours and arrows in words, with the same badges as the indexes."""
    text = nodes.paragraph(classes=["handbook-map-legend"])
    text += nodes.Text("Oldest first; colours by status: ")
    for position, status in enumerate(drawn.statuses):
        if position:
            text += nodes.Text(" ")
        text += nodes.inline(status, status.capitalize(), classes=["handbook-badge", f"handbook-badge-{status}"])
    text += nodes.Text(". A solid arrow runs from a record to the one it supersedes; a dashed arrow from "
                       "an ADR to the RFC it implements. RFCs sit a step to the left of ADRs.")
    return text


def as_list(builder: Builder, page: str, drawn: layout.Layout) -> nodes.bullet_list:
    """For builders that draw no pictures (text, man): the same facts as a list."""
    items = nodes.bullet_list()
    for box in drawn.boxes:
        paragraph = nodes.paragraph()
        paragraph += nodes.reference("", box.heading, internal=True,
                                     refuri=builder.get_relative_uri(page, box.entry.docname))
        paragraph += nodes.Text(f": {box.entry.title}")
        items += nodes.list_item("", paragraph)
    return items


def _placeholders(doctree: nodes.Node, docname: str) -> list[tuple[nodes.Element, str, nodes.Element]]:
    """Each placeholder with the page it came from; in the PDF's one big document too, where pages
    are inlined under ``start_of_file`` (walked downwards: Sphinx leaves their ``parent`` stale)."""
    found: list[tuple[nodes.Element, str, nodes.Element]] = []
    stack: list[tuple[nodes.Node, str, Any]] = [(doctree, docname, None)]
    while stack:
        node, page, parent = stack.pop()
        if isinstance(node, addnodes.start_of_file):
            page = node["docname"]
        if isinstance(node, decision_map_placeholder) and parent is not None:
            found.append((node, page, parent))
        elif isinstance(node, nodes.Element):
            stack.extend((child, page, node) for child in reversed(node.children))
    return found


def draw_maps(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: each placeholder becomes the map, drawn for this builder."""
    builder = app.builder
    for number, (node, page, parent) in enumerate(_placeholders(doctree, docname)):
        drawn = layout.lay_out(entries(app.env, node["kinds"]), status_order())
        figure = nodes.container(classes=["handbook-decision-map-figure"])
        if not drawn.boxes:
            figure += nodes.paragraph(text="No decision records yet.")
        elif builder.format == "html":
            def href(target: str, page: str = page) -> str:
                return builder.get_relative_uri(page, target)
            figure += nodes.raw("", svg.render(drawn, href, describe(drawn), f"handbook-map-{number}"),
                                format="html")
            figure += legend(drawn)
        elif builder.format == "latex":
            figure += nodes.raw("", tikz.render(drawn, app.config.latex_engine), format="latex")
            figure += legend(drawn)
        else:
            figure += as_list(builder, page, drawn)
        parent.replace(node, figure)


def setup_decisions(app: Sphinx) -> None:
    app.add_node(decision_map_placeholder)
    app.add_domain(DecisionLinksDomain)
    app.add_directive("decision-map", DecisionMap)
    app.connect("env-updated", maps_to_rewrite)
    app.connect("env-check-consistency", check_implements)
    app.connect("doctree-resolved", draw_maps)
    app.add_latex_package("tikz")
    app.add_latex_package("adjustbox")
