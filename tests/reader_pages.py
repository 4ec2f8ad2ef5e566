"""What a reader sees on a built page, and what must never be in it (issue 19 §1, §6).

Functions over one built HTML file, used by ``tests/test_clean_pages.py`` on both editions
and runnable on any build folder (``python tests/reader_pages.py _build/html``):

* :func:`source_markup`: MyST or Sphinx source left in the visible text (an escaped or
  unparsed role, a directive fence, code fences outside code blocks);
* :func:`raw_values`: ``NaN``, ``<NA>``, ``nan`` outside code inputs (cell outputs
  included) and ``None`` as a whole table cell;
* :func:`bare_identifiers`: bibliography keys and row ids shown as text outside links and code;
* :func:`number_links`: every glued number link (``a.glued-number``), with what is wrong with it.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from bs4 import BeautifulSoup, Tag

from companion.links import BROWSE_DIR
from companion.numbers import LINK_CLASS

ROOT = Path(__file__).resolve().parent.parent

#: Pages where a row's id or a key is the row's own label: contributors need them there.
DATA_PAGES = (f"{BROWSE_DIR}/", "appendix/codebook.html")
#: Never visible: scripts (widget state, search index), styles, templates.
INVISIBLE = ("script", "style", "template")
#: A MyST-NB code cell's input (the code a reader unfolds).
CELL_INPUT = "div.cell_input, .cell_input, dt.sig"  # code inputs; a documented signature is code too
#: Source that should have been parsed: a role (``{cite}`` …) or the start of ``{glue``.
ROLE = re.compile(r"\{(?:cite(?::[a-z]+)?|ref|term|numref|doc|eq|download)\}|\{glue")
DIRECTIVE = re.compile(r":::|```")
RAW_VALUE = re.compile(r"(?<![\w-])(?:NaN|nan)(?![\w-])|<NA>")


def soup_of(html_file: Path) -> BeautifulSoup:
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    for element in soup.find_all(INVISIBLE):
        element.decompose()
    return soup


def _main(soup: BeautifulSoup) -> Tag:
    """The page's article (the book's content); the whole page when it has none."""
    return soup.select_one("main#main-content") or soup.select_one("article") or soup


def _without(tag: Tag, selector: str) -> Tag:
    copy = BeautifulSoup(str(tag), "html.parser")
    for element in copy.select(selector):
        element.decompose()
    return copy


def _text(tag: Tag) -> str:
    return " ".join(tag.get_text(" ").split())


def _context(text: str, match: re.Match, width: int = 60) -> str:
    return text[max(0, match.start() - width) : match.end() + width]


def source_markup(html_file: Path) -> list[str]:
    """Unparsed MyST/Sphinx source in the visible text, outside code (inputs, blocks, literals)."""
    text = _text(_without(soup_of(html_file), "pre, code, div.highlight, " + CELL_INPUT))
    return [_context(text, m) for pattern in (ROLE, DIRECTIVE) for m in pattern.finditer(text)]


def raw_values(html_file: Path) -> list[str]:
    """Raw missing values outside code inputs and authored code; whole ``None`` table cells."""
    soup = _without(soup_of(html_file), CELL_INPUT)
    # Authored code in the prose (a literal `nan` explained in a contributor page) is code;
    # everything inside a cell's output is what the reader is shown, so it stays.
    for element in soup.select("pre, code, div.highlight"):
        if not element.find_parent(class_="cell_output"):
            element.decompose()
    text = _text(soup)
    found = [_context(text, m) for m in RAW_VALUE.finditer(text)]
    found += [f"table cell {cell.name}: None" for cell in soup.find_all(["td", "th"]) if cell.get_text(strip=True) == "None"]
    return found


@lru_cache(maxsize=None)
def identifiers(root: Path = ROOT) -> dict[str, str]:
    """Bibliography keys and row ids a reader should never see bare: ``{identifier: what it is}``.

    Row ids that are one plain word (``astana``, ``nato``) cannot be told from prose and are
    left out; every id with a dash, underscore or digit, and every bibliography key, is kept.
    """
    found = {
        key: "bibliography key" for key in re.findall(r"^@\w+\{([^,\s]+),", (root / "references.bib").read_text(encoding="utf-8"), re.M)
    }
    descriptor = json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        schema = resource.get("schema")
        if not isinstance(schema, str):
            continue
        key = json.loads((root / "data" / schema).read_text(encoding="utf-8")).get("primaryKey")
        if key not in ("id", ["id"]):
            continue
        with open(root / "data" / resource["path"], encoding="utf-8", newline="") as rows:
            for row in csv.DictReader(rows):
                if re.search(r"[-_0-9]", row["id"]) and not row["id"].isdigit():
                    found.setdefault(row["id"], f"id of a row of {resource['name']}")
    return found


def bare_identifiers(html_file: Path, root: Path = ROOT) -> list[str]:
    """Keys and ids shown as text outside links (``<a>``) and code on a page."""
    text = _text(_without(_main(soup_of(html_file)), "a, pre, code, div.highlight, " + CELL_INPUT))
    tokens = set(re.findall(r"[A-Za-z0-9][A-Za-z0-9_./:-]*[A-Za-z0-9]", text))
    known = identifiers(root)
    return sorted(f"{token} ({known[token]})" for token in tokens if token in known)


def is_data_page(page: str) -> bool:
    return any(page.startswith(prefix) if prefix.endswith("/") else page == prefix for prefix in DATA_PAGES)


@lru_cache(maxsize=None)
def table_ids(table: str, root: Path = ROOT) -> frozenset[str]:
    """Every row id of a table as the browser names it (composite keys joined by ``/``)."""
    from companion.data import read_descriptor, row_key

    descriptor = read_descriptor(root / "data")
    resource = next(r for r in descriptor["resources"] if r["name"] == table)
    with open(root / "data" / resource["path"], encoding="utf-8", newline="") as rows:
        return frozenset(row_key(resource, row) for row in csv.DictReader(rows))


def number_links(html_file: Path, page: str, root: Path = ROOT) -> tuple[int, list[str]]:
    """``(links, problems)``: the page's glued number links and what is wrong with each.

    A link must be an ``<a>`` with a non-empty title and text, whose address (relative to
    the page) is a data browser page of an existing table, and whose ``?ids=`` lists only
    existing rows of it (at least one).
    """
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    problems, links = [], soup.select(f".{LINK_CLASS}")
    depth = page.count("/")
    for link in links:
        where = f"{link.get_text()!r} ({link.get('href')})"
        if link.name != "a" or not link.get("href"):
            problems.append(f"{where}: not a link")
            continue
        if not (link.get("title") or "").strip():
            problems.append(f"{where}: no title saying what was counted")
        if not link.get_text(strip=True):
            problems.append(f"{where}: no text")
        address = urlsplit(link["href"])
        path = address.path
        prefix = "../" * depth
        match = re.fullmatch(re.escape(prefix + BROWSE_DIR) + r"/([a-z_]+)\.html", path)
        if address.scheme or address.netloc or not match:
            problems.append(f"{where}: not a data browser page relative to {page}")
            continue
        table = match.group(1)
        query = parse_qs(address.query)
        if not (ROOT / "data" / f"{table}.csv").exists():
            problems.append(f"{where}: no table {table}")
        elif "ids" in query:
            # Split on the raw commas before decoding, as the browse page does: an id may hold
            # an encoded comma (%2C), which parse_qs would already have decoded.
            raw = next(part[4:] for part in address.query.split("&") if part.startswith("ids="))
            ids = [unquote(i) for i in raw.split(",") if i]
            unknown = [i for i in ids if i not in table_ids(table, root)]
            if not ids or unknown:
                problems.append(f"{where}: ids not in {table}: {unknown or 'none given'}")
        elif not query:
            problems.append(f"{where}: a view of the whole table, not of the rows behind the number")
    return len(links), problems


if __name__ == "__main__":  # a report over a build folder, for a look without pytest
    html_dir = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "_build" / "html")
    for file in sorted(html_dir.rglob("*.html")):
        page = file.relative_to(html_dir).as_posix()
        if page.startswith("_"):
            continue
        report = {
            "markup": source_markup(file),
            "raw": raw_values(file),
            "ids": [] if is_data_page(page) else bare_identifiers(file),
            "numbers": number_links(file, page)[1],
        }
        for kind, found in report.items():
            for item in found:
                print(f"{page}\t{kind}\t{item}")
