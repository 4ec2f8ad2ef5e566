"""Grouped bar charts of counts, in the house style.

Each function takes a count table computed in a chapter (rows: the categories, columns:
the groups compared) and returns the figure, so the chapter shows the count in one line
and the drawing stays here. Analysis layer: no Sphinx imports.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure

from companion.figures import new_figure

#: Hatches that tell two groups apart in greyscale too.
HATCHES = ["", "///"]


def grouped_barh(
    counts: pd.DataFrame, *, labels: Mapping[str, str], colours: Mapping[str, str], tick_labels: list[str], xlabel: str
) -> Figure:
    """Horizontal bars: one group of bars per row of ``counts``, one bar per column (at most two).

    ``labels`` and ``colours`` map each column to its legend label and colour;
    ``tick_labels`` name the rows, bottom to top in the order of ``counts``.
    """
    if len(counts.columns) > len(HATCHES):
        raise ValueError(f"grouped_barh draws at most {len(HATCHES)} groups, not {len(counts.columns)}")
    fig, ax = new_figure(8, 4.6)
    y = range(len(counts))
    height = 0.4
    for offset, column, hatch in zip((height / 2, -height / 2), counts.columns, HATCHES):
        ax.barh(
            [i + offset for i in y],
            counts[column],
            height=height,
            color=colours[column],
            hatch=hatch,
            edgecolor="white",
            label=labels[column],
        )
    ax.set_yticks(list(y), tick_labels)
    ax.set_xlabel(xlabel)
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def grouped_bars(counts: pd.DataFrame, *, labels: Mapping[str, str], colours: Mapping[str, str], xlabel: str, ylabel: str) -> Figure:
    """Vertical bars with their counts on top: one group per column of ``counts``, one bar per row (two).

    ``labels`` and ``colours`` map each row to its legend label and colour.
    """
    fig, ax = new_figure(7, 3.8)
    width = 0.38
    for offset, row in zip((-width / 2, width / 2), counts.index):
        bars = ax.bar([i + offset for i in range(len(counts.columns))], counts.loc[row], width=width, color=colours[row], label=labels[row])
        ax.bar_label(bars, fontsize=10, padding=2)
    ax.set_xticks(range(len(counts.columns)), list(counts.columns))
    ax.set_ylabel(ylabel)
    ax.set_xlabel(xlabel)
    ax.set_ylim(0, counts.to_numpy().max() + 2.5)  # room for the counts and the legend
    ax.legend(loc="upper center", ncol=2)
    fig.tight_layout()
    return fig
