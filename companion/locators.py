"""Every locator points inside a source a reader can open, in the form its kind allows.

A row's ``source`` is a key of ``references.bib``; its ``locator`` says where in that source
the row's evidence is. The form depends on the kind of source:

- the two **articles** (:data:`companion.data.ARTICLE_KEYS`): ``<section heading>, para N``
  or ``fn N`` (several places joined by ``;`` and a space), as the Table Schemas spell out;
- a **dataset** (:data:`DATASET_RESOURCES`): ``table <resource>, field <field>`` with an
  optional ``, row <key>``; the resource and field must exist in the package;
- a **web page** (any other entry, which must then have a ``url``): a quotation locator
  ``quote: "<words>"`` whose words open the row's evidence, because web pages have no stable
  paragraph numbers.

No locator may name a working note (``bibliography-notes``, ``notes.md``): a reader cannot
open it.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from companion.data import ARTICLE_KEYS, BIB_FILE, DATA_DIR, read_descriptor, tabular_resources

#: Bibliography keys of the outside datasets, and the resource of the package holding each.
DATASET_RESOURCES = {
    "sipri2022tiv": "sipri_tiv",
    "sipri2026register": "sipri_register",
    "worldbank_wdi": "wdi_military",
    "usaid_fae": "us_aid_totals",
    "singer1972cow": "cow_nmc",
}
ARTICLE_PLACE = r"(?:[A-Z][^,;]*, para [1-9][0-9]*(?:-[1-9][0-9]*)?|fn [1-9][0-9]*)"
ARTICLE_LOCATOR = re.compile(rf"^{ARTICLE_PLACE}(?:; {ARTICLE_PLACE})*$")
DATASET_LOCATOR = re.compile(r"^table (?P<resource>[a-z0-9_]+), field (?P<field>[a-z0-9_]+)(?:, row (?P<row>.+))?$")
QUOTE_LOCATOR = re.compile(r'^quote: "(?P<words>.+)"$')
WORKING_NOTE = re.compile(r"bibliography-notes|notes\.md|working note", re.IGNORECASE)
#: A working-note file by name: no text of the package may send a reader to one. The package's
#: own CODEBOOK-NOTES.md ships with the data, so a reader can open it.
NOTE_FILE = re.compile(r"bibliography-notes|(?<![\w-])notes\.md", re.IGNORECASE)
#: Fields that, with a title, make a bibliography entry without a URL a full record.
FULL_RECORD = ("author", "title", "year", "howpublished")


@dataclass(frozen=True)
class BibEntry:
    key: str
    kind: str
    fields: dict[str, str]


def read_bibliography(bib_file: Path = BIB_FILE) -> dict[str, BibEntry]:
    """Entries of ``references.bib`` with their field names and raw values (enough to
    tell whether an entry has a URL or a full record)."""
    text = bib_file.read_text(encoding="utf-8")
    entries = {}
    for match in re.finditer(r"@(\w+)\s*\{\s*([^,\s]+)\s*,(.*?)\n\}", text, re.DOTALL):
        fields = dict(
            (name.lower(), value.strip()) for name, value in re.findall(r"^\s*(\w+)\s*=\s*(.+?),?\s*$", match.group(3), re.MULTILINE)
        )
        entries[match.group(2)] = BibEntry(match.group(2), match.group(1).lower(), fields)
    return entries


def normalise(text: str) -> str:
    """Collapse every run of whitespace (line breaks included) to one space, as the context
    pack did when it copied its excerpts."""
    return re.sub(r"\s+", " ", text).strip()


def source_kind(key: str) -> str:
    """article, dataset or web (every other source is read as a web page)."""
    if key in ARTICLE_KEYS:
        return "article"
    return "dataset" if key in DATASET_RESOURCES else "web"


def check_locator(key: str, locator: str, evidence: str, entry: BibEntry | None, fields_of: dict[str, set[str]]) -> str | None:
    """Why this locator is wrong for its source, or None when it is right."""
    if WORKING_NOTE.search(locator):
        return "names a working note; point into the source itself"
    if entry is None:
        return f"source {key!r} is not in references.bib"
    kind = source_kind(key)
    if kind == "article":
        return None if ARTICLE_LOCATOR.match(locator) else "an article's locator is '<section heading>, para N' or 'fn N'"
    if kind == "dataset":
        match = DATASET_LOCATOR.match(locator)
        if not match:
            return "a dataset's locator is 'table <resource>, field <field>[, row <key>]'"
        if match["resource"] != DATASET_RESOURCES[key] or match["field"] not in fields_of.get(match["resource"], set()):
            return f"names no field of resource {DATASET_RESOURCES[key]!r}"
        return None
    if "url" not in entry.fields and not all(name in entry.fields for name in FULL_RECORD):
        return f"source {key!r} has neither a url nor a full record ({', '.join(FULL_RECORD)})"
    match = QUOTE_LOCATOR.match(locator)
    if not match:
        return 'a web page\'s locator is a quotation locator: quote: "<the first words of the evidence>"'
    if not normalise(evidence).startswith(normalise(match["words"])):
        return "the quoted words do not open the row's evidence"
    return None


def locator_problems(data_dir: Path = DATA_DIR, bib_file: Path = BIB_FILE) -> list[str]:
    """Every row whose locator does not point inside its source, one message each."""
    bibliography = read_bibliography(bib_file)
    resources = tabular_resources(read_descriptor(data_dir))
    fields_of = {r["name"]: {f["name"] for f in r["schema"]["fields"]} for r in resources}
    problems = []
    for resource in resources:
        if not {"source", "locator"} <= fields_of[resource["name"]]:
            continue
        with open(data_dir / resource["path"], encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                key, locator = (row.get("source") or "").strip(), (row.get("locator") or "").strip()
                if not locator:
                    continue
                reason = check_locator(key, locator, row.get("evidence") or "", bibliography.get(key), fields_of)
                if reason:
                    problems.append(f"{resource['path']}, row {number}, column 'locator': value {locator!r}: {reason}")
    return problems


def note_file_mentions(data_dir: Path = DATA_DIR) -> list[str]:
    """Every cell of the package's tables that names a working-note file, one message each.

    A locator is not the only way to send a reader to a note: a flag's comment or a date
    note can too, and the reader cannot open the file either way.
    """
    found = []
    for path in sorted(data_dir.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                for column, value in row.items():
                    if value and NOTE_FILE.search(value):
                        found.append(
                            f"{path.name}, row {number}, column {column!r}: names a working note; "
                            "say what the source is, or that the fact is unchecked"
                        )
    return found
