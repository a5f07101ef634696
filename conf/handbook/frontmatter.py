"""Front matter as writers type it: the YAML block between ``---`` lines at the top of a page.

Read with the source line of every field, values kept as strings and lists of strings, and every
fault a located ``Problem`` instead of an exception. Neutral ground like ``problems.py``: no
Sphinx, no handbook subpackage.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import yaml

from .problems import Problem
from .problems import quoted as _value


@dataclasses.dataclass
class FrontMatter:
    """Front matter as written: scalar values are strings, sequences lists of strings."""

    values: dict[str, Any]
    lines: dict[str, int]  # field -> 1-based line in the source file
    first_line: int  # the opening "---"; where to point when a field is missing
    problems: list[Problem]


def read_front_matter(text: str) -> FrontMatter:
    """Return a page's YAML front matter with the source line of every field.

    Values stay as the writer typed them (YAML's own typing would turn ``2026-02-30`` into a
    crash and ``no`` into False); the record rules below interpret them. Duplicate keys,
    YAML syntax errors and front matter that is not a mapping become problems, never exceptions.
    """
    empty = FrontMatter({}, {}, 1, [])
    # Newlines only, as Sphinx numbers lines: str.splitlines() also splits on \x1c, \x85, U+2028...
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if not lines or lines[0].rstrip() != "---":
        return empty
    end = front_matter_end(lines)
    if end is None:
        empty.problems.append(Problem("front-matter", 1,
                                      "front matter opened with '---' is never closed; end it with a line '---'"))
        return empty
    block = "\n".join(lines[1:end])
    try:
        refusal = _refuse_aliases(block)
        if refusal is not None:
            empty.problems.append(refusal)
            return empty
        node = yaml.compose(block, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = _line_at(block, mark.index) if mark is not None else 1
        reason = getattr(error, "problem", None) or str(error).split("\n")[0]
        # An unclosed '[', '{' or quote is noticed lines later; point at where it was opened.
        context, opened = getattr(error, "context", None), getattr(error, "context_mark", None)
        if context and opened is not None and _line_at(block, opened.index) < line:
            line = _line_at(block, opened.index)
            reason = f"{reason}, {context} that starts on this line and is not closed"
        empty.problems.append(Problem("front-matter", line, f"front matter is not valid YAML ({reason}); fix the syntax"))
        return empty
    except RecursionError:
        empty.problems.append(Problem("front-matter", 1, "front matter is nested too deeply to read"))
        return empty
    if node is None:
        return empty
    if not isinstance(node, yaml.MappingNode):
        return FrontMatter({}, {}, 1, [Problem("front-matter", 2, "front matter must be a mapping of 'field: value' lines")])
    values: dict[str, Any] = {}
    where: dict[str, int] = {}
    problems: list[Problem] = []
    for key_node, value_node in node.value:
        line = _line_at(block, key_node.start_mark.index)
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(Problem("front-matter", line, "front matter keys must be plain words"))
            continue
        key = key_node.value
        if key in values:
            problems.append(Problem("front-matter", line,
                                    f"field '{_value(key)}' is given twice (first on line {where[key]}); keep one"))
            continue
        values[key] = _plain(value_node)
        where[key] = line
    return FrontMatter(values, where, 1, problems)


def front_matter_end(lines: list[str]) -> int | None:
    """The index of the line that closes the front matter opening ``lines`` (``---`` or ``...``);
    None when there is no front matter or it is never closed. The one place that decides where
    front matter ends, for reading it and for scripts that edit it."""
    if not lines or lines[0].rstrip() != "---":
        return None
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return index
    return None


# Front matter is a handful of fields; a block of more parse events than this is not a record.
MOST_EVENTS = 20_000


def _refuse_aliases(block: str) -> Problem | None:
    """Refuse YAML aliases (``*name``) before anything expands them.

    An alias repeats a node, so a few lines of aliases to aliases can stand for billions of
    values ("billion laughs") or for a node containing itself. Front matter never needs them.
    Reading the event stream costs one pass over the text and expands nothing.
    """
    for count, event in enumerate(yaml.parse(block, Loader=yaml.SafeLoader)):
        if isinstance(event, yaml.AliasEvent):
            where = _line_at(block, event.start_mark.index) if event.start_mark is not None else 2
            return Problem("front-matter", where,
                           f"front matter uses the alias '*{event.anchor}'; write the value out in full "
                           "(anchors and aliases are not allowed here)")
        if count > MOST_EVENTS:
            return Problem("front-matter", 2, "front matter is far too large to be a page's fields")
    return None


def _line_at(block: str, index: int) -> int:
    """The file line of a character of the front matter block (which starts on line 2).

    Counted from the character's position, not taken from YAML's own line numbers: YAML also
    breaks lines at U+0085, U+2028 and U+2029, which Sphinx and editors do not.
    """
    return block.count("\n", 0, index) + 2


def _plain(node: yaml.Node, depth: int = 0) -> Any:
    """A YAML node as strings and lists of strings; mappings become dicts (records reject them)."""
    if depth > 20:
        return {}
    if isinstance(node, yaml.ScalarNode):
        # An explicit null (``~``, ``null`` or nothing at all) is an empty value.
        if node.tag == "tag:yaml.org,2002:null":
            return ""
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item, depth + 1) for item in node.value]
    return {"__mapping__": True}
