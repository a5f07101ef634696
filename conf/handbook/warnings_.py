"""Every warning the handbook's extension gives, defined once.

As MyST-Parser's ``MystWarnings``: one enum member per kind of warning. Each member is the Sphinx
warning subtype (printed as ``[handbook.<subtype>]`` and silenced with
``suppress_warnings = ["handbook.<subtype>"]``), the kind ``make check`` files it under, and the
hint it prints on how to fix it. Modules warn through ``warn()`` and never spell a type themselves,
so the gate, the docs and the code cannot disagree about what a warning is.

Neutral ground: imports nothing of the handbook's, and Sphinx only for its logger.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

from .problems import printable

if TYPE_CHECKING:
    from docutils import nodes

TYPE = "handbook"


class HandbookWarning(enum.Enum):
    """``subtype, check kind, how to fix it``."""

    subtype: str
    kind: str
    hint: str

    def __new__(cls, subtype: str, kind: str, hint: str) -> HandbookWarning:
        member = object.__new__(cls)
        member._value_ = subtype
        member.subtype, member.kind, member.hint = subtype, kind, hint
        return member

    # Decision records (records/): one subtype per rule, so one false positive can be silenced.
    RECORD_STATUS = ("record-status", "decision-record", "use one of the statuses the message lists")
    RECORD_DATE = ("record-date", "decision-record", "write the date as YYYY-MM-DD, a real date")
    RECORD_FIELD = ("record-field", "decision-record", "fix the front-matter field the message names")
    RECORD_SUPERSEDES = ("record-supersedes", "decision-record",
                         "make 'supersedes' and 'superseded-by' name records of this kind that exist, "
                         "each naming the other")
    RECORD_NUMBER = ("record-number", "decision-record", "give each record its own number")
    RECORD_FILENAME = ("record-filename", "decision-record", "rename the file NNNN-slug.md")
    RECORD_TITLE = ("record-title", "decision-record", "make the title's number agree with the file name")
    RECORD_DIRECTIVE = ("record-directive", "decision-record",
                        "put one status box (```{adr-status}``` or ```{rfc-status}```) under the record's "
                        "title, and only in records")
    RECORD_IMPLEMENTS = ("record-implements", "decision-record",
                         "name RFCs that exist, as a list: implements: [RFC-0001]")
    RECORD_FRONT_MATTER = ("record-front-matter", "decision-record",
                           "fix the YAML between the '---' lines at the top of the page")
    RECORD_INDEX_ORDER = ("record-index-order", "decision-record",
                          "give ':sort:' one of the orders the message lists")
    RECORD_LIFECYCLE = ("record-lifecycle", "decision-record",
                        "accept the successor, or set the old record back to accepted (ADR-0007)")
    # Any page: front matter that cannot be read (records say so as record-front-matter).
    FRONT_MATTER = ("front-matter", "front-matter", "fix the YAML between the '---' lines at the top of the page")
    # Pages written from a template (records/scaffolding.py) that still hold its guidance.
    TEMPLATE_TEXT = ("template-text", "template-text",
                     "replace the template's guidance and placeholders with the page's own words")
    # Bad text (quality/text.py).
    TEXT_MOJIBAKE = ("text-mojibake", "bad-text", "replace the mis-decoded text with what the message names")
    TEXT_REPLACEMENT = ("text-replacement", "bad-text", "retype the character that was lost")
    TEXT_PRIVATE_USE = ("text-private-use", "bad-text", "remove the private-use character")
    TEXT_CONTROL = ("text-control", "bad-text", "remove the control character")
    # Links (quality/); content, origins and what the build reads (policy/).
    LINK_RAW_HTML = ("link-raw-html", "internal-link", "point the link at a page, anchor or file that exists")
    ACTIVE_CONTENT = ("active-content", "active-content",
                      "remove the script, handler or frame, or opt the page in with "
                      "'allow-active-content: <reason>' in its front matter")
    THIRD_PARTY = ("third-party", "third-party", "copy the resource into the handbook and link it locally")
    OUTSIDE_SOURCE = ("outside-source", "outside-source", "copy the file into the handbook's source folder and use "
                                                          "it from there; the build reads nothing else")
    # Pages (pages/): owners and reviews, redirects.
    REVIEW_FIELD = ("review-field", "page-review", "give the page 'owner' and 'last-reviewed: YYYY-MM-DD'")
    REVIEW_DATE = ("review-date", "page-review", "write 'last-reviewed' as a real YYYY-MM-DD date, not in the future")
    CODEOWNERS = ("codeowners", "page-review", "fix the CODEOWNERS line the message names (GitHub's syntax)")
    REDIRECT = ("redirect", "redirect", "point the redirect at a page that exists, from a path that is not a page")
    # Reader features: tags (tags/).
    TAG = ("tag", "tag", "write tags as a list of words, e.g. tags: [infra, ci]")
    # Build machinery.
    NAVIGATION = ("navigation", "navigation", "nothing to fix in the pages; the sidebar falls back to Furo's own")
    PDF = ("pdf", "pdf", "run 'make pdf' again, or 'make clean' to drop a stale PDF")
    LINKCHECK = ("linkcheck", "link-check", "fix the link-check setting the message names in conf/conf.py")
    LINKCHECK_CACHE = ("linkcheck-cache", "link-check", "remove what is at the cache's path; the next run writes a new cache")

    @property
    def type(self) -> str:
        """``handbook.<subtype>``, as ``suppress_warnings`` and the printed warning spell it."""
        return f"{TYPE}.{self.subtype}"

    @classmethod
    def for_rule(cls, prefix: str, rule: str) -> HandbookWarning:
        """The member for a rule module's ``Problem.rule`` (pure modules name rules, not warnings)."""
        return cls(f"{prefix}-{rule}" if prefix else rule)


def warn(kind: HandbookWarning, message: str,
         location: str | tuple[str | None, int | None] | nodes.Node | None = None, **extra: Any) -> None:
    """Log one warning of ``kind``: printable on one line, located, typed and silenceable."""
    from sphinx.util import logging  # here, so scripts importing the enum stay free of Sphinx

    logging.getLogger("handbook").warning(printable(message), location=location, type=TYPE,
                                          subtype=kind.subtype, **extra)
