"""A page's source as a reader downloads it: MyST Markdown or a Jupyter notebook, with or
without the solutions.

Analysis layer (no Sphinx): :mod:`companion.book.page_downloads` writes these copies into the
site. In the student edition the copies go through :func:`strip_solutions`, which removes
what that edition's build removes from the pages (:mod:`companion.book.student`):

* code cells tagged ``solution``;
* ``{solution}`` blocks (sphinx-exercise), fenced with backticks or colons;
* ``{only} not student`` blocks (teacher-only text and links to the teacher pages).
"""
from __future__ import annotations

import re

import jupytext
from nbformat import NotebookNode

#: Cell tag of the cells that compute a solution's result (as in companion.book.student).
SOLUTION_TAG = "solution"
FENCE = re.compile(r"^\s*(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}(?P<argument>.*)$")


def removed_block(name: str, argument: str) -> bool:
    """Whether a directive block is left out of the student edition."""
    return name == "solution" or (name == "only" and argument.split() == ["not", "student"])


def strip_blocks(markdown: str) -> str:
    """``markdown`` without its solution and teacher-only directive blocks (nested ones too)."""
    kept: list[str] = []
    closing: str | None = None  # the fence that ends the block being removed
    for line in markdown.splitlines(keepends=True):
        if closing is not None:
            if line.strip() == closing:
                closing = None
            continue
        match = FENCE.match(line)
        if match and removed_block(match["name"], match["argument"]):
            closing = match["fence"]
            continue
        kept.append(line)
    return "".join(kept)


def read_page(text: str) -> NotebookNode:
    """A MyST Markdown page as a notebook (a page without code becomes markdown cells)."""
    return jupytext.reads(text, fmt="md:myst")


def strip_solutions(notebook: NotebookNode) -> NotebookNode:
    """A copy of ``notebook`` without solution cells and solution or teacher-only blocks."""
    stripped = jupytext.reads(jupytext.writes(notebook, fmt="ipynb"), fmt="ipynb")
    stripped.cells = [c for c in stripped.cells if SOLUTION_TAG not in c.get("metadata", {}).get("tags", [])]
    for cell in stripped.cells:
        if cell.cell_type == "markdown":
            cell.source = strip_blocks(cell.source)
    stripped.cells = [c for c in stripped.cells if c.cell_type != "markdown" or c.source.strip()]
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
