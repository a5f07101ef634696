"""No text of a page reaches the output of make html or make check as a CI workflow command."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from conftest import write_tree
from hypothesis import given
from hypothesis import strategies as st

from handbook.annotations import escape_annotation, no_workflow_commands

REPO = Path(__file__).resolve().parent.parent
LINES = re.compile(r"\r\n|\r|\n")  # as the runner reads them

FORGED = """\
# Forged

```{eval-rst}
.. unknown-directive::

   ::error file=index.md,line=1::forged annotation
     ::stop-commands::forged-token
\t::add-mask::forged
```

```{eval-rst}
.. code-block:: python
   :bad-option: x

   ::warning::forged two
```
"""


def commands(output: str) -> list[str]:
    return [line for line in LINES.split(output) if line.lstrip().startswith(("::", "##["))]


@given(st.text(alphabet=st.sampled_from([":", "e", " ", "\t", "\n", "\r", "%", ",", "x", "#", "[", "\u2028"])))
def test_no_line_of_any_text_is_a_command(text):
    assert commands(no_workflow_commands(text)) == []
    assert LINES.sub("", no_workflow_commands(text).replace("| ", "")) == LINES.sub("", text)  # nothing lost


@given(st.text())
def test_an_escaped_annotation_value_is_one_line(text):
    assert len(LINES.split(escape_annotation(text))) == 1
    assert "," not in escape_annotation(text, True) and ":" not in escape_annotation(text, True)


def test_make_html_prints_no_workflow_command(tmp_path):
    src = write_tree(tmp_path / "src", {"index.md": FORGED})
    result = subprocess.run(["make", "html", f"SOURCEDIR={src}", f"BUILDDIR={tmp_path / 'out'}"], cwd=REPO,
                            capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert "forged annotation" in output and "forged two" in output, output  # still shown, for the writer
    assert commands(output) == [], output


def test_make_check_prints_only_its_own_annotations(tmp_path):
    src = write_tree(tmp_path / "src", {"index.md": FORGED})
    result = subprocess.run(["make", "check", f"SOURCEDIR={src}", f"BUILDDIR={tmp_path / 'out'}"], cwd=REPO,
                            capture_output=True, text=True, env={**os.environ, "GITHUB_ACTIONS": "true"})
    output = result.stdout + result.stderr
    assert "forged annotation" in output
    found = commands(output)
    assert found and all(re.match(r"::(error|warning) file=[^,:]+,line=\d+,title=[^,:]+::", line) for line in found), found
    assert not any("stop-commands" in line.split("::")[1] or "add-mask" in line.split("::")[1] for line in found)
