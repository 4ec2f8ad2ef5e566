"""Glued number links (companion.numbers): a number links to exactly the rows behind it."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from companion import numbers
from companion.numbers import GluedNumber, count_link, number_link, row_ids


def _link(markup: str):
    links = BeautifulSoup(markup, "html.parser").find_all("a")
    assert len(links) == 1
    return links[0]


def _ids(href: str) -> list[str]:
    return [unquote(i) for i in parse_qs(urlsplit(href).query)["ids"][0].split(",")]


def test_count_link_is_an_anchor_to_exactly_the_counted_rows():
    rows = pd.DataFrame({"id": ["e-1", "e 2", "e-1"], "x": [1, 2, 3]})
    count, markup = count_link(rows, "events", "Events of 2002")
    link = _link(markup)
    assert count == 2 and link.get_text() == "2"
    assert link["class"] == ["glued-number"]
    assert link["href"].startswith("../appendix/browse/events.html?ids=")
    assert _ids(link["href"]) == ["e-1", "e 2"]
    assert link["title"] == "Events of 2002: 2 rows of events"


def test_composite_keys_are_joined_as_the_browser_names_rows():
    rows = pd.DataFrame({"sipri_deal_id": ["12", "13"], "delivery_year": pd.array([2001, 2002], dtype="Int64")})
    assert row_ids(rows, "sipri_register") == ["12/2001", "13/2002"]
    with pytest.raises(KeyError):
        row_ids(pd.DataFrame({"id": ["x"]}), "sipri_register")


def test_a_frame_indexed_by_its_key_gives_its_ids():
    assert row_ids(pd.DataFrame({"x": [1, 2]}, index=pd.Index(["a", "b"], name="id")), "events") == ["a", "b"]


def test_ids_from_a_series_or_list_and_no_blank_ids():
    assert row_ids(pd.Series(["a", "b", "a"]), "events") == ["a", "b"]
    with pytest.raises(ValueError):
        row_ids(["a", None], "events")


def test_zero_is_plain_text_not_a_link_to_nothing():
    assert count_link([], "events", "nothing") == (0, "0")


def test_title_and_text_are_escaped_and_title_is_required():
    markup = number_link("<b>1</b>", "x.html?ids=a&b", 'say "<hi>"')
    link = _link(markup)
    assert link.get_text() == "<b>1</b>" and link["title"] == 'say "<hi>"' and link["href"] == "x.html?ids=a&b"
    assert "<b>" not in markup
    with pytest.raises(ValueError):
        number_link("1", "x.html", "  ")


def test_root_must_be_a_relative_run_of_parents():
    assert _link(count_link(["a"], "events", "w", root="")[1])["href"].startswith("appendix/browse/")
    assert _link(count_link(["a"], "events", "w", root="../../")[1])["href"].startswith("../../appendix/")
    for bad in ("/", "https://example.org/", "..", "x/"):
        with pytest.raises(ValueError):
            count_link(["a"], "events", "w", root=bad)


def test_glued_value_has_markdown_for_glue_md_and_the_bare_number_for_glue_text(monkeypatch):
    glued = {}
    monkeypatch.setattr(numbers, "_glue", lambda name, value: glued.__setitem__(name, value))
    assert numbers.glue_count("n", ["a", "b", "c"], "events", "three events") == 3
    value = glued["n"]
    assert isinstance(value, GluedNumber) and repr(value) == "3"
    assert _link(value._repr_markdown_()).get_text() == "3"


def test_number_link_needs_inputs_and_formats_the_value(monkeypatch):
    glued = {}
    monkeypatch.setattr(numbers, "_glue", lambda name, value: glued.__setitem__(name, value))
    assert numbers.glue_number_link("share", 0.25, ".0%", "flags", "share of open flags", where={"status": "open"}) == "25%"
    link = _link(glued["share"].markdown)
    assert link.get_text() == "25%" and link["href"] == "../appendix/browse/flags.html?status=open"
    with pytest.raises(ValueError):
        numbers.glue_number_link("x", 1, "d", "flags", "nothing")
    with pytest.raises(ValueError):
        numbers.glue_number_link("x", 1, "d", "flags", "nothing", ids=[])


def test_glue_stores_markdown_and_plain_text_bundles():
    """Through the real myst_nb.glue: {glue:md} finds text/markdown, {glue:text} text/plain."""
    from IPython.core.formatters import format_display_data

    bundle, _ = format_display_data(GluedNumber('<a href="x" title="t">4</a>', "4"))
    assert bundle["text/plain"] == "4" and bundle["text/markdown"].startswith("<a ")


def test_every_exemption_gives_a_reason():
    for name, reason in numbers.EXEMPT_NUMBERS.items():
        assert len(reason.split()) >= 4, f"{name}: give a reason, not a word"


def test_solution_and_exercise_glues_are_exempt_by_prefix_and_others_only_by_name():
    assert numbers.is_exempt("sol_nato_1_table") and numbers.is_exempt("ex_gain")
    assert not numbers.is_exempt("nato_n_events") and not numbers.is_exempt("solution_count")
    assert all(reason for reason in numbers.EXEMPT_PREFIXES.values())
