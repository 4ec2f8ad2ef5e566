"""Downloadable page copies (companion.book.page_sources) and the appendix letters (companion.book.appendix_numbers)."""

from __future__ import annotations

import json

from companion.book.appendix_numbers import letters_for, relabel
from companion.book.page_sources import page_copies, strip_blocks

PAGE = """---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  display_name: Python 3
  name: python3
---
# A chapter

Public text.

````{exercise} Count them
:label: ex-1

Count the rows.
````

````{solution} ex-1
:label: sol-1

The answer is secretsolutiontext.

```python
print("nested fence stays inside the removed block")
```
````

```{only} not student
See the secretteachernote page.
```

```{only} student
Ask your teacher.
```

```{code-cell} ipython3
rows = 3
```

```{code-cell} ipython3
:tags: [solution, remove-input]

secret_cell_value = rows * 2
```

```{exercise} Double them
:label: ex-2

Double the rows.
```

```{solution-start} ex-2
:class: dropdown
```

Gated prose before the cell, secretgatedbefore.

```{code-cell} ipython3
:tags: [solution]

secret_gated_cell = rows * 2
```

Gated prose after the cell, secretgatedafter.

```{solution-end}
```

Public text after the gate.
"""


def test_student_copies_lose_solutions_and_teacher_text_and_keep_the_rest():
    copies = page_copies(PAGE, student=True)
    assert set(copies) == {".md", ".ipynb"}
    for text in (copies[".md"], "".join("".join(c["source"]) for c in json.loads(copies[".ipynb"])["cells"])):
        for secret in ("secretsolutiontext", "nested fence", "secretteachernote", "secret_cell_value", "solution-"):
            assert secret not in text
        for secret in ("secretgatedbefore", "secret_gated_cell", "secretgatedafter"):
            assert secret not in text
        for kept in ("Public text.", "Count the rows.", "Ask your teacher.", "rows = 3", "Double the rows.", "Public text after the gate."):
            assert kept in text


def test_copies_are_the_same_at_every_build():
    assert page_copies(PAGE, student=True) == page_copies(PAGE, student=True)
    assert page_copies(PAGE, student=False) == page_copies(PAGE, student=False)


def test_teacher_copies_are_the_page_as_written():
    copies = page_copies(PAGE, student=False)
    assert copies[".md"] == PAGE
    assert "secret_cell_value" in copies[".ipynb"] and "secret_gated_cell" in copies[".ipynb"]
    assert set(page_copies("# Glossary\n\nNo code.\n", student=False)) == {".md"}


def test_strip_blocks_closes_a_block_only_on_its_own_fence():
    text = "a\n:::{solution} x\n```\ncode\n```\nb\n:::\nc\n"
    assert strip_blocks(text) == "a\nc\n"


def test_strip_blocks_removes_a_gated_solution_up_to_the_end_of_its_end_block():
    text = "a\n```{solution-start} x\n:class: dropdown\n```\nb\n:::{table} t\nc\n:::\n```{solution-end}\n```\nd\n"
    assert strip_blocks(text) == "a\nd\n"


def test_appendices_get_letters_in_order():
    letters = letters_for({9, 8, 13})
    assert letters == {8: "A", 9: "B", 13: "C"}
    assert relabel((9, 1), letters) == ("B", 1) and relabel([8], letters) == ["A"] and relabel((2, 1), letters) == (2, 1)
    assert letters_for(set(range(1, 28)))[27] == "AA"
