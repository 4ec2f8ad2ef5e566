"""The named functions that draw and prepare the figures of four chapters (introduction,
motives, military-technical, NATO): companion.dates, maps, timelines and bars."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from companion.bars import grouped_barh, grouped_bars
from companion.dates import long_date
from companion.maps import label_without_overlap, outer_rings, places_map
from companion.timelines import road_figure, road_label, sipri_deliveries, timeline_figure


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_long_date_is_as_precise_as_the_source():
    assert [long_date("2007-01-11"), long_date("2005-05"), long_date("2004")] == ["11 January 2007", "May 2005", "2004"]
    with pytest.raises(ValueError):
        long_date("2005-5")


def test_outer_rings_of_a_polygon_and_a_multipolygon_drop_holes():
    square = [[0, 0], [1, 0], [1, 1], [0, 0]]
    hole = [[0.2, 0.2], [0.3, 0.2], [0.3, 0.3], [0.2, 0.2]]
    assert outer_rings({"type": "Polygon", "coordinates": [square, hole]}) == [square]
    multi = {"type": "MultiPolygon", "coordinates": [[square, hole], [square]]}
    assert outer_rings(multi) == [square, square]


def test_labels_of_close_points_do_not_overlap():
    fig, ax = plt.subplots()
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    label_without_overlap(ax, [5, 5.05, 5.1], [5, 5.05, 5.1], ["Almaty", "Astana", "Tashkent"])
    renderer = fig.canvas.get_renderer()
    boxes = [text.get_window_extent(renderer) for text in ax.texts]
    assert len(boxes) == 3
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def test_places_map_draws_every_place_within_the_boundaries_extent():
    square = [[40, 30], [90, 30], [90, 58], [40, 30]]
    boundaries = {
        "bbox": [40, 30, 90, 58],
        "features": [
            {"properties": {"iso_a3": "KAZ", "name": "Kazakhstan"}, "geometry": {"type": "Polygon", "coordinates": [square]}},
        ],
    }
    places = pd.DataFrame({"longitude": [76.9, 71.4], "latitude": [43.3, 51.2], "name_as_stated": ["Almaty", "Astana"]})
    ax = places_map(places, boundaries).axes[0]
    assert ax.get_xlim() == (40, 90) and ax.get_ylim() == (30, 58)
    assert len(ax.collections[0].get_offsets()) == 2
    assert {"Almaty", "Astana", "KAZAKHSTAN"} <= {text.get_text() for text in ax.texts}


REGISTER = pd.DataFrame(
    {
        "sipri_deal_id": ["2", "1", "3", "4"],
        "supplier": ["United States", "United States", "Russia", "United States"],
        "designation": ["UH-1H Huey-2", "HMMWV", "Su-27", "UH-1H Huey-2"],
        "delivery_year": [2004, 2004, 2005, 2008],
        "number_delivered": [6, 10, 4, 2],
        "number_delivered_is_estimate": [True, False, False, False],
        "delivery_year_is_estimate": [False, False, False, False],
    }
)


def test_sipri_deliveries_keep_the_supplier_up_to_the_year_as_whole_years():
    rows = sipri_deliveries(REGISTER, "United States", until=2007)
    assert list(rows["title"]) == ["10 HMMWV delivered (SIPRI)", "6 UH-1H Huey-2 delivered (SIPRI estimate)"]
    assert (rows["start"] == pd.Timestamp("2004-01-01")).all() and (rows["end"] == pd.Timestamp("2004-12-31")).all()
    assert set(rows["source"]) == {"sipri_register"} and set(rows["date_precision"]) == {"year"}


def test_timeline_figure_has_one_labelled_lane_per_row_and_the_asked_years():
    timeline = pd.concat(
        [
            pd.DataFrame(
                {
                    "start": [pd.Timestamp("2005-07-01")],
                    "end": [pd.Timestamp("2005-07-01")],
                    "date_precision": ["day"],
                    "partner": ["United States"],
                    "title": ["27 Hummer vehicles delivered"],
                    "source": ["nurgaliev2007"],
                }
            ),
            sipri_deliveries(REGISTER, "United States", until=2007),
        ],
        ignore_index=True,
    )
    ax = timeline_figure(timeline, first_year=2003, last_year=2008).axes[0]
    assert [text.get_text() for text in ax.texts] == list(timeline["title"])
    assert [label.get_text() for label in ax.get_xticklabels()] == [str(y) for y in range(2003, 2009)]
    assert len(ax.patches) == 2  # the two year-long SIPRI bars; the day is a point


ACTORS = {"sembinov": "B. Sembinov", "simmons": "Robert Simmons"}
SIDES = {"sembinov": "Kazakhstan", "simmons": "NATO"}
PLACES = {"brussels": "Brussels"}


def event(**fields) -> pd.Series:
    base = {
        "direction": None,
        "title": "Individual Partnership Action Plan adopted",
        "actor_ids": None,
        "place_id": None,
        "category": "agreement",
    }
    return pd.Series({**base, **fields})


def test_road_label_names_the_traveller_and_the_destination():
    outbound = event(direction="from_kazakhstan", actor_ids="simmons;sembinov", place_id="brussels", category="visit")
    assert road_label(outbound, ACTORS, SIDES, PLACES) == "B. Sembinov → Brussels"
    inbound = event(direction="to_kazakhstan", actor_ids="sembinov;simmons", category="meeting")
    assert road_label(inbound, ACTORS, SIDES, PLACES) == "Robert Simmons → Kazakhstan (meeting)"
    assert road_label(event(), ACTORS, SIDES, PLACES) == "Individual Partnership Action Plan adopted"


def test_road_figure_draws_a_star_for_a_day_and_a_bar_for_a_period():
    events = pd.DataFrame(
        {
            "direction": ["to_kazakhstan", None],
            "date_precision": ["year", "day"],
            "start": pd.to_datetime(["2003-01-01", "2006-01-31"]),
            "end": pd.to_datetime(["2004-12-31", "2006-01-31"]),
        }
    )
    ax = road_figure(events, ["Robert Simmons → Kazakhstan", "IPAP adopted"]).axes[0]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["Robert Simmons → Kazakhstan", "IPAP adopted"]
    assert len(ax.patches) == 1 and len(ax.lines) == 1


def test_grouped_barh_draws_one_bar_per_count_and_refuses_a_third_group():
    counts = pd.DataFrame({"a": [1, 2, 3], "b": [0, 4, 1]}, index=["x", "y", "z"])
    ax = grouped_barh(counts, labels={"a": "A", "b": "B"}, colours={"a": "red", "b": "blue"}, tick_labels=["X", "Y", "Z"], xlabel="n").axes[
        0
    ]
    assert sorted(patch.get_width() for patch in ax.patches) == sorted([1, 2, 3, 0, 4, 1])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["A", "B"]
    with pytest.raises(ValueError):
        grouped_barh(counts.assign(c=1), labels={}, colours={}, tick_labels=[], xlabel="")


def test_grouped_bars_write_each_count_on_its_bar():
    counts = pd.DataFrame({"2004": [5, 0], "2005": [4, 4]}, index=["to", "from"])
    ax = grouped_bars(counts, labels={"to": "To", "from": "From"}, colours={"to": "red", "from": "blue"}, xlabel="year", ylabel="n").axes[0]
    assert sorted(t.get_text() for t in ax.texts) == ["0", "4", "4", "5"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2004", "2005"]
