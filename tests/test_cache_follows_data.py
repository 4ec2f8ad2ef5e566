"""The execution cache follows the data: a changed value in data/ reaches the executed chapters.

jupyter-cache keys only on a notebook's code (traps.md #1); companion/sphinxext.py empties
the cache when data/ or the companion package changes. The ``changed_build`` fixture builds
a copy of the project, changes one value that a chapter displays to a sentinel, and
rebuilds into the same folder: the chapter's executed output must show the new value.
"""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

pytestmark = [pytest.mark.build, pytest.mark.timeout(2400)]


class _CellOutputText(HTMLParser):
    """Collects the text inside the ``cell_output`` blocks of a page (what code cells printed)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # open elements inside the current cell output, 0 = outside
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        if self.depth or "cell_output" in classes:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def cell_output_text(page: Path) -> str:
    parser = _CellOutputText()
    parser.feed(page.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())


def pages_showing(html_dir: Path, value: str) -> list[str]:
    """Pages whose executed outputs show ``value``."""
    value = " ".join(value.split())
    return sorted(p.relative_to(html_dir).as_posix() for p in html_dir.rglob("*.html") if value in cell_output_text(p))


def test_the_changed_copy_rebuilds_without_warnings(changed_build):
    assert changed_build.after.returncode == 0, changed_build.after.log[-6000:]
    assert changed_build.after.warnings == []


def test_a_changed_data_value_reaches_the_executed_chapter(changed_build):
    changes = changed_build.changes
    before = pages_showing(changed_build.before_html, changes.original)
    assert before, f"no chapter output shows {changes.original!r}: choose a displayed value in tests/data_change.py"
    assert pages_showing(changed_build.before_html, changes.sentinel) == []
    after_html = changed_build.after.build_dir / "html"
    assert pages_showing(after_html, changes.sentinel) == before, "the rebuilt chapters still show cached outputs"
    assert pages_showing(after_html, changes.original) == []


def test_the_rebuild_emptied_the_execution_cache(changed_build):
    assert "data or package changed: emptying" in changed_build.after.log
