"""The codebook, browse and source-criticism pages show the data package as it is.

They are written at build time from ``data/`` by :mod:`companion.book.pages`; these tests read
the built HTML (the session's clean build) and compare it with the files, and build a
small copy of the project to show that values are escaped and that a changed file
reaches the page.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, copy_project, make

from companion.book.pages import flag_anchor
from companion.data import read_descriptor, tabular_resources
from companion.data import row_key as row_id
from companion.links import BROWSE_DIR, browse_docname, row_anchor

DATA = ROOT / "data"
GENERATED = ("appendix/codebook", "appendix/browse", "appendix/source_criticism")
#: The per-table pages of the data browser (companion/browser.py), at most this large each.
MAX_BROWSE_PAGE_BYTES = 300_000


def page(build, docname: str) -> BeautifulSoup:
    return BeautifulSoup((build.html / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")


def browse_ids(build) -> set[str]:
    """Every id on the data browser's per-table pages."""
    return {tag["id"] for name in tables() for tag in page(build, browse_docname(name)).find_all(id=True)}


def tables(data_dir: Path = DATA) -> dict[str, tuple[dict, list[dict[str, str]]]]:
    """Every tabular resource with its rows, as written in the CSV files."""
    result = {}
    for resource in tabular_resources(read_descriptor(data_dir)):
        with open(data_dir / resource["path"], encoding="utf-8", newline="") as handle:
            result[resource["name"]] = (resource, list(csv.DictReader(handle)))
    return result


@pytest.mark.build
@pytest.mark.timeout(1500)
def test_codebook_lists_every_field_of_every_resource(built_book):
    html = page(built_book, "appendix/codebook")
    for resource in read_descriptor(DATA)["resources"]:
        section = html.find(id=f"codebook-{resource['name']}")
        assert section is not None, f"no codebook section for {resource['name']}"
        if isinstance(resource.get("schema"), dict):
            shown = {code.get_text() for code in section.find_all("code")}
            missing = [f["name"] for f in resource["schema"]["fields"] if f["name"] not in shown]
            assert missing == [], f"{resource['name']}: fields missing from the codebook: {missing}"
            _, rows = tables()[resource["name"]]
            assert re.search(rf"Rows:\s*{len(rows)}\b", section.get_text()), f"{resource['name']}: row count {len(rows)} not shown"


@pytest.mark.build
@pytest.mark.timeout(1500)
def test_codebook_shows_vocabularies_and_licences(built_book):
    text = page(built_book, "appendix/codebook").get_text(" ")
    for resource in read_descriptor(DATA)["resources"]:
        for licence in resource.get("licenses", []):
            assert licence["name"] in text
        for field in (resource.get("schema") or {}).get("fields", []) if isinstance(resource.get("schema"), dict) else []:
            for value in field.get("constraints", {}).get("enum", []):
                assert str(value) in text, f"{resource['name']}.{field['name']}: vocabulary value {value!r} missing"


@pytest.mark.build
@pytest.mark.timeout(1500)
def test_each_table_has_its_own_browse_page_no_larger_than_300_kb(built_book):
    pages = {p.stem: p.stat().st_size for p in (built_book.html / BROWSE_DIR).glob("*.html")}
    assert set(pages) == set(tables()), "one browse page per tabular resource, no other"
    assert {name: size for name, size in pages.items() if size > MAX_BROWSE_PAGE_BYTES} == {}
    index = page(built_book, "appendix/browse")
    linked = {a["href"].split("#", 1)[0].rsplit("/", 1)[-1] for a in index.select("article a[href*='browse/']")}
    assert linked >= {f"{name}.html" for name in tables()}, "the index page must link every table's page"
    # The table library is served with the book, its licence beside it.
    assert (built_book.html / "vendor" / "tablesort" / "tablesort.min.js").is_file()
    assert (built_book.html / "vendor" / "tablesort" / "LICENCE").is_file()


@pytest.mark.build
@pytest.mark.timeout(1500)
def test_browse_pages_hold_every_row_with_its_anchor(built_book):
    missing = []
    for name, (resource, rows) in tables().items():
        ids = {tag["id"] for tag in page(built_book, browse_docname(name)).find_all(id=True)}
        for number, row in enumerate(rows, start=2):
            identifier = row_id(resource, row) or str(number)
            if row_anchor(name, identifier) not in ids:
                missing.append(f"{name} {identifier}")
    assert missing == []


@pytest.mark.build
@pytest.mark.timeout(1500)
def test_every_row_citing_a_source_links_to_its_bibliography_entry(built_book):
    bibliography = page(built_book, "appendix/bibliography")
    entry_ids = {tag["id"] for tag in bibliography.find_all(id=True)}
    for name, (resource, rows) in tables().items():
        if not any(f["name"] == "source" for f in resource["schema"]["fields"]):
            continue
        html = page(built_book, browse_docname(name))
        row = rows[0]
        anchor = html.find(id=row_anchor(name, row_id(resource, row) or "2"))
        links = [a["href"] for a in anchor.find_all("a", href=True) if "bibliography.html#" in a["href"]]
        assert links, f"{name}: the first row's source does not link to the bibliography"
        assert links[0].split("#", 1)[1] in entry_ids


@pytest.mark.build
@pytest.mark.timeout(1500)
def test_source_criticism_page_holds_every_flag_linked_to_its_row(built_book):
    html = page(built_book, "appendix/source_criticism")
    row_ids = browse_ids(built_book)
    resource, flags = tables()["flags"]
    for flag in flags:
        entry = html.find(id=flag_anchor(flag["id"]))
        assert entry is not None, f"flag {flag['id']} is not on the page"
        assert flag["claim"] in entry.get_text(), flag["id"]
        targets = [
            a["href"].split("#", 1)[1]
            for a in entry.find_all("a", href=True)
            if f"{BROWSE_DIR.rsplit('/', 1)[-1]}/" in a["href"] and "#" in a["href"]
        ]
        assert row_anchor("flags", flag["id"]) in targets
        if flag.get("row_id"):
            assert row_anchor(flag["table"], flag["row_id"]) in targets, f"flag {flag['id']} does not link to the row it concerns"
        assert set(targets) <= row_ids, f"flag {flag['id']} links to a row that is not on the browse page"


@pytest.mark.build
@pytest.mark.timeout(1500)
def test_every_link_to_a_row_lands_on_a_row(built_book):
    row_ids = browse_ids(built_book)
    broken = []
    for path in built_book.html.rglob("*.html"):
        for href in re.findall(r'href="([^"]*#row-[^"]+)"', path.read_text(encoding="utf-8")):
            if href.rsplit("#", 1)[1] not in row_ids:
                broken.append(f"{path.relative_to(built_book.html)}: {href}")
    assert broken == []


def words(text: str) -> set[str]:
    """Longer plain words of ``text``, cut as Sphinx's search index cuts them (``\\w+``)."""
    return {w.lower() for w in re.findall(r"\w+", text) if w.isalpha() and w.isascii() and len(w) >= 7}


@pytest.mark.build
@pytest.mark.timeout(1500)
def test_search_finds_a_word_that_only_a_data_row_contains(built_book):
    from sphinx.search.en import SearchEnglish

    prose = set()
    for path in built_book.html.rglob("*.html"):
        relative = path.relative_to(built_book.html).with_suffix("").as_posix()
        if relative not in GENERATED and not relative.startswith(("_", "genindex", "search", BROWSE_DIR)):
            prose |= words(BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text(" "))
    data_words = set()
    for _resource, rows in tables().values():
        for row in rows:
            # bibliography keys are shown as citations, not as the key itself
            data_words |= words(" ".join(v for k, v in row.items() if k not in ("source", "contrary_source", "locator")))
    only_in_data = sorted(data_words - prose)
    assert only_in_data, "every word of the data also occurs in the prose; the test needs a data-only word"
    index = json.loads(
        re.search(r"Search\.setIndex\((.*)\)\s*$", (built_book.html / "searchindex.js").read_text(encoding="utf-8"), re.S).group(1)
    )
    stemmer = SearchEnglish({})
    browse = {index["docnames"].index(browse_docname(name)) for name in tables()}
    only_in_data = [w for w in only_in_data if stemmer.stem(w) not in stemmer.stopwords]
    # A word in a heading of the page is listed under titleterms instead of terms.
    found = [
        w
        for w in only_in_data
        if browse & set(_as_list(index["terms"].get(stemmer.stem(w))) + _as_list(index["titleterms"].get(stemmer.stem(w))))
    ]
    assert set(found) == set(only_in_data), f"not searchable: {sorted(set(only_in_data) - set(found))[:20]}"


def _as_list(value) -> list[int]:
    return value if isinstance(value, list) else [] if value is None else [value]


# --------------------------------------------------------------------------- a small build


def small_project(tmp_path: Path) -> Path:
    """A copy of the project whose book is the three generated pages and the bibliography."""
    project = copy_project(tmp_path / "project")
    (project / "_toc.yml").write_text(
        "format: jb-book\nroot: appendix/codebook\nchapters:\n"
        "  - file: appendix/browse\n    sections:\n      - glob: appendix/browse/*\n  - file: appendix/source_criticism\n  - file: appendix/bibliography\n",
        encoding="utf-8",
    )
    return project


def set_first_free_text(project: Path, value: str) -> tuple[str, str]:
    """Write ``value`` into the first description cell of a table; return (table, row id)."""
    for name, (resource, rows) in tables(project / "data").items():
        if any(f["name"] == "description" and not f.get("constraints", {}).get("enum") for f in resource["schema"]["fields"]):
            rows[0]["description"] = value
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=[f["name"] for f in resource["schema"]["fields"]], lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            (project / "data" / resource["path"]).write_text(buffer.getvalue(), encoding="utf-8")
            return name, row_id(resource, rows[0])
    pytest.fail("no table with a free-text description")


def assert_built_without_warnings_on_generated_pages(build) -> None:
    """The small book omits most pages, so links from the codebook's other parts to them
    may warn; the generated pages themselves must not."""
    assert (build.html / "appendix" / "browse.html").exists(), build.log[-4000:]
    ours = [w for w in build.warnings if any(doc in w for doc in ("appendix/browse", "appendix/source_criticism.md")) or "companion" in w]
    assert ours == [], ours


@pytest.mark.build
@pytest.mark.timeout(900)
def test_values_are_escaped_text_and_a_changed_file_reaches_the_page(tmp_path):
    project = small_project(tmp_path)
    table, identifier = set_first_free_text(project, "<script>alert(1)</script> zyzzogetonfirst")
    build_dir = tmp_path / "_build"
    first = make(project, "book", build_dir)
    assert_built_without_warnings_on_generated_pages(first)
    browse = (first.html / f"{browse_docname(table)}.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in browse and "alert(1)</" not in browse
    assert "&lt;script&gt;alert(1)&lt;/script&gt; zyzzogetonfirst" in browse
    row = BeautifulSoup(browse, "html.parser").find(id=row_anchor(table, identifier))
    assert "zyzzogetonfirst" in row.get_text()

    set_first_free_text(project, "zyzzogetonsecond")
    second = make(project, "book", build_dir)
    assert_built_without_warnings_on_generated_pages(second)
    browse = (second.html / f"{browse_docname(table)}.html").read_text(encoding="utf-8")
    assert "zyzzogetonsecond" in browse and "zyzzogetonfirst" not in browse
