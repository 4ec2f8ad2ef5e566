"""Tables rendered for MyST escape every data value and keep numbers readable."""
import pandas as pd

from companion.tables import escape_cell, markdown_table


def test_html_in_a_cell_is_escaped_as_text():
    cell = escape_cell('<script>alert("x")</script>')
    assert "<script>" not in cell and "&lt;script&gt;" in cell


def test_markdown_and_maths_syntax_in_a_cell_is_neutralised():
    cell = escape_cell("$188 million | *bold* {cite}`x` [link](y)")
    for escaped in ("\\$188", "\\|", "\\*bold\\*", "\\{cite\\}\\`", "\\[link\\]"):
        assert escaped in cell


def test_missing_values_are_empty_and_numbers_right_aligned():
    frame = pd.DataFrame({"year": [2005, 2006], "count": pd.array([27, None], dtype="Int64"), "name": ["a", None]})
    lines = markdown_table(frame, index=False).splitlines()
    assert lines[1] == "| ---: | ---: | :--- |"
    assert lines[2] == "| 2005 | 27 | a |"
    assert lines[3] == "| 2006 |  |  |"


def test_floats_are_rounded_and_large_numbers_grouped():
    frame = pd.DataFrame({"tiv": [12.345], "usd": [22_422_000]})
    assert markdown_table(frame, index=False, digits=1).splitlines()[2] == "| 12.3 | 22,422,000 |"
