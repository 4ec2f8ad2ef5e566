"""Read the exercises, solutions and solution cells out of the MyST chapter sources.

Used by the tests of the seminar kit: a chapter is read with jupytext (as the build reads
it) and its markdown cells are tokenised with MyST's own parser, so a directive is found
however it is fenced (backticks or colons, three or more).

A computed solution is written once, as a gated solution around a code cell tagged
``solution`` (see ``companion/book/student.py``); :func:`solutions` reads both kinds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
from conftest import ROOT
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

#: The content chapters, in book order; the introduction and appendices carry no exercises.
CONTENT_CHAPTERS = (
    "motives",
    "military_technical",
    "nato",
    "education_exercises",
    "russia_china",
    "outside_evidence",
    "outlook",
)
SOLUTION_TAG = "solution"

_MD = create_md_parser(MdParserConfig(enable_extensions={"colon_fence"}), RendererHTML)
_DIRECTIVE = re.compile(r"^\{(?P<name>[\w:-]+)\}\s*(?P<argument>.*)$")
_PYTHON_INFOS = {"python", "python3", "py", "ipython", "ipython3"}


@dataclass
class Solution:
    """One ``{solution}`` block, or one gated ``{solution-start}`` … ``{solution-end}``."""

    exercise: str
    gated: bool
    cells: list[int] = field(default_factory=list)  # indices of the code cells inside
    code_blocks: int = 0  # python code blocks written into its markdown


@dataclass
class ChapterSolutions:
    solutions: list[Solution] = field(default_factory=list)
    cells_outside: list[int] = field(default_factory=list)  # tagged code cells in no solution
    untagged_inside: list[int] = field(default_factory=list)  # code cells of a solution, untagged
    unclosed: bool = False


def chapter_path(name: str, root: Path = ROOT) -> Path:
    return root / "chapters" / f"{name}.md"


def normalise_code(code: str) -> str:
    """Code without trailing spaces and surrounding blank lines: what a reader compares."""
    return "\n".join(line.rstrip() for line in code.strip("\n").splitlines()).strip("\n")


def _directive(token) -> tuple[str, str] | None:
    if token.type not in {"fence", "colon_fence"}:
        return None
    match = _DIRECTIVE.match(token.info.strip())
    return (match["name"], match["argument"].strip()) if match else None


def _python_in(token) -> int:
    """Python code blocks in one token: a python fence, a python ``{code-block}``, or nested."""
    directive = _directive(token)
    if directive and directive[0] in {"code-block", "code", "sourcecode"}:
        return int(directive[1].lower() in _PYTHON_INFOS)
    if directive:
        return _python_blocks(token.content)
    if token.type in {"fence", "colon_fence"}:
        return int(token.info.strip().lower().split(" ")[0] in _PYTHON_INFOS)
    return 0


def _python_blocks(markdown: str) -> int:
    """Python code blocks anywhere in a block of MyST markdown, nested directives included."""
    return sum(_python_in(token) for token in _MD.parse(markdown))


def is_solution_cell(cell) -> bool:
    return cell.cell_type == "code" and SOLUTION_TAG in cell.metadata.get("tags", [])


def solutions(chapter: Path) -> ChapterSolutions:
    """Every solution of a chapter, with the code cells inside, and cells out of place."""
    found, gate = ChapterSolutions(), None
    for index, cell in enumerate(jupytext.read(chapter).cells):
        if cell.cell_type == "code":
            if gate is not None:
                gate.cells.append(index)
                if not is_solution_cell(cell):
                    found.untagged_inside.append(index)
            elif is_solution_cell(cell):
                found.cells_outside.append(index)
            continue
        if cell.cell_type != "markdown":
            continue
        for token in _MD.parse(cell.source):
            name, argument = _directive(token) or ("", "")
            if name == "solution":
                found.solutions.append(Solution(argument, gated=False, code_blocks=_python_blocks(token.content)))
            elif name == "solution-start":
                gate = Solution(argument, gated=True)
                found.solutions.append(gate)
            elif name == "solution-end":
                gate = None
            elif gate is not None:
                gate.code_blocks += _python_in(token)
    found.unclosed = gate is not None
    return found


def exercise_labels(chapter: Path) -> list[str]:
    """Labels of the ``{exercise}`` blocks of a chapter."""
    labels = []
    for cell in jupytext.read(chapter).cells:
        if cell.cell_type != "markdown":
            continue
        for token in _MD.parse(cell.source):
            directive = _directive(token)
            if directive and directive[0] == "exercise":
                label = re.search(r"^:label:\s*(\S+)", token.content, re.MULTILINE)
                labels.append(label.group(1) if label else "")
    return labels


@dataclass(frozen=True)
class SolutionCell:
    """One code cell tagged ``solution``."""

    chapter: Path
    index: int
    source: str


def solution_cells(chapter: Path) -> list[SolutionCell]:
    """Every code cell of a chapter tagged ``solution``."""
    cells = jupytext.read(chapter).cells
    return [SolutionCell(chapter, i, normalise_code(c.source)) for i, c in enumerate(cells) if is_solution_cell(c)]


def public_code(chapter: Path) -> str:
    """The code of every code cell of a chapter that is not tagged ``solution``, normalised.

    It is public: the student edition's page downloads carry it, even where the page hides it.
    """
    cells = jupytext.read(chapter).cells
    return "\n".join(normalise_code(c.source) for c in cells if c.cell_type == "code" and not is_solution_cell(c))
