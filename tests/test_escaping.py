"""Untrusted data is shown as text, never run as markup, wherever a data value appears.

The ``changed_build`` fixture appends ``<script>alert("x")</script>`` and
``<img src=x onerror=alert(1)>`` to free-text values of one row of every table and to a
resource and a field description (see tests/data_change.py), then rebuilds. Every built page
is then parsed for live markup and opened in Chromium, where no dialog may open.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser import STUB_TEXT, StaticSite, book_pages

pytestmark = [pytest.mark.build, pytest.mark.timeout(2400)]

#: Pages written from the data that show every row (or every field) they are given.
#: "appendix/browse/" stands for the data browser's per-table pages taken together.
DATA_PAGES = ["appendix/browse/", "appendix/codebook.html", "appendix/source_criticism.html"]
SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


class LiveMarkup(HTMLParser):
    """Finds hostile markup that a browser would run: event handlers, injected images, scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.script_type: str | None = None
        self.script_text: list[str] = []
        self.widget_states: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on") and "alert(" in (value or ""):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "img" and attributes.get("src") == "x":
            self.found.append(f"<img src={attributes.get('src')!r}>")
        if tag == "script":
            self.script_type, self.script_text = (attributes.get("type") or "").lower(), []

    def handle_data(self, data: str) -> None:
        if self.script_type is not None:
            self.script_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.script_type is not None:
            text = "".join(self.script_text)
            if self.script_type in SCRIPT_TYPES and 'alert("x")' in text:
                self.found.append(f"<script>{text[:80]}</script>")
            if self.script_type == WIDGET_STATE:
                self.widget_states.append(text)
            self.script_type = None


def live_markup(page: Path) -> LiveMarkup:
    parser = LiveMarkup()
    parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    return parser


@pytest.fixture(scope="module")
def changed_html(changed_build) -> Path:
    assert changed_build.after.returncode == 0, changed_build.after.log[-6000:]
    return changed_build.after.build_dir / "html"


def test_the_hostile_values_reached_the_book(changed_html, changed_build):
    assert changed_build.changes.cells, "tests/data_change.py found no free-text field to test"
    text = {p: (changed_html / p).read_text(encoding="utf-8") for p in book_pages()}
    assert any("onerror=alert(1)" in t for t in text.values()), "no page shows a hostile value at all"


def test_no_built_page_holds_live_hostile_markup(changed_html):
    found = {}
    for page in sorted(changed_html.rglob("*.html")):
        parser = live_markup(page)
        bad_states = []
        for state in parser.widget_states:
            try:
                json.loads(state)
            except ValueError as error:  # a "</script>" in a value would cut the state short
                bad_states.append(f"widget state is not JSON: {error}")
        if parser.found or bad_states:
            found[page.relative_to(changed_html).as_posix()] = parser.found + bad_states
    assert found == {}


def test_the_live_markup_check_finds_unescaped_values(tmp_path):
    """Control: the parser flags the raw strings and passes their escaped forms."""
    page = tmp_path / "page.html"
    page.write_text('<p>&lt;script&gt;alert("x")&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;</p>', encoding="utf-8")
    assert live_markup(page).found == []
    page.write_text('<td><script>alert("x")</script> <img src=x onerror=alert(1)></td>', encoding="utf-8")
    assert len(live_markup(page).found) == 3


@pytest.fixture(scope="module")
def visits(changed_html, chromium):
    """Every page of the changed build, opened in Chromium (widgets render, dialogs are recorded)."""
    with StaticSite(changed_html) as site:
        return {page: chromium.visit(site.url(page), page, axe=False) for page in book_pages()}


def test_no_dialog_opens_on_any_page(visits):
    dialogs = {page: v.dialogs for page, v in visits.items() if v.dialogs}
    assert dialogs == {}


@pytest.mark.parametrize("page", DATA_PAGES)
def test_data_pages_show_hostile_values_as_text(visits, changed_html, page):
    if page.endswith("/"):
        text = "\n".join(v.text for name, v in visits.items() if name.startswith(page))
        assert text, f"no page under {page} was visited"
    else:
        if STUB_TEXT in (changed_html / page).read_text(encoding="utf-8"):
            pytest.skip(f"{page} is still a stub")
        text = visits[page].text
    for hostile in ('<script>alert("x")</script>', "<img src=x onerror=alert(1)>"):
        assert hostile in text, f"{page} does not show {hostile!r} as text"


def test_a_chapter_shows_hostile_values_as_text_in_a_table(visits):
    chapters = [page for page, v in visits.items() if page.startswith("chapters/") and "<img src=x onerror=alert(1)>" in v.text]
    assert chapters, "no chapter shows a hostile data value: tables would not be tested"
