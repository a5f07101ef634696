"""Reference findings in a writer's words, with "did you mean" where a name in the handbook is close."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from handbook.quality.wording import Known, reword

REPO = Path(__file__).resolve().parent.parent
KNOWN = Known(pages=frozenset({"index", "engineering/adr/index", "engineering/adr/0001-use-x", "people/onboarding"}),
              anchors={"engineering/adr/index": frozenset({"accepted-decisions", "proposed-decisions"}),
                       "people/onboarding": frozenset({"first-week", "your-laptop"})},
              labels=frozenset({"release-checklist", "on-call"}))


@pytest.mark.parametrize("message, docname, words, suggestion", [
    ("local id not found in doc 'engineering/adr/index': 'acepted-decisions'", "index",
     "'engineering/adr/index.md' has no heading or label '#acepted-decisions'", "did you mean '#accepted-decisions'?"),
    ("'myst' cross-reference target not found: '../../people/onbording.md'", "engineering/adr/index",
     "which is not a page of the handbook", "did you mean '../../people/onboarding.md'?"),
    ("'myst' cross-reference target not found: 'frist-week'", "people/onboarding",
     "'frist-week' is neither a heading or label on this page nor a page", "did you mean '#first-week'?"),
    ("'myst' cross-reference target not found: 'adr/index.html#accepted-decisions'", "engineering/index",
     "the built file 'adr/index.html#accepted-decisions'", "did you mean 'adr/index.md#accepted-decisions'?"),
    ("undefined label: 'release-checklst'", "index",
     "no label 'release-checklst' is defined anywhere in the handbook", "did you mean 'release-checklist'?"),
    ("toctree contains reference to nonexisting document '0001-use-y'", "engineering/adr/index",
     "the toctree lists '0001-use-y', which is not a page", "did you mean '0001-use-x'?"),
    ("undefined label: 'nothing-like-it-anywhere'", "index", "no label", None),
])
def test_reference_messages_in_writers_words(message, docname, words, suggestion):
    found = reword(message, docname, KNOWN)
    assert found is not None and words in found.message
    assert found.suggestion == suggestion


def test_other_messages_are_left_alone():
    assert reword("Unknown directive type: 'adr-staus'", "index", KNOWN) is None


def test_make_check_suggests_the_anchor_and_page_meant(tmp_path):
    src = tmp_path / "src"
    (src / "guide").mkdir(parents=True)
    (src / "index.md").write_text("# Home\n\n```{toctree}\nguide/index\nguide/setup\n```\n\n"
                                  "See [the steps](guide/setup.md#instal-the-tools) and [the guide](guide/indx.md).\n",
                                  encoding="utf-8")
    (src / "guide" / "index.md").write_text("# Guide\n\n## Accepted decisions\n", encoding="utf-8")
    (src / "guide" / "setup.md").write_text("# Setup\n\n## Install the tools\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "scripts/check.py", "--source", str(src), "--conf", "conf",
                           "--builddir", str(tmp_path / "out")], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 1, done.stdout + done.stderr
    report = json.loads((tmp_path / "out" / "check" / "report.json").read_text(encoding="utf-8"))
    hints = {f["message"]: f["hint"] for f in report}
    assert any("did you mean '#install-the-tools'?" in hint for hint in hints.values()), hints
    assert any("did you mean 'guide/index.md'?" in hint for hint in hints.values()), hints
    assert not any("local id not found" in message or "cross-reference target" in message for message in hints)
