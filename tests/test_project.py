"""The project's own promises: README's two set-up commands, and CI running the test one."""

from __future__ import annotations

import re

from conftest import ROOT


def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return [block.strip() for block in re.findall(r"```(?:bash|sh|console)?\n(.*?)```", readme, re.S)]


def test_readme_has_exactly_two_setup_commands_book_then_test() -> None:
    assert readme_commands() == ["make book", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lines = [line.strip() for line in ci.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert readme_commands()[1] in lines
