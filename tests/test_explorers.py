"""The explorers' pure functions (companion.explorers) and their widget wiring (companion.widgets).

Everything here runs without a kernel: the functions on the real data package and on small
frames built in the test, the widgets with ipywidgets' stand-in comm.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from types import SimpleNamespace

import ipywidgets as widgets
import pandas as pd
import pytest
from conftest import ROOT

from companion import explorers as ex
from companion import load
from companion import widgets as ui
from companion.data import ARTICLE_KEYS

# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def data() -> SimpleNamespace:
    return load()


@pytest.fixture(scope="module")
def dated(data) -> pd.DataFrame:
    return ex.timeline_events(data.events)


def small_events() -> pd.DataFrame:
    """Five events with the loader's columns, one a two-year range, one refining another."""
    rows = [
        ("a", "2003", "2004", "year", "visit", "NATO", None, "nurgaliev2007"),
        ("b", "2005-03", None, "month", "exercise", "United States", None, "nurgaliev2007"),
        ("c", "2005-07-01", None, "day", "delivery", "United States", None, "nurgaliev2007"),
        ("d", "2004-12", None, "month", "visit", "Russia", None, "edm2004kazakhstan"),
        ("d-outside", "2004-12-11", None, "day", "visit", "Russia", "d", "mironov2004trip"),
    ]
    frame = pd.DataFrame(rows, columns=["id", "date", "date_end", "date_precision", "category", "partner", "refines_id", "source"])
    frame["title"] = "Event " + frame["id"]
    frame["description"] = ""

    def period(value: str) -> pd.Period:
        return pd.Period(value, freq={4: "Y", 7: "M", 10: "D"}[len(value)])

    frame["start"] = [period(row[1]).start_time.normalize() for row in rows]
    frame["end"] = [period(row[2] or row[1]).end_time.normalize() for row in rows]
    frame["year"] = frame["start"].dt.year.astype("Int64")
    return frame


def small_counts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "agreements": [2, 1, 0],
            "organisations": [0, 2, 1],
            "exercises": [3, 0, 0],
            "training": [1, 0, 0],
            "equipment": [2, 0, 0],
            "visits": [10, 2, 1],
        },
        index=["United States", "Russia", "China"],
    )


def real_counts(dated: pd.DataFrame) -> pd.DataFrame:
    """Mechanism counts per partner from the real events (categories standing for mechanisms)."""
    by_category = {
        "agreements": "agreement",
        "organisations": "membership",
        "exercises": "exercise",
        "training": "training",
        "equipment": "delivery",
        "visits": "visit",
    }
    counts = {m: dated[dated["category"].astype(str) == c].groupby(dated["partner"].astype(str)).size() for m, c in by_category.items()}
    return pd.DataFrame(counts).fillna(0).astype(int)


# --------------------------------------------------------------------------- timeline


def test_timeline_counts_each_event_once_and_keeps_the_outside_date(data, dated):
    events = data.events
    assert dated["id"].is_unique
    assert dated["refines_id"].isna().all()
    assert len(dated) == int(events["refines_id"].isna().sum())
    refining = events[events["refines_id"].notna()]
    assert len(refining) > 0, "the real data has rows that refine article rows"
    by_id = dated.set_index("id")
    for _, row in refining.iterrows():
        assert by_id.loc[row["refines_id"], "outside_date"] == row["date"]
        assert by_id.loc[row["refines_id"], "outside_source"] == row["source"]
    assert list(dated["start"]) == sorted(dated["start"])


def test_timeline_on_a_small_frame_drops_the_refining_row():
    dated = ex.timeline_events(small_events())
    assert list(dated["id"]) == ["a", "d", "b", "c"]
    assert dated.set_index("id").loc["d", "outside_date"] == "2004-12-11"
    assert pd.isna(dated.set_index("id").loc["a", "outside_date"])


def test_filter_by_partner_keeps_only_that_partner():
    chosen = ex.filter_events(small_events(), partners=["United States"])
    assert list(chosen["id"]) == ["b", "c"]


def test_filter_by_category_and_partner_combine():
    chosen = ex.filter_events(small_events(), partners=["United States", "Russia"], categories=["visit"])
    assert list(chosen["id"]) == ["d", "d-outside"]


def test_year_range_keeps_events_whose_period_overlaps_it():
    events = small_events()
    assert "a" in set(ex.filter_events(events, years=(2004, 2004))["id"])  # "2003-2004" touches 2004
    assert "a" not in set(ex.filter_events(events, years=(2005, 2006))["id"])
    assert list(ex.filter_events(events, years=(2005, 2005))["id"]) == ["b", "c"]


def test_none_selects_everything_and_an_empty_list_nothing():
    events = small_events()
    assert len(ex.filter_events(events)) == len(events)
    assert ex.filter_events(events, partners=[]).empty
    assert ex.filter_events(events, categories=[]).empty


def test_each_filter_narrows_the_real_events(dated):
    everything = ex.filter_events(dated)
    nato = ex.filter_events(dated, partners=["NATO"])
    nato_visits = ex.filter_events(dated, partners=["NATO"], categories=["visit"])
    nato_visits_2005 = ex.filter_events(dated, partners=["NATO"], categories=["visit"], years=(2005, 2005))
    assert len(everything) > len(nato) > len(nato_visits) > len(nato_visits_2005) > 0
    assert set(nato["partner"].astype(str)) == {"NATO"}
    assert set(nato_visits["category"].astype(str)) == {"visit"}
    assert ((nato_visits_2005["start"].dt.year <= 2005) & (nato_visits_2005["end"].dt.year >= 2005)).all()


def test_unknown_partner_or_category_and_reversed_years_are_rejected(dated):
    with pytest.raises(ValueError, match=r"unknown partner.*'Atlantis'.*United States"):
        ex.filter_events(dated, partners=["Atlantis"])
    with pytest.raises(ValueError, match=r"unknown categor.*'parade'"):
        ex.filter_events(dated, categories=["parade"])
    with pytest.raises(ValueError, match="ends before it starts"):
        ex.filter_events(dated, years=(2006, 2003))


def test_a_partner_of_the_vocabulary_without_events_gives_an_empty_selection(dated):
    absent = [p for p in dated["partner"].cat.categories if p not in set(dated["partner"].astype(str))]
    assert absent, "the schema lists partners the events do not use"
    assert ex.filter_events(dated, partners=absent[:1]).empty


def test_timeline_table_carries_every_flag_raised_on_an_event(data, dated):
    table = ex.timeline_table(dated, data.flags)
    flags = data.flags[(data.flags["table"] == "events") & data.flags["row_id"].isin(dated["id"])]
    assert len(table) == len(dated)
    assert int((table["flag"] != "").sum()) == flags["row_id"].nunique() > 0
    listed = {kind for cell in table["flag"] for kind in cell.split(", ") if kind}
    assert listed == set(flags["kind"].astype(str))


def test_timeline_table_plain_keeps_keys_and_compact_fits_a_page(dated):
    plain = ex.timeline_table(dated)
    compact = ex.timeline_table(dated, compact=True)
    assert list(plain["source"]) == list(dated["source"])
    assert plain["outside date"].ne("").sum() == dated["outside_date"].notna().sum()
    articles = dated["source"].isin(ARTICLE_KEYS).to_numpy()
    assert set(compact["source"][articles]) == set(ex.ARTICLE_SHORT.values())
    # outside-only events (none since the context layer holds background facts) read "outside source"
    assert set(compact["source"][~articles]) <= {ex.OUTSIDE_SHORT}
    assert "outside date" not in compact.columns
    assert compact.index.str.contains(ex.OUTSIDE_SHORT, regex=False).sum() == dated["outside_date"].notna().sum()


def test_outside_sources_are_cited_once_each(dated):
    keys = ex.outside_sources(dated)
    assert not set(keys) & set(ARTICLE_KEYS)
    assert set(dated["outside_source"].dropna()) <= set(keys)
    assert set(dated.loc[~dated["source"].isin(ARTICLE_KEYS), "source"]) <= set(keys)
    assert ex.cite(keys) == "{cite:p}`" + ",".join(keys) + "`"
    assert ex.cite([]) == ""


def test_timeline_figure_has_a_row_per_event_when_few_and_a_lane_per_partner_when_many(dated):
    few = ex.filter_events(dated, partners=["Russia", "China"])
    fig = ex.timeline_figure(few)
    assert len(fig.axes[0].get_yticks()) == len(few)
    many = ex.timeline_figure(dated)
    labels = [t.get_text() for t in many.axes[0].get_yticklabels()]
    assert labels == ex.partners_in(dated)
    empty = ex.timeline_figure(dated.iloc[:0])
    assert "No event matches" in " ".join(t.get_text() for t in empty.axes[0].texts)


def _legend_texts(fig) -> list[str]:
    return [t.get_text() for legend in fig.legends for t in legend.get_texts()]


def _hatched(fig) -> int:
    return sum(1 for patch in fig.axes[0].patches if patch.get_hatch())


def test_context_events_draw_one_mark_per_fact_and_date_within_the_period(data):
    context = ex.context_events(data.context)
    jump = context[context["context_ids"].str.contains("ctx-04-3")].iloc[0]
    # three reports of the CENTRASBAT jump of 15 September 1997: one event, every source kept
    assert jump["context_ids"].split() == ["ctx-04-3", "ctx-04-4", "ctx-04-5"]
    assert len(jump["context_sources"].split()) == 3 and jump["date"] == "1997-09-15"
    drawn = {i for ids in context["context_ids"] for i in ids.split()}
    undated = set(data.context.loc[data.context["start"].isna(), "id"])
    before = set(data.context.loc[data.context["start"].dt.year < ex.CONTEXT_FIRST_YEAR, "id"])
    assert undated and before and not drawn & (undated | before)
    assert drawn | undated | before == set(data.context["id"])  # every other row is drawn
    vocabulary = data.events["partner"].cat.categories
    assert context["partner"].isin(vocabulary).all()
    assert context["category"].isin(data.events["category"].cat.categories).all()


def test_timeline_figure_tells_context_events_from_article_events(data, dated):
    articles_only = dated[dated["source"].isin(ARTICLE_KEYS)]
    plain = ex.timeline_figure(articles_only)
    assert ex.CONTEXT_LABEL not in _legend_texts(plain) and _hatched(plain) == 0
    combined = ex.with_context(dated, data.context)
    both = ex.timeline_figure(combined)
    assert ex.CONTEXT_LABEL in _legend_texts(both) and ex.ARTICLE_LABEL in _legend_texts(both)
    year_or_month = ex.is_context(combined) & combined["date_precision"].isin(["year", "month"])
    assert _hatched(both) >= year_or_month.sum()
    alt = ex.timeline_alt(combined)
    assert f"{int(ex.is_context(combined).sum())} are context events" in alt


def test_timeline_table_carries_the_flags_of_context_rows(data, dated):
    combined = ex.with_context(dated, data.context)
    table = ex.timeline_table(combined, data.flags).reset_index()
    arizona = combined["context_ids"].fillna("").str.contains("ctx-05-1")
    flagged = data.flags.set_index("row_id").loc["ctx-05-1", "kind"]
    assert flagged in table.loc[arizona.to_numpy(), "flag"].iloc[0]
    assert set(ex.outside_sources(combined)) >= set(
        data.context.loc[data.context["id"].isin(["ctx-04-3", "ctx-04-4", "ctx-04-5"]), "source"]
    )


def test_timeline_alt_text_counts_what_the_figure_shows(dated):
    chosen = ex.filter_events(dated, partners=["NATO"])
    assert f"Timeline of {len(chosen)} events" in ex.timeline_alt(chosen)
    assert "NATO" in ex.timeline_alt(chosen) and "Russia" not in ex.timeline_alt(chosen)


# --------------------------------------------------------------------------- partner balance


def test_default_weights_cover_every_mechanism_each_with_a_reason():
    assert set(ex.DEFAULT_WEIGHTS) == set(ex.MECHANISMS) == set(ex.WEIGHT_REASONS)
    assert all(w > 0 for w in ex.DEFAULT_WEIGHTS.values())
    table = ex.default_weights_table()
    assert table["weight"].to_dict() == {m: int(w) for m, w in ex.DEFAULT_WEIGHTS.items()}
    assert table["why"].str.len().min() > 20
    sentence = ex.default_weights_sentence()
    for mechanism, weight in ex.DEFAULT_WEIGHTS.items():
        assert re.search(rf"\b{mechanism}\b[^;]* {weight:g}\b", sentence), mechanism


def test_scores_are_weighted_sums_with_shares_highest_first():
    counts = small_counts()
    scores = ex.partner_scores(counts)
    expected = {p: sum(counts.loc[p, m] * ex.DEFAULT_WEIGHTS[m] for m in counts.columns) for p in counts.index}
    assert scores["score"].to_dict() == pytest.approx(expected)
    assert list(scores.index) == sorted(expected, key=lambda p: -expected[p])
    assert scores["share"].sum() == pytest.approx(100, abs=0.2)


def test_changing_a_weight_changes_the_scores_by_weight_times_count():
    counts = small_counts()
    base = ex.partner_scores(counts)
    heavier = ex.partner_scores(counts, {**ex.DEFAULT_WEIGHTS, "visits": ex.DEFAULT_WEIGHTS["visits"] + 2})
    for partner in counts.index:
        assert heavier.loc[partner, "score"] - base.loc[partner, "score"] == pytest.approx(2 * counts.loc[partner, "visits"])


def test_weights_can_reverse_the_ranking():
    counts = small_counts()
    assert ex.partner_scores(counts).index[0] == "United States"
    only_organisations = {m: 0 for m in counts.columns} | {"organisations": 1}
    assert ex.partner_scores(counts, only_organisations).index[0] == "Russia"


def test_a_zero_weight_drops_a_mechanism_and_all_zero_weights_score_nothing():
    counts = small_counts()
    without_visits = ex.partner_scores(counts, {**ex.DEFAULT_WEIGHTS, "visits": 0})
    assert (without_visits["visits"] == 0).all()
    assert without_visits["score"].to_dict() == pytest.approx(
        ex.partner_scores(counts.drop(columns="visits"), {k: v for k, v in ex.DEFAULT_WEIGHTS.items() if k != "visits"})["score"].to_dict()
    )
    zero = ex.partner_scores(counts, {m: 0 for m in counts.columns})
    assert (zero["score"] == 0).all() and (zero["share"] == 0).all()
    assert list(zero.index) == sorted(counts.index)  # ties fall back to the partner's name
    fig = ex.balance_figure(zero)
    assert "Every weight is zero" in " ".join(t.get_text() for t in fig.axes[0].texts)


def test_bad_weights_and_counts_are_rejected_with_the_column_named():
    counts = small_counts()
    with pytest.raises(ValueError, match=r"no weight for mechanism\(s\) \['visits'\]"):
        ex.partner_scores(counts, {k: v for k, v in ex.DEFAULT_WEIGHTS.items() if k != "visits"})
    with pytest.raises(ValueError, match=r"unknown mechanism\(s\) \['parades'\]"):
        ex.partner_scores(counts, {**ex.DEFAULT_WEIGHTS, "parades": 1})
    with pytest.raises(ValueError, match="'visits' is -1"):
        ex.partner_scores(counts, {**ex.DEFAULT_WEIGHTS, "visits": -1})
    with pytest.raises(ValueError, match="'visits' is 'many', not a number"):
        ex.partner_scores(counts, {**ex.DEFAULT_WEIGHTS, "visits": "many"})
    with pytest.raises(ValueError, match="column 'visits' must hold counts"):
        ex.partner_scores(counts.assign(visits=[1, -2, 0]))
    with pytest.raises(ValueError, match=r"no weight for mechanism\(s\) \['meetings'\] in DEFAULT_WEIGHTS"):
        ex.partner_scores(counts.assign(meetings=1))


def test_balance_on_the_real_data_and_its_figure(dated):
    counts = real_counts(dated)
    scores = ex.partner_scores(counts)
    assert scores["score"].sum() > 0
    assert set(scores.index) == set(counts.index)
    fig = ex.balance_figure(scores)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == list(scores.index)[::-1]  # highest score on top
    assert scores.index[0] in ex.balance_alt(scores)


# --------------------------------------------------------------------------- source comparison


def test_unknown_topic_is_rejected_with_the_known_ones_listed(data):
    with pytest.raises(ValueError, match=r"unknown topic 'weather'.*karaganda-hangar"):
        ex.compare_sources(data, "weather")


@pytest.mark.parametrize("topic", sorted(ex.TOPICS))
def test_every_topic_lists_real_rows_of_each_article_or_says_it_is_silent(data, topic):
    rows = ex.compare_sources(data, topic)
    assert list(rows.columns) == ex.COMPARISON_COLUMNS
    labels = [ex.ARTICLE_LABELS[k] for k in ARTICLE_KEYS]
    assert set(rows["article"]) == set(labels)
    assert list(rows["article"]) == sorted(rows["article"], key=labels.index)
    real = rows[rows["row_id"] != ""]
    assert not real.empty
    for _, row in real.iterrows():
        table = getattr(data, row["table"]).set_index("id")
        assert ex.ARTICLE_LABELS[table.loc[row["row_id"], "source"]] == row["article"]
        assert table.loc[row["row_id"], "locator"] == row["locator"]
    for label in labels:
        placeholders = rows[(rows["article"] == label) & (rows["row_id"] == "")]
        assert len(placeholders) == (0 if (real["article"] == label).any() else 1)


def test_the_hangar_topic_shows_the_flagged_area_from_the_edm_only(data):
    rows = ex.compare_sources(data, "karaganda-hangar")
    area = data.flags[data.flags["kind"] == "implausible"]
    assert not area.empty
    shown = rows.set_index("row_id")
    for row_id in area["row_id"]:
        assert "implausible" in shown.loc[row_id, "flag"]
    edm = ex.ARTICLE_LABELS["edm2004kazakhstan"]
    assert (rows.loc[rows["row_id"] != "", "article"] == edm).all()


def test_topic_rules_on_small_frames():
    arguments = pd.DataFrame(
        {
            "id": ["x1", "x2", "x3", "x4"],
            "kind": ["assessment", "assessment", "threat", "assessment"],
            "holder": ["author", "Russia", "author", "author"],
            "statement": ["Moscow is wary.", "Mironov speaks.", "Drugs cross the border.", "Russia again."],
            "source": ["nurgaliev2007", "edm2004kazakhstan", "edm2004kazakhstan", "someoutsidekey"],
            "locator": ["Introduction, para 1", "Text, para 4", "Text, para 5", "§3"],
        }
    )
    events = small_events().assign(locator="Text, para 2")
    flags = pd.DataFrame({"table": ["arguments"], "row_id": ["x1"], "kind": ["unverified"]})
    rows = ex.compare_sources(SimpleNamespace(arguments=arguments, events=events, flags=flags), "russia")
    assert list(rows["row_id"]) == ["x1", "x2", "d"]  # pattern, holder, event partner; outside rows left out
    assert rows.set_index("row_id").loc["x1", "flag"] == "unverified"
    china = ex.compare_sources(SimpleNamespace(arguments=arguments, events=events, flags=flags), "china")
    assert list(china["row_id"]) == ["", ""] and china["statement"].str.startswith("No coded row").all()
    counts = ex.comparison_counts(rows)
    assert counts["total"].to_dict() == {"Nurgaliev (2007)": 1, "Eurasia Daily Monitor (2004)": 2}


def test_with_flags_joins_every_kind_and_leaves_other_rows_empty():
    frame = pd.DataFrame({"id": ["a", "b", "c"]})
    flags = pd.DataFrame({"table": ["events", "events", "claims"], "row_id": ["a", "a", "b"], "kind": ["typo", "contradicted", "typo"]})
    assert ex.with_flags(frame, flags, "events")["flag"].tolist() == ["contradicted, typo", "", ""]
    assert ex.with_flags(frame, None, "events")["flag"].tolist() == ["", "", ""]


# --------------------------------------------------------------------------- widgets


@pytest.fixture(scope="module")
def explorers_made(data, dated):
    return {
        "timeline": ui.timeline_explorer(data.events, data.flags),
        "balance": ui.partner_balance_explorer(real_counts(dated)),
        "comparison": ui.source_comparison_explorer(data),
    }


def all_widgets(widget: widgets.Widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from all_widgets(child)


@pytest.mark.parametrize("name", ["timeline", "balance", "comparison"])
def test_every_control_has_a_description_and_a_tooltip(explorers_made, name):
    explorer = explorers_made[name]
    controls = [
        w
        for w in all_widgets(explorer.box)
        if isinstance(w, (widgets.ValueWidget, widgets.Button)) and not isinstance(w, (widgets.HTML, widgets.Label))
    ]
    assert controls and set(map(id, explorer.controls.values())) <= set(map(id, controls))
    for control in controls:
        assert control.description.strip(), f"{type(control).__name__} of the {name} explorer has no description"
        assert control.tooltip and len(control.tooltip) > len(control.description), f"{control.description!r} needs a longer tooltip"


def test_timeline_explorer_follows_its_controls(explorers_made, dated):
    explorer = explorers_made["timeline"]
    assert len(explorer.view.result) == len(dated)
    explorer.controls["partners"].value = ("Russia",)
    assert set(explorer.view.result["partner"].astype(str)) == {"Russia"}
    assert f"<b>{len(explorer.view.result)}</b> of {len(dated)}" in explorer.summary.value
    explorer.controls["partners"].value = tuple(explorer.controls["partners"].options)
    explorer.controls["years"].value = (2005, 2005)
    assert ((explorer.view.result["start"].dt.year <= 2005) & (explorer.view.result["end"].dt.year >= 2005)).all()
    assert len(explorer.default_view.result) == len(dated)  # the static view stays the default


def test_explorer_output_holds_a_figure_with_alt_text_and_a_short_table(explorers_made):
    outputs = explorers_made["timeline"].default_view.outputs()
    figure, table = (o["data"]["text/html"] for o in outputs)
    assert re.search(
        r'<img class="explorer-figure" style="max-width: 100%; height: auto" alt="Timeline of \d+ events[^"]*" src="data:image/svg\+xml;base64,',
        figure,
    )
    assert table.count("<tr>") <= ui.MAX_TABLE_ROWS + 2 and "The first 20 of" in table
    static = explorers_made["timeline"].static_html()
    assert static.startswith('<div class="explorer-static"><img') and "explorer-static-caption" in static


def test_balance_explorer_follows_its_sliders_and_resets(explorers_made):
    explorer = explorers_made["balance"]
    default = explorer.view.result["score"].copy()
    explorer.controls["visits"].value = 0
    assert (explorer.view.result["visits"] == 0).all()
    assert not explorer.view.result["score"].equals(default)
    reset = next(w for w in all_widgets(explorer.box) if isinstance(w, widgets.Button))
    reset.click()
    assert explorer.view.result["score"].sort_index().equals(default.sort_index())
    assert ex.default_weights_sentence() in explorer.static_html().replace("&#x27;", "'")  # the book states its weights


def test_balance_explorer_rejects_a_mechanism_without_default_weight(dated):
    with pytest.raises(ValueError, match="meetings"):
        ui.partner_balance_explorer(real_counts(dated).assign(meetings=1))


def test_comparison_explorer_follows_its_topic(explorers_made, data):
    explorer = explorers_made["comparison"]
    explorer.controls["topic"].value = "karaganda-hangar"
    assert explorer.view.result.equals(ex.compare_sources(data, "karaganda-hangar"))
    assert ex.TOPICS["karaganda-hangar"].question in explorer.summary.value
    with pytest.raises(ValueError, match="unknown topic"):
        ui.source_comparison_explorer(data, topic="weather")


def test_widget_ids_are_unique_and_stable_across_runs():
    script = (
        "import pandas as pd\n"
        "from ipywidgets.widgets.widget import _instances\n"
        "from companion.widgets import partner_balance_explorer\n"
        "counts = pd.DataFrame({'visits': [3, 1], 'agreements': [1, 2]}, index=['NATO', 'Russia'])\n"
        "made = [partner_balance_explorer(counts) for _ in range(2)]  # twice: ids must not clash\n"
        "made += [partner_balance_explorer(counts, live=False) for _ in range(2)]  # the static version too\n"
        "print(' '.join(_instances))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    runs = [subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60, env=env) for _ in range(2)]
    for run in runs:
        assert run.returncode == 0, run.stderr
    first, second = (run.stdout.split() for run in runs)
    assert first == second, "widget model ids differ between two runs of the same code"
    assert len(first) == len(set(first)) > 10
    assert all(re.fullmatch(r"[0-9a-f]{32}", model_id) for model_id in first)


def test_comparison_markup_gives_each_article_a_table_naming_the_rows_and_escapes_text(data):
    rows = ex.compare_sources(data, "karaganda-hangar")
    markup = ui.comparison_html(rows)
    assert markup.count("<table") == len(ARTICLE_KEYS)
    for table, row_id in zip(rows["table"], rows["row_id"]):
        if row_id:
            assert f"<code>{table}: {row_id}</code>" in markup
    hostile = rows.head(1).assign(statement="<script>alert(1)</script>")
    assert "<script>" not in ui.comparison_html(hostile) and "&lt;script&gt;" in ui.comparison_html(hostile)
    assert "<a " not in markup, "the seminar app has no data browser to link to"


def test_on_the_book_pages_each_compared_row_links_to_that_row_in_the_data_browser(data):
    rows = ex.compare_sources(data, "karaganda-hangar")
    markup = ui.comparison_html(rows, root="../")
    named = [(table, row_id) for table, row_id in zip(rows["table"], rows["row_id"]) if row_id]
    assert named and markup.count("<a href=") == len(named)
    for table, row_id in named:
        assert f'<a href="../appendix/browse/{table}.html?ids={row_id}" title="Open this {table} row in the data browser">' in markup


def test_figure_markup_is_identical_for_identical_figures(dated):
    chosen = ex.filter_events(dated, partners=["NATO"])
    first = ui.figure_html(ex.timeline_figure(chosen), "alt")
    second = ui.figure_html(ex.timeline_figure(chosen), "alt")
    assert first == second
    assert ui.figure_html(ex.timeline_figure(chosen), 'a "quoted" <alt>').startswith(
        '<img class="explorer-figure" style="max-width: 100%; height: auto" alt="a &quot;quoted&quot; &lt;alt&gt;"'
    )


def test_text_tables_drop_the_right_aligning_dataframe_class_and_number_tables_keep_it(data):
    assert ui.table_html(pd.DataFrame({"title": ["a visit"]})).startswith('<table class="explorer-table">')
    assert ui.table_html(pd.DataFrame({"score": [1.5]})).startswith('<table class="dataframe explorer-table">')
    assert 'class="dataframe' not in ui.comparison_html(ex.compare_sources(data, "china"))


# --------------------------------------------------------------------------- presets (static pages)


def test_origin_keeps_the_articles_events_or_the_context_events():
    events = small_events()
    assert list(ex.filter_events(events, origin="context")["id"]) == ["d-outside"]
    assert "d-outside" not in set(ex.filter_events(events, origin="articles")["id"])
    assert len(ex.filter_events(events, origin="articles")) + 1 == len(events)
    with pytest.raises(ValueError, match=r"unknown origin 'blogs'.*articles"):
        ex.filter_events(events, origin="blogs")


def test_timeline_presets_are_few_named_and_each_selects_what_it_says(dated, data):
    dated = ex.with_context(dated, data.context)  # as the timeline appendix passes them
    presets = ex.timeline_presets(dated)
    assert 3 <= len(presets) <= ex.MAX_PRESETS
    assert len({p.label for p in presets}) == len(presets) and all(p.why for p in presets)
    selections = [ex.filter_events(dated, **p.values) for p in presets]
    assert len(selections[0]) == len(dated)  # the first preset is the default: every event
    assert all(not chosen.empty for chosen in selections)
    assert len({tuple(chosen["id"]) for chosen in selections}) == len(presets), "two presets select the same events"
    by_label = dict(zip((p.label for p in presets), selections))
    assert set(by_label["United States"]["partner"].astype(str)) == {"United States"}
    grouped = set(ex.TOPICS["russia"].partners + ex.TOPICS["china"].partners)
    assert set(by_label["Russia and China"]["partner"].astype(str)) <= grouped
    assert not set(by_label["Context events"]["source"]) & set(ARTICLE_KEYS)


def test_a_timeline_preset_that_selects_nothing_is_left_out():
    only_articles = ex.timeline_events(small_events()).query("source in @ARTICLE_KEYS", local_dict={"ARTICLE_KEYS": list(ARTICLE_KEYS)})
    labels = [p.label for p in ex.timeline_presets(only_articles)]
    assert "Context events" not in labels and "Every event" in labels


def test_balance_presets_weigh_every_mechanism_differently_and_start_with_the_defaults():
    presets = ex.BALANCE_PRESETS
    assert len(presets) <= ex.MAX_PRESETS and all(p.why for p in presets)
    assert presets[0].values == ex.DEFAULT_WEIGHTS
    for preset in presets:
        assert set(preset.values) == set(ex.MECHANISMS)
        assert all(w >= 0 for w in preset.values.values()) and sum(preset.values.values()) > 0
    assert len({tuple(sorted(p.values.items())) for p in presets}) == len(presets)


def test_the_reason_given_for_leaving_out_visits_holds_in_the_data(dated):
    preset = next(p for p in ex.BALANCE_PRESETS if p.values["visits"] == 0 and p.values["agreements"] == ex.DEFAULT_WEIGHTS["agreements"])
    assert "most visits in the data come from Nurgaliev's lists of NATO contacts" in preset.why
    visits = dated[dated["category"].astype(str) == "visit"]
    from_nurgaliev_nato = (visits["source"] == "nurgaliev2007") & (visits["partner"].astype(str) == "NATO")
    assert from_nurgaliev_nato.sum() > len(visits) / 2


def test_comparison_presets_are_the_topics_both_articles_treat_most(data):
    presets = ex.comparison_presets(data)
    chosen = [p.values["topic"] for p in presets]
    assert 1 <= len(chosen) <= ex.MAX_PRESETS
    assert chosen == [key for key in ex.TOPICS if key in chosen]  # the order of TOPICS
    fewer = {key: int(ex.comparison_counts(ex.compare_sources(data, key))["total"].min()) for key in ex.TOPICS}
    assert all(fewer[key] > 0 for key in chosen), "a chosen topic has an article that is silent on it"
    assert min(fewer[key] for key in chosen) >= max((fewer[key] for key in ex.TOPICS if key not in chosen), default=0)
    assert [p.label for p in presets] == [ex.TOPICS[key].label for key in chosen]


LIVE_ONLY = (widgets.SelectMultiple, widgets.IntRangeSlider, widgets.IntSlider, widgets.Button)


@pytest.fixture(scope="module")
def preset_explorers(data, dated):
    return {
        "timeline": ui.timeline_explorer(data.events, data.flags, live=False),
        "balance": ui.partner_balance_explorer(real_counts(dated), live=False),
        "comparison": ui.source_comparison_explorer(data, live=False),
    }


@pytest.mark.parametrize("name", ["timeline", "balance", "comparison"])
def test_preset_explorer_is_a_menu_jslinked_to_a_stack_of_distinct_views(preset_explorers, name):
    explorer = preset_explorers[name]
    assert isinstance(explorer, ui.PresetExplorer)
    assert 1 < len(explorer.presets) <= ex.MAX_PRESETS
    assert list(explorer.menu.options) == [p.label for p in explorer.presets]
    assert explorer.menu.description.strip() and len(explorer.menu.tooltip) > len(explorer.menu.description)
    # The link the browser runs: the menu's index drives the stack's selected_index.
    assert explorer.link.source == (explorer.menu, "index") and explorer.link.target == (explorer.stack, "selected_index")
    assert explorer.menu.index == explorer.stack.selected_index == 0
    pages = [child.value for child in explorer.stack.children]
    assert len(pages) == len(explorer.presets)
    for page, preset, view in zip(pages, explorer.presets, explorer.views):
        assert page.startswith(f'<p class="explorer-preset-why">{html.escape(preset.why)}</p>' if preset.why else "<p class=")
        assert view.summary_html() in page and view.table_html() in page
        assert (view.figure is not None) == ('<img class="explorer-figure"' in page)
        assert '<div class="explorer-table-scroll" role="region" aria-label=' in page and 'tabindex="0"' in page
    assert len(set(pages)) == len(pages), "two presets show the same view"
    drawn = list(all_widgets(explorer.box))
    assert not [type(w).__name__ for w in drawn if isinstance(w, LIVE_ONLY)], "a control that needs a kernel is drawn"
    assert explorer.link not in drawn  # a link is state, not a view


def test_preset_views_come_from_the_same_function_as_the_live_views(data, preset_explorers, dated):
    live, static = ui.timeline_explorer(data.events, data.flags), preset_explorers["timeline"]
    assert static.views[0].result.equals(ex.filter_events(dated))
    us = static.presets[[p.label for p in static.presets].index("United States")]
    live.controls["partners"].value = us.values["partners"]
    assert live.view.result.equals(static.views[static.presets.index(us)].result)
    balance = preset_explorers["balance"]
    assert balance.views[0].result.equals(ex.partner_scores(real_counts(dated)))
    assert "narrow the selection" not in static.views[0].table_note  # no control to narrow it with


def test_preset_static_copy_is_the_first_table_for_readers_without_javascript(preset_explorers):
    for explorer in preset_explorers.values():
        markup = explorer.static_html()
        assert markup.startswith("<noscript>") and markup.endswith("</noscript>")
        assert "<table" in markup and "<img" not in markup and ui.PRESET_NOTE.replace("'", "&#x27;") in markup


def test_explorer_figures_keep_text_as_text_with_a_generic_font(dated):
    import base64

    markup = ui.figure_html(ex.timeline_figure(ex.filter_events(dated, partners=["NATO"])), "alt")
    svg = base64.b64decode(markup.split("base64,", 1)[1]).decode("utf-8")
    assert "<text" in svg and "<dc:date" not in svg
    families = re.findall(r"font-family: ([^;\"]+)", svg)
    assert families and all(f.rstrip().endswith("sans-serif") for f in families)
