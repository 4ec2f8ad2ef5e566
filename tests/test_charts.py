"""The chapter figures of companion.charts draw what their frames say."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from companion import charts


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_exercise_roles_one_marker_per_named_role_and_a_box_per_flag():
    table = pd.DataFrame(
        {
            "name": ["Steppe Eagle 2005", "Steppe Eagle 2006"],
            "date": ["2005-08", "2006-09"],
            "inferred": ["", "yes"],
            "flag": ["", "disputed"],
            "Kazakhstan": ["host", "host"],
            "United States": ["observer", "not named"],
        }
    )
    fig = charts.exercise_roles_figure(table, ["Kazakhstan", "United States"])
    ax = fig.axes[0]
    markers = [line for line in ax.lines if line.get_marker() in ("s", "o")]
    assert len(markers) == 3  # two hosts and one observer; "not named" is text
    texts = [t.get_text() for t in ax.texts]
    assert "not named" in texts and "flag:\ndisputed" in texts
    assert "(inferred)" in ax.get_xticklabels()[1].get_text()


def test_article_balance_bars_add_up_to_each_partners_count():
    index = pd.MultiIndex.from_tuples([("a", "Russia"), ("a", "China"), ("b", "Russia")], names=["source", "partner"])
    by_article = pd.DataFrame({"visits": [2, 0, 1], "agreements": [1, 3, 0]}, index=index)
    fig = charts.article_balance_figure(by_article, ["Russia", "China"], {"a": "A", "b": "B"})
    first = fig.axes[0]
    widths = {}
    for patch, partner in zip(first.patches, ["Russia", "China"] * 2):
        widths[partner] = widths.get(partner, 0) + patch.get_width()
    assert widths == {"Russia": 3, "China": 3}
    assert [ax.get_title() for ax in fig.axes[:2]] == ["A", "B"]


def test_balance_sheet_puts_problems_left_and_achievements_right():
    balance = pd.DataFrame({"n": [4, 3, 0, 1], "e": [0, 2, 0, 1]}, index=["achievement", "problem", "counter_argument", "threat"])
    fig = charts.balance_sheet_figure(balance, {"n": "Nurgaliev", "e": "EDM"})
    widths = [p.get_width() for p in fig.axes[0].patches]
    assert widths[:2] == [4, 0] and widths[2:4] == [-3, -2]


def test_supplier_panels_one_panel_per_recipient_and_bars_only_where_delivered():
    index = pd.MultiIndex.from_tuples([("Kazakhstan", 2000), ("Uzbekistan", 2001)], names=["recipient", "year"])
    by_year = pd.DataFrame(0.0, index=index, columns=charts.SUPPLIER_GROUPS)
    by_year.loc[("Kazakhstan", 2000), "Russia"] = 5.0
    fig = charts.supplier_panels_figure(by_year, ["Kazakhstan", "Uzbekistan"], (1999, 2002), (1999, 2000), "credit")
    bars = [p for p in fig.axes[0].patches if p.get_height() > 0 and p.get_width() < 1]
    assert len(bars) == 1 and bars[0].get_height() == 5.0
    assert [ax.get_title(loc="left") for ax in fig.axes[:2]] == ["Kazakhstan", "Uzbekistan"]


def test_spending_and_aid_plot_their_series_unchanged():
    years = pd.Index([1993, 1994, 1995], name="year")
    spending = pd.Series([np.nan, 100.0, 120.0], index=years)
    share = pd.Series([1.0, 0.9, 1.1], index=years)
    fig = charts.spending_figure(spending, share, (1994, 1995))
    assert np.isnan(fig.axes[0].lines[0].get_ydata()[0])  # the gap stays a gap
    assert list(fig.axes[1].lines[0].get_ydata()) == [1.0, 0.9, 1.1]
    aid = pd.DataFrame({"Obligations": [1.0, 2.0, 3.0], "Disbursements": [np.nan, 1.5, 2.5]}, index=years)
    fig = charts.aid_figure(aid, (1994, 1995))
    assert [len(line.get_xdata()) for line in fig.axes[0].lines] == [3, 2]
