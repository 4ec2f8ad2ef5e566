"""Thin ipywidgets wiring of the explorers: controls in, :mod:`companion.explorers` does the rest.

Each explorer function returns an :class:`Explorer`; displaying it (as a cell's last value)
shows its controls, a one-line summary and its result (figure and/or table), and, unless
``show_static=False``, a static copy of the default view that stays readable without a
kernel or JavaScript. In a live kernel (Jupyter, Voilà) every control is observed and the
result follows it; in the book's static HTML the widget state is embedded and the default
view renders offline through the vendored widget manager.

Every control carries a ``description`` (its visible label, which names it for screen
readers) and a longer ``tooltip``. Widget model ids are derived from the explorer's name and
the order of creation instead of random uuids, so a rebuilt page embeds identical state.
"""
from __future__ import annotations

import base64
import html
import io
import itertools
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import ipywidgets as widgets
import matplotlib as mpl
import pandas as pd
from IPython.display import HTML, display
from matplotlib.figure import Figure

from companion import explorers
from companion.figures import HOUSE_RC

#: Rows an explorer's table shows before asking the reader to narrow the selection.
MAX_TABLE_ROWS = 20
KERNEL_NOTE = (
    "The controls respond in a running Python kernel (Jupyter or the seminar app); "
    "in the static book they keep the default view, shown here."
)
_NAMESPACE = uuid.UUID("5b0d8a52-3c4e-4f7e-9a36-6b1c2f0e8d41")
_explorers_made = itertools.count()


# --------------------------------------------------------------------------- ids


@contextmanager
def stable_model_ids(name: str) -> Iterator[None]:
    """Give every widget created inside the block a model id made from ``name`` and its order.

    Upstream defect: ipywidgets 8.1.9 names each model with a random ``uuid4`` (the comm id),
    so each build would embed different widget state and clean builds would differ
    (``tests/test_upstream_defects.py`` fails once ipywidgets stops doing so). Here the n-th
    widget of the k-th explorer made in this process gets ``uuid5(namespace, "name/k/n")``:
    the same on every execution of a notebook, and still unique within one kernel when an
    explorer is made again.

    It uses ipywidgets' public construction hook (``Widget.on_widget_constructed``, called
    before the widget opens its comm) rather than replacing ``Widget.open``; ``model_id=``
    in each constructor would miss the layouts and styles a widget makes for itself.
    """
    number = next(_explorers_made)
    counter = itertools.count()
    previous = widgets.Widget._widget_construction_callback  # one slot; put back afterwards

    def name_model(widget: widgets.Widget) -> None:
        if widget.comm is None and widget._model_id is None:
            widget._model_id = uuid.uuid5(_NAMESPACE, f"{name}/{number}/{next(counter)}").hex
        if callable(previous):
            previous(widget)

    widgets.Widget.on_widget_constructed(name_model)
    try:
        yield
    finally:
        widgets.Widget.on_widget_constructed(previous)


# --------------------------------------------------------------------------- rendering


def figure_html(fig: Figure, alt: str) -> str:
    """``fig`` as an ``<img>`` with alt text: SVG in a data URI, no date (deterministic)."""
    buffer = io.BytesIO()
    # The house hash salt even where use_house_style() was not called (the seminar app), so
    # the SVG's clip-path ids, and with them the embedded widget state, never vary.
    with mpl.rc_context({"svg.hashsalt": HOUSE_RC["svg.hashsalt"]}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img class="explorer-figure" alt="{html.escape(alt)}" src="data:image/svg+xml;base64,{data}">'


def table_html(table: pd.DataFrame) -> str:
    """``table`` as a plain HTML table (no border attribute, empty cells for NA).

    Tables of numbers keep pandas' ``dataframe`` class (right-aligned headers); tables of
    text are left-aligned, as their columns are read.
    """
    numeric = all(pd.api.types.is_numeric_dtype(dtype) for dtype in table.dtypes)
    markup = table.to_html(border=0, classes="explorer-table", na_rep="", escape=True, justify="right" if numeric else "left")
    return markup if numeric else _without_dataframe_class(markup)


def _without_dataframe_class(markup: str) -> str:
    # pandas always adds class "dataframe", whose page-wide CSS right-aligns every header.
    return markup.replace('<table class="dataframe explorer-table">', '<table class="explorer-table">', 1)


def _output(text_html: str, text_plain: str) -> dict:
    return {"output_type": "display_data", "data": {"text/html": text_html, "text/plain": text_plain}, "metadata": {}}


@dataclass
class View:
    """What an explorer shows for one set of control values."""

    summary: str
    result: pd.DataFrame
    figure: Figure | None = None
    figure_alt: str = ""
    table: pd.DataFrame | None = None
    table_note: str = ""
    table_markup: str = ""  # the table as HTML, when a plain DataFrame table does not fit

    def table_html(self) -> str:
        note = f"<p>{html.escape(self.table_note)}</p>" if self.table_note else ""
        return note + (self.table_markup or table_html(self.table))

    def outputs(self) -> list[dict]:
        """Jupyter display outputs of the figure and the table, in that order."""
        shown = []
        if self.figure is not None:
            shown.append(_output(figure_html(self.figure, self.figure_alt), self.figure_alt))
        if self.table is not None:
            shown.append(_output(self.table_html(), self.table.to_string()))
        return shown


@dataclass
class Explorer:
    """An explorer: named controls, the box that shows them with the result, its default view.

    ``compute`` maps the controls' current values (by name) to a :class:`View`; the explorer
    observes every control and shows the new view when one changes. ``view`` is the view
    shown now, ``default_view`` the one for the values the explorer started with.
    """

    name: str
    controls: dict[str, widgets.DOMWidget]
    compute: Callable[..., View]
    show_static: bool = True
    static_caption: str = ""
    extra: list[widgets.DOMWidget] = field(default_factory=list)

    def __post_init__(self) -> None:
        with stable_model_ids(self.name):
            self.summary = widgets.HTML()
            self.output = widgets.Output()
            row = widgets.HBox(
                [*self.controls.values(), *self.extra],
                layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"),
            )
            for control in row.children:  # room between controls when the row wraps
                control.layout.margin = "0 1.5rem 0.5rem 0"
            self.box = widgets.VBox([row, self.summary, self.output], layout=widgets.Layout(width="100%"))
            self.box.add_class("companion-explorer")
        for control in self.controls.values():
            control.observe(self.update, names="value")
        self.view: View = self.compute(**self.values())
        self.default_view = self.view
        self._show(self.view)

    def values(self) -> dict[str, Any]:
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self, change: dict | None = None) -> None:
        """Recompute the view from the controls and show it (the controls' observer)."""
        self.view = self.compute(**self.values())
        self._show(self.view)

    def _show(self, view: View) -> None:
        self.summary.value = f'<p class="explorer-summary">{view.summary}</p>'
        # Setting the Output's state (not capturing prints) works the same in a live kernel,
        # under nbclient at build time and in Voilà.
        self.output.outputs = tuple(view.outputs())

    def static_html(self) -> str:
        """The default view as plain HTML with a caption, for readers without a kernel."""
        view = self.default_view
        # A plain paragraph, not a <figcaption>: the theme greys captions, which fails contrast
        # on the light background of a cell output in dark mode.
        caption = f'<p class="explorer-static-caption"><em>{html.escape(self.static_caption)} {html.escape(KERNEL_NOTE)}</em></p>'
        body = ""
        if view.figure is not None:
            body += figure_html(view.figure, view.figure_alt)
        elif view.table is not None:
            body += view.table_html()
        return f'<div class="explorer-static">{body}{caption}</div>'

    def _ipython_display_(self) -> None:
        display(self.box)
        if self.show_static:
            display(HTML(self.static_html()))


def _described(control: widgets.DOMWidget, tooltip: str) -> widgets.DOMWidget:
    """``control`` with a tooltip and a label wide enough to show its whole description."""
    control.tooltip = tooltip
    control.style.description_width = "initial"
    return control


# --------------------------------------------------------------------------- timeline


def timeline_explorer(events: pd.DataFrame, flags: pd.DataFrame | None = None, *, show_static: bool = True) -> Explorer:
    """Filter ``events`` by partner, category and years; the figure and the table follow.

    ``events`` is ``load().events`` (rows that refine another row are dropped here, so each
    event counts once) and ``flags`` is ``load().flags`` (optional: flagged rows say so).
    """
    dated = explorers.timeline_events(events) if "refines_id" in events.columns else events
    first, last = explorers.year_span(dated)
    partners = explorers.partners_in(dated)
    categories = explorers.categories_in(dated)
    with stable_model_ids("timeline-controls"):
        controls = {
            "partners": _described(
                widgets.SelectMultiple(options=partners, value=tuple(partners), rows=min(len(partners), 7), description="Partners"),
                "Partners whose events are shown; Ctrl or Shift with a click (or arrow keys) selects several",
            ),
            "categories": _described(
                widgets.SelectMultiple(options=categories, value=tuple(categories), rows=min(len(categories), 7), description="Categories"),
                "Kinds of event shown; Ctrl or Shift with a click (or arrow keys) selects several",
            ),
            "years": _described(
                widgets.IntRangeSlider(min=first, max=last, value=(first, last), step=1, continuous_update=False, description="Years"),
                "First and last year shown; an event spanning several years shows if any of them is in range",
            ),
        }

    def compute(partners: tuple[str, ...], categories: tuple[str, ...], years: tuple[int, int]) -> View:
        chosen = explorers.filter_events(dated, partners, categories, years)
        # The outside dates stay in the book's full table; this one must fit beside the controls.
        table = explorers.timeline_table(chosen, flags).drop(columns="outside date", errors="ignore")
        note = ""
        if len(table) > MAX_TABLE_ROWS:
            note = f"The first {MAX_TABLE_ROWS} of {len(table)} events; narrow the selection to list the others."
            table = table.head(MAX_TABLE_ROWS)
        span = f"from {years[0]} to {years[1]}" if years[0] != years[1] else f"in {years[0]}"
        return View(
            summary=f"<b>{len(chosen)}</b> of {len(dated)} dated events {span}.",
            result=chosen,
            figure=explorers.timeline_figure(chosen),
            figure_alt=explorers.timeline_alt(chosen),
            table=table,
            table_note=note,
        )

    return Explorer(
        "timeline",
        controls,
        compute,
        show_static=show_static,
        static_caption="Every dated event, as the explorer shows it with all partners, categories and years selected.",
    )


# --------------------------------------------------------------------------- partner balance


def partner_balance_explorer(mechanism_counts: pd.DataFrame, *, show_static: bool = True) -> Explorer:
    """Weight the mechanisms of cooperation and compare the partners' scores.

    ``mechanism_counts`` is indexed by partner with one column of counts per mechanism
    (e.g. agreements, exercises, training, equipment, organisations, visits); each column
    gets a weight slider (0 to 5) starting at :data:`companion.explorers.DEFAULT_WEIGHTS`.
    """
    explorers.partner_scores(mechanism_counts)  # fails early, naming any column without a default weight
    with stable_model_ids("balance-controls"):
        controls = {
            column: _described(
                widgets.IntSlider(
                    min=0, max=5, step=1, value=int(explorers.DEFAULT_WEIGHTS[column]),
                    continuous_update=False, description=column.replace("_", " ").capitalize(),
                ),
                f"Weight of {column.replace('_', ' ')}: each coded item adds this many points to its partner's score; 0 leaves {column.replace('_', ' ')} out",
            )
            for column in mechanism_counts.columns
        }
        reset = widgets.Button(description="Default weights", tooltip="Set every weight back to the book's default")

    def restore(_button: widgets.Button) -> None:
        for column, control in controls.items():
            control.value = int(explorers.DEFAULT_WEIGHTS[column])

    reset.on_click(restore)

    def compute(**weights: int) -> View:
        scores = explorers.partner_scores(mechanism_counts, weights)
        # The figure shows each mechanism's contribution; the table gives the counts behind it.
        counts = mechanism_counts.set_axis(mechanism_counts.index.astype(str), axis=0).rename_axis(columns=None)
        table = scores[["score", "share"]].join(counts).rename(columns={"share": "share (%)"})
        if (table["score"] % 1 == 0).all():  # whole weights give whole scores: no ".0"
            table["score"] = table["score"].astype(int)
        shown = [f"{k} × {v}" for k, v in weights.items()]
        leader = scores.index[0] if scores["score"].sum() > 0 else None
        lead = f" Highest score: <b>{html.escape(leader)}</b> ({scores['score'].iloc[0]:g})." if leader else " Every weight is zero."
        return View(
            summary=f"Weights: {html.escape(', '.join(shown))}.{lead}",
            result=scores,
            figure=explorers.balance_figure(scores),
            figure_alt=explorers.balance_alt(scores),
            table=table,
        )

    return Explorer(
        "balance",
        controls,
        compute,
        show_static=show_static,
        static_caption=f"Partners' scores with the default weights. {explorers.default_weights_sentence(mechanism_counts.columns)}",
        extra=[reset],
    )


# --------------------------------------------------------------------------- source comparison


def comparison_html(rows: pd.DataFrame) -> str:
    """A :func:`~companion.explorers.compare_sources` result as one narrow table per article.

    Each statement carries the table and id of the row behind it on a second line, so four
    columns (statement, kind, locator, flag) fit beside the controls and on a phone.
    """
    parts = []
    for article, mine in rows.groupby("article", sort=False):
        shown = pd.DataFrame(
            {
                "statement": [
                    html.escape(text) + (f'<br><code>{html.escape(table)}: {html.escape(row_id)}</code>' if row_id else "")
                    for text, table, row_id in zip(mine["statement"], mine["table"], mine["row_id"])
                ],
                "kind": mine["kind"].map(lambda k: html.escape(k.replace("_", " "))),
                "locator": mine["locator"].map(html.escape),
                "flag": mine["flag"].map(html.escape),
            }
        )
        parts.append(f"<p><strong>{html.escape(article)}</strong></p>")
        parts.append(_without_dataframe_class(shown.to_html(border=0, classes="explorer-table", index=False, escape=False, justify="left")))
    return "\n".join(parts)


def source_comparison_explorer(data: SimpleNamespace, *, show_static: bool = True, topic: str = "multi-vector") -> Explorer:
    """Pick a topic and see how each article treats it, with the rows behind each statement.

    ``data`` is :func:`companion.load`'s namespace; the topics are
    :data:`companion.explorers.TOPICS`, ``topic`` the one shown first.
    """
    explorers.get_topic(topic)  # an unknown starting topic fails here, with the known ones listed
    with stable_model_ids("comparison-controls"):
        controls = {
            "topic": _described(
                widgets.Dropdown(options=[(t.label, key) for key, t in explorers.TOPICS.items()], value=topic, description="Topic"),
                "Topic to compare: the rows of each article about it are listed below",
            )
        }

    def compute(topic: str) -> View:
        rows = explorers.compare_sources(data, topic)
        counts = explorers.comparison_counts(rows)
        per_article = "; ".join(f"{article}: {int(n)} row{'s' if n != 1 else ''}" for article, n in counts["total"].items())
        question = explorers.TOPICS[topic].question
        return View(
            summary=f"<b>{html.escape(question)}</b> {html.escape(per_article)}.",
            result=rows,
            table=rows.set_index("article"),
            table_markup=comparison_html(rows),
        )

    label = explorers.TOPICS[topic].label
    return Explorer(
        "comparison",
        controls,
        compute,
        show_static=show_static,
        static_caption=f"How each article treats the topic '{label}': the rows behind each statement.",
    )
