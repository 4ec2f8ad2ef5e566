"""Render computed DataFrames as numbered MyST tables, with every value escaped.

A chapter computes its table with pandas, then ``glue_table("tbl_x", frame)`` and places it
in a numbered ``{table}`` with ``{glue:md}`tbl_x` ``. The Markdown is parsed again by
MyST, so every cell is escaped here: a data value holding HTML, emphasis, a role or a
dollar sign shows as the text it is, never as markup or maths.
"""
from __future__ import annotations

import html
import re

import pandas as pd

# Characters that start Markdown/MyST syntax inside a table cell; `$` starts dollar maths.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|$~^])")


def escape_cell(value: object) -> str:
    """One cell's text, safe to place in a Markdown pipe table."""
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    text = " ".join(str(value).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def _format_number(value: object, digits: int | None) -> str:
    if digits is not None and isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    return str(value)


def markdown_table(frame: pd.DataFrame, *, index: bool = True, digits: int | None = 1,
                   plain_columns: frozenset[str] = frozenset({"year", "fiscal_year"})) -> str:
    """A DataFrame as a Markdown pipe table: numbers right-aligned, missing values empty.

    ``digits`` rounds floats (one decimal unless told; ``None`` prints them whole); columns named in ``plain_columns`` (years) are printed
    without thousands separators.
    """
    frame = frame.reset_index() if index else frame.copy()
    numeric = [
        pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
        for c in frame.columns
    ]
    header = "| " + " | ".join(escape_cell(c) for c in frame.columns) + " |"
    rule = "| " + " | ".join("---:" if n else ":---" for n in numeric) + " |"
    lines = [header, rule]
    for values in frame.itertuples(index=False):
        cells = []
        for column, value, is_number in zip(frame.columns, values, numeric):
            if is_number and not pd.isna(value):
                value = value.item() if hasattr(value, "item") else value
                cells.append(str(value) if column in plain_columns else _format_number(value, digits))
            else:
                cells.append(escape_cell(value))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def glue_table(name: str, frame: pd.DataFrame, **options) -> None:
    """Glue ``frame`` as escaped Markdown under ``name``, for a numbered ``{table}``."""
    from IPython.display import Markdown
    from myst_nb import glue

    glue(name, Markdown(markdown_table(frame, **options)), display=False)
