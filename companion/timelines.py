"""Timelines of dated rows: each event drawn over the whole period its date allows.

A date in the data is as precise as its source (a day, a month or a year; see
``date_precision``), and the loader gives every row a ``start`` and an ``end``. The figures
here draw a day as a point and a month or a year as a bar over the whole period, so a long
bar reads as an imprecise date, not a long event. Analysis layer: no Sphinx imports.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from companion.figures import OKABE_ITO, new_figure, partner_colour

#: The columns a timeline row needs (``source`` tells outside rows from the articles' rows).
TIMELINE_COLUMNS = ["start", "end", "date_precision", "partner", "title", "source"]


def sipri_deliveries(register: pd.DataFrame, supplier: str, until: int) -> pd.DataFrame:
    """The SIPRI register's deliveries from ``supplier`` up to the year ``until``, as timeline rows.

    SIPRI dates a delivery to the year only, so each row covers its whole year; the title
    says how many of what were delivered and whether SIPRI marks the number or the year as
    its estimate. Columns: :data:`TIMELINE_COLUMNS`, ``source`` always ``sipri_register``.
    """
    rows = register[(register["supplier"] == supplier) & (register["delivery_year"] <= until)]
    rows = rows.sort_values(["delivery_year", "sipri_deal_id"])
    estimated = rows["number_delivered_is_estimate"] | rows["delivery_year_is_estimate"]
    label = estimated.map({True: " delivered (SIPRI estimate)", False: " delivered (SIPRI)"})
    year = rows["delivery_year"].astype(str)
    return pd.DataFrame(
        {
            "start": pd.to_datetime(year + "-01-01"),
            "end": pd.to_datetime(year + "-12-31"),
            "date_precision": "year",
            "partner": supplier,
            "title": rows["number_delivered"].astype(str) + " " + rows["designation"] + label,
            "source": "sipri_register",
        }
    )


def timeline_figure(timeline: pd.DataFrame, first_year: int, last_year: int) -> Figure:
    """One lane per row of ``timeline`` (:data:`TIMELINE_COLUMNS`), first row on top, in partner colours.

    Rows from the SIPRI register are hatched outlines; the axis shows the years
    ``first_year`` to ``last_year``, with room on the right for the labels.
    """
    fig, ax = new_figure(8.5, 5.4)
    lanes = range(len(timeline), 0, -1)
    for lane, row in zip(lanes, timeline.itertuples()):
        colour = partner_colour(row.partner)
        outside = row.source == "sipri_register"
        if row.date_precision == "day":
            ax.plot(row.start, lane, marker="o", color=colour, markersize=7, zorder=3)
            if row.end > row.start:
                ax.plot([row.start, row.end], [lane, lane], color=colour, linewidth=3, zorder=3)
        else:
            ax.barh(
                lane,
                row.end - row.start + pd.Timedelta(days=1),
                left=row.start,
                height=0.55,
                color="white" if outside else colour,
                edgecolor=colour,
                hatch="////" if outside else "",
                linewidth=1.2,
                zorder=2,
            )
        ax.annotate(row.title, (row.end, lane), xytext=(6, 0), textcoords="offset points", va="center", fontsize=10)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    # Two years and a quarter of room after the last year: the labels run to the right.
    ax.set_xlim(pd.Timestamp(f"{first_year}-01-01"), pd.Timestamp(f"{last_year + 2}-03-31"))
    years = range(first_year, last_year + 1)
    ax.set_xticks([pd.Timestamp(f"{y}-01-01") for y in years], [str(y) for y in years])
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.8, zorder=0)
    ax.set_ylim(0.3, len(timeline) + 0.7)
    us = partner_colour("United States")
    ax.legend(
        handles=[
            Patch(facecolor=us, label="United States"),
            Patch(facecolor=partner_colour("Kazakhstan"), label="Kazakhstan"),
            Patch(facecolor="white", edgecolor=us, hatch="////", label="SIPRI register"),
        ],
        loc="upper right",
    )
    fig.tight_layout()
    return fig


#: Colours of the NATO road: who travelled, and steps that are not journeys.
DIRECTION_COLOURS = {"to_kazakhstan": OKABE_ITO[0], "from_kazakhstan": OKABE_ITO[3]}
STEP_COLOUR = OKABE_ITO[7]


def road_label(event: Mapping, actor_names: Mapping[str, str], side_of: Mapping[str, str], place_names: Mapping[str, str]) -> str:
    """'Who → where' for a journey (the first traveller named), the wrapped title for any other step.

    ``event`` is a row of ``events``; ``actor_names`` and ``side_of`` map actor ids to names
    and to the side (``Kazakhstan`` or another) they belong to; ``place_names`` maps place ids
    to the article's name of the place. A journey to no named place goes to the other side.
    """
    if pd.isna(event["direction"]):
        return textwrap.fill(str(event["title"]), 44)
    outbound = event["direction"] == "from_kazakhstan"
    ids = str(event["actor_ids"]).split(";")
    who = next(actor_names[a] for a in ids if (side_of[a] == "Kazakhstan") == outbound)
    where = place_names.get(event["place_id"], "NATO" if outbound else "Kazakhstan")
    return f"{who} → {where}" + (" (meeting)" if event["category"] == "meeting" else "")


def road_figure(events: pd.DataFrame, labels: list[str]) -> Figure:
    """The NATO road: one row per event (in the given order, labelled ``labels``), coloured by direction.

    An event dated to the day is a star; any other is a bar over the period its date allows.
    """
    fig, ax = new_figure(7.5, 7.4)
    rows = events.reset_index(drop=True)
    for y, event in rows.iterrows():
        colour = DIRECTION_COLOURS.get(event["direction"], STEP_COLOUR)
        if event["date_precision"] == "day":
            ax.plot(event["start"], y, marker="*", markersize=16, color=colour, zorder=3)
        else:
            ax.barh(y, event["end"] + pd.Timedelta(days=1) - event["start"], left=event["start"], height=0.6, color=colour, zorder=2)
    ax.set_yticks(range(len(rows)), labels, fontsize=9.5)
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.8, zorder=0)
    ax.set_xlabel("date (a bar spans the period the article's date allows)")
    legend = [
        Line2D([], [], color=DIRECTION_COLOURS["to_kazakhstan"], linewidth=8, label="NATO side travels to Kazakhstan"),
        Line2D([], [], color=DIRECTION_COLOURS["from_kazakhstan"], linewidth=8, label="Kazakh side travels to NATO"),
        Line2D([], [], color=STEP_COLOUR, linewidth=8, label="membership or agreement (star: exact day)"),
    ]
    ax.legend(handles=legend, loc="upper center", bbox_to_anchor=(0.3, -0.09), ncol=1)
    fig.tight_layout()
    return fig
