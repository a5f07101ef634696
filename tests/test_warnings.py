"""One definition of every warning the extension gives (handbook/warnings_.py), used everywhere."""

from __future__ import annotations

import re
from pathlib import Path

from handbook.warnings_ import TYPE, HandbookWarning

EXTENSION = Path(__file__).resolve().parent.parent / "conf" / "handbook"


def test_every_warning_has_a_subtype_a_check_kind_and_a_hint():
    for warning in HandbookWarning:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", warning.subtype), warning
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", warning.kind), warning
        assert len(warning.hint) > 15 and not warning.hint.endswith("."), warning
        assert warning.type == f"{TYPE}.{warning.subtype}"


def test_subtypes_are_unique_and_rules_find_their_warning():
    subtypes = [warning.subtype for warning in HandbookWarning]
    assert len(subtypes) == len(set(subtypes))
    assert HandbookWarning.for_rule("record", "status") is HandbookWarning.RECORD_STATUS
    assert HandbookWarning.for_rule("", "redirect") is HandbookWarning.REDIRECT


def test_no_module_spells_a_warning_type_of_its_own():
    # Every handbook warning goes through warnings_.warn(HandbookWarning.X, ...): a string type or a
    # second warn() helper would be a warning make check cannot classify and no one can look up.
    offenders = []
    for path in sorted(EXTENSION.rglob("*.py")):
        if path.name == "warnings_.py":
            continue
        text = path.read_text(encoding="utf-8")
        # HandbookWarning("x") looks a member up by its value, which is a _Kind, not a subtype:
        # rule names go through HandbookWarning.for_rule().
        for pattern in (r'type\s*=\s*["\']handbook["\']', r'subtype\s*=\s*f?["\']', r"^def warn\(",
                        r"(?<!class )HandbookWarning\("):
            offenders += [f"{path.relative_to(EXTENSION)}: {m.group(0)}" for m in re.finditer(pattern, text, re.M)]
    assert offenders == []
