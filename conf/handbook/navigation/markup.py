"""Furo's navigation markup as a template: parsed once a build, then each page's copy joined from it.

Stock Furo renders the whole site's toctree and re-parses it with BeautifulSoup for every page,
although pages differ in only three ways:

- where the links point (relative URLs depend on the page's folder);
- the current page's branch: its ``<a>``, and every ``<li>`` and ``<ul>`` above it, carry the
  ``current`` class, and the checkboxes of those ``<li>`` are ``checked``;
- the innermost ``<li>`` of that branch also carries ``current-page``.

So the markup is rendered twice, once with no page current (``plain``) and once with every link's
branch current (``current``), both with numbered placeholders for hrefs. The two differ only inside
the tags a page's branch changes; the text between tags is the same. A page's markup is then the
plain pieces, its folder's hrefs, and the current version of the few tags on its own branch.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

TAG = re.compile(r"(<[^>]*>)")  # attribute values in this markup never hold a raw ">"
TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
CLASS_VALUE = re.compile(r'( class="[^"]*)(")')
# Elements with no end tag; BeautifulSoup writes them as <input .../>.
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "source", "track", "wbr"})
CURRENT_PAGE = " current-page"


class MarkupMismatch(ValueError):
    """The two renderings do not line up tag for tag: the template cannot be trusted."""


@dataclass(frozen=True)
class Link:
    target: str  # the docname the link points at
    anchor: str  # "#fragment" or "", as written in the markup


@dataclass
class NavigationTemplate:
    """Pieces of the navigation markup; a page's markup is ``"".join`` of them, some replaced."""

    pieces: list[str]  # the markup of a page outside the tree, with link slots empty
    links: list[Link]  # every placeholder link, in document order
    link_slots: list[int]  # pieces[link_slots[i]] is links[i]'s href="..." attribute
    current: dict[int, str]  # piece -> its text on the current page's branch (tags that change)
    parents: dict[int, int]  # tag piece -> the piece of the element it sits in (-1 at the top)
    names: dict[int, str]  # tag piece -> tag name
    void_children: dict[int, list[int]]  # element piece -> void tags in it that change (checkboxes)
    link_tags: list[int]  # piece of the tag (up to its href) of each link
    _branches: dict[str, dict[int, str] | None] = field(default_factory=dict, repr=False)

    def with_links(self, hrefs: Sequence[str]) -> list[str]:
        """The pieces with every link slot filled (``hrefs[i]`` is ``href="..."`` for links[i])."""
        pieces = list(self.pieces)
        for slot, href in zip(self.link_slots, hrefs, strict=True):
            pieces[slot] = href
        return pieces

    def branch(self, docname: str) -> dict[int, str] | None:
        """Replacement pieces that make ``docname`` the current page; None when it is ambiguous.

        Like Sphinx, the branch starts at a link to the page itself (no anchor). A page linked
        from two places would have two branches whose shared ``<li>`` repeat ``current``; such a
        page is left to Furo itself (None).
        """
        if docname not in self._branches:
            self._branches[docname] = self._branch(docname)
        return self._branches[docname]

    def _branch(self, docname: str) -> dict[int, str] | None:
        selves = [self.link_tags[i] for i, link in enumerate(self.links)
                  if link.target == docname and not link.anchor]
        if not selves:
            return {}
        if len(selves) > 1:
            return None
        changed: dict[int, str] = {}
        innermost_item = None
        element = selves[0]
        while element != -1:
            if element in self.current:
                changed[element] = self.current[element]
            for child in self.void_children.get(element, ()):
                changed[child] = self.current[child]
            if innermost_item is None and self.names[element] == "li":
                innermost_item = element
            element = self.parents[element]
        if innermost_item is not None:  # Furo marks the last <li> with "current" in the page
            changed[innermost_item] = add_class(changed.get(innermost_item, self.pieces[innermost_item]),
                                                CURRENT_PAGE)
        return changed

    def page(self, filled: Sequence[str], branch: Mapping[int, str], hrefs: Mapping[int, str]) -> str:
        """One page's markup: ``filled`` from :meth:`with_links`, its branch, its own links' hrefs."""
        if not branch and not hrefs:
            return "".join(filled)
        pieces = list(filled)
        for index, text in branch.items():
            pieces[index] = text
        for link, href in hrefs.items():
            pieces[self.link_slots[link]] = href
        return "".join(pieces)


def add_class(tag: str, suffix: str) -> str:
    """``tag`` with `` suffix`` appended to its class attribute's value."""
    replaced, count = CLASS_VALUE.subn(lambda m: m.group(1) + suffix + m.group(2), tag, count=1)
    if count != 1:
        raise MarkupMismatch(f"no class attribute in {tag!r}")
    return replaced


def remove_class(tag: str, suffix: str) -> str:
    """``tag`` without a trailing `` suffix`` in its class attribute's value."""
    return tag.replace(suffix + '"', '"', 1) if (suffix + '"') in tag else tag


def build_template(plain: str, current: str, placeholder: re.Pattern[str],
                   targets: Sequence[str]) -> NavigationTemplate:
    """Line ``plain`` and ``current`` up tag by tag and cut them into a template.

    ``placeholder`` matches one link's ``href="..."`` attribute, with groups ``link`` (an index
    into ``targets``, the docnames) and ``anchor``.
    """
    plain_tokens = TAG.split(plain)
    current_tokens = TAG.split(current)
    if len(plain_tokens) != len(current_tokens):
        raise MarkupMismatch("the two renderings have different numbers of tags")
    # Furo gave the last current <li> "current-page"; every <li> is current there, so that mark
    # says nothing about a real page: take it off, and put it back on each page's own <li>.
    for index in range(len(current_tokens) - 2, 0, -2):  # odd positions are tags
        if CURRENT_PAGE + '"' in current_tokens[index] and current_tokens[index].startswith("<li"):
            current_tokens[index] = remove_class(current_tokens[index], CURRENT_PAGE)
            break

    template = NavigationTemplate(pieces=[], links=[], link_slots=[], current={}, parents={},
                                  names={}, void_children={}, link_tags=[])
    pieces = template.pieces
    stack: list[int] = []
    for position, (text, other) in enumerate(zip(plain_tokens, current_tokens, strict=True)):
        if position % 2 == 0:  # text between tags: the same on every page
            if text != other:
                raise MarkupMismatch(f"text differs between renderings: {text[:60]!r}")
            pieces.append(text)
            continue
        name_match = TAG_NAME.match(text)
        other_match = TAG_NAME.match(other)
        if name_match is None or other_match is None or name_match.group(0) != other_match.group(0):
            raise MarkupMismatch(f"tags differ between renderings: {text[:60]!r} / {other[:60]!r}")
        if text.startswith("</"):
            if not stack or template.names[stack[-1]] != name_match.group(1):
                raise MarkupMismatch(f"unbalanced end tag {text!r}")
            stack.pop()
            pieces.append(text)
            continue
        name = name_match.group(1).lower()
        head = len(pieces)  # the piece that stands for this element
        template.names[head] = name
        template.parents[head] = stack[-1] if stack else -1
        link = placeholder.search(text)
        if link is not None:
            other_link = placeholder.search(other)
            if other_link is None or other_link.group(0) != link.group(0):
                raise MarkupMismatch(f"link placeholders differ: {text!r} / {other!r}")
            pieces.append(text[:link.start()])
            template.link_tags.append(head)
            template.link_slots.append(len(pieces))
            template.links.append(Link(targets[int(link.group("link"))], link.group("anchor")))
            pieces.append("")
            pieces.append(text[link.end():])
            if other[other_link.end():] != text[link.end():]:
                raise MarkupMismatch(f"a link's tag changes after its href: {text!r}")
            current_head = other[:other_link.start()]
        else:
            pieces.append(text)
            current_head = other
        if current_head != pieces[head]:
            template.current[head] = current_head
        void = name in VOID or text.endswith("/>")
        if void:
            if head in template.current and template.parents[head] != -1:
                template.void_children.setdefault(template.parents[head], []).append(head)
        else:
            stack.append(head)
    if stack:
        raise MarkupMismatch("unclosed elements in the navigation markup")
    return template


def anchor_text(anchor: str) -> str:
    """The anchor as it was before it was written into the markup."""
    return html.unescape(anchor)
