"""Every warning the handbook's extension gives, defined once.

As MyST-Parser's ``MystWarnings``: one enum member per kind of warning. Each member is the Sphinx
warning subtype (printed as ``[handbook.<subtype>]`` and silenced with
``suppress_warnings = ["handbook.<subtype>"]``), the kind ``make check`` files it under, and the
hint it prints on how to fix it. Modules warn through ``warn()`` and never spell a type themselves,
so the gate, the docs and the code cannot disagree about what a warning is.

Neutral ground: imports nothing of the handbook's, and Sphinx only for its logger.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import TYPE_CHECKING, Any

from .problems import printable

if TYPE_CHECKING:
    from docutils import nodes

TYPE = "handbook"


@dataclasses.dataclass(frozen=True)
class _Kind:
    subtype: str  # "record-status": printed as [handbook.record-status]
    kind: str  # what make check files it under: "decision-record"
    hint: str  # how to fix it, printed under the finding


class HandbookWarning(enum.Enum):
    """One member per kind of warning: ``_Kind(subtype, check kind, how to fix it)``."""

    # Decision records (records/): one subtype per rule, so one false positive can be silenced.
    RECORD_STATUS = _Kind("record-status", "decision-record", "use one of the statuses the message lists")
    RECORD_DATE = _Kind("record-date", "decision-record", "write the date as YYYY-MM-DD, a real date")
    RECORD_FIELD = _Kind("record-field", "decision-record", "fix the front-matter field the message names")
    RECORD_SUPERSEDES = _Kind("record-supersedes", "decision-record",
                         "make 'supersedes' and 'superseded-by' name records of this kind that exist, "
                         "each naming the other")
    RECORD_NUMBER = _Kind("record-number", "decision-record", "give each record its own number")
    RECORD_FILENAME = _Kind("record-filename", "decision-record", "rename the file NNNN-slug.md")
    RECORD_TITLE = _Kind("record-title", "decision-record", "make the title's number agree with the file name")
    RECORD_DIRECTIVE = _Kind("record-directive", "decision-record",
                        "put one status box (```{adr-status}``` or ```{rfc-status}```) under the record's "
                        "title, and only in records")
    RECORD_IMPLEMENTS = _Kind("record-implements", "decision-record",
                              "name RFCs that exist, as a list: implements: [RFC-0001]")
    RECORD_FRONT_MATTER = _Kind("record-front-matter", "decision-record",
                           "fix the YAML between the '---' lines at the top of the page")
    RECORD_INDEX_ORDER = _Kind("record-index-order", "decision-record",
                          "give ':sort:' one of the orders the message lists")
    RECORD_LIFECYCLE = _Kind("record-lifecycle", "decision-record",
                        "accept the successor, or set the old record back to accepted (ADR-0007)")
    # Any page: front matter that cannot be read (records say so as record-front-matter).
    FRONT_MATTER = _Kind("front-matter", "front-matter", "fix the YAML between the '---' lines at the top of the page")
    # Pages written from a template (records/scaffolding.py) that still hold its guidance.
    TEMPLATE_TEXT = _Kind("template-text", "template-text",
                     "replace the template's guidance and placeholders with the page's own words")
    # Bad text (quality/text.py).
    TEXT_ENCODING = _Kind("text-encoding", "bad-text", "save the file as UTF-8 (in the editor: 'Save with encoding')")
    TEXT_MOJIBAKE = _Kind("text-mojibake", "bad-text", "replace the mis-decoded text with what the message names")
    TEXT_REPLACEMENT = _Kind("text-replacement", "bad-text", "retype the character that was lost")
    TEXT_PRIVATE_USE = _Kind("text-private-use", "bad-text", "remove the private-use character")
    TEXT_CONTROL = _Kind("text-control", "bad-text", "remove the control character")
    # Links (quality/); content, origins and what the build reads (policy/).
    LINK_RAW_HTML = _Kind("link-raw-html", "internal-link", "point the link at a page, anchor or file that exists")
    ACTIVE_CONTENT = _Kind("active-content", "active-content",
                      "remove the script, handler or frame, or opt the page in with "
                      "'allow-active-content: <reason>' in its front matter")
    THIRD_PARTY = _Kind("third-party", "third-party", "copy the resource into the handbook and link it locally")
    OUTSIDE_SOURCE = _Kind("outside-source", "outside-source", "copy the file into the handbook's source folder and use "
                                                              "it from there; the build reads nothing else")
    # Pages (pages/): owners and reviews, redirects.
    REVIEW_FIELD = _Kind("review-field", "page-review", "give the page 'owner' and 'last-reviewed: YYYY-MM-DD'")
    REVIEW_DATE = _Kind("review-date", "page-review", "write 'last-reviewed' as a real YYYY-MM-DD date, not in the future")
    CODEOWNERS = _Kind("codeowners", "page-review", "fix the CODEOWNERS line the message names (GitHub's syntax)")
    REDIRECT = _Kind("redirect", "redirect", "point the redirect at a page that exists, from a path that is not a page")
    TOCTREE_CYCLE = _Kind("toctree-cycle", "toctree", "remove the entry that leads back to a page above it")
    # Reader features: tags (tags/).
    TAG = _Kind("tag", "tag", "write tags as a list of words, e.g. tags: [infra, ci]")
    # Build machinery.
    NAVIGATION = _Kind("navigation", "navigation", "nothing to fix in the pages; the sidebar falls back to Furo's own")
    PDF = _Kind("pdf", "pdf", "run 'make pdf' again, or 'make clean' to drop a stale PDF")
    PDF_SECTIONS = _Kind("pdf-sections", "pdf", "set handbook_pdf_sections in conf.py to True, False or \"only\"")
    SEARCH = _Kind("search", "build", "run 'make html' again; if it fails again, 'make clean' and build")
    LINKCHECK = _Kind("linkcheck", "link-check", "fix the link-check setting the message names in conf/conf.py")
    LINKCHECK_CACHE = _Kind("linkcheck-cache", "link-check",
                            "remove what is at the cache's path; the next run writes a new cache")

    @property
    def subtype(self) -> str:
        return self.value.subtype

    @property
    def kind(self) -> str:
        return self.value.kind

    @property
    def hint(self) -> str:
        return self.value.hint

    @property
    def type(self) -> str:
        """``handbook.<subtype>``, as ``suppress_warnings`` and the printed warning spell it."""
        return f"{TYPE}.{self.subtype}"

    @classmethod
    def for_rule(cls, prefix: str, rule: str) -> HandbookWarning:
        """The member for a rule module's ``Problem.rule`` (pure modules name rules, not warnings):
        ``for_rule("record", "date")`` is RECORD_DATE, ``for_rule("", "redirect")`` is REDIRECT."""
        subtype = f"{prefix}-{rule}" if prefix else rule
        for member in cls:
            if member.subtype == subtype:
                return member
        raise ValueError(f"no handbook warning has the subtype {subtype!r}; add it to HandbookWarning")


def warn(kind: HandbookWarning, message: str,
         location: str | tuple[str | None, int | None] | nodes.Node | None = None, **extra: Any) -> None:
    """Log one warning of ``kind``: printable on one line, located, typed and silenceable."""
    from sphinx.util import logging  # here, so scripts importing the enum stay free of Sphinx

    logging.getLogger("handbook").warning(printable(message), location=location, type=TYPE,
                                          subtype=kind.subtype, **extra)
