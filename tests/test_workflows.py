"""The GitHub workflows: valid by GitHub's schema, and running the make targets the handbook promises."""

from __future__ import annotations

import fnmatch
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.y*ml"))
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
sys.path.insert(0, str(REPO / "scripts"))
from pdf import DEBIAN_PACKAGES  # noqa: E402  (what make pdf needs, as it tells a user to install)

TEX_PACKAGES = set(DEBIAN_PACKAGES)


def load(name: str) -> dict:
    return yaml.safe_load((REPO / ".github" / "workflows" / name).read_text(encoding="utf-8"))


def triggers(workflow: dict) -> dict:
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` key as True
    return {on: None} if isinstance(on, str) else {name: None for name in on} if isinstance(on, list) else on


def runs(job: dict) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def uses(job: dict, action: str) -> list[dict]:
    return [step for step in job["steps"] if step.get("uses", "").split("@")[0] == action]


def test_there_are_workflows():
    assert {path.name for path in WORKFLOWS} >= {"ci.yml", "linkcheck-weekly.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_workflow_is_valid_for_github(path):
    done = subprocess.run([str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", str(path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_make_target_a_workflow_runs_exists():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.M))
    commands = "\n".join(runs(job) for path in WORKFLOWS for job in load(path.name)["jobs"].values())
    used = set(re.findall(r"\bmake ([a-z][a-z-]*)", commands))
    assert used >= {"check", "linkcheck", "html", "pdf"}  # and `make test`, through .ci/run
    assert used <= targets, f"workflows run make targets the Makefile lacks: {sorted(used - targets)}"


# --- What the workflows do, per event --------------------------------------------------------
# A small model of GitHub's own rules: which workflows an event triggers (branch filters), which
# jobs' ``if`` holds, and that a job runs only when every job it needs ran and passed. The tests
# ask it questions ("can a failing test suite be deployed?") instead of restating the YAML.

EVENTS = {
    "push to main": {"event_name": "push", "ref": "refs/heads/main", "branch": "main"},
    "push to a branch": {"event_name": "push", "ref": "refs/heads/topic", "branch": "topic"},
    "pull request": {"event_name": "pull_request", "ref": "refs/pull/7/merge", "branch": "main",
                     "base_ref": "main"},
    "weekly": {"event_name": "schedule", "ref": "refs/heads/main", "branch": "main"},
}


def triggered(workflow: dict, event: dict) -> bool:
    trigger = triggers(workflow).get(event["event_name"], False)
    if trigger is False:
        return False
    branches = trigger.get("branches") if isinstance(trigger, dict) else None
    return branches is None or event["branch"] in branches


CONDITION = re.compile(r"github\.(event_name|ref) == '([^']*)'")


def holds(condition: str | None, event: dict) -> bool:
    """The ``if:`` forms the workflows use: comparisons of github.event_name / github.ref with &&."""
    if condition is None:
        return True
    parts = [part.strip() for part in condition.split("&&")]
    assert all(CONDITION.fullmatch(part) for part in parts), f"the model cannot read the condition {condition!r}"
    return all(event[CONDITION.fullmatch(part).group(1)] == CONDITION.fullmatch(part).group(2) for part in parts)


def needs(job: dict) -> list[str]:
    value = job.get("needs", [])
    return [value] if isinstance(value, str) else list(value)


def running_jobs(event: str, failing: frozenset[str] = frozenset()) -> set[str]:
    """The ``workflow/job`` names that run for ``event`` when the jobs in ``failing`` fail."""
    ran: set[str] = set()
    for path in WORKFLOWS:
        workflow = load(path.name)
        if triggered(workflow, EVENTS[event]):
            ran |= {f"{path.stem}/{name}" for name in jobs_that_run(workflow["jobs"], EVENTS[event], failing)}
    return ran


def jobs_that_run(jobs: dict, event: dict, failing: frozenset[str]) -> set[str]:
    outcome: dict[str, bool] = {}  # job -> ran and passed
    ran: set[str] = set()

    def run(name: str, stack: tuple[str, ...] = ()) -> bool:
        assert name not in stack, f"jobs need each other in a cycle: {stack}"
        if name not in outcome:
            job = jobs[name]
            started = all(run(need, (*stack, name)) for need in needs(job)) and holds(job.get("if"), event)
            if started:
                ran.add(name)
            outcome[name] = started and name not in failing
        return outcome[name]

    for name in jobs:
        run(name)
    return ran


def test_a_pull_request_runs_the_gate_the_tests_and_its_links_once_and_deploys_nothing():
    ran = running_jobs("pull request")
    assert {"ci/check", "ci/test", "ci/linkcheck", "ci/pdf-latex", "ci/pdf", "ci/site"} <= ran
    assert "ci/deploy" not in ran
    # A branch's push triggers nothing: its pull request runs each job once, not twice.
    assert running_jobs("push to a branch") == set()


def test_main_is_deployed_only_after_the_gate_and_the_tests_pass():
    assert "ci/deploy" in running_jobs("push to main")
    for failing in ("check", "test", "pdf-latex", "pdf", "site"):
        assert "ci/deploy" not in running_jobs("push to main", frozenset({failing})), f"deployed with {failing} failing"


def test_the_tests_run_where_ci_run_expects_to_be():
    # Debian 12 with Python 3.11 and root for apt-get; .ci/run ends in `make test`.
    test = load("ci.yml")["jobs"]["test"]
    assert runs(test).strip() == "./.ci/run" and test["container"] == "python:3.11-bookworm"
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_the_weekly_runs_sweep_every_link_and_deepen_the_property_tests():
    ran = running_jobs("weekly")
    assert {"linkcheck-weekly/linkcheck", "weekly/deep-tests"} <= ran
    deep = load("weekly.yml")["jobs"]["deep-tests"]
    assert runs(deep).strip() == "./.ci/run" and int(deep["env"]["HANDBOOK_TEST_EXAMPLES"]) > 100


def test_pull_requests_check_only_the_links_they_change():
    job = load("ci.yml")["jobs"]["linkcheck"]
    assert job["if"] == "github.event_name == 'pull_request'"
    [checkout] = uses(job, "actions/checkout")
    assert checkout["with"]["fetch-depth"] == 0  # the base branch and the merge base are needed
    [step] = [step for step in job["steps"] if "make linkcheck" in step.get("run", "")]
    assert step["run"] == 'make linkcheck SINCE="$SINCE"'
    assert step["env"]["SINCE"] == "origin/${{ github.base_ref }}"


def test_weekly_sweep_checks_everything_and_keeps_its_cache():
    sweep = load("linkcheck-weekly.yml")
    assert [entry["cron"] for entry in triggers(sweep)["schedule"]]
    [job] = sweep["jobs"].values()
    assert re.search(r"^make linkcheck$", runs(job), re.M)  # no SINCE: the full sweep
    cache = job["env"]["HANDBOOK_LINKCHECK_CACHE"]
    [restore], [save] = uses(job, "actions/cache/restore"), uses(job, "actions/cache/save")
    assert cache.startswith("${{ github.workspace }}/" + restore["with"]["path"] + "/")
    assert save["with"]["path"] == restore["with"]["path"] and save["with"]["key"] == restore["with"]["key"]
    assert save["if"].startswith("always()")  # saved even when links are broken
    steps = job["steps"]
    assert steps.index(restore) < next(i for i, s in enumerate(steps) if "make linkcheck" in s.get("run", "")) \
        < steps.index(save)


def test_the_pdf_is_built_with_debian_tex_live_and_kept():
    jobs = load("ci.yml")["jobs"]
    latex, job = jobs["pdf-latex"], jobs["pdf"]
    assert "apt-get" not in runs(latex) and "make pdf STAGE=latex" in runs(latex)  # Sphinx only, no TeX
    [written] = uses(latex, "actions/upload-artifact")
    assert written["with"]["path"] == "_build/pdf/latex"
    # One typesetting job per document the LaTeX stage listed (the whole handbook, and the sections).
    assert needs(job) == ["pdf-latex"]
    assert job["strategy"]["matrix"]["document"] == "${{ fromJSON(needs.pdf-latex.outputs.documents) }}"
    assert latex["outputs"]["documents"] == "${{ steps.documents.outputs.documents }}"
    [listed] = [step for step in latex["steps"] if step.get("id") == "documents"]
    assert "handbook-documents.txt" in listed["run"] and "$GITHUB_OUTPUT" in listed["run"]
    assert job["strategy"]["fail-fast"] is False
    assert job["container"].endswith("-bookworm") and "if" not in job
    installed = set(re.findall(r"[a-z][a-z0-9-]+", runs(job).partition("apt-get install")[2]))
    assert TEX_PACKAGES <= installed
    [typeset] = [step for step in job["steps"] if "make pdf" in step.get("run", "")]
    assert typeset["run"] == 'make pdf STAGE=typeset DOCUMENT="$DOCUMENT"'  # the name never pasted into the script
    assert typeset["env"]["DOCUMENT"] == "${{ matrix.document }}"
    [read] = uses(job, "actions/download-artifact")
    assert read["with"] == {"name": written["with"]["name"], "path": "_build/pdf/latex"}
    [upload] = uses(job, "actions/upload-artifact")
    assert upload["with"]["path"] == "_build/pdf/*.pdf"
    assert "${{ matrix.document }}" in upload["with"]["name"]  # one artifact per document


MAIN_PUSH = "github.event_name == 'push' && github.ref == 'refs/heads/main'"


def test_the_site_is_built_with_the_pdf_in_it():
    jobs = load("ci.yml")["jobs"]
    site = jobs["site"]
    [download] = uses(site, "actions/download-artifact")
    # Every document's PDF, whichever matrix job typeset it, into one folder.
    uploaded = uses(jobs["pdf"], "actions/upload-artifact")[0]["with"]["name"]
    assert download["with"]["merge-multiple"] is True and download["with"]["path"] == "_build/pdf"
    assert fnmatch.fnmatchcase(uploaded.replace("${{ matrix.document }}", "mbodi-handbook.tex"),
                               download["with"]["pattern"])
    assert not fnmatch.fnmatchcase("handbook-latex", download["with"]["pattern"])
    assert "pdf" in needs(site)
    steps = site["steps"]
    build = next(i for i, step in enumerate(steps) if step.get("run") == "make html")
    assert steps.index(download) < build  # the site picks the PDF up only if it is already there
    [pages_artifact] = uses(site, "actions/upload-pages-artifact")
    assert pages_artifact["with"]["path"] == "_build/html" and pages_artifact["if"] == MAIN_PUSH
    deploy = jobs["deploy"]
    assert uses(deploy, "actions/deploy-pages") and deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["concurrency"]["cancel-in-progress"] is False  # never cancelled halfway
