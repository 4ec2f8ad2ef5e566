"""Thin ipywidgets wiring of the explorers: controls in, :mod:`companion.explorers` does the rest.

Each explorer function has two versions, computed by the same view function:

* ``live=True`` (the default, for Jupyter and the Voilà seminar app) returns an
  :class:`Explorer`: every control (multi-selects, year range, weight sliders, topic menu)
  is observed and a Python kernel recomputes the view when one moves.
* ``live=False`` (for the book's static pages) returns a :class:`PresetExplorer`: a menu
  of at most five named presets (:mod:`companion.explorers`), each view computed at build
  time and held in an ``ipywidgets.Stack`` whose ``selected_index`` is ``jslink``-ed to the
  menu's ``index``. The link runs in the browser, so the menu works in the embedded widget
  state with no kernel; Python callbacks would not (they are lost in a static page).

Displaying either (as a cell's last value) shows its controls and its view (summary,
figure, table), and, unless ``show_static=False``, a static copy of the first view for
readers without JavaScript (inside ``<noscript>`` for the preset version, which needs no
kernel).

Every control carries a ``description`` (its visible label, which names it for screen
readers) and a longer ``tooltip``. Widget model ids are derived from the explorer's name and
the order of creation instead of random uuids, so a rebuilt page embeds identical state.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import re
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
from ipywidgets.widgets.widget_string import HTMLStyle
from matplotlib.figure import Figure

from companion import explorers
from companion.figures import HOUSE_RC
from companion.links import browse_url

#: Rows an explorer's table shows before asking the reader to narrow the selection.
MAX_TABLE_ROWS = 20
KERNEL_NOTE = (
    "The controls respond in a running Python kernel (Jupyter or the seminar app); "
    "in the static book they keep the default view, shown here."
)
PRESET_NOTE = "This is the explorer's first view; its menu of other views needs JavaScript."
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


#: SVG metadata left out of explorer figures: a date would vary, the rest is weight.
_NO_SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
_FONT_FAMILY = re.compile(r"font-family: ([^;\"]+)")


def figure_html(fig: Figure, alt: str) -> str:
    """``fig`` as an ``<img>`` with alt text: SVG in a data URI, no date (deterministic).

    The text stays text (``svg.fonttype: none``) instead of one path per glyph: the figure
    is about half the size, which matters because a static page embeds one figure per
    preset. The fonts end with the generic ``sans-serif`` for readers without DejaVu Sans.
    """
    buffer = io.BytesIO()
    # The house hash salt even where use_house_style() was not called (the seminar app), so
    # the SVG's clip-path ids, and with them the embedded widget state, never vary.
    with mpl.rc_context({"svg.hashsalt": HOUSE_RC["svg.hashsalt"], "svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg", metadata=_NO_SVG_METADATA)
    svg = _FONT_FAMILY.sub(
        lambda m: m.group(0) if m.group(1).rstrip().endswith("sans-serif") else f"{m.group(0)}, sans-serif",
        buffer.getvalue().decode("utf-8"),
    )
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    # Never wider than its box: on a phone the figure shrinks instead of making the view scroll.
    return f'<img class="explorer-figure" style="max-width: 100%; height: auto" alt="{html.escape(alt)}" src="data:image/svg+xml;base64,{data}">'


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

    def summary_html(self) -> str:
        return f'<p class="explorer-summary">{self.summary}</p>'

    def outputs(self) -> list[dict]:
        """Jupyter display outputs of the figure and the table, in that order."""
        shown = []
        if self.figure is not None:
            shown.append(_output(figure_html(self.figure, self.figure_alt), self.figure_alt))
        if self.table is not None:
            shown.append(_output(self.table_html(), self.table.to_string()))
        return shown

    def html(self, why: str = "") -> str:
        """The whole view as one piece of HTML: ``why`` (a preset's reason), summary, figure, table.

        The table scrolls sideways in a region of its own, which a keyboard can reach
        (tab stop) and a screen reader names, instead of widening the view on a phone.
        """
        parts = [f'<p class="explorer-preset-why">{html.escape(why)}</p>'] if why else []
        parts.append(self.summary_html())
        if self.figure is not None:
            parts.append(figure_html(self.figure, self.figure_alt))
        if self.table is not None:
            parts.append(
                '<div class="explorer-table-scroll" role="region" aria-label="Table of this view" tabindex="0" '
                f'style="overflow-x: auto; max-width: 100%">{self.table_html()}</div>'
            )
        return "".join(parts)


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
        self.summary.value = view.summary_html()
        # Setting the Output's state (not capturing prints) works the same in a live kernel,
        # under nbclient at build time and in Voilà.
        self.output.outputs = tuple(view.outputs())

    def static_html(self) -> str:
        """The default view as plain HTML with a caption, for readers without a kernel."""
        return _static_html(self.default_view, f"{self.static_caption} {KERNEL_NOTE}")

    def _ipython_display_(self) -> None:
        display(self.box)
        if self.show_static:
            display(HTML(self.static_html()))


def _static_html(view: View, caption: str) -> str:
    """``view``'s figure (or, without one, its table) as plain HTML, with ``caption`` below."""
    # A plain paragraph, not a <figcaption>: the theme greys captions, which fails contrast
    # on the light background of a cell output in dark mode.
    caption = f'<p class="explorer-static-caption"><em>{html.escape(caption)}</em></p>'
    body = ""
    if view.figure is not None:
        body += figure_html(view.figure, view.figure_alt)
    elif view.table is not None:
        body += view.table_html()
    return f'<div class="explorer-static">{body}{caption}</div>'


@dataclass
class PresetExplorer:
    """An explorer for a page without a kernel: a menu of named presets over pre-computed views.

    Each preset's view is computed here, by the same ``compute`` as the live
    :class:`Explorer`, and rendered as HTML in one child of an ``ipywidgets.Stack``. The
    menu (a Dropdown labelled ``menu_label``) has its ``index`` ``jslink``-ed to the stack's
    ``selected_index``: the widget manager runs that link in the browser, so the menu works
    in a static page's embedded widget state. ``views`` are the views in preset order.
    """

    name: str
    presets: list[explorers.Preset]
    compute: Callable[..., View]
    menu_label: str
    menu_tooltip: str
    show_static: bool = True
    static_caption: str = ""

    def __post_init__(self) -> None:
        if not 1 <= len(self.presets) <= explorers.MAX_PRESETS:
            raise ValueError(f"the {self.name} explorer needs 1 to {explorers.MAX_PRESETS} presets, not {len(self.presets)}")
        self.views: list[View] = [self.compute(**preset.values) for preset in self.presets]
        with stable_model_ids(f"{self.name}-presets"):
            self.menu = _described(
                widgets.Dropdown(options=[preset.label for preset in self.presets], index=0, description=self.menu_label),
                self.menu_tooltip,
            )
            # The pages share one layout and one style: fewer models in the page's widget state.
            # A block, not ipywidgets' flex row: a flex item cannot shrink below its widest
            # content, so the figure and table could not fit a phone's width.
            layout, style = widgets.Layout(width="100%", display="block"), HTMLStyle()
            pages = [widgets.HTML(view.html(preset.why), layout=layout, style=style) for preset, view in zip(self.presets, self.views)]
            self.stack = widgets.Stack(pages, selected_index=0, layout=widgets.Layout(width="100%"))
            self.stack.add_class("explorer-views")
            self.link = widgets.jslink((self.menu, "index"), (self.stack, "selected_index"))
            self.box = widgets.VBox([self.menu, self.stack], layout=widgets.Layout(width="100%"))
            self.box.add_class("companion-explorer")

    @property
    def view(self) -> View:
        """The view the stack shows now."""
        return self.views[self.stack.selected_index or 0]

    def static_html(self) -> str:
        """The first view's summary and table inside ``<noscript>``, for readers without JavaScript.

        The table, not the figure: the figure is already embedded once in the widget state,
        and the table holds the same numbers at a fraction of the weight.
        """
        view = self.views[0]
        caption = f'<p class="explorer-static-caption"><em>{html.escape(f"{self.static_caption} {PRESET_NOTE}")}</em></p>'
        return f'<noscript><div class="explorer-static">{view.summary_html()}{view.table_html()}{caption}</div></noscript>'

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


def timeline_explorer(
    events: pd.DataFrame,
    flags: pd.DataFrame | None = None,
    *,
    context: pd.DataFrame | None = None,
    live: bool = True,
    show_static: bool = True,
) -> Explorer | PresetExplorer:
    """Filter ``events`` by partner, category and years; the figure and the table follow.

    ``events`` is ``load().events`` (rows that refine another row are dropped here, so each
    event counts once) and ``flags`` is ``load().flags`` (optional: flagged rows say so).
    ``context`` is ``load().context``: its facts join the events, marked as context (optional).
    ``live=False`` gives the static page's version: a menu of the presets of
    :func:`companion.explorers.timeline_presets` instead of the controls.
    """
    dated = explorers.timeline_events(events) if "refines_id" in events.columns else events
    if context is not None:  # the context layer's events, as on the timeline page
        dated = explorers.with_context(dated, context)
    first, last = explorers.year_span(dated)

    def compute(
        partners: tuple[str, ...] | None = None,
        categories: tuple[str, ...] | None = None,
        years: tuple[int, int] | None = None,
        origin: str | None = None,
    ) -> View:
        chosen = explorers.filter_events(dated, partners, categories, years, origin)
        # The outside dates stay in the book's full table; this one must fit beside the controls.
        table = explorers.timeline_table(chosen, flags).drop(columns="outside date", errors="ignore")
        # Sources by name, as in the book's full table: a reader sees no bibliography keys.
        table["source"] = table["source"].map(lambda key: explorers.ARTICLE_SHORT.get(key, explorers.OUTSIDE_SHORT))
        note = ""
        if len(table) > MAX_TABLE_ROWS:
            note = f"The first {MAX_TABLE_ROWS} of {len(table)} events" + ("; narrow the selection to list the others." if live else ".")
            table = table.head(MAX_TABLE_ROWS)
        years = years or (first, last)
        span = f"from {years[0]} to {years[1]}" if years[0] != years[1] else f"in {years[0]}"
        return View(
            summary=f"<b>{len(chosen)}</b> of {len(dated)} dated events {span}.",
            result=chosen,
            figure=explorers.timeline_figure(chosen),
            figure_alt=explorers.timeline_alt(chosen),
            table=table,
            table_note=note,
        )

    if not live:
        return PresetExplorer(
            "timeline",
            explorers.timeline_presets(dated),
            compute,
            "Events shown",
            "Choose which events the timeline and the table show; each choice was computed when the book was built",
            show_static=show_static,
            static_caption="Every dated event.",
        )
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

    return Explorer(
        "timeline",
        controls,
        compute,
        show_static=show_static,
        static_caption="Every dated event, as the explorer shows it with all partners, categories and years selected.",
    )


# --------------------------------------------------------------------------- partner balance


def partner_balance_explorer(mechanism_counts: pd.DataFrame, *, live: bool = True, show_static: bool = True) -> Explorer | PresetExplorer:
    """Weight the mechanisms of cooperation and compare the partners' scores.

    ``mechanism_counts`` is indexed by partner with one column of counts per mechanism
    (e.g. agreements, exercises, training, equipment, organisations, visits); each column
    gets a weight slider (0 to 5) starting at :data:`companion.explorers.DEFAULT_WEIGHTS`.
    ``live=False`` gives the static page's version: a menu of the named weightings of
    :data:`companion.explorers.BALANCE_PRESETS` instead of the sliders.
    """
    explorers.partner_scores(mechanism_counts)  # fails early, naming any column without a default weight

    def compute(**weights: int) -> View:
        scores = explorers.partner_scores(mechanism_counts, weights)
        # The figure shows each mechanism's contribution; the table gives the counts behind it.
        counts = mechanism_counts.set_axis(mechanism_counts.index.astype(str), axis=0).rename_axis(columns=None)
        table = scores[["score", "share"]].join(counts).rename(columns={"share": "share (%)"})
        if (table["score"] % 1 == 0).all():  # whole weights give whole scores: no ".0"
            table["score"] = table["score"].astype(int)
        shown = [f"{k} × {v:g}" for k, v in weights.items()]
        leader = scores.index[0] if scores["score"].sum() > 0 else None
        lead = f" Highest score: <b>{html.escape(leader)}</b> ({scores['score'].iloc[0]:g})." if leader else " Every weight is zero."
        return View(
            summary=f"Weights: {html.escape(', '.join(shown))}.{lead}",
            result=scores,
            figure=explorers.balance_figure(scores),
            figure_alt=explorers.balance_alt(scores),
            table=table,
        )

    caption = f"Partners' scores with the default weights. {explorers.default_weights_sentence(mechanism_counts.columns)}"
    if not live:
        presets = [
            explorers.Preset(preset.label, preset.why, {column: preset.values[column] for column in mechanism_counts.columns})
            for preset in explorers.BALANCE_PRESETS
        ]
        return PresetExplorer(
            "balance",
            presets,
            compute,
            "Weights",
            "Choose a weighting of the kinds of tie; each partner's score is the sum of weight × count, computed when the book was built",
            show_static=show_static,
            static_caption=caption,
        )
    with stable_model_ids("balance-controls"):
        controls = {
            column: _described(
                widgets.IntSlider(
                    min=0,
                    max=5,
                    step=1,
                    value=int(explorers.DEFAULT_WEIGHTS[column]),
                    continuous_update=False,
                    description=column.replace("_", " ").capitalize(),
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

    return Explorer("balance", controls, compute, show_static=show_static, static_caption=caption, extra=[reset])


# --------------------------------------------------------------------------- source comparison


def _row_reference(table: str, row_id: str, root: str | None) -> str:
    """``table: id`` in code type; with ``root`` (the page's path to the book's root), a link
    to that one row in the data browser."""
    code = f"<code>{html.escape(table)}: {html.escape(row_id)}</code>"
    if root is None:
        return code
    title = html.escape(f"Open this {table} row in the data browser", quote=True)
    return f'<a href="{html.escape(browse_url(table, [row_id], root=root), quote=True)}" title="{title}">{code}</a>'


def comparison_html(rows: pd.DataFrame, root: str | None = None) -> str:
    """A :func:`~companion.explorers.compare_sources` result as one narrow table per article.

    Each statement carries the table and id of the row behind it on a second line, so four
    columns (statement, kind, locator, flag) fit beside the controls and on a phone. On the
    book's pages (``root`` given: the path from the page to the book's root) that line links
    to the row in the data browser; the seminar app, which has no data browser, shows it as code.
    """
    parts = []
    for article, mine in rows.groupby("article", sort=False):
        shown = pd.DataFrame(
            {
                "statement": [
                    html.escape(text) + (f"<br>{_row_reference(table, row_id, root)}" if row_id else "")
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


def source_comparison_explorer(
    data: SimpleNamespace,
    *,
    live: bool = True,
    show_static: bool = True,
    topic: str = "multi-vector",
    root: str | None = None,
) -> Explorer | PresetExplorer:
    """Pick a topic and see how each article treats it, with the rows behind each statement.

    ``data`` is :func:`companion.data.load`'s namespace; the topics are
    :data:`companion.explorers.TOPICS`, ``topic`` the one shown first. ``live=False`` gives
    the static page's version: a menu of the topics of
    :func:`companion.explorers.comparison_presets` (``topic`` first, added if it is not one).
    ``root``, the path from the page to the book's root (``"../"`` from a chapter), links each
    row to the data browser (see :func:`comparison_html`).
    """
    explorers.get_topic(topic)  # an unknown starting topic fails here, with the known ones listed
    label = explorers.TOPICS[topic].label
    caption = f"How each article treats the topic '{label}': the rows behind each statement."

    def compute(topic: str) -> View:
        rows = explorers.compare_sources(data, topic)
        counts = explorers.comparison_counts(rows)
        per_article = "; ".join(f"{article}: {int(n)} row{'s' if n != 1 else ''}" for article, n in counts["total"].items())
        question = explorers.TOPICS[topic].question
        return View(
            summary=f"<b>{html.escape(question)}</b> {html.escape(per_article)}.",
            result=rows,
            table=rows.set_index("article"),
            table_markup=comparison_html(rows, root),
        )

    if not live:
        others = [p for p in explorers.comparison_presets(data) if p.values["topic"] != topic]
        presets = [explorers.Preset(label, "", {"topic": topic}), *others][: explorers.MAX_PRESETS]
        return PresetExplorer(
            "comparison",
            presets,
            compute,
            "Topic",
            "Topic to compare: the rows of each article about it are listed below, as computed when the book was built",
            show_static=show_static,
            static_caption=caption,
        )
    with stable_model_ids("comparison-controls"):
        controls = {
            "topic": _described(
                widgets.Dropdown(options=[(t.label, key) for key, t in explorers.TOPICS.items()], value=topic, description="Topic"),
                "Topic to compare: the rows of each article about it are listed below",
            )
        }

    return Explorer("comparison", controls, compute, show_static=show_static, static_caption=caption)
