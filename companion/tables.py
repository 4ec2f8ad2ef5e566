"""Render computed DataFrames as numbered MyST tables, with every value escaped.

A chapter computes its table with pandas, then ``glue_table("tbl_x", frame)`` and places it
in a numbered ``{table}`` with ``{glue:md}`tbl_x```. The Markdown is parsed again by
MyST, so every cell is escaped here: a data value holding HTML, emphasis, a role or a
dollar sign shows as the text it is, never as markup or maths.

The one declared exception: ``links={"column": kind}`` names columns whose values are
*identifiers* (row ids, bibliography keys, labels), which are rendered on purpose as MyST
roles, so the reader sees a link or a citation instead of raw ``{cite}`` text. Each value is
checked against the identifier pattern of its kind first and refused (``ValueError``) if
it could carry anything else; every other column stays escaped. Kinds:

* ``"cite"``: one or more ``references.bib`` keys (separated by commas or spaces) → ``{cite}``;
* ``"row"``: ``"<table>:<id>"`` (several, separated by spaces) → ``{ref}`` to each row on the
  browse page, showing the id;
* ``"row:<table>"``: the ids of one table → the same link;
* ``"ref:<label>"``: any identifier shown as a link to the fixed label (e.g. a flag id to
  the source-criticism page);
* ``"text"``: no link, the column stays escaped text (to turn an implied link off).

**Implied links.** A frame derived from a table of :func:`companion.data.load` knows its
origin (``frame.attrs``, which pandas carries through selection, sorting and indexing): its
``id`` column (or index) is shown as links to its rows when every value is an id of that
table, and its ``source`` column as citations when every value is a key of
``references.bib``. A table that shows ids or sources therefore links them without being
told; ``links=`` adds columns or overrides (``"text"``). See :func:`implied_links`.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from companion.data import BIB_FILE, ORIGIN, bibliography_keys, row_ids_of
from companion.links import row_anchor

# Characters that start Markdown/MyST syntax inside a table cell; `$` starts dollar maths.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|$~^])")


def escape_cell(value: object) -> str:
    """One cell's text, safe to place in a Markdown pipe table."""
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    text = " ".join(str(value).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


#: What an identifier may look like, by link kind: nothing here can open or close a role.
BIB_KEY = re.compile(r"^[A-Za-z0-9_:.-]+$")
ROW_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]*$")
TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
LABEL = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def _checked(pattern: re.Pattern, value: str, what: str) -> str:
    if not pattern.match(value):
        raise ValueError(f"{value!r} is not a valid {what}; a linked column holds identifiers only")
    return value


def link_cell(value: object, kind: str) -> str:
    """One identifier (or several, for ``cite``) as a MyST role, after validating it."""
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)) or str(value) == "":
        return ""
    if kind == "text":
        return escape_cell(value)
    text = str(value).strip()
    if kind == "cite":
        keys = [_checked(BIB_KEY, key, "bibliography key") for key in re.split(r"[,\s]+", text) if key]
        return "{cite}`" + ",".join(keys) + "`"
    if kind == "row":  # one or more "<table>:<id>", separated by spaces
        links = []
        for token in text.split():
            if ":" not in token:
                raise ValueError(f"{token!r} is not a '<table>:<id>' reference")
            table, row_id = token.split(":", 1)
            links.append(link_cell(row_id, f"row:{table}"))
        return ", ".join(links)
    if kind.startswith("row:"):  # one or more ids of one table, separated by commas or spaces
        table = _checked(TABLE_NAME, kind.split(":", 1)[1], "table name")
        row_ids = [_checked(ROW_ID, row_id, "row id") for row_id in re.split(r"[,\s]+", text) if row_id]
        return ", ".join("{ref}`" + row_id + " <" + row_anchor(table, row_id) + ">`" for row_id in row_ids)
    if kind.startswith("ref:"):
        label = _checked(LABEL, kind.split(":", 1)[1], "label")
        return "{ref}`" + _checked(ROW_ID, text, "identifier") + " <" + label + ">`"
    raise ValueError(f"unknown link kind {kind!r}: use 'cite', 'row', 'row:<table>', 'ref:<label>' or 'text'")


@lru_cache(maxsize=4)
def _bib_keys(bib_file: str, stamp: float) -> frozenset[str]:
    """The keys of ``references.bib``, read again when the file changes (``stamp``: its mtime)."""
    return frozenset(bibliography_keys(Path(bib_file)))


def _values(frame: pd.DataFrame, column: str) -> list[str]:
    values = frame[column] if column in frame.columns else frame.index.get_level_values(column)
    return [str(v).strip() for v in values if v is not None and not (not isinstance(v, (list, tuple)) and pd.isna(v)) and str(v).strip()]


def implied_links(frame: pd.DataFrame) -> dict[str, str]:
    """The link kinds a frame derived from a loaded table implies for its ``id`` and ``source``.

    ``id`` (a column or an index level) links to the rows of the frame's table of origin when
    every value is one of its ids; ``source`` is cited when every value is a key of
    ``references.bib``. Anything else (a renamed, computed or mixed column) implies nothing.
    """
    table = frame.attrs.get(ORIGIN)
    if not table:
        return {}
    names = set(frame.columns) | {n for n in frame.index.names if n}
    implied = {}
    ids = row_ids_of(table)
    if "id" in names and ids:
        values = _values(frame, "id")
        if values and set(values) <= ids:
            implied["id"] = f"row:{table}"
    if "source" in names:
        values = _values(frame, "source")
        keys = _bib_keys(str(BIB_FILE), BIB_FILE.stat().st_mtime) if BIB_FILE.exists() else frozenset()
        if values and set(values) <= keys:
            implied["source"] = "cite"
    return implied


def _format_number(value: object, digits: int | None) -> str:
    if digits is not None and isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    return str(value)


def markdown_table(
    frame: pd.DataFrame,
    *,
    index: bool = True,
    digits: int | None = 1,
    plain_columns: frozenset[str] = frozenset({"year", "fiscal_year"}),
    links: dict[str, str] | None = None,
) -> str:
    """A DataFrame as a Markdown pipe table: numbers right-aligned, missing values empty.

    ``digits`` rounds floats (one decimal unless told; ``None`` prints them whole); columns named in ``plain_columns`` (years) are printed
    without thousands separators. ``links`` maps columns of identifiers to a link kind (see
    the module's docstring); a column it names must exist. Columns of ids and sources of a
    frame derived from a loaded table are linked unless ``links`` says otherwise
    (:func:`implied_links`).
    """
    implied = implied_links(frame)
    frame = frame.reset_index() if index else frame.copy()
    links = dict(links or {})
    missing = set(links) - set(frame.columns)
    if missing:
        raise KeyError(f"links names columns the table does not have: {sorted(missing)}")
    links = {**{c: k for c, k in implied.items() if c in frame.columns}, **links}
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c]) for c in frame.columns]
    header = "| " + " | ".join(escape_cell(c) for c in frame.columns) + " |"
    rule = "| " + " | ".join("---:" if n else ":---" for n in numeric) + " |"
    lines = [header, rule]
    for values in frame.itertuples(index=False):
        cells = []
        for column, value, is_number in zip(frame.columns, values, numeric):
            if column in links:
                cells.append(link_cell(value, links[column]))
            elif is_number and not pd.isna(value):
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
