"""A page's source as a reader downloads it: MyST Markdown or a Jupyter notebook, with or
without the solutions.

Analysis layer (no Sphinx): :mod:`companion.book.page_downloads` writes these copies into the
site. In the student edition the copies go through :func:`strip_solutions`, which removes
what that edition's build removes from the pages (:mod:`companion.book.student`):

* code cells tagged ``solution``;
* ``{solution}`` blocks (sphinx-exercise), fenced with backticks or colons;
* gated solutions: everything from a ``{solution-start}`` block to the end of the next
  ``{solution-end}`` block, across cells (a computed solution's code cell sits between);
* ``{only} not student`` blocks (teacher-only text and links to the teacher pages).
"""

from __future__ import annotations

import re

import jupytext
from nbformat import NotebookNode

#: Cell tag of the code cells of a solution (as in companion.book.student).
SOLUTION_TAG = "solution"
FENCE = re.compile(r"^\s*(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}(?P<argument>.*)$")


def removed_block(name: str, argument: str) -> bool:
    """Whether a directive block is left out of the student edition."""
    return name == "solution" or (name == "only" and argument.split() == ["not", "student"])


def strip_blocks(markdown: str) -> str:
    """``markdown`` without its solution and teacher-only directive blocks (nested ones too)."""
    return _strip_blocks(markdown, in_gate=False)[0]


def _strip_blocks(markdown: str, in_gate: bool) -> tuple[str, bool]:
    """:func:`strip_blocks` of one cell, for a page read cell by cell.

    ``in_gate`` says whether the cell starts inside a gated solution (a ``{solution-start}``
    in an earlier cell not closed yet); the second value says whether it ends inside one.
    """
    kept: list[str] = []
    closing: str | None = None  # the fence that ends the block being removed
    for line in markdown.splitlines(keepends=True):
        if closing is not None:
            if line.strip() == closing:
                closing = None
            continue
        match = FENCE.match(line)
        if match and match["name"] in {"solution-start", "solution-end"}:
            in_gate, closing = match["name"] == "solution-start", match["fence"]
            continue
        if in_gate:
            continue
        if match and removed_block(match["name"], match["argument"]):
            closing = match["fence"]
            continue
        kept.append(line)
    return "".join(kept), in_gate


def read_page(text: str) -> NotebookNode:
    """A MyST Markdown page as a notebook (a page without code becomes markdown cells)."""
    return jupytext.reads(text, fmt="md:myst")


def strip_solutions(notebook: NotebookNode) -> NotebookNode:
    """A copy of ``notebook`` without solutions (plain, gated, solution cells) and teacher-only blocks."""
    stripped = jupytext.reads(jupytext.writes(notebook, fmt="ipynb"), fmt="ipynb")
    kept: list[NotebookNode] = []
    in_gate, cut = False, False  # cut: something was removed since the last kept cell
    for cell in stripped.cells:
        if cell.cell_type != "markdown":
            if in_gate or SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
                cut = True
            else:
                kept.append(cell)
                cut = False
            continue
        source, in_gate = _strip_blocks(cell.source, in_gate)
        cut = cut or source != cell.source
        if not source.strip():
            continue
        if cut and kept and kept[-1].cell_type == "markdown":
            # Two markdown cells that a removed solution kept apart read as one.
            kept[-1].source = kept[-1].source.rstrip("\n") + "\n\n" + source.strip("\n")
        else:
            cell.source = source.strip("\n") if cut else source
            kept.append(cell)
        cut = False
    stripped.cells = kept
    return stripped


def is_notebook(notebook: NotebookNode) -> bool:
    """Whether the page is a notebook (it names a kernel), so an ``.ipynb`` copy makes sense."""
    return bool(notebook.metadata.get("kernelspec"))


def page_copies(text: str, student: bool) -> dict[str, str]:
    """The downloadable copies of one MyST page: ``{".md": …, ".ipynb": …}`` (``.ipynb`` only
    for notebooks). The teacher edition's ``.md`` is the file as written; the student
    edition's copies are written from the stripped notebook."""
    notebook = read_page(text)
    if student:
        notebook = strip_solutions(notebook)
        copies = {".md": jupytext.writes(notebook, fmt="md:myst")}
    else:
        copies = {".md": text}
    if is_notebook(notebook):
        # jupytext gives cells random ids; numbered ids keep two builds byte-identical.
        for index, cell in enumerate(notebook.cells, 1):
            cell["id"] = f"cell-{index}"
        copies[".ipynb"] = jupytext.writes(notebook, fmt="ipynb")
    return copies
