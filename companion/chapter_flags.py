"""The flags on the rows a chapter shows, for its "What the data doubts" table.

A chapter names its rows table by table (``{"events": {...}, "claims": {...}}``); this module
picks the ``flags`` rows raised on them, so the chapter's folded cell holds only the choice
of rows, not the matching.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd


def flags_on_rows(flags: pd.DataFrame, rows: Mapping[str, Iterable[str]]) -> pd.DataFrame:
    """The ``flags`` rows raised on the given rows, sorted, with a column ``row``.

    ``rows`` maps a table name to the ids of its rows that the chapter shows. ``row`` is
    ``"<table>:<id>"``, the form ``glue_table(..., links={"row": "row"})`` turns into a link
    to the row on its browse page. Flags that name no row are left out.
    """
    wanted = {table: {str(i) for i in ids} for table, ids in rows.items()}
    mask = [pd.notna(row) and str(row) in wanted.get(str(table), set()) for table, row in zip(flags["table"], flags["row_id"])]
    chosen = flags[mask]
    chosen = chosen.assign(row=chosen["table"].astype(str) + ":" + chosen["row_id"].astype(str))
    return chosen.sort_values(["row", "id"] if "id" in chosen else ["row"]).reset_index(drop=True)
