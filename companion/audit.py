"""The claims register (``audit/claims_register.csv``): which rows support each sentence.

Every sentence in the book's own voice that states a fact not attributed to an article is
listed with its page, its opening words and the ids of the rows that support it (the scheme
is in ``audit/README.md``). :func:`register_problems` reports listed rows that do not exist
and openings no longer found on their page, so a prose edit that drops a supported sentence
or a data edit that removes a supporting row is caught at once.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from companion.data import DATA_DIR, PROJECT_ROOT, primary_key, read_descriptor, row_key, tabular_resources
from companion.locators import normalise

REGISTER = PROJECT_ROOT / "audit" / "claims_register.csv"
HEADER = ["page", "opening", "rows"]
#: Shortest opening accepted: fewer words rarely identify one sentence.
MIN_OPENING_WORDS = 4


@dataclass(frozen=True)
class Entry:
    """One line of the register, numbered as in the file (header = line 1)."""

    line: int
    page: str
    opening: str
    rows: tuple[str, ...]


def read_register(path: Path = REGISTER) -> list[Entry]:
    """The register's entries; raises ``ValueError`` when the header is not page,opening,rows."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        if header != HEADER:
            raise ValueError(f"{path}: header must be {','.join(HEADER)}, not {','.join(header)}")
        return [
            Entry(n, *(cell.strip() for cell in cells[:2]), tuple(cells[2].split())) for n, cells in enumerate(reader, start=2) if cells
        ]


def row_index(data_dir: Path = DATA_DIR) -> tuple[set[str], dict[str, set[str]]]:
    """Ids a register may name: bare ids (tables keyed by one ``id`` field) and, per
    resource, its rows' keys as :func:`companion.data.row_key` writes them."""
    descriptor = read_descriptor(data_dir)
    bare: set[str] = set()
    keyed: dict[str, set[str]] = {}
    for resource in tabular_resources(descriptor):
        if not primary_key(resource):
            continue
        with open(data_dir / resource["path"], encoding="utf-8", newline="") as handle:
            keys = {row_key(resource, row) for row in csv.DictReader(handle)}
        keyed[resource["name"]] = keys
        if primary_key(resource) == ["id"]:
            bare |= keys
    return bare, keyed


def resolves(ref: str, bare: set[str], keyed: dict[str, set[str]]) -> bool:
    """Whether a register reference names an existing row (or, ``<resource>:*``, a table).

    ``<resource>:<key>`` is the form the book uses everywhere (``glue_table``'s row links, the
    ``promises`` table's ``outcome_rows``), so one reference reads the same in every file.
    """
    if ":" not in ref:
        return ref in bare
    resource, key = ref.split(":", 1)
    if resource not in keyed:
        return False
    return key == "*" or unquote(key) in keyed[resource]


def register_problems(path: Path = REGISTER, root: Path = PROJECT_ROOT, data_dir: Path = DATA_DIR) -> list[str]:
    """Every defect of the register, one message each; empty when it is sound."""
    bare, keyed = row_index(data_dir)
    problems, pages = [], {}
    for entry in read_register(path):
        where = f"{path.name}, line {entry.line}"
        if not entry.rows:
            problems.append(f"{where}: no supporting rows listed")
        for ref in entry.rows:
            if not resolves(ref, bare, keyed):
                problems.append(f"{where}: row {ref!r} does not exist")
        if len(entry.opening.split()) < MIN_OPENING_WORDS:
            problems.append(f"{where}: opening {entry.opening!r} is shorter than {MIN_OPENING_WORDS} words")
        page = root / entry.page
        if entry.page not in pages:
            pages[entry.page] = normalise(page.read_text(encoding="utf-8")) if page.is_file() else None
        if pages[entry.page] is None:
            problems.append(f"{where}: page {entry.page!r} does not exist")
        elif normalise(entry.opening) not in pages[entry.page]:
            problems.append(f"{where}: opening {entry.opening!r} is no longer on {entry.page}")
    return problems
