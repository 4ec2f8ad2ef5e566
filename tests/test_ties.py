"""The count of ties (companion.ties), which the Russia/China chapter and the seminar both call."""

from __future__ import annotations

import pandas as pd

from companion import load, ties
from companion.explorers import MECHANISMS


def toy_events() -> pd.DataFrame:
    partner = pd.CategoricalDtype(["Kazakhstan", "United States", "Russia", "China"])
    rows = [
        # id, partner, category, source, refines_id, direction
        ("e1", "United States", "exercise", "nurgaliev2007", None, "both"),
        ("e1", "United States", "exercise", "edm2004kazakhstan", None, "both"),  # same item, second article
        ("e2", "Russia", "summit", "edm2004kazakhstan", None, "both"),
        ("e3", "Russia", "summit", "edm2004kazakhstan", "e2", "both"),  # only re-dates e2
        ("e4", "China", "agreement", "nurgaliev2007", None, "elsewhere"),  # abroad, without Kazakhstan
        ("e5", "China", "agreement", "outside2020", None, "both"),  # not an article
        ("e6", "Kazakhstan", "training", "nurgaliev2007", None, "both"),  # domestic
    ]
    frame = pd.DataFrame(rows, columns=["id", "partner", "category", "source", "refines_id", "direction"])
    return frame.astype({"partner": partner})


def test_count_keeps_article_ties_once_and_in_the_schema_order():
    events = toy_events()
    equipment = pd.DataFrame({"id": ["q1", "q2"], "programme_id": ["p1", "p2"], "source": ["nurgaliev2007"] * 2})
    programmes = pd.DataFrame({"id": ["p1", "p2"], "partner": ["United States", None]})
    memberships = pd.DataFrame(columns=["organisation_id", "member", "status", "source"])
    organisations = pd.DataFrame({"id": [], "acronym": []})
    partners = ties.partners_of(events)
    counts = ties.count_ties(
        ties.all_ties(
            ties.event_ties(events),
            ties.equipment_ties(equipment, programmes),
            ties.organisation_ties(memberships, organisations, partners),
        ),
        partners,
    )
    assert list(counts.columns) == list(MECHANISMS)
    assert list(counts.index) == ["United States", "Russia"]
    assert counts.loc["United States"].to_dict() == {m: int(m in {"exercises", "equipment"}) for m in MECHANISMS}
    assert counts.loc["Russia", "visits"] == 1 and counts.loc["Russia"].sum() == 1


def test_the_books_count_names_the_three_partners_the_chapter_compares():
    counts = ties.mechanism_counts(load())
    assert list(counts.columns) == list(MECHANISMS)
    assert {"United States", "Russia", "China"} <= set(counts.index)
    assert "Kazakhstan" not in counts.index and int(counts.to_numpy().sum()) > 0
