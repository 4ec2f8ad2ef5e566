"""CITATION.cff is valid Citation File Format 1.2.0, agrees with the book, and the book shows it.

The schema is the CFF project's own (``tests/cff-schema-1.2.0.json``, see its notice),
checked with jsonschema; YAML dates are read as strings, as the schema's own note asks.
"""

from __future__ import annotations

import copy
import hashlib
import html
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import ROOT

from companion.book.citation import CITATION_FILE, bibtex, bibtex_key, plain_text, read_cff
from companion.book.publishing import data_version, read_raw_descriptor

SCHEMA_FILE = Path(__file__).parent / "cff-schema-1.2.0.json"
NOTICE_FILE = Path(__file__).parent / "cff-schema-1.2.0.NOTICE.md"


def cff_errors(document: object) -> list[str]:
    """Every way ``document`` breaks the CFF 1.2.0 schema, as 'path: message' lines."""
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(document)]


def page_text(html_file: Path) -> str:
    """The visible text of a built page: tags dropped, entities decoded, spaces collapsed."""
    raw = re.sub(r"<[^>]+>", "", html_file.read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", html.unescape(raw))


# --------------------------------------------------------------------------- the file


def test_citation_file_validates_against_the_cff_1_2_0_schema():
    errors = cff_errors(read_cff())
    assert errors == [], "CITATION.cff breaks the CFF 1.2.0 schema:\n" + "\n".join(errors)


def test_schema_is_the_unchanged_cff_1_2_0_schema_with_its_licence_notice():
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema["$id"] == "https://citation-file-format.github.io/1.2.0/schema.json"
    notice = NOTICE_FILE.read_text(encoding="utf-8")
    assert hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest() in notice, "the notice must name the file's SHA-256"
    assert "CC BY 4.0" in notice and "Citation File Format" in notice


def test_dates_are_read_as_strings_which_the_schema_requires():
    cff = read_cff()
    assert isinstance(cff["date-released"], str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", cff["date-released"])
    # A plain YAML load turns the date into a datetime.date, which the schema rejects:
    # that is why read_cff exists.
    naive = yaml.safe_load(CITATION_FILE.read_text(encoding="utf-8"))
    assert any(e.startswith("date-released:") for e in cff_errors(naive))


@pytest.mark.parametrize(
    "defect, expected",
    [
        (lambda c: c.pop("authors"), "'authors' is a required property"),
        (lambda c: c.update({"date-released": "2026-13-01"}), "date-released"),
        (lambda c: c.update({"license": "CC-BY"}), "license"),
        (lambda c: c["references"][0].pop("type"), "references/0"),
    ],
    ids=["no-authors", "impossible-date", "unknown-licence", "reference-without-type"],
)
def test_schema_check_rejects_a_broken_citation_file(defect, expected):
    broken = copy.deepcopy(read_cff())
    defect(broken)
    assert any(expected in error for error in cff_errors(broken))


def test_version_and_release_date_are_those_of_the_data_package():
    cff = read_cff()
    version, date = data_version(read_raw_descriptor())
    assert (str(cff["version"]), cff["date-released"]) == (version, date), (
        "CITATION.cff and data/datapackage.json must name the same release: raise 'version' and "
        "'date-released' in CITATION.cff with 'version' and 'created' in datapackage.json"
    )


def test_title_author_and_licence_agree_with_the_book_and_the_package():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    cff = read_cff()
    assert cff["title"] == config["title"]
    assert [a.get("name") for a in cff["authors"]] == [config["author"]]
    package_licences = {lic["name"] for lic in read_raw_descriptor()["licenses"]}
    assert cff["license"] in package_licences


def test_citation_file_cites_both_source_articles():
    titles = {ref["title"] for ref in read_cff()["references"]}
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    for title in titles:
        # references.bib protects capitals with braces; compare without them.
        assert title in bib.replace("{", "").replace("}", ""), f"{title!r} is not the title of a references.bib entry"
    assert len(titles) == 2


# --------------------------------------------------------------------------- the formats


def test_bibtex_entry_parses_and_carries_title_author_year_and_version():
    from pybtex.database import parse_string

    cff = read_cff()
    entries = parse_string(bibtex(cff), "bibtex").entries
    entry = entries[bibtex_key(cff)]
    assert entry.type == "misc"
    assert entry.fields["title"].strip("{}") == cff["title"]
    assert entry.fields["year"] == cff["date-released"][:4]
    assert cff["version"] in entry.fields["note"]
    # An entity author stays one name: BibTeX must not split it into first and last names.
    assert str(entry.persons["author"][0]) == "{" + cff["authors"][0]["name"] + "}"


def test_bibtex_escapes_special_characters_and_gives_persons_surname_first():
    cff = {
        "title": "Arms & aid: 100% of it_1",
        "authors": [{"family-names": "Nurgaliev", "given-names": "Marat"}, {"name": "SIPRI"}],
        "date-released": "2007-01-11",
        "version": "1.0",
    }
    entry = bibtex(cff)
    assert r"Arms \& aid: 100\% of it\_1" in entry
    assert "author  = {Nurgaliev, Marat and {SIPRI}}" in entry
    assert plain_text(cff).startswith("Nurgaliev, Marat & SIPRI (2007). Arms & aid: 100% of it_1. Version 1.0, released 2007-01-11.")


def test_plain_text_names_authors_year_title_version_and_date():
    cff = read_cff()
    text = plain_text(cff)
    for part in (
        cff["authors"][0]["name"],
        f"({cff['date-released'][:4]})",
        cff["title"],
        f"Version {cff['version']}",
        cff["date-released"],
    ):
        assert part in text


# --------------------------------------------------------------------------- the page


@pytest.mark.build
@pytest.mark.timeout(1500)
def test_how_to_cite_page_shows_the_citation_generated_from_the_file(built_book):
    page = built_book.html / "about" / "how_to_cite.html"
    text = page_text(page)
    cff = read_cff()
    assert plain_text(cff) in text
    for line in bibtex(cff).splitlines():
        assert re.sub(r"\s+", " ", line).strip() in text, f"BibTeX line {line!r} is not on the page"
    assert "cff-version: 1.2.0" in text, "the page shows the citation file itself"
