"""The GitHub workflows: valid by GitHub's schema, and running the make targets the handbook promises."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.y*ml"))
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
TEX_PACKAGES = {"texlive-luatex", "texlive-latex-recommended", "texlive-latex-extra",
                "texlive-fonts-recommended", "fonts-noto-color-emoji", "latexmk"}


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


def test_check_and_tests_run_on_every_push_and_pull_request():
    ci = load("ci.yml")
    assert {"push", "pull_request"} <= set(triggers(ci))
    check, test = ci["jobs"]["check"], ci["jobs"]["test"]
    assert "if" not in check and "make check" in runs(check)
    # The tests run where .ci/run expects to be: Debian 12 with Python 3.11; it ends in `make test`.
    assert "if" not in test and runs(test).strip() == "./.ci/run" and test["container"] == "python:3.11-bookworm"
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


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
    job = load("ci.yml")["jobs"]["pdf"]
    assert job["container"].endswith("-bookworm") and "if" not in job
    installed = set(re.findall(r"[a-z][a-z0-9-]+", runs(job).partition("apt-get install")[2]))
    assert TEX_PACKAGES <= installed
    assert "make pdf" in runs(job)
    [upload] = uses(job, "actions/upload-artifact")
    assert upload["with"]["path"] == "_build/pdf/mbodi-handbook.pdf"


MAIN_PUSH = "github.event_name == 'push' && github.ref == 'refs/heads/main'"


def test_the_site_is_built_with_the_pdf_and_deployed_from_main_only():
    jobs = load("ci.yml")["jobs"]
    site, deploy = jobs["site"], jobs["deploy"]
    assert site["needs"] == "pdf" and "if" not in site
    [download] = uses(site, "actions/download-artifact")
    assert download["with"] == {"name": uses(jobs["pdf"], "actions/upload-artifact")[0]["with"]["name"],
                                "path": "_build/pdf"}
    steps = site["steps"]
    build = next(i for i, step in enumerate(steps) if step.get("run") == "make html")
    assert steps.index(download) < build  # the site picks the PDF up only if it is already there
    [pages_artifact] = uses(site, "actions/upload-pages-artifact")
    assert pages_artifact["with"]["path"] == "_build/html" and pages_artifact["if"] == MAIN_PUSH
    assert deploy["if"] == MAIN_PUSH and deploy["needs"] == "site" and uses(deploy, "actions/deploy-pages")
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["concurrency"]["cancel-in-progress"] is False
