"""Pure functions behind the book's explorers: control values in, a table or a figure out.

Three explorers read the data this way: the timeline (filter the events by partner,
category and years), the partner balance (weight the mechanisms of cooperation and score
each partner) and the source comparison (pick a topic, see how each article treats it).
:mod:`companion.widgets` only wires ipywidgets controls to these functions, so everything
an explorer shows is computed here and tested without a kernel.

Each explorer also has a few named presets (:class:`Preset`): sets of control values chosen
for a reader. The static book cannot run Python when a control moves, so there each
explorer offers only its presets, computed at build time and switched in the browser; the
live seminar app keeps every control.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from companion.data import ARTICLE_KEYS, ARTICLE_LABELS, ARTICLE_SHORT, with_flags  # noqa: F401 - re-exported
from companion.figures import OKABE_ITO, new_figure, partner_colour

# --------------------------------------------------------------------------- timeline


def timeline_events(events: pd.DataFrame) -> pd.DataFrame:
    """Every dated event once: the rows with ``refines_id`` empty, oldest first.

    An outside source that dates an article's event more precisely has its own row, with
    ``refines_id`` naming the article's row (see data/CODEBOOK-NOTES.md); counting both would
    count the event twice. The article's row is kept as the article dates it, and gains the
    outside date in ``outside_date`` and its source in ``outside_source`` (empty if none).
    """
    refining = events[events["refines_id"].notna()]
    outside = refining.drop_duplicates("refines_id").set_index("refines_id")
    dated = events[events["refines_id"].isna() & events["start"].notna()]
    dated = dated.assign(
        outside_date=dated["id"].map(outside["date"]).astype("string"),
        outside_source=dated["id"].map(outside["source"]).astype("string"),
    )
    return dated.sort_values(["start", "id"]).reset_index(drop=True)


#: Lane (partner) and category of each fact of the context layer on the timeline: the
#: book's coding, not the sources'. The partner is Kazakhstan's counterpart or, for an
#: event elsewhere, its main actor, as for the events table (data/CODEBOOK-NOTES.md).
CONTEXT_LANES: dict[str, tuple[str, str]] = {
    "01": ("Uzbekistan", "operation"),  # K2: eviction and departure of U.S. forces
    "02": ("Kyrgyzstan", "operation"),  # Manas
    "03": ("Uzbekistan", "unrest"),  # Andijan
    "04": ("Central Asia", "exercise"),  # CENTRASBAT
    "05": ("United States", "programme"),  # Arizona National Guard partnership
    "06": ("United States", "programme"),  # Nunn-Lugar, Project Sapphire
    "07": ("United States", "programme"),  # Caspian Guard (CASFOR: see overrides)
    "08": ("multilateral", "operation"),  # KAZBAT in Iraq
    "09": ("NATO", "programme"),  # PfP, IPAP
    "10": ("United States", "visit"),  # Nazarbayev in Washington, 2006
    "11": ("Central Asia", "agreement"),  # nuclear-weapon-free-zone treaty
    "12": ("CSTO", "other"),  # rapid-deployment force, Kant
    "13": ("SCO", "summit"),  # Astana declaration
    "14": ("United States", "programme"),  # U.S. assistance and its conditions
    "15": ("United States", "training"),  # U.S.-trained officers leaving
    "16": ("United States", "agreement"),  # five-year plans
    "17": ("United States", "agreement"),  # Northern Distribution Network
    "18": ("Russia", "agreement"),  # Russia's facilities in Kazakhstan
    "19": ("Central Asia", "membership"),  # CACO and EurAsEC
    "20": ("Kyrgyzstan", "unrest"),  # Tulip Revolution
    "21": ("NATO", "exercise"),  # Steppe Eagle (as the article's rows)
    "22": ("Uzbekistan", "agreement"),  # U.S.-Uzbek partnership
    "23": ("United States", "delivery"),  # Hueys and HMMWVs
    "24": ("United States", "visit"),  # Cheney in Vilnius and Astana
}
#: Rows whose lane or category differs from their fact's.
CONTEXT_LANE_OVERRIDES: dict[str, tuple[str, str]] = {
    "ctx-04-1": ("Central Asia", "statement"),
    "ctx-04-2": ("Central Asia", "institution"),
    "ctx-07-4": ("Russia", "meeting"),
    "ctx-08-1": ("Kazakhstan", "institution"),
    "ctx-08-3": ("Kazakhstan", "legislation"),
    "ctx-09-4": ("NATO", "membership"),
    "ctx-09-5": ("NATO", "membership"),
    "ctx-12-1": ("Russia", "institution"),
    "ctx-12-2": ("Russia", "institution"),
    "ctx-12-3": ("Russia", "agreement"),
    "ctx-12-4": ("CSTO", "summit"),
    "ctx-13-4": ("United States", "statement"),
    "ctx-14-1": ("United States", "legislation"),
    "ctx-14-2": ("United States", "legislation"),
    "ctx-14-3": ("United States", "statement"),
    "ctx-17-3": ("NATO", "agreement"),
    "ctx-19-3": ("EurAsEC", "summit"),
    "ctx-19-4": ("EurAsEC", "membership"),
    "ctx-19-5": ("EurAsEC", "other"),
    "ctx-24-1": ("United States", "statement"),
    "ctx-24-2": ("United States", "statement"),
}


#: First year the timeline draws context events from: the context pack covers 1991-2010,
#: and an earlier date (Sary-Shagan's founding in 1956) is background to a row, not an
#: event of the period.
CONTEXT_FIRST_YEAR = 1991


def context_events(context: pd.DataFrame, first_year: int = CONTEXT_FIRST_YEAR) -> pd.DataFrame:
    """The dated rows of the context layer as timeline events, one per fact and date.

    Several sources of one fact often document the same dated event (three reports of the
    CENTRASBAT jump of 15 September 1997); they become one event whose ``id``, ``title``
    (the row's statement) and ``source`` are the first row's, with every row id in
    ``context_ids`` and every source key in ``context_sources``. Lane and category come
    from :data:`CONTEXT_LANES` and :data:`CONTEXT_LANE_OVERRIDES`. Undated rows, and rows
    dated before ``first_year``, are left out.
    The columns are those of :func:`timeline_events`, so both concatenate; ``refines_id``
    is empty, because a context row is the outside record, shown beside an article's event
    rather than merged into it.
    """
    dated = context[context["start"].notna() & (context["start"].dt.year >= first_year)].copy()
    lanes = [CONTEXT_LANE_OVERRIDES.get(row_id, CONTEXT_LANES[str(fact)[:2]]) for row_id, fact in zip(dated["id"], dated["fact_id"])]
    dated["partner"] = [lane for lane, _ in lanes]
    dated["category"] = [category for _, category in lanes]
    keys = ["fact_id", "partner", "category", "date", "date_end"]
    grouped = dated.fillna({"date_end": ""}).groupby(keys, sort=False, dropna=False)
    first = grouped.first().reset_index()
    first["context_ids"] = grouped["id"].agg(" ".join).to_numpy()
    first["context_sources"] = grouped["source"].agg(lambda s: " ".join(dict.fromkeys(s))).to_numpy()
    events = pd.DataFrame(
        {
            "id": first["id"].astype(str),
            "date": first["date"].astype(str),
            "date_precision": first["date_precision"].astype(str),
            "date_end": first["date_end"].replace("", None),
            "category": first["category"],
            "partner": first["partner"],
            "title": first["statement"].astype(str),
            "source": first["source"].astype(str),
            "refines_id": None,
            "start": pd.to_datetime(first["start"]),
            "end": pd.to_datetime(first["end"]),
            "year": first["start"].dt.year.astype("Int64"),
            "context_ids": first["context_ids"],
            "context_sources": first["context_sources"],
        }
    )
    return events.sort_values(["start", "id"]).reset_index(drop=True)


def with_context(dated: pd.DataFrame, context: pd.DataFrame, first_year: int = CONTEXT_FIRST_YEAR) -> pd.DataFrame:
    """The article and context events of :func:`timeline_events` plus the context layer.

    Partner and category keep the events table's vocabulary (categoricals), so lanes and
    filters keep the schema's order.
    """
    extra = context_events(context, first_year)
    combined = pd.concat([dated, extra], ignore_index=True)
    for column in ("partner", "category"):
        if isinstance(dated[column].dtype, pd.CategoricalDtype):
            combined[column] = pd.Categorical(combined[column].astype("string"), categories=dated[column].cat.categories)
    return combined.sort_values(["start", "id"]).reset_index(drop=True)


def _known_values(column: pd.Series) -> list[str]:
    """The values a filter may ask for: the schema's vocabulary, or the values present."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return [str(v) for v in column.cat.categories]
    return sorted(str(v) for v in column.dropna().unique())


def _selection(column: pd.Series, wanted: Iterable[str] | None, what: str) -> pd.Series:
    """Boolean mask of the rows whose value is one of ``wanted`` (all rows when None)."""
    if wanted is None:
        return pd.Series(True, index=column.index)
    wanted = [str(v) for v in wanted]
    known = _known_values(column)
    unknown = [v for v in wanted if v not in known]
    if unknown:
        raise ValueError(f"unknown {what} {unknown}; choose among {known}")
    return column.astype("string").isin(wanted).fillna(False).astype(bool)


#: Where an event comes from: one of the two articles, or an outside source giving context.
ORIGINS = ("articles", "context")


def filter_events(
    events: pd.DataFrame,
    partners: Iterable[str] | None = None,
    categories: Iterable[str] | None = None,
    years: tuple[int, int] | None = None,
    origin: str | None = None,
) -> pd.DataFrame:
    """The events with one of ``partners``, one of ``categories``, within ``years``, oldest first.

    ``None`` means no filter on that control; an empty list selects nothing. ``years`` is an
    inclusive ``(first, last)`` pair; an event belongs to it when its period overlaps it, so
    a visit dated "2003-2004" is in 2004 too. ``origin`` keeps the events of the two
    articles (``"articles"``) or the context events the book takes from other sources
    (``"context"``). Unknown partners, categories or origins raise a ``ValueError`` that
    lists the known ones.
    """
    mask = _selection(events["partner"], partners, "partner(s)") & _selection(events["category"], categories, "category(ies)")
    if origin is not None:
        if origin not in ORIGINS:
            raise ValueError(f"unknown origin {origin!r}; choose one of {list(ORIGINS)}")
        from_articles = events["source"].astype("string").isin(ARTICLE_KEYS).fillna(False).astype(bool)
        mask &= from_articles if origin == "articles" else ~from_articles
    if years is not None:
        first, last = (int(y) for y in years)
        if first > last:
            raise ValueError(f"the year range {years} ends before it starts; give (first, last)")
        start_year = events["start"].dt.year
        end_year = events["end"].dt.year.fillna(start_year)
        mask &= (start_year <= last) & (end_year >= first)
    return events[mask].sort_values(["start", "id"]).reset_index(drop=True)


def year_span(events: pd.DataFrame) -> tuple[int, int]:
    """First and last year any event of ``events`` touches."""
    return int(events["start"].min().year), int(events["end"].fillna(events["start"]).max().year)


def _date_as_stated(row: pd.Series) -> str:
    end = row.get("date_end")
    return f"{row['date']} – {end}" if isinstance(end, str) and end else str(row["date"])


OUTSIDE_SHORT = "outside source"


def cite(keys: Iterable[str]) -> str:
    """Bibliography keys as one MyST ``{cite:p}`` role, for text glued as Markdown."""
    keys = [k for k in keys if k]
    return f"{{cite:p}}`{','.join(keys)}`" if keys else ""


def outside_sources(events: pd.DataFrame) -> list[str]:
    """Keys of the sources other than the two articles behind ``events`` (sorted).

    Those of context events (their ``source``, and ``context_sources`` from
    :func:`context_events`) and of outside dates (``outside_source``, from
    :func:`timeline_events`).
    """
    keys = set(events["source"].dropna().astype(str)) - set(ARTICLE_KEYS)
    if "outside_source" in events.columns:
        keys |= set(events["outside_source"].dropna().astype(str))
    if "context_sources" in events.columns:  # every source of a merged context event
        keys |= {key for keys_ in events["context_sources"].dropna() for key in str(keys_).split()}
    return sorted(keys)


def timeline_table(events: pd.DataFrame, flags: pd.DataFrame | None = None, *, compact: bool = False) -> pd.DataFrame:
    """The events as a reader's table, indexed by the date as the source gives it.

    Columns: partner, category, title, source (bibliography key), the date another source
    gives where one dates the event more precisely or differently (from
    :func:`timeline_events`), with that source's key, and the kinds of any flag the data
    raises on the row.

    ``compact=True`` fits the table to a page: the articles are named "Nurgaliev" and "EDM",
    other sources "outside source", and the outside date joins the date cell; the keys of
    the outside sources are then to be cited next to the table (:func:`outside_sources`).
    """
    rows = with_flags(events.sort_values(["start", "id"]), flags, "events")
    if "context_ids" in rows.columns and flags is not None and not flags.empty:
        # a context event carries the flags raised on any of its context rows
        on_context = flags[flags["table"].astype(str) == "context"]
        kinds_by_row = on_context.groupby(on_context["row_id"].astype(str))["kind"].agg(lambda k: set(map(str, k))).to_dict()
        extra = [
            set().union(*(kinds_by_row.get(i, set()) for i in str(ids).split())) if isinstance(ids, str) else set()
            for ids in rows["context_ids"]
        ]
        rows["flag"] = [", ".join(sorted(set(filter(None, flag.split(", "))) | more)) for flag, more in zip(rows["flag"], extra)]
    dates = rows.apply(_date_as_stated, axis=1) if len(rows) else pd.Series(dtype=str)
    has_outside = "outside_date" in rows.columns
    outside = rows["outside_date"].fillna("") if has_outside else pd.Series("", index=rows.index)
    outside_source = rows["outside_source"].fillna("") if has_outside else pd.Series("", index=rows.index)
    sources = rows["source"].astype(str)
    if compact:
        dates = dates + [f" ({OUTSIDE_SHORT}: {date})" if date else "" for date in outside]
        sources = sources.map(lambda key: ARTICLE_SHORT.get(key, OUTSIDE_SHORT))
    table = pd.DataFrame(
        {
            "date": dates,
            "partner": rows["partner"].astype(str),
            "category": rows["category"].astype(str),
            "title": rows["title"].astype(str),
            "source": sources,
        }
    )
    if has_outside and not compact:
        table["outside date"] = (outside + " " + outside_source.map(lambda key: f"({key})" if key else "")).str.strip()
    table["flag"] = rows["flag"]
    return table.set_index("date")


def timeline_alt(events: pd.DataFrame) -> str:
    """Alt text for :func:`timeline_figure` of ``events``, with the counts it shows."""
    if events.empty:
        return "Empty timeline: no event matches the filters."
    first, last = year_span(events)
    counts = events["partner"].astype(str).value_counts()
    order = [p for p in partners_in(events) if p in counts.index]
    per_partner = ", ".join(f"{p} {counts[p]}" for p in order)
    n_context = int(is_context(events).sum())
    origin = (
        f" {len(events) - n_context} come from the two articles and are drawn filled; {n_context} are "
        f"context events from outside sources, drawn hatched and unfilled (an open circle for an exact day)."
        if n_context
        else ""
    )
    return (
        f"Timeline of {len(events)} events from {first} to {last}, one lane per partner "
        f"(events per partner: {per_partner}). Each mark spans the period its date allows: "
        f"a diamond for an exact day, a solid bar for a month, a pale bar for a year.{origin}"
    )


def partners_in(events: pd.DataFrame) -> list[str]:
    """The partners of ``events``, in the schema's order (the order of the timeline's lanes)."""
    present = set(events["partner"].astype(str))
    return [p for p in _known_values(events["partner"]) if p in present]


def categories_in(events: pd.DataFrame) -> list[str]:
    """The categories of ``events``, in the schema's order."""
    present = set(events["category"].astype(str))
    return [c for c in _known_values(events["category"]) if c in present]


# Packing treats a mark as at least this many days wide and keeps this gap after it, so
# two marks in one sub-row never touch (adjacent year bars would read as one long bar).
_MIN_DAYS = 30
_GAP_DAYS = 30
_ROWS_MODE_LIMIT = 15


def _pack(intervals: list[tuple[pd.Timestamp, pd.Timestamp]]) -> list[int]:
    """Sub-row of each interval so that intervals in one sub-row never overlap (greedy)."""
    ends: list[pd.Timestamp] = []
    rows = []
    for start, end in intervals:
        padded_end = max(end, start + pd.Timedelta(days=_MIN_DAYS)) + pd.Timedelta(days=_GAP_DAYS)
        for number, last in enumerate(ends):
            if start > last:
                ends[number] = padded_end
                rows.append(number)
                break
        else:
            ends.append(padded_end)
            rows.append(len(ends) - 1)
    return rows


def is_context(events: pd.DataFrame) -> pd.Series:
    """True for the rows whose source is not one of the two articles (context events)."""
    return ~events["source"].astype(str).isin(ARTICLE_KEYS)


#: Hatching of context events: an outline in the partner colour over white, so that a
#: reader (and a grey-scale print) tells them from the articles' filled marks.
_CONTEXT_HATCH = "////"
CONTEXT_LABEL = "context event (outside source)"
ARTICLE_LABEL = "article event"


def _draw_event(ax, y: float, row: pd.Series, colour: str, context: bool = False) -> None:
    """One event as the period its date allows: diamond (day), bar (month), pale bar (year).

    A context event (``context=True``) keeps the shape of its precision but is drawn
    hatched and unfilled, with an open circle instead of a diamond for an exact day.
    """
    start = mdates.date2num(row["start"])
    end = mdates.date2num(row["end"] + pd.Timedelta(days=1))
    precision = str(row["date_precision"])
    if context and precision in ("year", "month"):
        ax.barh(
            y,
            end - start,
            left=start,
            height=0.62,
            color="white",
            hatch=_CONTEXT_HATCH,
            edgecolor=colour,
            linewidth=1.2 if precision == "month" else 0.8,
            alpha=1.0 if precision == "month" else 0.6,
        )
    elif precision == "year":
        ax.barh(y, end - start, left=start, height=0.62, color=colour, alpha=0.28, edgecolor=colour, linewidth=1)
    elif precision == "month":
        ax.barh(y, end - start, left=start, height=0.62, color=colour, edgecolor=colour, linewidth=0.5)
    else:
        if end - start > 1:
            ax.barh(
                y,
                end - start,
                left=start,
                height=0.3,
                color="white" if context else colour,
                hatch=_CONTEXT_HATCH if context else None,
                edgecolor=colour,
            )
        if context:
            ax.plot([start], [y], marker="o", markersize=7, color=colour, markerfacecolor="white", markeredgewidth=2, linestyle="none")
        else:
            ax.plot([start], [y], marker="D", markersize=6, color=colour, markeredgecolor="black", markeredgewidth=0.6, linestyle="none")


def _precision_legend(ax):
    handles = [
        Line2D([], [], marker="D", color="#555555", markeredgecolor="black", markeredgewidth=0.6, linestyle="none", label="exact day"),
        Patch(facecolor="#555555", edgecolor="#555555", label="month"),
        Patch(facecolor="#555555", alpha=0.28, edgecolor="#555555", label="year only"),
    ]
    # A figure legend "outside" the axes: constrained layout makes room for it, however long
    # the y labels are (an axes legend overflowed the figure when titles took the width).
    return ax.figure.legend(handles=handles, loc="outside upper center", ncol=3)


def _origin_handles() -> list:
    """Legend entries telling the articles' events from context events."""
    return [
        Patch(facecolor="#555555", edgecolor="#555555", label=ARTICLE_LABEL),
        Patch(facecolor="white", edgecolor="#555555", hatch=_CONTEXT_HATCH, label=CONTEXT_LABEL),
        Line2D(
            [],
            [],
            marker="o",
            color="#555555",
            markerfacecolor="white",
            markeredgewidth=2,
            linestyle="none",
            label="context event, exact day",
        ),
    ]


def timeline_figure(events: pd.DataFrame, width: float = 7.5) -> Figure:
    """A timeline of ``events``: each event drawn over the period its date allows.

    Up to 15 events get one row each, labelled with their title; more are packed into one
    lane per partner (labelled with the partner), sub-rows keeping marks apart. Colours are
    the house partner colours. Context events (a source other than the two articles, see
    :func:`is_context`) are drawn hatched and unfilled, and a second legend says so. The
    figure is closed for pyplot, so it shows only where it is displayed or glued.
    """
    if events.empty:
        fig, ax = new_figure(width, 1.6)
        ax.set_axis_off()
        ax.text(0.5, 0.5, "No event matches the filters.", ha="center", va="center", fontsize=12, transform=ax.transAxes)
        plt.close(fig)
        return fig
    events = events.sort_values(["start", "id"])
    context = is_context(events)
    colours = [partner_colour(p) for p in events["partner"].astype(str)]
    if len(events) <= _ROWS_MODE_LIMIT:
        fig, ax = new_figure(width, 1.6 + 0.32 * len(events))
        fig.set_layout_engine("constrained")
        ys = list(range(len(events)))[::-1]
        for y, (index, row), colour in zip(ys, events.iterrows(), colours):
            _draw_event(ax, y, row, colour, context=bool(context[index]))
        labels = [textwrap.shorten(str(t), 56, placeholder="…") for t in events["title"]]
        ax.set_yticks(ys, labels)
        ax.set_ylim(-0.7, len(events) - 0.3)
    else:
        lanes = partners_in(events)
        sub_rows = {}
        heights = {}
        for partner in lanes:
            mine = events[events["partner"].astype(str) == partner]
            packed = _pack(list(zip(mine["start"], mine["end"])))
            sub_rows.update(dict(zip(mine["id"], packed)))
            heights[partner] = max(packed) + 1
        total = sum(heights.values())
        fig, ax = new_figure(width, 1.2 + 0.2 * total + 0.12 * len(lanes))
        fig.set_layout_engine("constrained")
        top = 0.0
        ticks, tick_labels = [], []
        for partner in lanes:
            lane_top = top
            for index, row in events[events["partner"].astype(str) == partner].iterrows():
                _draw_event(ax, -(lane_top + sub_rows[row["id"]]), row, partner_colour(partner), context=bool(context[index]))
            ticks.append(-(lane_top + (heights[partner] - 1) / 2))
            tick_labels.append(partner)
            top += heights[partner] + 0.6
            ax.axhline(-(top - 0.8), color="#dddddd", linewidth=0.8, zorder=0)
        ax.set_yticks(ticks, tick_labels)
        ax.set_ylim(-(top - 0.5), 0.7)
    ax.tick_params(axis="y", length=0)
    start = events["start"].min() - pd.Timedelta(days=60)
    end = events["end"].fillna(events["start"]).max() + pd.Timedelta(days=60)
    ax.set_xlim(mdates.date2num(start), mdates.date2num(end))
    span_years = end.year - start.year
    ax.xaxis.set_major_locator(mdates.YearLocator(1 if span_years <= 10 else 2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.spines["left"].set_visible(False)
    _precision_legend(ax)
    handles = []
    if len(events) <= _ROWS_MODE_LIMIT:  # lanes are labelled with partners; rows need a key
        handles = [Patch(facecolor=partner_colour(p), label=p) for p in partners_in(events)]
    if context.any():  # a figure of article events alone needs no key for context
        handles += _origin_handles()
    if handles:
        fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 3))
    plt.close(fig)
    return fig


# --------------------------------------------------------------------------- partner balance

#: Mechanisms of cooperation the balance explorer weighs, in the order it shows them.
MECHANISMS = ("agreements", "organisations", "exercises", "training", "equipment", "visits")

DEFAULT_WEIGHTS: dict[str, float] = {
    "agreements": 3,
    "organisations": 3,
    "exercises": 2,
    "training": 2,
    "equipment": 2,
    "visits": 1,
}
"""Default weight of each mechanism in :func:`partner_scores`: how long and how firmly it binds.

* 3 for ``agreements`` and ``organisations``: a signed agreement or plan, or a place in an
  organisation, is a standing commitment that lasts for years and outlives the officials
  who made it.
* 2 for ``exercises``, ``training`` and ``equipment``: each puts forces, people or hardware
  together for months (an exercise is prepared for a year; trained officers and delivered
  vehicles stay), but commits neither side to what comes next.
* 1 for ``visits``: a single contact of a few days, the cheapest signal a partner can send.

These are the book's judgement, not the articles': neither article scores Kazakhstan's
partners. They are a starting point the reader changes; a weight of 0 drops a mechanism.
A score counts what the two articles chose to report, so it measures their attention as
much as the partnerships themselves: Nurgaliev writes about cooperation with the United
States and NATO, the Eurasia Daily Monitor item mostly about Russia and China.
"""


#: Why each mechanism has its default weight, in the book's words (see DEFAULT_WEIGHTS).
WEIGHT_REASONS: dict[str, str] = {
    "agreements": "a signed agreement or plan is a standing commitment that lasts for years",
    "organisations": "a place in an organisation is a standing commitment that outlives the officials who made it",
    "exercises": "an exercise puts forces together for months of preparation, but commits no one to the next",
    "training": "trained officers stay, but training commits neither side to what comes next",
    "equipment": "delivered hardware stays in service, but a delivery commits no one to the next",
    "visits": "a single contact of a few days, the cheapest signal a partner can send",
}


def default_weights_sentence(mechanisms: Iterable[str] = MECHANISMS) -> str:
    """The default weights and their rationale in one sentence, for captions and prose."""
    by_weight: dict[float, list[str]] = {}
    for mechanism in mechanisms:
        by_weight.setdefault(DEFAULT_WEIGHTS[mechanism], []).append(mechanism)
    groups = "; ".join(f"{', '.join(names)} {w:g}" for w, names in sorted(by_weight.items(), reverse=True))
    return (
        f"Default weights: {groups}. They follow how long and how firmly each kind of tie binds "
        "(standing commitments weigh most, ties of some months less, a visit of a few days least) "
        "and are the book's judgement, not the articles'."
    )


def default_weights_table() -> pd.DataFrame:
    """The default weights with the reason for each, for a chapter to show (one row per mechanism)."""
    table = pd.DataFrame(
        {"weight": [int(DEFAULT_WEIGHTS[m]) for m in MECHANISMS], "why": [WEIGHT_REASONS[m] for m in MECHANISMS]},
        index=pd.Index(MECHANISMS, name="mechanism"),
    )
    return table


def _checked_weights(columns: Iterable[str], weights: Mapping[str, float] | None) -> dict[str, float]:
    """One non-negative number per mechanism column; explains any gap or typo."""
    columns = list(columns)
    given = dict(DEFAULT_WEIGHTS if weights is None else weights)
    missing = [c for c in columns if c not in given]
    if missing:
        source = "DEFAULT_WEIGHTS" if weights is None else "the weights given"
        raise ValueError(f"no weight for mechanism(s) {missing} in {source}; give a weight for each column (0 drops one)")
    if weights is not None:
        extra = [k for k in given if k not in columns]
        if extra:
            raise ValueError(f"weights for unknown mechanism(s) {extra}; the counts have columns {columns}")
    checked = {}
    for column in columns:
        try:
            value = float(given[column])
        except (TypeError, ValueError):
            raise ValueError(f"the weight of {column!r} is {given[column]!r}, not a number") from None
        if value < 0 or value != value:
            raise ValueError(f"the weight of {column!r} is {value}; weights must be 0 or more")
        checked[column] = value
    return checked


def partner_scores(mechanism_counts: pd.DataFrame, weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Each partner's weighted score: the sum over mechanisms of weight × count.

    ``mechanism_counts`` is indexed by partner with one column of counts per mechanism;
    ``weights`` maps every column to a number ≥ 0 (default :data:`DEFAULT_WEIGHTS`). The
    result, indexed by partner, has each mechanism's contribution (weight × count), the
    ``score`` and its ``share`` of all partners' scores in percent (0 when every score is 0),
    highest score first (ties by partner name).
    """
    counts = mechanism_counts.copy()
    if counts.index.has_duplicates:
        raise ValueError(f"partners appear more than once: {sorted(set(counts.index[counts.index.duplicated()]))}")
    checked = _checked_weights(counts.columns, weights)
    for column in counts.columns:
        values = pd.to_numeric(counts[column], errors="coerce")
        if values.isna().any() or (values < 0).any():
            raise ValueError(f"column {column!r} must hold counts (numbers 0 or more), found {counts[column].tolist()}")
        counts[column] = values.astype(float)
    contributions = counts.mul(pd.Series(checked), axis=1)
    scores = contributions.assign(score=contributions.sum(axis=1))
    total = scores["score"].sum()
    scores["share"] = (scores["score"] / total * 100).round(1) if total > 0 else 0.0
    scores.index = scores.index.astype(str)
    scores.index.name = "partner"
    order = sorted(scores.index, key=lambda p: (-scores.loc[p, "score"], p))
    return scores.loc[order]


def balance_alt(scores: pd.DataFrame) -> str:
    """Alt text for :func:`balance_figure` of ``scores``, naming each partner's score."""
    if scores.empty or scores["score"].sum() == 0:
        return "Bar chart with no bars: every weight is zero, so no partner scores."
    listed = "; ".join(f"{p} {scores.loc[p, 'score']:g}" for p in scores.index)
    return f"Horizontal stacked bar chart of each partner's weighted score, highest first: {listed}. Each bar is split by mechanism."


def balance_figure(scores: pd.DataFrame, width: float = 7.5) -> Figure:
    """Stacked horizontal bars: each partner's score split into its mechanisms' contributions."""
    mechanisms = [c for c in scores.columns if c not in ("score", "share")]
    if scores.empty or scores["score"].sum() == 0:
        fig, ax = new_figure(width, 1.6)
        ax.set_axis_off()
        ax.text(0.5, 0.5, "Every weight is zero: no partner scores.", ha="center", va="center", fontsize=12, transform=ax.transAxes)
        plt.close(fig)
        return fig
    fig, ax = new_figure(width, 1.6 + 0.42 * len(scores))
    fig.set_layout_engine("constrained")
    partners = list(scores.index)[::-1]
    ys = pd.RangeIndex(len(partners))
    left = pd.Series(0.0, index=partners)
    handles = []
    for number, mechanism in enumerate(mechanisms):
        values = scores.loc[partners, mechanism].astype(float)
        colour = OKABE_ITO[number % len(OKABE_ITO)]
        drawn = (values > 0).to_numpy()  # a bar of width 0 shows nothing but weighs in the SVG
        ax.barh(ys[drawn], values[drawn], left=left[drawn], color=colour, edgecolor="white", linewidth=0.6)
        handles.append(Patch(facecolor=colour, edgecolor="white", linewidth=0.6, label=mechanism))
        left += values
    for y, partner in zip(ys, partners):
        ax.text(left[partner], y, f" {scores.loc[partner, 'score']:g}", va="center", fontsize=10)
    ax.set_yticks(ys, partners)
    ax.set_xlim(0, left.max() * 1.1)
    ax.set_xlabel("Weighted score (sum of weight × number of coded items)")
    ax.tick_params(axis="y", length=0)
    fig.legend(handles=handles, loc="outside upper center", ncol=min(len(mechanisms), 3), handlelength=1.2, columnspacing=1.2)
    plt.close(fig)
    return fig


# --------------------------------------------------------------------------- source comparison


@dataclass(frozen=True)
class Topic:
    """A topic both articles may treat, and the rule that finds the rows about it.

    A row belongs to the topic when its wording in the book (a statement, title, description,
    what a number counts…) matches ``pattern`` (a case-insensitive regular expression), or
    when it is an event with one of ``partners``, or an argument held by one of ``holders``
    or of one of ``kinds``.
    """

    label: str
    question: str
    pattern: str
    partners: tuple[str, ...] = ()
    holders: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()


#: The topics of the source-comparison explorer, keyed by a short id.
TOPICS: dict[str, Topic] = {
    "multi-vector": Topic(
        "Multi-vector policy",
        "Does Kazakhstan balance its partners, and what does the balance serve?",
        r"multi-vector|no single (power|state)|favouring no|reliable partner|tilt|does not exclude|cement ties|blocs",
    ),
    "terrorism": Topic(
        "Terrorism",
        "What terrorist threat does Kazakhstan face, and what is the fight against it used for?",
        r"terror|9/11|Enduring Freedom|bombing|Guantanamo|militant|separatist",
    ),
    "russia": Topic(
        "Russia",
        "How close is Kazakhstan to Russia, and does cooperation with the United States harm that tie?",
        r"Russia|Moscow|CSTO|Mironov|Federation Council",
        partners=("Russia", "CSTO", "EurAsEC"),
        holders=("Russia",),
    ),
    "china": Topic(
        "China",
        "What place does China hold in Kazakhstan's security, next to the United States?",
        r"China|Chinese|Beijing|SCO\b|Shanghai|Uighur",
        partners=("China", "SCO"),
        holders=("China",),
    ),
    "us-training": Topic(
        "U.S. training of officers",
        "What does U.S.-funded training of Kazakh officers achieve?",
        r"train|educat|officer|IMET|foreign languages|college",
    ),
    "karaganda-hangar": Topic(
        "The Karaganda hangar",
        "What is the aircraft repair hangar at Karaganda, and whose aircraft is it for?",
        r"hangar|Karaganda|MiG",
    ),
    "nato": Topic(
        "NATO and Partnership for Peace",
        "How far does Kazakhstan's partnership with NATO go?",
        r"NATO|Partnership for Peace|PfP|EAPC|PARP|IPAP|North Atlantic",
        partners=("NATO",),
    ),
    "results": Topic(
        "What cooperation achieves",
        "Has security cooperation brought results, or assistance without reform?",
        r"reform|assistance|outweigh|recognition|standards|Soviet-legacy",
        kinds=("achievement", "problem"),
    ),
}

#: How each table's rows are read: the text the topic rule searches, and the text shown.
_READERS = {
    "arguments": (lambda f: f["statement"], lambda f: f["statement"], lambda f: f["kind"]),
    "events": (lambda f: f["title"] + " " + f["description"].fillna(""), lambda f: f["title"], lambda f: f["category"]),
    "claims": (
        lambda f: f["counts"],
        lambda f: (
            f["qualifier"].astype("string").fillna("")
            + " "
            + f["value"].map(lambda v: f"{v:,.0f}" if v == v and float(v).is_integer() else f"{v:,}")
            + " "
            + f["unit"]
            + ": "
            + f["counts"]
        ).str.strip(),
        lambda f: pd.Series("number", index=f.index),
    ),
    "equipment": (
        lambda f: f["item"] + " " + f["item_as_stated"] + " " + f["purpose"].fillna(""),
        lambda f: f["item"] + " (" + f["status"].astype(str) + ")",
        lambda f: pd.Series("equipment", index=f.index),
    ),
    "exercises": (
        lambda f: f["name"] + " " + f["aim"].fillna(""),
        lambda f: f["name"] + ": " + f["aim"].fillna(""),
        lambda f: pd.Series("exercise", index=f.index),
    ),
    "programmes": (
        lambda f: f["name"] + " " + f["description"].fillna(""),
        lambda f: f["name"],
        lambda f: f["kind"],
    ),
    "organisations": (
        lambda f: f["name"] + " " + f["description"].fillna(""),
        lambda f: f["name"] + ": " + f["description"].fillna(""),
        lambda f: pd.Series("organisation", index=f.index),
    ),
}

COMPARISON_COLUMNS = ["article", "table", "row_id", "kind", "statement", "locator", "flag"]


def get_topic(topic: str) -> Topic:
    """The :class:`Topic` of key ``topic``; an unknown key raises ``ValueError`` listing the known ones."""
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}; choose one of {sorted(TOPICS)}")
    return TOPICS[topic]


def _rows_about(name: str, frame: pd.DataFrame, rule: Topic, flags: pd.DataFrame | None) -> pd.DataFrame:
    searched, shown, kind = _READERS[name]
    pattern = re.compile(rule.pattern, re.IGNORECASE)
    frame = frame[frame["source"].astype("string").isin(ARTICLE_KEYS)]
    if frame.empty:
        return pd.DataFrame(columns=COMPARISON_COLUMNS)
    mask = searched(frame).astype("string").fillna("").map(lambda text: bool(pattern.search(text))).astype(bool)
    if name == "events" and rule.partners:
        mask |= frame["partner"].astype("string").isin(rule.partners).fillna(False).astype(bool)
    if name == "arguments":
        if rule.holders:
            mask |= frame["holder"].astype("string").isin(rule.holders).fillna(False).astype(bool)
        if rule.kinds:
            mask |= frame["kind"].astype("string").isin(rule.kinds).fillna(False).astype(bool)
    chosen = with_flags(frame[mask], flags, name)
    return pd.DataFrame(
        {
            "article": chosen["source"].astype(str),
            "table": name,
            "row_id": chosen["id"].astype(str),
            "kind": kind(chosen).astype(str),
            "statement": shown(chosen).astype(str),
            "locator": chosen["locator"].astype(str),
            "flag": chosen["flag"],
        }
    )


def compare_sources(data: SimpleNamespace, topic: str) -> pd.DataFrame:
    """How each article treats ``topic`` (a key of :data:`TOPICS`): the rows behind it.

    One row per coded row of the two articles about the topic (arguments, events, numbers,
    equipment, exercises, programmes, organisations), in the book's words, with the table
    and id of the row, its locator in the article and the kinds of any flag raised on it.
    Nurgaliev's rows come first, then the Eurasia Daily Monitor's; within an article, rows
    follow the tables in that order and each table's own order. An article with no row on
    the topic gets one line saying so, so its silence shows. ``data`` is :func:`companion.data.load`'s
    namespace (tables it lacks are skipped). Unknown topics raise ``ValueError``.
    """
    rule = get_topic(topic)
    flags = getattr(data, "flags", None)
    parts = [_rows_about(name, getattr(data, name), rule, flags) for name in _READERS if getattr(data, name, None) is not None]
    rows = pd.concat([p for p in parts if not p.empty] or [pd.DataFrame(columns=COMPARISON_COLUMNS)], ignore_index=True)
    silent = [
        {
            "article": key,
            "table": "",
            "row_id": "",
            "kind": "",
            "statement": "No coded row of this article touches the topic.",
            "locator": "",
            "flag": "",
        }
        for key in ARTICLE_KEYS
        if key not in set(rows["article"])
    ]
    if silent:
        rows = pd.concat([rows, pd.DataFrame(silent)], ignore_index=True)
    rows["order"] = rows["article"].map({k: n for n, k in enumerate(ARTICLE_KEYS)})
    rows = rows.sort_values("order", kind="stable").drop(columns="order")
    rows["article"] = rows["article"].map(ARTICLE_LABELS)
    return rows.reset_index(drop=True)[COMPARISON_COLUMNS]


def comparison_counts(comparison: pd.DataFrame) -> pd.DataFrame:
    """Rows per article and table in a :func:`compare_sources` result (0 for a silent article)."""
    real = comparison[comparison["row_id"] != ""]
    counts = pd.crosstab(real["article"], real["table"]) if not real.empty else pd.DataFrame()
    counts = counts.reindex(list(ARTICLE_LABELS.values()), fill_value=0)
    counts = counts.assign(total=counts.sum(axis=1)).astype(int)
    counts.index.name = "article"
    counts.columns.name = None
    return counts


# --------------------------------------------------------------------------- presets

#: At most this many presets per explorer: each is computed at build time and embedded in
#: the page, and a short menu is read at a glance.
MAX_PRESETS = 5


@dataclass(frozen=True)
class Preset:
    """A named set of control values of an explorer, chosen for a reader.

    ``values`` are keyword arguments of the explorer's view (a control left out keeps its
    widest setting); ``why`` says in a sentence what the preset shows or why it is worth a
    look (empty when the view's own summary says it).
    """

    label: str
    why: str
    values: dict[str, Any] = field(default_factory=dict)


def timeline_presets(events: pd.DataFrame) -> list[Preset]:
    """The timeline explorer's presets for ``events`` (from :func:`timeline_events`).

    Every event; the United States; NATO; Russia and China with the organisations the
    comparison topics "Russia" and "China" group with them; and the context events from
    outside sources. A preset that would select no event is left out.
    """
    russia_china = tuple(dict.fromkeys(TOPICS["russia"].partners + TOPICS["china"].partners))
    candidates = [
        Preset("Every event", "Every dated event, of both articles and of the context the book adds."),
        Preset("United States", "Only the events with the United States as partner.", {"partners": ("United States",)}),
        Preset("NATO", "Only the events with NATO as partner.", {"partners": ("NATO",)}),
        Preset(
            "Russia and China",
            f"Only the events with {', '.join(russia_china[:-1])} or {russia_china[-1]} as partner: Russia and "
            "China with the organisations that the comparison topics “Russia” and “China” group with them.",
            {"partners": russia_china},
        ),
        Preset(
            "Context events",
            "Only the context events, which come from outside sources, not from the two articles.",
            {"origin": "context"},
        ),
    ]
    known = set(_known_values(events["partner"]))
    chosen = []
    for preset in candidates:
        values = dict(preset.values)
        if "partners" in values:  # a partner the data's vocabulary lacks would make filter_events fail
            values["partners"] = tuple(p for p in values["partners"] if p in known)
        if not filter_events(events, **values).empty:
            chosen.append(Preset(preset.label, preset.why, values))
    return chosen[:MAX_PRESETS]


def _weights(**chosen: float) -> dict[str, float]:
    """A weight for every mechanism: those named, 0 for the others."""
    return {mechanism: chosen.get(mechanism, 0) for mechanism in MECHANISMS}


#: The balance explorer's presets: the default weights and four other readings of "balance".
BALANCE_PRESETS: tuple[Preset, ...] = (
    Preset(
        "The book's default weights",
        "Standing commitments weigh 3, ties of some months 2 and a visit 1: how long and how firmly each kind of tie binds.",
        dict(DEFAULT_WEIGHTS),
    ),
    Preset(
        "Every tie counts once",
        "No judgement at all: every weight is 1, so each score is the plain count of the partner's ties.",
        _weights(**{mechanism: 1 for mechanism in MECHANISMS}),
    ),
    Preset(
        "Default weights without visits",
        "The default weights with visits at 0: a visit is the cheapest signal, and most visits in "
        "the data come from Nurgaliev's lists of NATO contacts.",
        {**DEFAULT_WEIGHTS, "visits": 0},
    ),
    Preset(
        "Standing commitments only",
        "Only ties that bind for years: agreements and plans, and places in organisations (weight 1 each).",
        _weights(agreements=1, organisations=1),
    ),
    Preset(
        "Forces and hardware only",
        "Only ties that bring soldiers or equipment together: exercises, training and equipment (weight 1 each).",
        _weights(exercises=1, training=1, equipment=1),
    ),
)


def comparison_presets(data: SimpleNamespace, limit: int = MAX_PRESETS) -> list[Preset]:
    """The source-comparison explorer's presets: the ``limit`` topics both articles treat most.

    A comparison shows most where both articles speak, so the topics are ranked by the rows
    of the article that says less about them (ties keep the order of :data:`TOPICS`); topics
    one article is silent on are left out. The chosen topics keep the order of :data:`TOPICS`.
    """
    fewer = {}
    for key in TOPICS:
        counts = comparison_counts(compare_sources(data, key))["total"]
        fewer[key] = int(counts.min())
    ranked = sorted((key for key in TOPICS if fewer[key] > 0), key=lambda key: -fewer[key])[:limit]
    return [Preset(TOPICS[key].label, "", {"topic": key}) for key in TOPICS if key in ranked]
