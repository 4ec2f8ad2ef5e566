"""The built site works when served under a sub-path, as on GitHub Pages or any shared host.

The clean build is served at ``http://127.0.0.1:<port>/companion/`` and nowhere else: any
request outside ``/companion/`` (a root-absolute link, script or stylesheet) gets a 404,
which the browser records as a failed request. Every page is opened in Chromium; scripts
must run, search must find a word, widgets must render where a page has widget state.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest
from browser import QuietHandler, StaticSite, built_pages, has_widget_state

pytestmark = [pytest.mark.build, pytest.mark.browser, pytest.mark.timeout(1500)]

PREFIX = "/companion/"
#: A word every reader of the book meets, for the search page.
SEARCH_TERM = "Nurgaliev"
#: Root-absolute URLs in attributes: they would escape the sub-path.
ROOT_ABSOLUTE = re.compile(r"""\b(?:href|src|action|data-url)\s*=\s*["']/(?!/)[^"']*["']""", re.IGNORECASE)


class SubPathHandler(QuietHandler):
    """Serves ``directory`` under :data:`PREFIX` only; every other path is a 404."""

    def translate_path(self, path: str) -> str:
        route = urlsplit(path).path
        if not route.startswith(PREFIX):
            return str(Path(self.directory) / "__outside_the_sub_path__" / "404")  # never exists
        return super().translate_path("/" + path[len(PREFIX) :])


class SubPathSite(StaticSite):
    """A built ``html`` folder served at ``http://127.0.0.1:<free port>/companion/``."""

    def __init__(self, directory: Path):
        super().__init__(directory, handler=SubPathHandler, prefix=PREFIX)


@pytest.fixture(scope="module")
def subpath_site(built_book) -> Iterator[SubPathSite]:
    with SubPathSite(built_book.html) as site:
        yield site


@pytest.fixture(scope="module")
def subpath_visits(subpath_site, built_book, chromium) -> dict:
    """Every page of the build, visited once under the sub-path (no accessibility run)."""
    return {page: chromium.visit(subpath_site.url(page), page, axe=False) for page in built_pages(built_book.html)}


def test_the_server_really_hides_everything_outside_the_sub_path(subpath_site, chromium):
    page = chromium.new_page()
    try:
        outside = page.goto(subpath_site.base_url.replace(PREFIX, "/chapters/introduction.html"))
        inside = page.goto(subpath_site.url("chapters/introduction.html"))
    finally:
        page.context.close()
    assert outside.status == 404 and inside.status == 200


def test_no_page_uses_a_root_absolute_url(built_book):
    offenders = []
    for page in built_pages(built_book.html):
        for match in ROOT_ABSOLUTE.finditer((built_book.html / page).read_text(encoding="utf-8")):
            offenders.append(f"{page}: {match.group(0)}")
    assert offenders == []


def test_every_page_loads_under_the_sub_path_without_failed_requests(subpath_visits, allowlist):
    problems = []
    for page, visit in subpath_visits.items():
        problems += [f"{page}: failed request {r}" for r in visit.failed_requests]
        problems += [f"{page}: request to a non-local host {r}" for r in visit.external_requests]
        problems += [f"{page}: console {m}" for m in visit.console_errors if not allowlist.allows("console", m, page)]
    assert problems == []


def test_scripts_run_under_the_sub_path(subpath_visits):
    # The theme's JavaScript sets data-theme on <html>; without its scripts it stays empty.
    not_run = [page for page, visit in subpath_visits.items() if page != "index.html" and visit.theme not in ("light", "dark")]
    assert not_run == [], f"the theme's scripts did not run on: {not_run}"


def test_entry_page_forwards_to_the_introduction_inside_the_sub_path(subpath_site, chromium):
    page = chromium.new_page()
    try:
        page.goto(subpath_site.base_url, wait_until="load")
        page.wait_for_url(re.compile(re.escape(subpath_site.url("chapters/introduction.html"))), timeout=10_000)
        title = page.title()
    finally:
        page.context.close()
    assert title


def test_search_finds_a_word_under_the_sub_path(subpath_site, chromium):
    page = chromium.new_page()
    try:
        page.goto(subpath_site.url(f"search.html?q={SEARCH_TERM}"), wait_until="load")
        results = page.locator("#search-results ul.search li a")
        results.first.wait_for(state="attached", timeout=15_000)
        urls = [results.nth(i).evaluate("a => a.href") for i in range(results.count())]
    finally:
        page.context.close()
    assert urls, f"searching for {SEARCH_TERM!r} under {PREFIX} found nothing"
    assert all(urlsplit(u).path.startswith(PREFIX) for u in urls), urls


def test_widgets_render_under_the_sub_path(subpath_visits, built_book):
    widget_pages = [p for p in subpath_visits if has_widget_state(built_book.html / p)]
    if not widget_pages:
        pytest.skip("no page of this build has widget state")
    unrendered = [p for p in widget_pages if subpath_visits[p].widgets_rendered == 0]
    assert unrendered == [], f"widgets did not render under {PREFIX} on: {unrendered}"


def test_data_downloads_are_served_under_the_sub_path(subpath_visits, subpath_site, chromium):
    page = chromium.new_page()
    try:
        page.goto(subpath_site.url("appendix/codebook.html"), wait_until="load")
        links = page.locator("a.companion-download")
        hrefs = [links.nth(i).evaluate("a => a.href") for i in range(links.count())]
        statuses = {href: page.request.get(href).status for href in hrefs}
    finally:
        page.context.close()
    assert hrefs, "the codebook has no download links"
    assert set(statuses.values()) == {200}, statuses
