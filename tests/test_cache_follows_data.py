"""The execution cache follows the data: a changed value in data/ reaches the executed chapters.

jupyter-cache keys only on a notebook's code (traps.md #1); companion/book/sphinxext.py empties
the cache when data/ or the companion package changes. The ``changed_build`` fixture builds
a copy of the project, changes one value that a chapter displays to a sentinel, and
rebuilds into the same folder: the pages made from executed notebooks must show the new
value and no longer the old one.
"""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

pytestmark = [pytest.mark.build, pytest.mark.timeout(2400)]


class _PageText(HTMLParser):
    """The text of a page's article, without scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.skip += tag in {"script", "style"}

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in {"script", "style"} and self.skip > 0

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def page_text(page: Path) -> str:
    parser = _PageText()
    parser.feed(page.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())


def notebook_pages(build_dir: Path, html_dir: Path) -> list[Path]:
    """Pages made from executed notebooks: on them, every data value comes from execution
    (a cell's output or a glued value), never from Sphinx reading data/ directly."""
    executed = build_dir / "jupyter_execute"
    return [html_dir / p.relative_to(executed).with_suffix(".html") for p in sorted(executed.rglob("*.ipynb"))]


def pages_showing(build_dir: Path, html_dir: Path, value: str) -> list[str]:
    """Notebook pages of a build that show ``value``."""
    value = " ".join(value.split())
    return [p.relative_to(html_dir).as_posix() for p in notebook_pages(build_dir, html_dir) if p.exists() and value in page_text(p)]


def test_the_changed_copy_rebuilds_without_warnings(changed_build):
    assert changed_build.after.returncode == 0, changed_build.after.log[-6000:]
    assert changed_build.after.warnings == []


def test_a_changed_data_value_reaches_the_executed_chapter(changed_build):
    changes, build_dir = changed_build.changes, changed_build.after.build_dir
    before = pages_showing(build_dir, changed_build.before_html, changes.original)
    assert before, f"no notebook page shows {changes.original!r}: choose a displayed value in tests/data_change.py"
    assert pages_showing(build_dir, changed_build.before_html, changes.sentinel) == []
    after_html = build_dir / "html"
    assert pages_showing(build_dir, after_html, changes.sentinel) == before, "the rebuilt chapters still show cached outputs"
    assert pages_showing(build_dir, after_html, changes.original) == []


def test_the_rebuild_emptied_the_execution_cache(changed_build):
    assert "data or package changed: emptying" in changed_build.after.log
