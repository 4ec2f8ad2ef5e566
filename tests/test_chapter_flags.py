"""Choosing the flags on a chapter's rows (companion.chapter_flags)."""

from __future__ import annotations

import pandas as pd

from companion import load
from companion.chapter_flags import flags_on_rows
from companion.tables import markdown_table


def toy_flags() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["f3", "f1", "f2", "f4"],
            "table": ["events", "claims", "events", "programmes"],
            "row_id": ["e1", "c1", "e9", None],
            "kind": ["date", "implausible", "typo", "open"],
        }
    )


def test_only_the_named_rows_of_the_named_tables():
    chosen = flags_on_rows(toy_flags(), {"events": {"e1"}, "claims": ["c1"]})
    assert chosen["id"].tolist() == ["f1", "f3"]  # e9 not named, the row-less flag left out
    assert chosen["row"].tolist() == ["claims:c1", "events:e1"]


def test_the_row_column_renders_as_links_to_the_browse_page():
    data = load()
    some = data.flags.dropna(subset=["row_id"]).head(3)
    rows = {str(t): {r} for t, r in zip(some["table"], some["row_id"])}
    chosen = flags_on_rows(data.flags, rows).set_index("row")[["kind"]]
    text = markdown_table(chosen, links={"row": "row"})
    assert text.count("{ref}`") >= len(some)
