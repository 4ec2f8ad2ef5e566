"""Figures of single chapters, each drawn by one named function.

A chapter's folded code cell stays a line or two long (``fig = exercise_roles_figure(...)``)
and a reader who unfolds it can follow the call here. Each function takes the frame the
chapter computed and returns a Matplotlib figure in the house style (``companion.figures``);
the chapter glues it. Shared drawing rules (colours, sizes) live in ``companion.figures``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from companion.figures import OKABE_ITO, OTHER_COLOUR, new_figure, partner_colour

#: How each role of ``exercise_participants`` is drawn: a host is a square, an observer open.
ROLE_MARKERS = {
    "host": {"marker": "s", "fillstyle": "full"},
    "participant": {"marker": "o", "fillstyle": "full"},
    "observer": {"marker": "o", "fillstyle": "none"},
}


def exercise_roles_figure(exercise_table: pd.DataFrame, states: Sequence[str]) -> Figure:
    """A grid of exercises (columns) by state (rows), one marker per role the article gives.

    ``exercise_table`` has one row per exercise with the columns ``name``, ``date``,
    ``inferred`` ("yes" or ""), ``flag`` (kind of flag or "") and one column per state
    holding its role, or "not named"; ``states`` names those columns, bottom row first.
    """
    fig, ax = new_figure(7.5, 3.9)
    for x, (_, row) in enumerate(exercise_table.iterrows()):
        for y, state in enumerate(states):
            if row[state] in ROLE_MARKERS:
                ax.plot(x, y, linestyle="none", markersize=15, markeredgewidth=2.5, color=partner_colour(state), **ROLE_MARKERS[row[state]])
            else:
                ax.text(x, y, "not named", ha="center", va="center", fontsize=9, color="#555555")
        if row["flag"]:  # a flag on the exercise row: shown at the top of its column
            ax.text(
                x,
                len(states) - 0.25,
                f"flag:\n{row['flag']}",
                ha="center",
                va="center",
                fontsize=9,
                bbox={"boxstyle": "round,pad=0.25", "facecolor": "#FFF3C4", "edgecolor": "#B08800"},
            )
    labels = [
        f"{row['name'].replace(' 20', chr(10) + '20')}\n{row['date']}" + (" (inferred)" if row["inferred"] else "")
        for _, row in exercise_table.iterrows()
    ]
    ax.set_xticks(range(len(exercise_table)), labels, fontsize=9)
    ax.set_yticks(range(len(states)), states)
    ax.set_xlim(-0.6, len(exercise_table) - 0.4)
    ax.set_ylim(-0.6, len(states) + 0.2)
    ax.spines[["left", "bottom"]].set_visible(False)
    ax.tick_params(length=0)
    ax.legend(
        handles=[
            Line2D([], [], linestyle="none", color="#444444", markersize=11, markeredgewidth=2, label=role, **style)
            for role, style in ROLE_MARKERS.items()
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.36),
        ncol=3,
    )
    fig.tight_layout()
    return fig


def article_balance_figure(by_article: pd.DataFrame, partners: Sequence[str], titles: Mapping[str, str]) -> Figure:
    """One panel per article of stacked horizontal bars: ties by partner and kind.

    ``by_article`` is indexed by (source, partner) with one column per kind of tie (the
    count of rows); ``partners`` fixes the bars and their order; ``titles`` maps each
    article's key to the panel's title, in panel order. An article without ties gets an
    empty panel, not a missing one.
    """
    import matplotlib.pyplot as plt

    mechanisms = list(by_article.columns)
    colours = dict(zip(mechanisms, OKABE_ITO[: len(mechanisms)]))
    fig, axes = plt.subplots(1, len(titles), sharey=True, figsize=(8, 4.6))
    for ax, source in zip(axes, titles):
        counts = (
            by_article.loc[source].reindex(partners, fill_value=0)
            if source in by_article.index
            else pd.DataFrame(0, index=list(partners), columns=mechanisms)
        )
        left = pd.Series(0, index=list(partners))
        for mechanism in mechanisms:
            ax.barh(
                list(partners), counts[mechanism], left=left, color=colours[mechanism], edgecolor="white", linewidth=0.6, label=mechanism
            )
            left = left + counts[mechanism]
        for y, total in enumerate(left):
            ax.text(total + 0.3, y, str(int(total)), va="center", fontsize=9)
        ax.set_title(titles[source], fontsize=11)
        ax.set_xlabel("ties the article mentions (rows)")
        ax.set_xlim(0, by_article.sum(axis=1).max() + 3)
    axes[0].invert_yaxis()
    fig.legend(handles=[Patch(color=colours[m], label=m) for m in mechanisms], loc="lower center", ncol=3, bbox_to_anchor=(0.5, -0.01))
    fig.suptitle("A count of what each article mentions, not a measure of cooperation", fontsize=11)
    fig.tight_layout(rect=(0, 0.13, 1, 1))
    return fig


#: The balance sheet's sides: +1 credit (right), -1 debit (left), with colours and labels.
BALANCE_SIDES = {"achievement": 1, "counter_argument": 1, "problem": -1, "threat": -1}
BALANCE_COLOURS = {"achievement": OKABE_ITO[2], "counter_argument": OKABE_ITO[3], "problem": OKABE_ITO[5], "threat": OKABE_ITO[1]}
BALANCE_LABELS = {"achievement": "achievements", "counter_argument": "counter-arguments", "problem": "problems", "threat": "threats"}


def balance_sheet_figure(balance: pd.DataFrame, names: Mapping[str, str]) -> Figure:
    """A diverging bar per article: achievements and counter-arguments right, the rest left.

    ``balance`` counts rows of the ``arguments`` table with one row per kind (those of
    ``BALANCE_SIDES``) and one column per article key; ``names`` maps each key to the label
    of its bar, wrapped to two short lines so the label column stays narrow.
    """
    fig, ax = new_figure(8, 3.2)
    articles = list(balance.columns)
    rows = [textwrap.fill(names[a], 13) for a in articles]
    right = pd.Series(0, index=articles)
    left = pd.Series(0, index=articles)
    for kind in balance.index:
        values, side = balance.loc[kind], BALANCE_SIDES[kind]
        base = right if side > 0 else left
        bars = ax.barh(
            rows,
            side * values,
            left=side * base,
            color=BALANCE_COLOURS[kind],
            edgecolor="white",
            linewidth=0.8,
            label=BALANCE_LABELS[kind],
            height=0.55,
        )
        ax.bar_label(
            bars,
            labels=[str(int(v)) if v else "" for v in values],
            label_type="center",
            fontsize=10,
            color="white" if kind != "threat" else "black",
        )
        if side > 0:
            right = right + values
        else:
            left = left + values
    limit = int(max(right.max(), left.max())) + 1
    ax.set_xlim(-limit, limit)
    ax.axvline(0, color="black", linewidth=1)
    ax.set_xticks(range(-limit, limit + 1, 2), [str(abs(t)) for t in range(-limit, limit + 1, 2)])
    ax.set_xlabel("rows of the arguments table  (left: problems and threats; right: achievements and counter-arguments)", fontsize=9)
    ax.invert_yaxis()
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.32), ncol=4)
    fig.tight_layout()
    return fig


#: Supplier groups of the SIPRI figure, in stacking order, and their colours.
SUPPLIER_GROUPS = ["Russia", "United States", "China", "Ukraine", "all others"]
SUPPLIER_COLOURS = {**{g: partner_colour(g) for g in SUPPLIER_GROUPS[:3]}, "Ukraine": "#F0E442", "all others": OTHER_COLOUR}
#: The articles' period, shaded on the time-series plots.
SHADE = {"color": "#000000", "alpha": 0.06, "linewidth": 0}


def supplier_panels_figure(
    by_year: pd.DataFrame, recipients: Sequence[str], years: tuple[int, int], shaded: tuple[int, int], credit: str
) -> Figure:
    """One panel per recipient of stacked bars: TIV delivered per year, by supplier group.

    ``by_year`` is indexed by (recipient, year) with one column per group of
    ``SUPPLIER_GROUPS`` (TIV millions); ``years`` is the first and last year drawn,
    ``shaded`` the period shaded; ``credit`` is printed at the foot (SIPRI's terms).
    """
    import matplotlib.pyplot as plt

    span = np.arange(years[0], years[1] + 1)
    fig, axes = plt.subplots(len(recipients), 1, figsize=(8, 11), sharex=True)
    # Fixed margins instead of tight_layout: the same layout, much less work per build.
    fig.subplots_adjust(left=0.1, right=0.98, top=0.93, bottom=0.07, hspace=0.35)
    for ax, recipient in zip(axes, recipients):
        table = by_year.loc[recipient].reindex(span, fill_value=0)
        bottom = np.zeros(len(span))
        for name in SUPPLIER_GROUPS:
            height = table[name].to_numpy(dtype=float)
            drawn = height > 0  # draw only the bars that exist
            if drawn.any():
                ax.bar(span[drawn], height[drawn], bottom=bottom[drawn], color=SUPPLIER_COLOURS[name], edgecolor="#333333", linewidth=0.3)
            bottom += height
        ax.axvspan(shaded[0] - 0.5, shaded[1] + 0.5, **SHADE)
        ax.set_title(recipient, loc="left", fontsize=11)
        ax.set_ylabel("TIV (millions)")
    handles = [Patch(facecolor=SUPPLIER_COLOURS[g], edgecolor="#333333", linewidth=0.3, label=g) for g in SUPPLIER_GROUPS]
    axes[0].legend(handles=handles, ncol=5, loc="lower left", bbox_to_anchor=(0, 1.15), title="supplier")
    axes[-1].set_xlabel(f"year of delivery (shaded: {shaded[0]}–{shaded[1]}, the articles' period)")
    fig.text(0.01, 0.01, f"{credit} (2022 vintage). TIV is a volume index, not money.", fontsize=8)
    return fig


def spending_figure(spending_million: pd.Series, share_gdp: pd.Series, shaded: tuple[int, int]) -> Figure:
    """Kazakhstan's military expenditure in two panels that are never combined.

    ``spending_million``: current US$ million by year (missing where the World Bank has no
    figure); ``share_gdp``: % of GDP by year, from another download; ``shaded``: the
    articles' period.
    """
    import matplotlib.pyplot as plt

    kazakh = partner_colour("Kazakhstan")
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(8, 6.5), sharex=True)
    for ax in (ax1, ax2):
        ax.axvspan(shaded[0] - 0.5, shaded[1] + 0.5, **SHADE)
    ax1.plot(spending_million.index, spending_million.to_numpy(dtype=float, na_value=np.nan), marker="o", markersize=3, color=kazakh)
    ax1.text(0.01, 0.92, "1993: no data (WDI prints 0; not plotted)", transform=ax1.transAxes, fontsize=8)
    ax1.set_ylabel("current US$ million")
    ax1.set_ylim(0, None)
    ax1.set_title("Military expenditure, current US dollars (WDI, updated 2026-04-08)", loc="left", fontsize=11)
    ax2.plot(share_gdp.index, share_gdp.to_numpy(dtype=float, na_value=np.nan), marker="o", markersize=3, color=kazakh)
    ax2.set_ylabel("% of GDP")
    ax2.set_ylim(0, None)
    ax2.set_title("Military expenditure, share of GDP (WDI, downloaded 2020)", loc="left", fontsize=11)
    ax2.set_xlabel(f"year (shaded: {shaded[0]}–{shaded[1]}, the articles' period)")
    fig.text(0.01, 0.005, "World Bank WDI (CC BY 4.0), sourced to SIPRI. Current dollars are not adjusted for inflation.", fontsize=8)
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    return fig


def aid_figure(aid_by_year: pd.DataFrame, shaded: tuple[int, int]) -> Figure:
    """All U.S. aid to Kazakhstan by fiscal year: obligations and disbursements, US$ million.

    ``aid_by_year`` has one column per transaction type (``Obligations``,
    ``Disbursements``) indexed by fiscal year; ``shaded`` is the articles' period.
    """
    fig, ax = new_figure(8, 4)
    ax.axvspan(shaded[0] - 0.5, shaded[1] + 0.5, **SHADE)
    for transaction, colour in [("Obligations", partner_colour("United States")), ("Disbursements", "#56B4E9")]:
        series = aid_by_year[transaction].dropna()
        ax.plot(series.index, series.to_numpy(dtype=float), marker="o", markersize=3, color=colour, label=transaction.lower())
    ax.set_ylabel("current US$ million")
    ax.set_xlabel(f"U.S. fiscal year (shaded: FY{shaded[0]}–FY{shaded[1]})")
    ax.set_ylim(0, None)
    ax.legend(loc="upper left")
    fig.text(
        0.01, 0.005, "USAID Foreign Aid Explorer (public domain). All agencies and programmes, economic and military together.", fontsize=8
    )
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig
