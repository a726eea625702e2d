"""Run a notebook headless with nbclient on this interpreter's ipykernel; a cell that raises
fails the run (non-zero exit, the failing cell and its traceback on stderr).

    python python-tests/notebooks/run.py python-tests/notebooks/journey.ipynb
"""

from __future__ import annotations

import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main(path: str) -> int:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    started = time.monotonic()
    try:
        NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    except CellExecutionError as e:
        print(f"notebook {path} failed:\n{e}", file=sys.stderr)
        return 1
    cells = sum(1 for c in notebook.cells if c.cell_type == "code")
    print(f"notebook {path}: {cells} code cells ran in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
