"""Reuse a chapter's computed values outside the book, without copying its code.

The seminar app needs the partner × mechanism table that the Russia/China chapter computes
in visible cells; :func:`chapter_namespace` runs that chapter's code cells, in order, up to
the one that defines the value wanted, so the chapter stays the one place of that analysis.
"""
from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

from companion.data import PROJECT_ROOT


def _quietly() -> contextlib.AbstractContextManager:
    """Swallow what the cells print and display (glue records too) inside a kernel or not."""
    try:
        from IPython.utils.capture import capture_output
    except ImportError:
        return contextlib.redirect_stdout(io.StringIO())
    return capture_output()


def chapter_namespace(chapter: str | Path, until: str) -> dict[str, Any]:
    """The variables of ``chapter`` once the first code cell that defines ``until`` has run.

    ``chapter`` is a MyST notebook path, relative to the project root or absolute. Cells
    tagged ``solution`` are skipped (they belong to exercises); output is discarded.
    """
    import jupytext  # a second of import time that only this use needs

    path = Path(chapter) if Path(chapter).is_absolute() else PROJECT_ROOT / chapter
    notebook = jupytext.read(path)
    namespace: dict[str, Any] = {"__name__": f"chapter:{path.stem}"}
    for cell in notebook.cells:
        if cell.cell_type != "code" or "solution" in cell.metadata.get("tags", []):
            continue
        with _quietly():
            exec(compile(cell.source, str(path), "exec"), namespace)  # noqa: S102 - the book's own code
        if until in namespace:
            return namespace
    raise LookupError(f"{path.name}: no code cell defines {until!r}")
