"""The code a worked solution shows is exactly the code that computed its result.

A solution that needs a computed value shows its code as a code block inside a plain
``{solution}`` and glues the value from a cell tagged ``solution`` (that cell is removed
from the student edition). These tests pair each such cell with the ``{solution}`` blocks
that use its glue keys and compare the code, so the two cannot drift apart.
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from chapter_sources import (
    CONTENT_CHAPTERS,
    chapter_path,
    solution_blocks,
    solution_cells,
    uses_gated_solutions,
)
from conftest import ROOT

CHAPTERS = [chapter_path(name) for name in CONTENT_CHAPTERS]


def pairing_problems(chapters: list[Path]) -> tuple[int, list[str]]:
    """Pair every solution cell with the solutions that glue its values.

    Returns the number of (cell, solution) pairs whose code matches and a list of
    problems, each naming the chapter, the cell and what is wrong.
    """
    matched, problems = 0, []
    for chapter in chapters:
        blocks = solution_blocks(chapter)
        for cell in solution_cells(chapter):
            where = f"{chapter.name}, code cell {cell.index + 1} (tagged 'solution')"
            if not cell.glue_keys:
                problems.append(f"{where} glues nothing: glue the result its {{solution}} shows")
                continue
            showing = [block for block in blocks if block.glue_keys & cell.glue_keys]
            if not showing:
                keys = ", ".join(sorted(cell.glue_keys))
                problems.append(f"{where}: no {{solution}} block uses its glue keys ({keys})")
            for block in showing:
                if cell.source in block.code_blocks:
                    matched += 1
                    continue
                shown = block.code_blocks[0] if block.code_blocks else ""
                diff = "\n".join(
                    difflib.unified_diff(
                        cell.source.splitlines(), shown.splitlines(), "cell", "solution", lineterm=""
                    )
                )
                problems.append(
                    f"{where}: the solution to {block.exercise!r} shows code that differs from the cell:\n{diff}"
                    if block.code_blocks
                    else f"{where}: the solution to {block.exercise!r} shows no python code block; copy the cell's code into it"
                )
    return matched, problems


def test_chapters_have_solution_cells():
    found = [cell for chapter in CHAPTERS for cell in solution_cells(chapter)]
    assert found, (
        "No content chapter has a code cell tagged 'solution' yet. Each computational "
        "exercise needs one: it computes and glues the result, and its {solution} shows "
        "the same code in a python code block (see teachers/index.md)."
    )


def test_code_shown_in_each_solution_is_the_code_of_its_solution_cell():
    matched, problems = pairing_problems(CHAPTERS)
    assert problems == []
    assert matched > 0, "no solution cell is paired with a {solution} block yet"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_no_chapter_uses_gated_solutions(chapter):
    # {solution-start}/{solution-end} crash the student build (traps.md #3).
    assert not uses_gated_solutions(chapter), f"{chapter.name}: use a plain {{solution}} block instead"


# --------------------------------------------------------------------------- the checker itself

CELL = 'count = sum(1 for value in [7, 3, 7] if value == 7)\nglue("demo_count", count, display=False)'
CHAPTER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Demo

```{{exercise}} Count
:label: ex-demo

How many sevens?
```

```{{code-cell}} ipython3
:tags: [solution, remove-cell]
{cell}
```

::::{{solution}} ex-demo
:class: dropdown

There are {{glue:text}}`demo_count` sevens.

```python
{shown}
```
::::
"""


def write_demo(tmp_path: Path, shown: str, cell: str = CELL) -> Path:
    path = tmp_path / "demo.md"
    path.write_text(CHAPTER.format(cell=cell, shown=shown), encoding="utf-8")
    return path


def test_checker_accepts_a_solution_that_shows_the_cell_code(tmp_path):
    assert pairing_problems([write_demo(tmp_path, CELL)]) == (1, [])


def test_checker_reports_a_solution_whose_code_drifted_from_the_cell(tmp_path):
    drifted = CELL.replace("value == 7", "value >= 7")
    matched, problems = pairing_problems([write_demo(tmp_path, drifted)])
    assert matched == 0
    assert len(problems) == 1 and "differs from the cell" in problems[0] and "+count" in problems[0]


def test_checker_reports_a_solution_cell_that_no_solution_shows(tmp_path):
    cell = CELL.replace("demo_count", "orphan_count")
    matched, problems = pairing_problems([write_demo(tmp_path, CELL, cell=cell)])
    assert matched == 0 and "no {solution} block uses its glue keys (orphan_count)" in problems[0]


def computational_exercises(chapters: list[Path]) -> list[str]:
    """Labels of the exercises whose solution shows code (a computational exercise)."""
    labels = []
    for chapter in chapters:
        cells = solution_cells(chapter)
        for block in solution_blocks(chapter):
            if block.code_blocks or any(block.glue_keys & cell.glue_keys for cell in cells):
                labels.append(block.exercise)
    return labels


def test_run_it_yourself_says_what_to_change_for_every_computational_exercise():
    page = (ROOT / "about" / "run_it_yourself.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"\{ref\}`([^`<]+)`", page))
    missing = [label for label in computational_exercises(CHAPTERS) if label not in listed]
    assert missing == [], "add these exercises to the list in about/run_it_yourself.md"
