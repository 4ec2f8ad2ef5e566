"""Every part of the book states its licence: the files at the root, each data table, the page.

The book's own text, figures and data contributions are CC BY 4.0 (``LICENSE``), its code MIT
(``LICENSE-CODE``); quotations and outside datasets keep their sources' terms, recorded per
table in ``data/datapackage.json`` and shown on the licences page.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from conftest import ROOT

from companion.book.citation import read_cff
from companion.book.publishing import read_raw_descriptor
from companion.data import DATA_DIR

#: Licence names the package may use: SPDX ids, and the Open Definition ids for public
#: domain, non-commercial terms and terms that are not known.
KNOWN_LICENCES = {"CC-BY-4.0", "CC0-1.0", "ODbL-1.0", "PDDL-1.0", "other-pd", "other-nc", "other-at", "other-open", "notspecified"}
#: What a licence entry must say when its terms could not be read.
TYPOGRAPHIC_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
NOT_READ = re.compile(r"\bnot read\b|could not be read", re.IGNORECASE)


def licence_problems(descriptor: dict, data_dir=DATA_DIR) -> list[str]:
    """Every resource without a usable licence statement, as messages naming the fix."""
    problems = []
    for resource in descriptor.get("resources", []):
        name = resource.get("name", "?")
        where = f"data/datapackage.json, resource {name!r}"
        licences = resource.get("licenses") or []
        if not licences:
            problems.append(f"{where}: no 'licenses'; add the terms of its source (or the book's CC-BY-4.0 for its own coding)")
        for licence in licences:
            label = licence.get("name")
            if label not in KNOWN_LICENCES:
                problems.append(f"{where}: licence name {label!r} is not one of {sorted(KNOWN_LICENCES)}")
            if not str(licence.get("title", "")).strip():
                problems.append(f"{where}: licence {label!r} has no 'title' saying what the terms are")
            if label == "notspecified" and not NOT_READ.search(licence.get("title", "")):
                problems.append(f"{where}: terms 'notspecified' must say that they were not read")
            if label == "other-nc" and not licence.get("credit"):
                problems.append(f"{where}: non-commercial terms without the 'credit' line their source requires")
        schema = resource.get("schema")
        if isinstance(schema, str):
            fields = json.loads((data_dir / schema).read_text(encoding="utf-8")).get("fields", [])
            if any(f["name"] == "evidence" for f in fields) and not any("quot" in lic.get("title", "").lower() for lic in licences):
                problems.append(f"{where}: its 'evidence' column quotes the sources; its licence title must say so")
    return problems


# --------------------------------------------------------------------------- files


def test_licence_file_is_the_cc_by_4_0_legal_code():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("Attribution 4.0 International\n")
    for heading in (
        "Creative Commons Attribution 4.0 International Public License",
        "Section 4 -- Sui Generis Database Rights.",
        "Section 8 -- Interpretation.",
    ):
        assert heading in text
    assert "ShareAlike" not in text and "NonCommercial" not in text


def test_code_licence_file_is_mit_with_a_copyright_line():
    text = (ROOT / "LICENSE-CODE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) 2026 The companion's contributors\n")
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in text


# --------------------------------------------------------------------------- data package


def test_every_resource_states_its_licence():
    problems = licence_problems(read_raw_descriptor())
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    "licences, expected",
    [
        ([], "no 'licenses'"),
        ([{"name": "CC-BY"}], "is not one of"),
        ([{"name": "CC-BY-4.0"}], "has no 'title'"),
        ([{"name": "notspecified", "title": "Terms of the project"}], "must say that they were not read"),
        ([{"name": "other-nc", "title": "Non-commercial use only"}], "without the 'credit' line"),
    ],
    ids=["missing", "unknown-name", "no-title", "unread-terms-unsaid", "nc-without-credit"],
)
def test_licence_check_reports_each_kind_of_gap(licences, expected):
    descriptor = {"resources": [{"name": "table", "licenses": licences}]}
    problems = licence_problems(descriptor)
    assert any(expected in p for p in problems), problems


def test_package_licence_is_cc_by_4_0_as_in_the_citation_file():
    names = [lic["name"] for lic in read_raw_descriptor()["licenses"]]
    assert names[0] == "CC-BY-4.0" == read_cff()["license"]


def test_sipri_tables_name_sipri_terms_and_credit_line():
    for resource in read_raw_descriptor()["resources"]:
        publishers = " ".join(s.get("publisher", "") for s in resource.get("sources", []))
        if "SIPRI" in publishers and resource["name"].startswith("sipri"):
            credit_lines = [lic.get("credit") for lic in resource["licenses"]]
            assert "Information from the SIPRI Arms Transfers Database" in credit_lines, resource["name"]
            assert any(lic["name"] == "other-nc" for lic in resource["licenses"]), resource["name"]


# --------------------------------------------------------------------------- page


@pytest.mark.build
@pytest.mark.timeout(1500)
def test_licences_page_lists_every_table_with_its_terms_and_credit_lines(built_book):
    page = html.unescape((built_book.html / "about" / "licences.html").read_text(encoding="utf-8"))
    page = page.translate(TYPOGRAPHIC_QUOTES)  # Sphinx makes quotes in prose typographic
    descriptor = read_raw_descriptor()
    for resource in descriptor["resources"]:
        assert f'<span class="pre">{resource["name"]}</span>' in page, f"table {resource['name']!r} is not on the licences page"
        for licence in resource["licenses"]:
            assert licence["title"] in page, f"the terms of {resource['name']!r} are not on the licences page"
            if licence.get("credit"):
                assert licence["credit"] in page
    for phrase in (
        "CC BY 4.0",
        "MIT",
        "Information from the SIPRI Arms Transfers Database",
        "GeoNames, geonames.org",
        "17 U.S.C. 105",
        "terms were not read",
    ):
        assert phrase in page, phrase
