"""A reader's pages: no raw markup, no raw values, no bare keys or ids; numbers link to their rows.

Issue 19 §1 and §6, over the built pages of **both editions** (the run's one clean build,
``built_book``, and the student edition built into the same folder, ``student_build``):

* the visible text holds no MyST or Sphinx source (``{cite}``, ``{ref}``, ``{term}``,
  ``{numref}``, ``{glue``, ``:::``, code fences) outside code;
* no raw missing value (``NaN``, ``<NA>``, ``nan``) outside code inputs, cell outputs
  included, and no ``None`` as a whole table cell;
* bibliography keys and row ids appear only as links, inside code, or on the data pages
  (the data browser and the codebook), where a row's id is its label;
* every glued number link (``companion.numbers``) is a real ``<a>`` with a title, and its
  ``?ids=`` view names only existing rows of its table (the link escapes Sphinx's reference
  check: a raw link through ``{glue:md}`` is not a reference, so this test is the only guard);
* every number pasted as plain text (``{glue:text}``, ``{glue}``) is listed with its reason in
  ``companion.numbers.EXEMPT_NUMBERS``.

What the chapters still have to fix is listed, per page, in ``tests/reader_allowlist.yaml``:
a **temporary** allow-list. A listed item that no longer occurs fails too, so the list only
shrinks. The checks themselves are in ``tests/reader_pages.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from browser import book_pages
from bs4 import BeautifulSoup
from reader_pages import ROOT, bare_identifiers, is_data_page, number_links, raw_values, source_markup

from companion.numbers import is_exempt

ALLOWLIST_FILE = Path(__file__).resolve().parent / "reader_allowlist.yaml"
#: Inline glue roles that paste a value as plain text: ``{glue}`x``` and ``{glue:text}`x:.1f```.
PLAIN_GLUE = re.compile(r"\{glue(?::text)?\}`([^`:]+)(?::[^`]*)?`")
CODE_CELL = re.compile(r"^```\{code-cell\}.*?^```", re.MULTILINE | re.DOTALL)


def allowlist() -> dict[str, dict[str, list[str]]]:
    return yaml.safe_load(ALLOWLIST_FILE.read_text(encoding="utf-8")) or {}


@pytest.fixture(scope="module", params=["teacher", "student"])
def edition(request) -> tuple[str, Path]:
    """``(edition, html folder)`` of the run's shared builds (no extra clean build)."""
    if request.param == "teacher":
        return "teacher", request.getfixturevalue("built_book").html
    student = request.getfixturevalue("student_build")
    assert student.returncode == 0, student.log[-4000:]
    return "student", student.build_dir / "student"


def _pages(html: Path) -> list[str]:
    return [page for page in book_pages() if (html / page).exists()]


def _key(item: str) -> str:
    """What the allow-list names of a finding: the key or id, the raw value, or the markup."""
    return re.split(r" \(| … ", item, maxsplit=1)[0]


def _markup(context: str) -> str:
    match = re.search(r"\{[a-z:]+\}|\{glue|:::|```", context)
    return match.group(0) if match else context


def _check(kind: str, edition: tuple[str, Path], find) -> None:
    name, html = edition
    allowed = allowlist().get(kind, {}) or {}
    found: dict[str, list[str]] = {}
    for page in _pages(html):
        items = find(html / page, page)
        if items:
            found[page] = items
    unexpected = {page: [i for i in items if _key(i) not in allowed.get(page, [])] for page, items in found.items()}
    unexpected = {page: items for page, items in unexpected.items() if items}
    stale = {page: [a for a in entries if a not in {_key(i) for i in found.get(page, [])}] for page, entries in allowed.items()}
    stale = {page: entries for page, entries in stale.items() if entries and (html / page).exists()}
    assert not unexpected, f"{name} edition, {kind}:\n" + "\n".join(f"{p}: {i}" for p, items in unexpected.items() for i in items[:20])
    if name == "teacher":  # the teacher edition holds every page, so only it can tell an entry is stale
        assert not stale, f"fixed, remove from {ALLOWLIST_FILE.name} ({kind}): {stale}"


@pytest.mark.build
@pytest.mark.timeout(2400)
def test_no_myst_or_sphinx_source_in_the_visible_text(edition):
    _check("source_markup", edition, lambda file, page: [_markup(i) + " … " + i for i in source_markup(file)])


@pytest.mark.build
@pytest.mark.timeout(2400)
def test_no_raw_missing_values_outside_code_inputs(edition):
    _check("raw_values", edition, lambda file, page: [re.search(r"<NA>|NaN|nan|None", i).group(0) + " … " + i for i in raw_values(file)])


@pytest.mark.build
@pytest.mark.timeout(2400)
def test_keys_and_ids_only_as_links_code_or_row_labels_on_data_pages(edition):
    _check("identifiers", edition, lambda file, page: [] if is_data_page(page) else bare_identifiers(file))


@pytest.mark.build
@pytest.mark.timeout(2400)
def test_every_glued_number_link_opens_a_non_empty_view_of_existing_rows(edition):
    name, html = edition
    problems = {}
    for page in _pages(html):
        _, found = number_links(html / page, page)
        if found:
            problems[page] = found
    assert not problems, f"{name} edition:\n" + "\n".join(f"{p}: {i}" for p, items in problems.items() for i in items)


def test_a_broken_number_link_is_caught(tmp_path):
    """The link check can fail: a missing id, a missing title and a non-link are all reported."""
    page = tmp_path / "page.html"
    page.write_text(
        '<p><a class="glued-number" href="../appendix/browse/events.html?ids=no-such-row" title="t">1</a>'
        '<a class="glued-number" href="../appendix/browse/flags.html?ids=flag-hangar-area">1</a>'
        '<span class="glued-number">2</span></p>',
        encoding="utf-8",
    )
    count, problems = number_links(page, "chapters/page.html")
    assert count == 3 and len(problems) == 3, problems


def test_the_page_checks_find_what_they_look_for(tmp_path):
    """Each check fails on a page that has its defect (a test that cannot fail is a defect)."""
    page = tmp_path / "page.html"
    page.write_text(
        '<main id="main-content"><p>See {cite}`nurgaliev2007` and nurgaliev2007.</p>'
        '<div class="cell_output"><pre>x    NaN</pre></div><table><tr><td>None</td></tr></table>'
        '<div class="cell_input"><pre>{ref}`x` NaN nurgaliev2007</pre></div>'
        '<p><a href="#">nurgaliev2007</a> <code>{term}`x`</code></p></main>',
        encoding="utf-8",
    )
    assert len(source_markup(page)) == 1
    assert len(raw_values(page)) == 2
    assert bare_identifiers(page) == ["nurgaliev2007 (bibliography key)"]


def plain_glued_numbers() -> dict[str, list[str]]:
    """``{page source: [names]}`` of values pasted as plain text in the prose of the book's pages."""
    found = {}
    for page in book_pages():
        source = ROOT / page.replace(".html", ".md")
        if source.exists():
            names = PLAIN_GLUE.findall(CODE_CELL.sub("", source.read_text(encoding="utf-8")))
            if names:
                found[page] = list(dict.fromkeys(names))
    return found


def test_every_plain_glued_number_is_listed_as_exempt_with_its_reason():
    allowed = allowlist().get("plain_glued_numbers", {}) or {}
    found = plain_glued_numbers()
    unexpected = {page: [n for n in names if not is_exempt(n) and n not in allowed.get(page, [])] for page, names in found.items()}
    unexpected = {page: names for page, names in unexpected.items() if names}
    stale = {page: [n for n in names if n not in found.get(page, [])] for page, names in allowed.items()}
    stale = {page: names for page, names in stale.items() if names}
    assert not unexpected, (
        "glue these with companion.numbers (glue_count / glue_number_link) and paste them with "
        "{glue:md}, or list them in EXEMPT_NUMBERS with the reason: " + repr(unexpected)
    )
    assert not stale, f"fixed, remove from {ALLOWLIST_FILE.name} (plain_glued_numbers): {stale}"


@pytest.mark.build
@pytest.mark.timeout(2400)
def test_code_toggles_are_named_by_their_visible_label(edition):
    """Issue 19 §2: a folded cell's toggle reads "Show code" and has the name it shows (label in name)."""
    name, html = edition
    wrong = []
    for page in _pages(html):
        soup = BeautifulSoup((html / page).read_text(encoding="utf-8"), "html.parser")
        for summary in soup.select("details.hide > summary"):
            labels = [" ".join(s.get_text(" ").split()) for s in summary.find_all("span")]
            if labels != ["Show code", "Hide code"] or summary.find("p"):
                wrong.append(f"{page}: {summary}")
            elif summary.get("aria-label") and not all(label in summary["aria-label"] for label in labels):
                wrong.append(f"{page}: aria-label {summary['aria-label']!r} lacks {labels}")
    assert not wrong, f"{name} edition:\n" + "\n".join(wrong[:20])
