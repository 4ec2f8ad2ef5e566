"""Kazakhstan's ties with each partner, as the two articles report them, counted by kind.

The chapter *Competing ties: Russia and China* builds the count step by step with these
functions, and the seminar app calls the same :func:`mechanism_counts`, so the analysis
lives in one place. A **tie** is one row of the data that the articles support:

* ``agreements``, ``exercises``, ``training`` and ``visits`` (visits, meetings, summits):
  ``events`` rows of those categories coded from an article, without rows that only
  re-date an article's event and without events abroad in which Kazakhstan took no part;
* ``equipment``: ``equipment`` rows, with the partner of the plan they belong to;
* ``organisations``: Kazakhstan's own status in an organisation that is itself a partner
  (the SCO, NATO), or an organisation in which Kazakhstan and a partner state are members.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from companion.data import ARTICLE_KEYS
from companion.explorers import MECHANISMS

#: Columns of every table of ties: the data row, the partner, the kind of tie, the article.
TIE_COLUMNS = ["id", "partner", "mechanism", "source"]
#: Event categories that are ties, and the kind of tie each one is.
EVENT_MECHANISMS = {
    "agreement": "agreements",
    "exercise": "exercises",
    "training": "training",
    "visit": "visits",
    "meeting": "visits",
    "summit": "visits",
}


def event_ties(events: pd.DataFrame) -> pd.DataFrame:
    """The events coded from an article that are ties (see :data:`EVENT_MECHANISMS`)."""
    coded = events[events["source"].isin(ARTICLE_KEYS) & events["refines_id"].isna() & (events["direction"] != "elsewhere")]
    coded = coded[coded["category"].isin(list(EVENT_MECHANISMS))]
    return coded.assign(mechanism=coded["category"].astype(str).map(EVENT_MECHANISMS))[TIE_COLUMNS]


def equipment_ties(equipment: pd.DataFrame, programmes: pd.DataFrame) -> pd.DataFrame:
    """Every equipment row with the partner of its plan; ``partner`` is missing where the plan names none."""
    partner = equipment["programme_id"].map(programmes.set_index("id")["partner"])
    return equipment.assign(partner=partner, mechanism="equipment")[TIE_COLUMNS]


def organisation_ties(memberships: pd.DataFrame, organisations: pd.DataFrame, partners: list[str]) -> pd.DataFrame:
    """Kazakhstan's place in a partner organisation, and full memberships it shares with a partner state."""
    in_articles = memberships[memberships["source"].isin(ARTICLE_KEYS) & (memberships["status"] != "not_member")]
    acronyms = organisations.set_index("id")["acronym"] if "id" in organisations.columns else organisations["acronym"]
    own = in_articles[in_articles["member"] == "Kazakhstan"]
    own = own.assign(partner=own["organisation_id"].map(acronyms))
    own = own[own["partner"].isin(partners)]
    members = in_articles[in_articles["status"] == "member"]
    kazakh_seats = members.loc[members["member"] == "Kazakhstan", ["organisation_id"]].drop_duplicates()
    shared = members[members["member"] != "Kazakhstan"].merge(kazakh_seats, on="organisation_id")
    shared = shared.assign(partner=shared["member"].astype(str))
    both = pd.concat([own, shared])
    return both.assign(id=both["organisation_id"], mechanism="organisations")[TIE_COLUMNS]


def all_ties(events: pd.DataFrame, equipment: pd.DataFrame, organisations: pd.DataFrame) -> pd.DataFrame:
    """The three tables of ties as one, without partnerless equipment and without Kazakhstan itself."""
    ties = pd.concat([events, equipment.dropna(subset=["partner"]), organisations], ignore_index=True)
    ties = ties.astype({"partner": str, "source": str})
    return ties[ties["partner"] != "Kazakhstan"].reset_index(drop=True)  # a domestic event is no tie


def count_ties(ties: pd.DataFrame, partners: list[str]) -> pd.DataFrame:
    """Partners × kinds of tie; an item both articles mention counts once. Partners in ``partners`` order."""
    distinct = ties.drop_duplicates(["id", "partner", "mechanism"])
    present = set(ties["partner"])
    counts = (
        pd.crosstab(distinct["partner"], distinct["mechanism"])
        .reindex(columns=list(MECHANISMS), fill_value=0)
        .reindex([p for p in partners if p in present])
        .astype(int)
    )
    counts.index.name = "partner"
    return counts


def partners_of(events: pd.DataFrame) -> list[str]:
    """Every partner the schema knows, in the schema's order (the order of the count's rows)."""
    return list(events["partner"].cat.categories)


def mechanism_counts(data: SimpleNamespace) -> pd.DataFrame:
    """The whole count from the loaded data (:func:`companion.data.load`): what the chapter shows."""
    partners = partners_of(data.events)
    ties = all_ties(
        event_ties(data.events),
        equipment_ties(data.equipment, data.programmes),
        organisation_ties(data.memberships, data.organisations, partners),
    )
    return count_ties(ties, partners)
