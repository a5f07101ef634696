"""The one shape every kind of per-page data in the handbook's extension takes.

A Domain holding a few tables keyed by docname, as ``sphinx.ext.todo`` keeps its todos: filled
while a page is read, purged when the page changes (``clear_doc``), merged back from parallel
readers (``merge_domaindata``), and holding only plain values so the environment pickles and
incremental builds stay incremental. A subclass names its tables and fills them in ``process_doc``.
"""

from __future__ import annotations

from collections.abc import Set
from typing import Any, ClassVar

from sphinx.domains import Domain


class PageDataDomain(Domain):
    tables: ClassVar[tuple[str, ...]] = ()

    def table(self, name: str) -> dict[str, Any]:
        return self.data.setdefault(name, {})

    def clear_doc(self, docname: str) -> None:
        for name in self.tables:
            self.table(name).pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for name in self.tables:
            for docname, value in otherdata.get(name, {}).items():
                if docname in docnames:
                    self.table(name)[docname] = value

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list:
        return []  # these domains hold data; they define no roles to resolve
