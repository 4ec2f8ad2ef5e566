"""The execution cache follows the data: a changed value in data/ reaches the executed chapters.

jupyter-cache keys only on a notebook's code (traps.md #1); companion/execute.py stores
with each cache record the resources its notebook read, and runs it again when one of them
changes. The ``changed_build`` fixture builds a copy of the project, then:

* changes one value of a table only some chapters read and rebuilds: exactly the notebooks
  that read it run again, and only their pages and the pages generated from data change;
* changes one value that a chapter displays to a sentinel (and adds hostile HTML to every
  table) and rebuilds: the pages made from executed notebooks show the new value and no
  longer the old one.
"""

from __future__ import annotations

import re
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


EXECUTED = re.compile(r"\[companion\] executed (\S+) in [0-9.]+ s; it read (.*)")


def executed(log: str, project: Path) -> dict[str, list[str]]:
    """Notebooks the pre-executor ran in a build (relative paths) and the resources each read."""
    return {Path(m.group(1)).relative_to(project).as_posix(): m.group(2).split(", ") for m in EXECUTED.finditer(log)}


def changed_pages(before: Path, after: Path) -> set[str]:
    """Pages whose text differs between two builds (scripts' cache-busting queries aside)."""
    pages = {p.relative_to(before).as_posix() for p in before.rglob("*.html")} | {
        p.relative_to(after).as_posix() for p in after.rglob("*.html")
    }
    return {
        name
        for name in pages
        if not (before / name).exists() or not (after / name).exists() or page_text(before / name) != page_text(after / name)
    }


def test_a_change_reruns_exactly_the_notebooks_that_read_the_changed_table(changed_build):
    build, project = changed_build.targeted, changed_build.targeted.project
    assert build.returncode == 0 and build.warnings == [], build.log[-6000:]
    first = executed(changed_build.before.log, project)
    readers = {name for name, reads in first.items() if changed_build.targeted_change.table in reads}
    assert readers and len(readers) < len(first), f"choose a table some but not all chapters read: {first}"
    assert set(executed(build.log, project)) == readers


def test_a_change_changes_only_the_pages_of_those_notebooks_and_the_data_pages(changed_build):
    change, html = changed_build.targeted_change, changed_build.targeted_html
    readers = set(executed(changed_build.targeted.log, changed_build.targeted.project))
    reader_pages = {name.replace(".md", ".html") for name in readers}
    changed = changed_pages(changed_build.before_html, html)
    showing = {name for name in changed if change.sentinel in page_text(html / name)}
    assert showing, "no changed page shows the new value"
    assert any(name.startswith("appendix/") and name not in reader_pages for name in showing), (
        "the data browser does not show the new value"
    )
    data_pages = {name for name in changed if name.startswith("appendix/") and name not in reader_pages}
    assert changed - reader_pages - data_pages == set(), "pages of notebooks that did not read the table changed"


def test_the_rebuild_reran_every_notebook_that_read_changed_data(changed_build):
    # change_data touches every table, so every notebook that reads a table runs again.
    reran = executed(changed_build.after.log, changed_build.after.project)
    assert set(reran) == set(executed(changed_build.before.log, changed_build.before.project))
