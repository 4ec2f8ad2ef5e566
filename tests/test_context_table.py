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


def test_glued_with_its_links_the_id_and_source_are_roles_and_the_statement_stays_escaped(data):
    from companion.context import CONTEXT_LINKS
    from companion.tables import markdown_table

    row = markdown_table(context_table(data.context, ["ctx-09-4"], data.flags), links=CONTEXT_LINKS).splitlines()[2]
    assert row.startswith("| {ref}`ctx-09-4 <row-context-ctx-09-4>` |")
    assert markdown_table(context_table(data.context, ["ctx-09-4"]), links=CONTEXT_LINKS).startswith("| row | date |")
    assert "{cite}`itartass2011pfp`" in row and "(source:" not in row
