"""Every control on the static site works in the browser, with no kernel and no network.

The explorers' pages embed ipywidgets state that the vendored html-manager (``embed.js``)
renders. Python callbacks are lost in a static page (traps.md #18), so a static page may
only draw controls whose effect runs in the browser: the presets menu of each explorer,
a Dropdown ``jslink``-ed to a Stack of pre-computed views. This test opens every page
whose widget state is embedded in Debian's Chromium, served on 127.0.0.1, and:

* fails on any control other than such a menu (multi-selects, sliders, buttons…);
* chooses every option of every menu and checks that the view changes to one not seen
  before, and comes back when the first option is chosen again;
* checks every view with axe-core for the rules on control names;
* fails on console errors, failed requests and any request to a host other than 127.0.0.1.
"""

from __future__ import annotations

import re

import pytest
from browser import AXE_JS, WAIT_TIMEOUT_MS, PageVisit, book_pages, has_widget_state
from conftest import ROOT

pytestmark = [pytest.mark.build, pytest.mark.browser, pytest.mark.timeout(900)]

PAGES = book_pages()
#: Every element a reader can operate inside a rendered widget.
CONTROLS = (
    ".jupyter-widgets input, .jupyter-widgets select, .jupyter-widgets textarea, .jupyter-widgets button, "
    ".jupyter-widgets [role='slider'], .jupyter-widgets [role='button'], .jupyter-widgets [role='checkbox'], "
    ".jupyter-widgets [contenteditable='true'], "
    # A table's scroll region is a tab stop (so a keyboard can scroll it) but no control.
    ".jupyter-widgets [tabindex]:not([tabindex='-1']):not(.explorer-table-scroll[role='region'])"
)
#: A presets menu: a single-choice select in an explorer, next to its stack of views.
MENU = ".companion-explorer > .widget-dropdown select:not([multiple])"
#: axe-core rules about the names of controls, run on the explorer after every change.
NAME_RULES = ["aria-input-field-name", "label-content-name-mismatch", "select-name", "label", "button-name"]
EXPLORER_CALL = re.compile(r"^[^#\n]*\b\w+_explorer\(", re.MULTILINE)


def explorer_pages() -> list[str]:
    """The pages whose source calls an explorer in a code cell (from the sources, not the build)."""
    pages = []
    for page in PAGES:
        source = ROOT / page.replace(".html", ".md")
        if source.exists() and any(
            EXPLORER_CALL.search(cell)
            for cell in re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", source.read_text(encoding="utf-8"), re.DOTALL)
        ):
            pages.append(page)
    return pages


def test_every_page_with_an_explorer_embeds_widget_state_and_no_other_page_does(built_book):
    expected = explorer_pages()
    assert len(expected) >= 3, "the book has a timeline, a balance and a comparison explorer"
    assert [p for p in PAGES if has_widget_state(built_book.html / p)] == expected


def views_of(page, menu) -> str:
    """The markup of the views stack next to ``menu``: what the reader sees change."""
    return menu.evaluate("el => el.closest('.companion-explorer').querySelector('.explorer-views').innerHTML")


def name_violations(page) -> list[str]:
    found = page.evaluate(
        """async (rules) => (await axe.run('.companion-explorer', {runOnly: {type: 'rule', values: rules}, resultTypes: ['violations']}))
             .violations.flatMap(v => v.nodes.map(n => `${v.id}: ${n.html.slice(0, 160)}`))""",
        NAME_RULES,
    )
    return list(found)


@pytest.mark.parametrize("page_name", explorer_pages())
def test_every_static_control_changes_the_view_offline(chromium, served_book, allowlist, page_name):
    record = PageVisit(page_name, "desktop", "light", served_book.url(page_name))
    page = chromium.new_page(record=record)
    try:
        page.goto(record.url, wait_until="load")
        page.wait_for_selector(".companion-explorer", state="visible", timeout=WAIT_TIMEOUT_MS)
        controls = page.locator(CONTROLS)
        menus = page.locator(MENU)
        drawn = [controls.nth(i).evaluate("el => el.outerHTML.slice(0, 160)") for i in range(controls.count())]
        not_menus = [html for i, html in enumerate(drawn) if not controls.nth(i).evaluate(f"el => el.matches({MENU!r})")]
        assert not not_menus, f"controls that need a kernel are drawn on the static page: {not_menus}"
        assert menus.count() >= 1, "the explorer has no presets menu"
        page.add_script_tag(path=str(AXE_JS))
        for number in range(menus.count()):
            menu = menus.nth(number)
            labels = menu.locator("option").all_inner_texts()
            assert 2 <= len(labels) <= 5, f"menu {number} has {len(labels)} options; a static explorer offers 2 to 5 presets"
            seen = [views_of(page, menu)]
            assert seen[0].strip(), f"menu {number}'s first view is empty"
            problems = name_violations(page)
            for index in list(range(1, len(labels))) + [0]:
                menu.select_option(index=index)
                page.wait_for_function(
                    "([el, before]) => el.closest('.companion-explorer').querySelector('.explorer-views').innerHTML !== before",
                    arg=[menu.element_handle(), seen[-1]],
                    timeout=WAIT_TIMEOUT_MS,
                )
                now = views_of(page, menu)
                if index:
                    assert now not in seen, f"option {labels[index]!r} of menu {number} shows a view already shown"
                    seen.append(now)
                    problems += name_violations(page)
                else:
                    assert now == seen[0], f"choosing {labels[0]!r} again does not bring back the first view of menu {number}"
            assert not problems, f"controls without a fitting accessible name: {problems}"
        page.wait_for_timeout(200)  # let a late request or error surface before judging
    finally:
        page.context.close()
    errors = [m for m in record.console_errors if not allowlist.allows("console", m, page_name)]
    assert not errors, f"console errors: {errors}"
    assert not record.failed_requests, f"failed requests: {record.failed_requests}"
    assert not record.external_requests, f"requests leaving 127.0.0.1: {record.external_requests}"
