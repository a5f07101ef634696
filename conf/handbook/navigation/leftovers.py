"""Pages a build no longer makes are taken out of the output folder.

Sphinx writes into the same folder build after build and never deletes: a page that was removed
or moved, or a redirect page whose ``redirect-from`` is gone, would stay in the preview, reachable
by its old URL, although a clean build has no such file. So each successful build lists the pages
it stands for (every document's, and every other page it wrote: indexes, search, redirects,
404), and the next successful build deletes those of the old list that are not on its own. Only
files a build of this folder wrote are ever deleted.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.builders.html import StandaloneHTMLBuilder

if TYPE_CHECKING:
    from sphinx.application import Sphinx


class Leftovers:
    def __init__(self) -> None:
        self.other_pages: set[str] = set()  # pages written this build that are no document's

    def builder_inited(self, app: Sphinx) -> None:
        self.other_pages = set()

    def page_written(self, app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                     doctree: Any) -> None:
        # Pages besides the documents are written by the main process (Sphinx's finish step).
        if pagename not in app.env.found_docs:
            self.other_pages.add(pagename)

    def build_finished(self, app: Sphinx, exception: BaseException | None) -> None:
        builder = app.builder
        if exception is not None or not isinstance(builder, StandaloneHTMLBuilder):
            return
        outdir = Path(builder.outdir).resolve()
        listing = Path(app.doctreedir) / f"handbook-pages-{builder.name}.txt"
        now = {self._relative(builder, outdir, page) for page in app.env.found_docs | self.other_pages}
        now.discard(None)
        try:
            before = set(listing.read_text(encoding="utf-8").splitlines())
        except OSError:
            before = set()
        for name in sorted(before - now):
            self._delete(outdir, name)
        listing.parent.mkdir(parents=True, exist_ok=True)
        listing.write_text("".join(f"{name}\n" for name in sorted(now)), encoding="utf-8")  # type: ignore[type-var]

    @staticmethod
    def _relative(builder: StandaloneHTMLBuilder, outdir: Path, pagename: str) -> str | None:
        path = Path(builder.get_outfilename(pagename)).resolve()
        return path.relative_to(outdir).as_posix() if path.is_relative_to(outdir) else None

    @staticmethod
    def _delete(outdir: Path, name: str) -> None:
        path = (outdir / name).resolve()
        if not path.is_relative_to(outdir) or not path.is_file():
            return
        path.unlink()
        folder = path.parent
        while folder != outdir and folder.is_relative_to(outdir) and not any(folder.iterdir()):
            folder.rmdir()  # a clean build has no empty folder where the page was
            folder = folder.parent
