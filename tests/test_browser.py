"""The built book in Debian's Chromium, as a reader sees it: every page, offline, without errors.

Every page of the clean build of this run is opened at a desktop viewport in light mode; one
page of each kind (chapter, widget chapter, generated data page, bibliography) also on a
phone and in dark mode. A failing page leaves a screenshot (its path is in the message).
"""

from __future__ import annotations

import csv
import re
from urllib.parse import unquote, urlparse

import pytest
from browser import (
    EXTRA_MODES,
    PAGE_KINDS,
    VIEWPORTS,
    StaticSite,
    book_pages,
    built_pages,
    has_widget_state,
    page_of_kind,
)
from conftest import ROOT

from companion.data import read_descriptor, row_key, tabular_resources

PAGES = book_pages()
#: A word the book uses, and one it never uses, for the search page.
SEARCH_TERM = "Nurgaliev"
ABSENT_TERM = "zqxjvwkplumb"

pytestmark = [pytest.mark.build, pytest.mark.browser, pytest.mark.timeout(1500)]


def problems_of(visit, allowlist) -> dict[str, list[str]]:
    """What a reader would notice on a visited page, after the allow-list."""
    return {
        "console errors": [m for m in visit.console_errors if not allowlist.allows("console", m, visit.page)],
        "failed requests": visit.failed_requests,
        "requests to non-local hosts": visit.external_requests,
        "images that do not load": visit.broken_images,
        "dialogs": visit.dialogs,
    }


# --------------------------------------------------------------------------- set-up


def test_makefile_installs_chromium_and_a_java_runtime_before_the_tests():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    packages = re.search(r"^SYSTEM_PACKAGES\s*:=\s*(.+)$", makefile, re.MULTILINE)
    assert packages, "the Makefile must list SYSTEM_PACKAGES"
    listed = packages.group(1).split()
    assert "chromium" in listed
    assert any(p.startswith(("default-jre", "openjdk-")) for p in listed), listed
    test_target = re.search(r"^test:(.*)$", makefile, re.MULTILINE)
    assert test_target and "system-deps" in test_target.group(1).split()
    assert re.search(r"^system-deps:.*\n\t.*\$\(SYSTEM_PACKAGES\)", makefile, re.MULTILINE)


def test_the_build_holds_exactly_the_pages_of_the_table_of_contents(built_book):
    pages = set(built_pages(built_book.html)) - {"index.html"}
    assert pages == set(PAGES), "pages missing or unvisited: update book_pages() in tests/browser.py"


# --------------------------------------------------------------------------- every page


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_without_errors_failed_requests_or_remote_hosts(crawl, allowlist, page):
    visit = crawl.visit(page)
    found = {what: items for what, items in problems_of(visit, allowlist).items() if items}
    if found:
        crawl.fail(visit, "the page does not load cleanly", [f"{what}: {item}" for what, items in found.items() for item in items])


@pytest.mark.parametrize("page", PAGES)
def test_every_internal_link_and_anchor_resolves(crawl, page):
    visit = crawl.visit(page)
    assert visit.links, "a page of the book has at least its navigation links"
    missing = crawl.missing_targets(visit)
    if missing:
        crawl.fail(visit, "links to files or anchors that do not exist", missing)


# --------------------------------------------------------------------------- one page of each kind


@pytest.fixture(scope="module")
def kind_pages(built_book) -> dict[str, str | None]:
    return {kind: page_of_kind(kind, built_book.html, PAGES) for kind in PAGE_KINDS}


@pytest.mark.parametrize("viewport, scheme", EXTRA_MODES, ids=[f"{v}-{s}" for v, s in EXTRA_MODES])
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_page_of_each_kind_works_on_a_phone_and_in_dark_mode(crawl, allowlist, kind_pages, kind, viewport, scheme):
    page = kind_pages[kind]
    if page is None:
        pytest.skip(f"the book has no {kind} yet")
    visit = crawl.visit(page, viewport, scheme)
    found = [f"{what}: {item}" for what, items in problems_of(visit, allowlist).items() for item in items]
    if viewport == "phone":
        found += [f"wider than the {VIEWPORTS['phone']['width']} px viewport: {item}" for item in visit.overflow]
    if visit.theme != scheme:
        found.append(f"the theme is {visit.theme!r}, not {scheme!r}")
    if found:
        crawl.fail(visit, f"the {kind} fails in {viewport}-{scheme}", found)


def test_the_phone_check_detects_content_wider_than_the_viewport(chromium, tmp_path):
    """Control: a wide box outside any scrolling container fails the check; a scrolling table passes."""
    head = '<!DOCTYPE html><html lang="en"><head><meta name="viewport" content="width=device-width"><title>control</title></head>'
    boxed = '<div style="overflow-x: auto"><table><tr><td style="min-width: 900px">wide table</td></tr></table></div>'
    (tmp_path / "wide.html").write_text(
        f'{head}<body>{boxed}<div id="wide" style="width: 900px">wide</div></body></html>', encoding="utf-8"
    )
    (tmp_path / "scrolls.html").write_text(f"{head}<body>{boxed}</body></html>", encoding="utf-8")
    with StaticSite(tmp_path) as site:
        wide = chromium.visit(site.url("wide.html"), "wide.html", "phone", axe=False)
        scrolls = chromium.visit(site.url("scrolls.html"), "scrolls.html", "phone", axe=False)
    assert any("div#wide" in item for item in wide.overflow), wide.overflow
    assert scrolls.overflow == []


# --------------------------------------------------------------------------- features


def test_pages_with_widget_state_render_their_widgets(crawl, built_book):
    pages = [p for p in PAGES if has_widget_state(built_book.html / p)]
    if not pages:
        pytest.skip("no page holds ipywidgets state yet")
    for page in pages:
        visit = crawl.visit(page)
        if visit.widget_views == 0 or visit.widgets_rendered == 0:
            crawl.fail(
                visit,
                "widget state is embedded but no widget rendered",
                [f"{visit.widget_views} widget views, {visit.widgets_rendered} rendered widgets"],
            )


def test_search_finds_a_term_that_is_in_the_book(chromium, served_book, built_book):
    assert any(SEARCH_TERM in (built_book.html / p).read_text(encoding="utf-8") for p in PAGES if p != "search.html")
    page = chromium.new_page()
    try:
        page.goto(served_book.url(f"search.html?q={SEARCH_TERM}"), wait_until="load")
        results = page.locator("#search-results ul.search li a")
        results.first.wait_for(state="attached", timeout=15_000)
        hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    finally:
        page.context.close()
    assert hrefs, f"searching for {SEARCH_TERM!r} found nothing"
    for href in hrefs:
        target = built_book.html / unquote(urlparse(href).path).lstrip("/")
        assert SEARCH_TERM.lower() in target.read_text(encoding="utf-8").lower(), f"{href} does not contain {SEARCH_TERM!r}"


def test_search_for_a_term_not_in_the_book_finds_nothing(chromium, served_book):
    page = chromium.new_page()
    try:
        page.goto(served_book.url(f"search.html?q={ABSENT_TERM}"), wait_until="load")
        summary = page.locator("#search-results p.search-summary")
        summary.wait_for(timeout=15_000)
        count = page.locator("#search-results ul.search li").count()
    finally:
        page.context.close()
    assert count == 0


def test_citations_link_into_the_bibliography(crawl, chromium, served_book):
    bibliography = crawl.visit("appendix/bibliography.html")
    entries = set(bibliography.citation_entries)
    assert entries, "the bibliography page lists no entries"
    citations = [(page, href) for page in PAGES for href in crawl.visit(page).citations]
    assert citations, "no page cites a source; the introduction does"
    wrong = [
        f"{page}: {href}"
        for page, href in citations
        if not urlparse(href).path.endswith("/appendix/bibliography.html") or unquote(urlparse(href).fragment) not in entries
    ]
    assert wrong == []
    # A reader who clicks a citation lands on its entry.
    first_page, first_href = citations[0]
    page = chromium.new_page()
    try:
        page.goto(served_book.url(first_page), wait_until="load")
        page.locator(f'.bibtex-citation a[href$="#{urlparse(first_href).fragment}"]').first.click()
        page.wait_for_url("**/appendix/bibliography.html#*", timeout=10_000)
        target_class = page.evaluate("() => document.querySelector(':target') && document.querySelector(':target').className")
    finally:
        page.context.close()
    assert target_class and "citation" in target_class.split()


# --------------------------------------------------------------------------- the allow-list stays honest


def test_console_allowlist_entries_still_match_something(crawl, allowlist, kind_pages):
    visits = [crawl.visit(p) for p in PAGES]
    visits += [crawl.visit(p, v, s) for p in kind_pages.values() if p for v, s in EXTRA_MODES]
    messages = [(m, v.page, None) for v in visits for m in v.console_errors]
    stale = allowlist.unused("console", messages)
    assert stale == [], "remove these entries from tests/allowlist.yaml: they match nothing any more"


# --------------------------------------------------------------------------- the data browser


def _visible_row_ids(page) -> list[str]:
    return page.evaluate(
        "Array.from(document.querySelectorAll('table.companion-browse-table tbody tr')).filter(r => !r.hidden).map(r => r.id)"
    )


def test_data_browser_link_opens_exactly_the_rows_it_names_and_sorts(chromium, served_book, allowlist):
    """A view by ids (companion.links.browse_url) shows those rows only; a column sorts; no errors."""
    from browser import PageVisit

    from companion.links import browse_url, row_anchor

    resource = next(r for r in tabular_resources(read_descriptor()) if r["name"] == "events")
    with open(ROOT / "data" / resource["path"], encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    chosen = [row_key(resource, row) for row in rows[1:4]]
    record = PageVisit("appendix/browse/events.html", "desktop", "light", "")
    page = chromium.new_page(record=record)
    try:
        page.goto(served_book.url(browse_url("events", chosen)), wait_until="load")
        page.wait_for_function("!document.getElementById('companion-browse-controls').hidden")
        assert sorted(_visible_row_ids(page)) == sorted(row_anchor("events", i) for i in chosen)
        assert f"Showing {len(chosen)} of {len(rows)} rows" in page.locator("#companion-browse-status").inner_text()

        # Sorting by the id column (by keyboard, as tablesort supports) reorders the shown rows.
        header = page.locator("table.companion-browse-table thead th").first
        header.focus()
        header.press("Enter")
        first = _visible_row_ids(page)
        header.press("Enter")
        assert _visible_row_ids(page) == list(reversed(first)) and header.get_attribute("aria-sort") in ("ascending", "descending")

        # Typing in the filter box writes the filter into the address.
        # page.url follows history.replaceState only through an asynchronous protocol event, so
        # the test reads the document's own location (CI once saw the old URL in page.url).
        page.goto(served_book.url("appendix/browse/events.html"), wait_until="load")
        page.wait_for_function("!document.getElementById('companion-browse-controls').hidden")
        page.fill("#companion-browse-filter", chosen[0])
        assert f"filter={chosen[0]}" in page.evaluate("window.location.search")
        assert row_anchor("events", chosen[0]) in _visible_row_ids(page)
        assert len(_visible_row_ids(page)) < len(rows)
    finally:
        page.context.close()
    errors = [m for m in record.console_errors if not allowlist.allows("console", m, record.page)]
    assert (errors, record.failed_requests, record.external_requests) == ([], [], [])


VISIBLE_SEARCH_CONTROLS_JS = """() => Array.from(document.querySelectorAll('.search-button__button, .bd-search input, input[type=search]'))
  .filter(e => e.offsetParent !== null && getComputedStyle(e).visibility !== 'hidden' && !e.closest('dialog'))
  .map(e => e.getAttribute('aria-label') || e.innerText.trim())"""


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_one_search_control_is_shown_at_each_width(chromium, served_book, viewport):
    page = chromium.new_page(viewport)
    try:
        page.goto(served_book.url("chapters/introduction.html"), wait_until="load")
        names = page.evaluate(VISIBLE_SEARCH_CONTROLS_JS)
    finally:
        page.context.close()
    assert len(names) == 1 and "Search" in names[0], f"visible search controls at {viewport}: {names}"
