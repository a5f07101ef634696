"""Checklists (MyST task lists) a reader can tick, read by screen readers, and printed.

MyST writes each ``- [ ]`` item as a bullet holding a disabled, greyed checkbox pressed against the
text, with no label, so a screen reader announces an unnamed checkbox. Here each box becomes an
enabled checkbox inside a ``<label>`` spanning the item's first paragraph (the item's text names
it, and a click on the text ticks it); ``readers.css`` drops the bullet and spaces the box. Nothing
is saved, as the People page says, and no script is needed. In the PDF each item is printed with a box instead of its bullet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx

CHECKBOX_CLASS = "task-list-item-checkbox"


def _checkbox(paragraph: nodes.Element) -> nodes.raw | None:
    first = paragraph.children[0] if paragraph.children else None
    if isinstance(first, nodes.raw) and CHECKBOX_CLASS in first.astext():
        return first
    return None


def tickable_checklists(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: every task-list checkbox, labelled by its item's text."""
    for item in doctree.findall(nodes.list_item):
        if "task-list-item" not in item["classes"] or not item.children:
            continue
        paragraph = item.children[0]
        if not isinstance(paragraph, nodes.paragraph) or (box := _checkbox(paragraph)) is None:
            continue
        checked = ' checked="checked"' if 'checked="checked"' in box.astext() else ""
        paragraph.replace(box, nodes.raw("", f'<label class="handbook-task"><input class="{CHECKBOX_CLASS}" '
                                             f'type="checkbox"{checked}>', format="html"))
        # U+2610 / U+2612: the text font lacks them, DejaVu Sans (the PDF's fallback font) has them.
        paragraph.insert(1, nodes.raw("", "\u2612\\ " if checked else "\u2610\\ ", format="latex"))
        paragraph.append(nodes.raw("", "</label>", format="html"))
    # On paper the box is the item's mark: no bullet beside it.
    for checklist in list(doctree.findall(nodes.bullet_list)):
        if "contains-task-list" in checklist["classes"] and isinstance(checklist.parent, nodes.Element):
            parent = checklist.parent
            index = parent.index(checklist)
            parent.insert(index + 1, nodes.raw("", "\\endgroup\n", format="latex"))
            depth = sum(1 for ancestor in _ancestors(checklist) if isinstance(ancestor, nodes.bullet_list))
            level = ("i", "ii", "iii", "iv")[min(depth, 3)]
            parent.insert(index, nodes.raw("", f"\\begingroup\\renewcommand{{\\labelitem{level}}}{{}}\n",
                                           format="latex"))


def _ancestors(node: nodes.Node) -> list[nodes.Node]:
    found = []
    while node.parent is not None:
        node = node.parent
        found.append(node)
    return found


def setup_checklists(app: Sphinx) -> None:
    app.connect("doctree-read", tickable_checklists)
