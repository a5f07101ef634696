"""Shape the single LaTeX document the PDF is built from.

Sphinx inlines each page's toctree children where the toctree stands. A toctree placed inside a
page's "## Contents" section would make every child page a sub-section of "Contents", ahead of the
page's own later sections. Here, after assembly, each inlined page moves to the end of the page that
includes it: a page's own text first, then its child pages, each one level below the page.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes


def _including_section(marker: addnodes.start_of_file) -> nodes.section | None:
    """The top section of the page whose toctree inlined ``marker``."""
    top = None
    parent = marker.parent
    while parent is not None and not isinstance(parent, (addnodes.start_of_file, nodes.document)):
        if isinstance(parent, nodes.section):
            top = parent
        parent = parent.parent
    return top


def children_after_their_page(doctree: nodes.document) -> None:
    for marker in list(doctree.findall(addnodes.start_of_file)):
        top = _including_section(marker)
        if top is None or marker.parent is top:
            continue
        wrapper = marker.parent
        wrapper.remove(marker)
        top.append(marker)
        # A toctree wrapper (compound) left empty would print nothing, but keep the tree tidy.
        if isinstance(wrapper, nodes.compound) and not wrapper.children:
            wrapper.parent.remove(wrapper)


def keep_titles_with_their_text(doctree: nodes.document) -> None:
    """Start each page on a new page if less than a few lines are left, so no title is stranded at
    the foot of a page with its status box or first paragraph on the next."""
    for marker in doctree.findall(addnodes.start_of_file):
        marker.insert(0, nodes.raw("", r"\needspace{12\baselineskip}", format="latex"))


def mark_dropdowns(doctree: nodes.document) -> None:
    """sphinx-design prints a dropdown open, as its title and content; give it a frame to match."""
    for node in doctree.findall(nodes.container):
        if node.get("design_component") == "dropdown":
            node["classes"].append("handbook-print-dropdown")


def shape_latex_document(app: Any, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved`` for the LaTeX builder, on the assembled document."""
    if app.builder.format == "latex" and docname in {entry[0] for entry in app.config.latex_documents}:
        children_after_their_page(doctree)
        keep_titles_with_their_text(doctree)
        mark_dropdowns(doctree)
