"""Every locator points inside a citable source, in the form its kind of source allows."""

from __future__ import annotations

import pytest

from companion.locators import BibEntry, check_locator, locator_problems, note_file_mentions

FIELDS = {"sipri_tiv": {"recipient", "supplier", "year", "tiv_million"}}
WEB = BibEntry("page", "misc", {"title": "{A page}", "url": "{https://example.org/a}"})
RECORD = BibEntry("print", "misc", {"author": "{{Congress}}", "title": "{Hearing}", "year": "{2006}", "howpublished": "{GPO}"})
BARE = BibEntry("bare", "misc", {"title": "{Something seen somewhere}"})
ARTICLE = BibEntry("nurgaliev2007", "article", {"title": "{...}"})
DATASET = BibEntry("sipri2022tiv", "misc", {"title": "{TIV}"})


def test_every_locator_in_the_package_fits_its_source():
    assert locator_problems() == []


def test_no_text_of_the_package_sends_a_reader_to_a_working_note():
    assert note_file_mentions() == []


def test_a_working_note_in_any_column_is_reported_with_file_row_and_column(tmp_path):
    rows = "id,comment\nf1,range rule (see CODEBOOK-NOTES.md)\nf2,see bibliography-notes §3\nf3,per notes.md\n"
    (tmp_path / "flags.csv").write_text(rows, encoding="utf-8")
    fix = "names a working note; say what the source is, or that the fact is unchecked"
    assert note_file_mentions(tmp_path) == [f"flags.csv, row 3, column 'comment': {fix}", f"flags.csv, row 4, column 'comment': {fix}"]


@pytest.mark.parametrize(
    "key, entry, locator, evidence",
    [
        ("nurgaliev2007", ARTICLE, "Joint Exercises, para 3", ""),
        ("nurgaliev2007", ARTICLE, "Introduction, para 2-3; fn 11", ""),
        ("sipri2022tiv", DATASET, "table sipri_tiv, field tiv_million", ""),
        ("sipri2022tiv", DATASET, "table sipri_tiv, field tiv_million, row Kazakhstan/Russia/2004", ""),
        ("page", WEB, 'quote: "Kazakhstan joined the"', "Kazakhstan  joined the\nprogramme in 1995."),
        ("print", RECORD, 'quote: "Hearing before"', "Hearing before the subcommittee"),
    ],
)
def test_locators_of_each_kind_are_accepted(key, entry, locator, evidence):
    assert check_locator(key, locator, evidence, entry, FIELDS) is None


@pytest.mark.parametrize(
    "key, entry, locator, evidence, reason",
    [
        ("page", WEB, "bibliography-notes §3", "", "working note"),
        ("nurgaliev2007", ARTICLE, "bibliography-notes §3", "", "working note"),
        ("nurgaliev2007", ARTICLE, "page 4", "", "section heading"),
        ("nurgaliev2007", ARTICLE, 'quote: "the U.S."', "the U.S.", "section heading"),
        ("sipri2022tiv", DATASET, "Joint Exercises, para 3", "", "table <resource>"),
        ("sipri2022tiv", DATASET, "table sipri_tiv, field price", "", "names no field"),
        ("sipri2022tiv", DATASET, "table wdi_military, field value", "", "names no field"),
        ("page", WEB, "para 3", "words", "quotation locator"),
        ("page", WEB, 'quote: "joined the"', "Kazakhstan joined the programme", "do not open"),
        ("bare", BARE, 'quote: "Something"', "Something", "neither a url nor a full record"),
        ("missing", None, 'quote: "x"', "x", "not in references.bib"),
    ],
)
def test_wrong_locators_are_reported_with_the_reason(key, entry, locator, evidence, reason):
    found = check_locator(key, locator, evidence, entry, FIELDS)
    assert found is not None and reason in found
