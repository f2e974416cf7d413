"""Every chapter starts with the setup cell scripts/stamp_notebooks.py writes, and the cell does
what it says: nothing where cnnlab imports; elsewhere one quiet pip install of cnnlab from the
repository at the stamped ref, pinning the torch already installed so pip keeps it."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT
from stamp_notebooks import SETUP_ID, book_config, setup_source, toc_notebooks

# Runs a cell in IPython with a fake %pip that records its line instead of installing, and a
# stand-in torch (version 9.9.9) so that no test waits for torch to import.
RUN_CELL = """
import json, sys, types
from IPython.core.interactiveshell import InteractiveShell
sys.modules["torch"] = types.SimpleNamespace(__version__="9.9.9+cu999")
# import cnnlab fails (as on Colab) or works (a stand-in)
sys.modules["cnnlab"] = None if sys.argv[2] == "missing" else types.ModuleType("cnnlab")
shell = InteractiveShell.instance()
calls = []
shell.register_magic_function(lambda line: calls.append(line), "line", "pip")
result = shell.run_cell(sys.argv[1])
result.raise_error()
print(json.dumps(calls))
"""


def run_setup_cell(source: str, cnnlab: str) -> list[str]:
    result = subprocess.run([sys.executable, "-c", RUN_CELL, source, cnnlab], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_notebooks_are_stamped() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "stamp_notebooks.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, f"run scripts/stamp_notebooks.py: {result.stdout}"


def test_every_chapter_sets_up_before_importing_cnnlab() -> None:
    chapters = toc_notebooks()
    assert len(chapters) >= 11
    for path in chapters:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        ids = [cell.get("id") for cell in cells]
        assert ids.count(SETUP_ID) == 1, f"{path.name} has no setup cell"
        first_import = next(i for i, cell in enumerate(cells) if "cnnlab" in "".join(cell["source"])
                            and cell.get("id") != SETUP_ID and cell["cell_type"] == "code")
        assert ids.index(SETUP_ID) < first_import, f"{path.name} imports cnnlab before its setup cell"


def test_the_setup_cell_does_nothing_where_cnnlab_imports() -> None:
    assert run_setup_cell(setup_source("https://github.com/me/cnnlab", "main"), "present") == []


def test_the_setup_cell_installs_from_the_repository_at_the_ref_and_keeps_torch() -> None:
    url = book_config()["repository"]["url"]
    calls = run_setup_cell(setup_source(url, "0123abc"), "missing")
    assert calls == [f'install -q "cnnlab @ git+{url}@0123abc" "torch==9.9.9+cu999"']
