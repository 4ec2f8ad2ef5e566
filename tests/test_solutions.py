"""Each computed solution is written once: its code is the cell that computed its result.

A solution that needs a computed value is a gated solution (``{solution-start}`` …
``{solution-end}``) around a code cell tagged ``solution``; the teacher edition shows the
cell, code and output, inside the solution, and the student edition removes the whole
gate (``companion/book/student.py`` argues this choice). So there is no copy to keep in
step: these tests check that the chapters keep to that form, and that the teacher
edition shows the code of every solution cell inside its solution.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from chapter_sources import CONTENT_CHAPTERS, chapter_path, normalise_code, solution_cells, solutions
from conftest import ROOT

CHAPTERS = [chapter_path(name) for name in CONTENT_CHAPTERS]


def form_problems(chapter: Path) -> list[str]:
    """Where a chapter's solutions depart from 'code once, in a cell inside a gated solution'."""
    found, where = solutions(chapter), chapter.name
    problems = [f"{where}, code cell {i + 1}: tagged 'solution' but outside any gated solution" for i in found.cells_outside]
    problems += [f"{where}, code cell {i + 1}: inside a gated solution but not tagged 'solution'" for i in found.untagged_inside]
    if found.unclosed:
        problems.append(f"{where}: a {{solution-start}} has no {{solution-end}}")
    for solution in found.solutions:
        if solution.code_blocks:
            problems.append(
                f"{where}, solution to {solution.exercise}: a python code block written into the prose; "
                "put the code in a code cell tagged 'solution' inside a gated solution"
            )
        if solution.gated and not solution.cells:
            problems.append(f"{where}, solution to {solution.exercise}: gated but holds no code cell; use a plain {{solution}}")
    return problems


def test_chapters_have_computed_solutions():
    assert [cell for chapter in CHAPTERS for cell in solution_cells(chapter)], "no content chapter has a solution cell"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_each_computed_solution_is_one_gated_solution_around_its_cells(chapter):
    assert form_problems(chapter) == []


def test_run_it_yourself_says_what_to_change_for_every_computational_exercise():
    page = (ROOT / "about" / "run_it_yourself.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"\{ref\}`([^`<]+)`", page))
    computational = [s.exercise for chapter in CHAPTERS for s in solutions(chapter).solutions if s.cells]
    assert computational, "no computational exercise found"
    missing = [label for label in computational if label not in listed]
    assert missing == [], "add these exercises to the list in about/run_it_yourself.md"


# --------------------------------------------------------------------------- the checker itself

HEADER = """\
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

```{exercise} Count
:label: ex-demo

How many sevens?
```
"""
CELL = """
```{{code-cell}} ipython3
:tags: [{tags}]

count = sum(1 for value in [7, 3, 7] if value == 7)
glue("demo_count", count, display=False)
```
"""
GATED = """
```{{solution-start}} ex-demo
:class: dropdown
```
{cell}
There are {{glue:text}}`demo_count` sevens.
{prose}
```{{solution-end}}
```
"""
COPIED = """
````{solution} ex-demo
:class: dropdown

There are {glue:text}`demo_count` sevens.

```python
count = sum(1 for value in [7, 3, 7] if value == 7)
```
````
"""


def demo(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "demo.md"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_checker_accepts_a_gated_solution_around_its_tagged_cell(tmp_path):
    assert form_problems(demo(tmp_path, GATED.format(cell=CELL.format(tags="solution"), prose=""))) == []


def test_checker_reports_the_old_form_a_hidden_cell_and_a_copy_of_its_code(tmp_path):
    problems = form_problems(demo(tmp_path, CELL.format(tags="solution, remove-cell") + COPIED))
    assert len(problems) == 2
    assert "outside any gated solution" in problems[0] and "python code block written into the prose" in problems[1]


def test_checker_reports_a_copy_inside_a_gate_an_untagged_cell_and_a_gate_left_open(tmp_path):
    copy = "\n```python\ncount = 2\n```\n"
    problems = form_problems(demo(tmp_path, GATED.format(cell=CELL.format(tags="remove-input"), prose=copy)))
    assert len(problems) == 2 and "not tagged 'solution'" in problems[0] and "code block written" in problems[1]
    unclosed = GATED.format(cell=CELL.format(tags="solution"), prose="").replace("```{solution-end}\n```\n", "")
    assert form_problems(demo(tmp_path, unclosed)) == ["demo.md: a {solution-start} has no {solution-end}"]
    empty = GATED.format(cell="", prose="")
    assert ["gated but holds no code cell" in p for p in form_problems(demo(tmp_path, empty))] == [True]


# --------------------------------------------------------------------------- the teacher edition


@pytest.mark.build
@pytest.mark.timeout(1800)
def test_teacher_edition_shows_each_solution_cell_inside_its_solution(built_book):
    shown = 0
    for name in CONTENT_CHAPTERS:
        soup = BeautifulSoup((built_book.html / "chapters" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
        code_in_solutions = [
            normalise_code(pre.get_text("")) for solution in soup.select("div.solution") for pre in solution.select("div.cell_input pre")
        ]
        outside = [cell for cell in soup.select("div.tag_solution") if cell.find_parent("div", class_="solution") is None]
        assert outside == [], f"{name}: a solution cell shown outside its solution"
        for cell in solution_cells(chapter_path(name)):
            assert cell.source in code_in_solutions, f"{name}, code cell {cell.index + 1}: not shown in its solution"
            shown += 1
    assert shown == sum(len(solution_cells(chapter)) for chapter in CHAPTERS) > 0
