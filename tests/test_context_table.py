"""The context table a chapter shows: the rows it names, in date order, each with its flags."""
from __future__ import annotations

import pandas as pd
import pytest

from companion import load
from companion.context import context_table


@pytest.fixture(scope="module")
def data():
    return load()


def test_rows_in_date_order_with_source_and_flag(data):
    table = context_table(data.context, ["ctx-09-5", "ctx-09-4", "ctx-09-1"], data.flags)
    assert list(table.index) == ["ctx-09-4", "ctx-09-5", "ctx-09-1"]  # 1994, 1995, January 2006
    assert list(table.columns) == ["date", "statement", "source", "flag"]
    assert table.loc["ctx-09-4", "source"] == "itartass2011pfp"
    # The disputed PfP date never appears without its flag; an unflagged row has none.
    assert table.loc["ctx-09-5", "flag"] != "" and table.loc["ctx-09-4", "flag"] == ""


def test_a_flag_added_to_a_row_shows_in_the_table(data):
    extra = pd.DataFrame([{"table": "context", "row_id": "ctx-09-4", "kind": "unverified"}])
    flags = pd.concat([data.flags, extra], ignore_index=True)
    assert "unverified" in context_table(data.context, ["ctx-09-4"], flags).loc["ctx-09-4", "flag"]


def test_an_unknown_id_is_an_error(data):
    with pytest.raises(KeyError, match="ctx-99-1"):
        context_table(data.context, ["ctx-09-4", "ctx-99-1"], data.flags)


def test_the_glued_table_links_each_row_and_cites_each_source(data):
    """Ids and bibliography keys never show raw (issue 19 §1): the frame keeps its origin."""
    from companion.tables import markdown_table

    text = markdown_table(context_table(data.context, ["ctx-09-4"], data.flags))
    assert "{ref}`ctx-09-4 <row-context-ctx-09-4>`" in text and "{cite}`itartass2011pfp`" in text
