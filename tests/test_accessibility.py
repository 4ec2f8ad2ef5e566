"""Accessibility of every page, checked in Chromium with axe-core (pinned in package.json).

The whole page counts, theme and extensions included: upstream defects are fixed from the
book (companion/book/htmlfixes.py, _templates/) and only what cannot be fixed is allow-listed in
tests/allowlist.yaml, each entry with its reason.
"""

from __future__ import annotations

import json

import pytest
from browser import AXE_JS, EXTRA_MODES, PAGE_KINDS, book_pages, has_widget_state, page_of_kind
from conftest import ROOT

PAGES = book_pages()
GATING_IMPACTS = {"serious", "critical"}

pytestmark = [pytest.mark.build, pytest.mark.browser, pytest.mark.timeout(1500)]


def gating_violations(visit, allowlist) -> list[str]:
    """Serious and critical axe-core violations of a visit that the allow-list does not cover."""
    found = []
    for violation in visit.violations:
        if violation["impact"] not in GATING_IMPACTS:
            continue
        for node in violation["nodes"]:
            if not allowlist.allows("axe", node["html"], visit.page, rule=violation["id"]):
                found.append(f"{violation['impact']} {violation['id']} ({violation['help']}): {node['target']}  {node['html'][:160]}")
    return found


def test_axe_core_is_the_pinned_version():
    pinned = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]["axe-core"]
    installed = json.loads((AXE_JS.parent / "package.json").read_text(encoding="utf-8"))["version"]
    assert installed == pinned


@pytest.mark.parametrize("page", PAGES)
def test_page_has_no_serious_or_critical_axe_violations(crawl, allowlist, page):
    visit = crawl.visit(page)
    found = gating_violations(visit, allowlist)
    if found:
        crawl.fail(visit, "serious or critical accessibility violations", found)


@pytest.fixture(scope="module")
def kind_pages(built_book) -> dict[str, str | None]:
    return {kind: page_of_kind(kind, built_book.html, PAGES) for kind in PAGE_KINDS}


@pytest.mark.parametrize("viewport, scheme", EXTRA_MODES, ids=[f"{v}-{s}" for v, s in EXTRA_MODES])
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_page_of_each_kind_is_accessible_on_a_phone_and_in_dark_mode(crawl, allowlist, kind_pages, kind, viewport, scheme):
    page = kind_pages[kind]
    if page is None:
        pytest.skip(f"the book has no {kind} yet")
    visit = crawl.visit(page, viewport, scheme)
    found = gating_violations(visit, allowlist)
    if found:
        crawl.fail(visit, f"serious or critical accessibility violations in {viewport}-{scheme}", found)


@pytest.mark.parametrize("page", PAGES)
def test_every_figure_has_alt_text(crawl, page):
    visit = crawl.visit(page)
    if visit.images_without_alt:
        crawl.fail(visit, "images in the article without alt text", visit.images_without_alt)


@pytest.mark.parametrize("page", PAGES)
def test_headings_are_in_order(crawl, page):
    visit = crawl.visit(page)
    levels = [level for level, _ in visit.headings]
    problems = []
    if levels[:1] != [1]:
        problems.append(f"the first heading is {visit.headings[:1]}, not an h1")
    if levels.count(1) != 1:
        problems.append(f"{levels.count(1)} h1 headings: {[t for level, t in visit.headings if level == 1]}")
    for (before, _), (level, text) in zip(visit.headings, visit.headings[1:]):
        if level > before + 1:
            problems.append(f"h{before} is followed by h{level} {text!r}")
    if problems:
        crawl.fail(visit, "headings out of order", problems)


def test_every_widget_has_an_accessible_name(crawl, built_book):
    pages = [p for p in PAGES if has_widget_state(built_book.html / p)]
    if not pages:
        pytest.skip("no page holds ipywidgets state yet")
    for page in pages:
        visit = crawl.visit(page)
        if not visit.widget_names:
            crawl.fail(visit, "the page's widgets have no controls a reader can reach", ["no input, select, button or slider rendered"])
        nameless = [html for html, name in visit.widget_names if not name]
        if nameless:
            crawl.fail(visit, "widget controls without an accessible name (give each widget a description)", nameless)


def test_axe_allowlist_entries_still_match_something(crawl, allowlist, kind_pages):
    visits = [crawl.visit(p) for p in PAGES]
    visits += [crawl.visit(p, v, s) for p in kind_pages.values() if p for v, s in EXTRA_MODES]
    nodes = [(n["html"], v.page, violation["id"]) for v in visits for violation in v.violations for n in violation["nodes"]]
    stale = allowlist.unused("axe", nodes)
    assert stale == [], "remove these entries from tests/allowlist.yaml: they match nothing any more"
