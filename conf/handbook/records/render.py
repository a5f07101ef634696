"""Turn placeholders into status boxes and index tables, once every record is known.

Output is built from standard docutils nodes (containers, tables, admonitions, inline roles with
classes), so every builder renders it: HTML styles it with ``handbook.css``, LaTeX with the
``sphinxuseclass`` environments and ``\\DUrole`` commands defined for the PDF.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from docutils import nodes
from sphinx import addnodes

from ..tables import generated_table
from ..tags import links_for
from .domain import DecisionRecordsDomain
from .kinds import KINDS, RecordKind
from .nodes import record_index_placeholder, status_box_placeholder
from .record import DecisionRecord, index_order

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder


def badge(status: str | None) -> nodes.inline:
    word = status or "unknown"
    return nodes.inline(word, word.capitalize(), classes=["handbook-badge", f"handbook-badge-{word}"])


def link_to(builder: Builder, fromdocname: str, record: DecisionRecord) -> nodes.reference:
    uri = builder.get_relative_uri(fromdocname, record.docname)
    return nodes.reference("", record.link_text, internal=True, refuri=uri)


def status_box(builder: Builder, domain: DecisionRecordsDomain, record: DecisionRecord) -> list[nodes.Node]:
    kind = KINDS[record.kind]
    box = nodes.container(classes=["handbook-status-box", f"handbook-status-{record.status or 'unknown'}"])
    fields = nodes.field_list(classes=["handbook-status-fields"])
    # LaTeX sets a field list as a description list, each label on a line of its own; on paper
    # the box reads better as "Label: value" lines.
    on_paper = builder.format == "latex"

    def field(name: str, *body: nodes.Node) -> None:
        paragraph = nodes.paragraph()
        if on_paper:
            paragraph += nodes.strong(text=f"{name}: ")
            paragraph.extend(body)
            fields.append(paragraph)
            return
        paragraph.extend(body)
        fields.append(nodes.field("", nodes.field_name(text=name), nodes.field_body("", paragraph)))

    field("Status", badge(record.status))

    if record.date:
        field("Date", nodes.Text(record.date))
    if record.people:
        field(kind.people_field.capitalize(), nodes.Text(", ".join(record.people)))
    if record.tags:
        field("Tags", *links_for(builder, record.docname, record.tags))
    if record.discussion:
        field("Discussion", nodes.reference("", record.discussion, refuri=record.discussion))
    successor = domain.find(record.kind, record.superseded_by) if record.superseded_by is not None else None
    if successor is not None:
        field("Superseded by", link_to(builder, record.docname, successor))
    superseded = [domain.find(record.kind, number) for number in record.supersedes]
    links: list[nodes.Node] = []
    for old in filter(None, superseded):
        if links:
            links.append(nodes.Text("; "))
        links.append(link_to(builder, record.docname, old))
    if links:
        field("Supersedes", *links)
    if on_paper:
        box.extend(fields.children)
    else:
        box += fields

    result: list[nodes.Node] = [box]
    if record.status in kind.retired:
        result.insert(0, retired_notice(builder, kind, record, successor))
    return result


def retired_notice(builder: Builder, kind: RecordKind, record: DecisionRecord,
                   successor: DecisionRecord | None) -> nodes.Element:
    """The prominent box on a record that no longer describes how things are done."""
    word = record.status or ""
    heading = f"This {kind.label} is {word}"
    if builder.format == "latex":
        # LaTeX draws every generic admonition as a note; a warning node gets Sphinx's warning box.
        notice: nodes.Element = nodes.warning(classes=["handbook-retired"])
        notice += nodes.paragraph("", "", nodes.strong(text=heading))
    else:
        notice = nodes.admonition(classes=["warning", "handbook-retired"])
        notice += nodes.title(text=heading)
    text = nodes.paragraph()
    if successor is not None:
        text += nodes.Text(f"{record.record_id} was superseded by ")
        text += link_to(builder, record.docname, successor)
        text += nodes.Text(". Read that record for the decision in force.")
    elif word == "superseded":
        text += nodes.Text(f"{record.record_id} was superseded; its successor is missing from the log.")
    elif word == "rejected":
        text += nodes.Text(f"{record.record_id} was considered and rejected; it is kept for its reasoning.")
    else:
        text += nodes.Text(f"{record.record_id} is {word}; it no longer describes how things are done.")
    notice += text
    return notice


def index_table(builder: Builder, domain: DecisionRecordsDomain, fromdocname: str, kind_name: str,
                statuses: list[str], order: str = "number") -> nodes.Node:
    kind = KINDS[kind_name]
    records = index_order([
        record for record in domain.all_records(kind_name)
        if record.number is not None and (not statuses or record.status in statuses)
    ], order)
    if not records:
        valid = [status for status in statuses if status in kind.statuses]
        if statuses and not valid:
            text = f"No {kind.label}s: the index's status filter names no {kind.label} status."
        else:
            text = f"No {kind.label}s " + (f"with status {', '.join(valid)}." if valid else "yet.")
        return nodes.paragraph(text=text, classes=["handbook-index-empty"])

    rows: list[list[nodes.Node]] = []
    for record in records:
        title = nodes.paragraph()
        title += nodes.reference("", record.short_title or record.record_id, internal=True,
                                 refuri=builder.get_relative_uri(fromdocname, record.docname))
        status = nodes.paragraph()
        status += badge(record.status)
        relations = nodes.paragraph()
        for label, numbers in (("Supersedes", record.supersedes),
                               ("Superseded by", [record.superseded_by] if record.superseded_by else [])):
            for number in numbers:
                other = domain.find(kind_name, number)
                if len(relations):
                    relations += nodes.Text("; ")
                relations += nodes.Text(f"{label} ")
                if other is None:
                    relations += nodes.Text(kind.record_id(number))
                else:
                    relations += nodes.reference("", other.record_id, internal=True,
                                                 refuri=builder.get_relative_uri(fromdocname, other.docname))
        rows.append([nodes.paragraph(text=record.record_id), title, status,
                     nodes.paragraph(text=record.date or ""), relations])
    return generated_table(["Number", "Title", "Status", "Date", "Relations"], (12, 50, 14, 14, 30), rows,
                           ["handbook-record-index", f"handbook-{kind_name}-index"])


def _pages_of_placeholders(doctree: nodes.Node, docname: str) -> list[tuple[nodes.Element, str, nodes.Element]]:
    """Every placeholder with the page it came from, walking down the tree.

    In a single-file build (LaTeX) every page is inlined into the root document under a
    ``start_of_file`` marker. Walk down through ``children`` rather than up through ``parent``:
    Sphinx moves the children of inlined pages without updating their ``parent``.
    """
    found: list[tuple[nodes.Element, str, nodes.Element]] = []
    stack: list[tuple[nodes.Node, str, nodes.Element | None]] = [(doctree, docname, None)]
    while stack:
        node, page, parent = stack.pop()
        if isinstance(node, addnodes.start_of_file):
            page = node["docname"]
        if isinstance(node, (status_box_placeholder, record_index_placeholder)) and parent is not None:
            found.append((node, page, parent))
            continue
        if isinstance(node, nodes.Element):
            stack.extend((child, page, node) for child in reversed(node.children))
    return found


def fill_placeholders(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: swap every placeholder on this page for its box or table."""
    domain = cast("DecisionRecordsDomain", app.env.domains["records"])
    for node, page, parent in _pages_of_placeholders(doctree, docname):
        if isinstance(node, status_box_placeholder):
            record = domain.get_record(page)
            if record is None or record.kind != node["kind"]:
                replacement: list[nodes.Node] = []  # already warned about at read time
            else:
                replacement = status_box(app.builder, domain, record)
        else:
            replacement = [index_table(app.builder, domain, page, node["kind"], node["statuses"],
                                       node.get("order", "number"))]
        index = parent.index(node)
        parent[index:index + 1] = replacement
