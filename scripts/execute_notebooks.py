"""Execute notebooks in place, storing their outputs and their widget state.

nbval compares a chapter's stored outputs with fresh ones, and the stored widget state
lets Jupyter show the widgets of a saved notebook; ``make notebooks`` runs this on every
chapter. Each notebook runs in its own folder with the current Python environment.

    python scripts/execute_notebooks.py book/*.ipynb
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def execute(path: Path, timeout: int = 1200) -> float:
    """Run every cell of the notebook at ``path``, save it in place, and return the seconds it took.

    >>> execute(Path("no-such-notebook.ipynb"))
    Traceback (most recent call last):
    ...
    FileNotFoundError: no-such-notebook.ipynb does not exist
    """
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist")
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", store_widget_state=True,
                            record_timing=False, resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    nbformat.write(notebook, path)
    return time.perf_counter() - start


def main() -> None:
    """The command line: execute each notebook given, report the failures, exit 1 if any."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=1200, help="seconds one cell may take")
    args = parser.parse_args()
    failed = []
    for path in args.notebooks:
        try:
            print(f"{path}: {execute(path, args.timeout):.1f} s", flush=True)
        except CellExecutionError as error:
            failed.append(path)
            print(f"{path}: FAILED\n{error}", file=sys.stderr)
    if failed:
        sys.exit(f"{len(failed)} notebook(s) failed: {', '.join(map(str, failed))}")


if __name__ == "__main__":
    main()
