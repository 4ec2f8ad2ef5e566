"""Read the exercises, solutions and solution cells out of the MyST chapter sources.

Used by the tests of the seminar kit: a chapter is read with jupytext (as the build reads
it) and its markdown cells are tokenised with MyST's own parser, so a ``{solution}`` block
is found however it is fenced (backticks or colons, three or more).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import jupytext
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from conftest import ROOT

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
_OPTION = re.compile(r"^:[\w-]+:.*$")
_GLUE_CALL = re.compile(r"""\bglue\(\s*(?P<q>["'])(?P<key>[^"']+)(?P=q)""")
# {glue}`key`, {glue:text}`key:.2f`, {glue:any}`doc::key`, and ```{glue:figure} key
_GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`(?:[^`]*::)?(?P<key>[^`:]+)")
_GLUE_DIRECTIVE = re.compile(r"^\{glue(?::\w+)?\}$")
_PYTHON_INFOS = {"python", "python3", "py", "ipython", "ipython3"}


@dataclass(frozen=True)
class SolutionBlock:
    """One ``{solution}`` directive of a chapter."""

    chapter: Path
    exercise: str
    body: str
    code_blocks: tuple[str, ...]
    glue_keys: frozenset[str]


@dataclass(frozen=True)
class SolutionCell:
    """One code cell tagged ``solution``."""

    chapter: Path
    index: int
    source: str
    glue_keys: frozenset[str]


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


def _strip_options(body: str) -> str:
    """A directive body without its leading ``:option:`` lines or YAML block."""
    lines = body.splitlines()
    if lines and lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
        lines = lines[end + 1 :]
    while lines and _OPTION.match(lines[0].strip()):
        lines = lines[1:]
    return "\n".join(lines)


def _code_and_glue(body: str) -> tuple[list[str], set[str]]:
    """Python code blocks and glue keys used anywhere in a block of MyST markdown."""
    code, keys = [], set(_GLUE_ROLE.findall(body))
    for token in _MD.parse(body):
        directive = _directive(token)
        info = token.info.strip().lower() if token.type in {"fence", "colon_fence"} else ""
        if directive and directive[0] in {"code-block", "code", "sourcecode"}:
            if directive[1].lower() in _PYTHON_INFOS:
                code.append(_strip_options(token.content))
        elif directive and _GLUE_DIRECTIVE.match("{" + directive[0] + "}"):
            keys.add(directive[1].split("::")[-1])
        elif directive:  # a nested directive: look inside it too
            inner_code, inner_keys = _code_and_glue(_strip_options(token.content))
            code += inner_code
            keys |= inner_keys
        elif info.split(" ")[0] in _PYTHON_INFOS:
            code.append(token.content)
    return code, keys


def solution_blocks(chapter: Path) -> list[SolutionBlock]:
    """Every plain ``{solution}`` block of a chapter, with its code blocks and glue keys."""
    blocks = []
    for cell in jupytext.read(chapter).cells:
        if cell.cell_type != "markdown":
            continue
        for token in _MD.parse(cell.source):
            directive = _directive(token)
            if directive and directive[0] == "solution":
                body = _strip_options(token.content)
                code, keys = _code_and_glue(body)
                blocks.append(
                    SolutionBlock(chapter, directive[1], body, tuple(normalise_code(c) for c in code), frozenset(keys))
                )
    return blocks


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


def solution_cells(chapter: Path) -> list[SolutionCell]:
    """Every code cell of a chapter tagged ``solution``."""
    cells = []
    for index, cell in enumerate(jupytext.read(chapter).cells):
        if cell.cell_type == "code" and SOLUTION_TAG in cell.metadata.get("tags", []):
            keys = frozenset(m["key"] for m in _GLUE_CALL.finditer(cell.source))
            cells.append(SolutionCell(chapter, index, normalise_code(cell.source), keys))
    return cells


def public_code(chapter: Path) -> str:
    """The code of every code cell of a chapter that is not tagged ``solution``, normalised.

    It is public: the student edition's page downloads carry it, even where the page hides it.
    """
    cells = jupytext.read(chapter).cells
    return "\n".join(normalise_code(c.source) for c in cells if c.cell_type == "code" and SOLUTION_TAG not in c.metadata.get("tags", []))


def uses_gated_solutions(chapter: Path) -> bool:
    """Whether a chapter uses ``{solution-start}``, which crashes the student build."""
    return bool(re.search(r"\{solution-(start|end)\}", chapter.read_text(encoding="utf-8")))
