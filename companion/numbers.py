"""Glued numbers that link to the rows behind them (issue 19 §6: every number two clicks from its rows).

A chapter computes a number from rows of the data package and glues it so the prose shows
it as a link to the data browser's view of exactly those rows (:mod:`companion.links`)::

    glue_count("n_us_interests", us_interests, "arguments", "U.S. interests coded from Nurgaliev's text")

and writes ``{glue:md}`n_us_interests``` in the prose (not ``{glue:text}``). The role
pastes the glued Markdown *inline* (MyST-NB 1.4 renders ``{glue:md}`` through its inline
Markdown renderer, so the number stays inside the sentence), and the Markdown is one raw
HTML element::

    <a class="glued-number" href="../appendix/browse/arguments.html?ids=arg-1,arg-2"
       title="U.S. interests coded from Nurgaliev's text: 2 rows of arguments">2</a>

A real ``<a>`` with the number as its text (its accessible name) and a title, shown on
hover, that says what was counted. The link is built here, in the analysis layer, because
a chapter's outputs are cached: nothing in the book layer can add links to them later.
The glued value also carries a ``text/plain`` form (the bare number), so
``{glue:text}`name``` still works where a link cannot stand (e.g. inside a link).

* :func:`glue_count` glues a count of rows: the number *is* the number of distinct ids,
  so the view behind the link shows exactly the counted rows.
* :func:`glue_number_link` glues any other number (a share, sum, mean, year) as a link to
  the view of its inputs: rows by id, or a ``where``/``query`` filter.
* :data:`EXEMPT_NUMBERS` is the one list of glued numbers that are *not* links, each with
  its reason. A test reads the chapters: every number pasted with ``{glue:text}`` or
  ``{glue}`` must be named there; every ``glued-number`` link in the built pages must be a
  real ``<a>`` whose ``?ids=`` view resolves to existing rows and that has a title.

``root`` is the path from the page that shows the number to the book's root: ``"../"``
(the default) from any page one folder deep (``chapters/``, ``appendix/``, ``about/``,
``teachers/``), ``""`` from the root page, ``"../../"`` from ``appendix/browse/``.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Iterable, Mapping

import pandas as pd

from companion.links import browse_url

#: Prefixes of glue names that are plain text by rule, and why: the worked solutions (teacher
#: edition only) and the exercise glues paste results that the solution's own code cell,
#: shown right above them, computes from rows the prose already links.
EXEMPT_PREFIXES: dict[str, str] = {
    "sol_": "a worked solution's result, computed by the solution cell shown just above it",
    "ex_": "an exercise's result, computed by the solution cell shown just above it",
}


def is_exempt(name: str) -> bool:
    """Whether the glued value ``name`` may be pasted as plain text (see :data:`EXEMPT_NUMBERS`)."""
    return name in EXEMPT_NUMBERS or name.startswith(tuple(EXEMPT_PREFIXES))


#: Glued numbers that are shown as plain text, not as a link, and why. Keys are glue names;
#: a chapter that pastes a number with ``{glue:text}`` or ``{glue}`` adds its name here with
#: the reason (a test enforces it). Keep reasons specific: what the number is and why no
#: view of rows stands behind it.
EXEMPT_NUMBERS: dict[str, str] = {
    # appendix/timeline.md: the timeline merges two tables (events, context), one event per
    # fact and date, so these counts have no single table's view; their parts link
    # (n_nurgaliev, n_edm, n_context_rows_drawn).
    "n_dated": "events of the timeline: rows of the events table and of the context layer merged",
    "n_context": "context events: one per fact and date, each merged from several context rows",
    "n_day": "timeline events dated to the day, over the events table and the context layer merged",
    "n_month": "timeline events dated to the month, over the events table and the context layer merged",
    "n_year": "timeline events dated to the year, over the events table and the context layer merged",
    "n_flagged": "timeline events with a flag, over the events table and the context layer merged",
    # chapters/education_exercises.md
    "edu_colleges": "a list of names (the U.S. colleges), not a number",
    "edu_cb_gap": "a difference of two years from two tables (context, exercises); both years link",
    # chapters/outlook.md
    "outlook_rumsfeld_reason": "the flag's reason, quoted: text, not a number",
    # chapters/outside_evidence.md: counts of verdicts, rows computed by companion.verdicts and
    # shown in the verdict table on the same page, not rows of a data table.
    "n_verdicts": "verdicts: derived rows shown in the page's verdict table, no data table holds them",
    "v_status_counts": "verdicts counted by status, as a sentence: derived rows shown in the page's verdict table",
    # chapters/russia_china.md: a tie is a row of events, equipment or memberships
    # (companion.ties), so a total over kinds spans three tables and has no one view.
    "rc_n_ties": "ties are rows of three tables (events, equipment, memberships)",
    "rc_n_partners": "partners of the tie count: a count of values, over three tables",
    "rc_top_total": "ties are rows of three tables (events, equipment, memberships)",
    "rc_us_total": "ties are rows of three tables (events, equipment, memberships)",
    "rc_russia_total": "ties are rows of three tables (events, equipment, memberships)",
    "rc_china_total": "ties are rows of three tables (events, equipment, memberships)",
    "rc_top_partner": "a partner's name, not a number",
    "rc_least": "partners' names, not a number",
    # chapters/introduction.md
    "rows_nurgaliev": "a total over every table that cites Nurgaliev; the browser shows one table at a "
    "time, and tbl-rows-by-source gives each table's count (its rows: ?source=nurgaliev2007)",
    "rows_edm": "a total over every table that cites the Eurasia Daily Monitor item; the browser shows one "
    "table at a time, and tbl-rows-by-source gives each table's count (?source=edm2004kazakhstan)",
    # chapters/military_technical.md and chapters/nato.md: numbers that the prose links to their
    # rows ({glue:md}) and that an exercise or a solution block repeats as plain text.
    "hangar_area": "linked to claim-hangar-area in the prose; plain text only where exercise 2 repeats it",
    "hangar_aircraft": "linked to claim-hangar-capacity in the prose; plain text only in solution 2",
    "hangar_years": "plain text only in solution 2 of the military-technical chapter; its row is claim-hangar-construction",
    "sipri_huey_early": "linked to the SIPRI register rows in the prose; plain text only in solution 3",
    "sipri_huey_order_year": "linked to the SIPRI register rows in the prose; plain text only in solution 3",
    "sipri_huey_early_year": "linked to the SIPRI register rows in the prose; plain text only in solution 3",
    "nato_n_ranged": "linked to the five visits in the prose of the NATO chapter; plain text only in solution 1",
    "kz_us_share_articles": "linked to its SIPRI rows in the prose of the outside-evidence chapter; plain text only in an exercise's solution",
}

#: The class every glued number link carries; the built-page test finds links by it.
LINK_CLASS = "glued-number"

_ROOT = re.compile(r"^(\.\./)*$")


class GluedNumber:
    """A number for ``glue``: Markdown (an HTML link) for ``{glue:md}``, plain text for ``{glue:text}``."""

    def __init__(self, markdown: str, text: str):
        self.markdown, self.text = markdown, text

    def _repr_markdown_(self) -> str:
        return self.markdown

    def __repr__(self) -> str:
        return self.text


def row_ids(rows: pd.DataFrame | pd.Series | Iterable[object], table: str) -> list[str]:
    """The ids of ``rows`` as the browser names them, distinct, in order.

    ``rows`` is a DataFrame of ``table``'s rows (its primary key, in columns or in the index,
    read from the data package; the parts of a composite key joined by ``/``), a Series of
    ids, or any iterable of ids. Missing ids are an error: a counted row must exist to be shown.
    """
    if isinstance(rows, pd.DataFrame):
        key = list(_primary_key(table))
        if any(name in (rows.index.names or []) for name in key):  # e.g. a frame indexed by id
            rows = rows.reset_index()
        absent = [name for name in key if name not in rows.columns]
        if absent:
            raise KeyError(f"rows of {table} lack primary-key columns {absent}; pass the ids instead")
        values: Iterable[object] = ("/".join(_id_text(value) for value in parts) for parts in rows[key].itertuples(index=False))
    else:
        values = rows
    ids = [_id_text(value) for value in values]
    if any(i == "" for i in ids):
        raise ValueError(f"a row of {table} without an id cannot be linked")
    return list(dict.fromkeys(ids))


def number_link(text: str, url: str, title: str) -> str:
    """One raw HTML link ``<a class="glued-number" href title>text</a>``, every part escaped."""
    if not title.strip():
        raise ValueError("a glued number link needs a title saying what was counted")
    return (
        f'<a class="{LINK_CLASS}" href="{html.escape(url, quote=True)}" '
        f'title="{html.escape(" ".join(title.split()), quote=True)}">{html.escape(text)}</a>'
    )


def count_link(rows: pd.DataFrame | pd.Series | Iterable[object], table: str, what: str, *, root: str = "../") -> tuple[int, str]:
    """``(count, html)``: the number of distinct rows and a link to the view of exactly them.

    A count of zero has no rows to show: it is returned as plain text, not a link.
    """
    ids = row_ids(rows, table)
    count = len(ids)
    if count == 0:
        return 0, "0"
    url = browse_url(table, ids, root=_checked_root(root))
    noun = "row" if count == 1 else "rows"
    return count, number_link(f"{count:,}" if count >= 10_000 else str(count), url, f"{what}: {count} {noun} of {table}")


def glue_count(name: str, rows: pd.DataFrame | pd.Series | Iterable[object], table: str, what: str, *, root: str = "../") -> int:
    """Glue the number of distinct ``rows`` of ``table`` as a link to the view of exactly those rows.

    Paste it with ``{glue:md}`name``` (inline). ``what`` says what was counted (the link's
    title). Returns the count, for use in the cell.
    """
    count, markdown = count_link(rows, table, what, root=root)
    _glue(name, GluedNumber(markdown, str(count)))
    return count


def glue_number_link(
    name: str,
    value: object,
    fmt: str,
    table: str,
    what: str,
    *,
    ids: pd.DataFrame | pd.Series | Iterable[object] | None = None,
    where: Mapping[str, str] | None = None,
    query: str | None = None,
    root: str = "../",
) -> str:
    """Glue a number that is not a count (share, sum, mean, year) as a link to the view of its inputs.

    ``fmt`` is a format spec (``format(value, fmt)``, e.g. ``".0%"``, ``",.1f"``, ``"d"``).
    The inputs are rows by id (``ids``: as for :func:`row_ids`), or a filter of ``table``
    (``where``: field = value; ``query``: text); at least one must be given. ``what`` says
    what the number is computed from (the link's title). Returns the shown text.
    """
    if ids is None and not where and not query:
        raise ValueError(f"{name}: a number link needs its inputs: ids, where or query")
    id_list = row_ids(ids, table) if ids is not None else None
    if id_list is not None and not id_list:
        raise ValueError(f"{name}: no input rows to link to; list the number in EXEMPT_NUMBERS instead")
    text = format(value, fmt)
    url = browse_url(table, id_list, where=where, query=query, root=_checked_root(root))
    _glue(name, GluedNumber(number_link(text, url, what), text))
    return text


def _glue(name: str, value: GluedNumber) -> None:
    from myst_nb import glue  # imported here: the module stays usable without MyST-NB

    glue(name, value, display=False)


def _checked_root(root: str) -> str:
    if not _ROOT.match(root):
        raise ValueError(f"root must be '' or a run of '../', not {root!r}")
    return root


def _id_text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@lru_cache(maxsize=None)
def _primary_key(table: str) -> tuple[str, ...]:
    from companion.data import primary_key, read_descriptor

    for resource in read_descriptor()["resources"]:
        if resource["name"] == table and isinstance(resource.get("schema"), dict):
            key = primary_key(resource)
            if key:
                return tuple(key)
    raise KeyError(f"{table!r} is not a table of the data package with a primary key")
