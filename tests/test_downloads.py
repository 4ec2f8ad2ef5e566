"""A reader can take the data away: the site serves the package, its files and one zip of it.

Also what the published pages say about the data: every footer names the data's version and
date from ``datapackage.json``, and accepted corrections are listed on the source-criticism
page.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import urllib.request
import zipfile
from pathlib import Path

import pytest
from browser import StaticSite, built_pages

from companion.book.publishing import (
    DOWNLOADS,
    ZIP_FILE_MODE,
    data_version,
    footer_html,
    package_files,
    read_raw_descriptor,
    stage_downloads,
    zip_name,
)
from companion.data import DATA_DIR

ZIP_VALIDATION_TIMEOUT = 300
#: Tables computed from the package and published with it (companion.verdicts).
DERIVED = ("derived/verdicts.csv",)


def frictionless_report(path: Path):
    import frictionless  # a second of start-up, only for the tests that validate

    return frictionless.validate(str(path))


def resource_files(descriptor: dict) -> set[str]:
    """The data and schema files a descriptor names."""
    files = set()
    for resource in descriptor["resources"]:
        paths = resource["path"]
        files.update([paths] if isinstance(paths, str) else paths)
        if isinstance(resource.get("schema"), str):
            files.add(resource["schema"])
    return files


# --------------------------------------------------------------------------- the zip


def test_zip_is_byte_identical_whatever_the_files_timestamps(tmp_path):
    data = shutil.copytree(DATA_DIR, tmp_path / "data")
    first = stage_downloads(tmp_path / "one", data)
    for path in data.rglob("*"):
        os.utime(path, (1_900_000_000, 1_900_000_000))  # as after a fresh checkout, years later
    second = stage_downloads(tmp_path / "two", data)
    assert first.zip_sha256 == second.zip_sha256
    assert (tmp_path / "one" / DOWNLOADS / first.zip_name).read_bytes() == (tmp_path / "two" / DOWNLOADS / second.zip_name).read_bytes()


def test_zip_entries_are_sorted_dated_from_the_package_and_plain_files(tmp_path):
    downloads = stage_downloads(tmp_path)
    _, date = data_version(downloads.descriptor)
    stamp = tuple(int(p) for p in date.split("-")) + (0, 0, 0)
    with zipfile.ZipFile(tmp_path / DOWNLOADS / downloads.zip_name) as archive:
        infos = archive.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names) == sorted({*package_files(DATA_DIR), *DERIVED})
    assert {i.date_time for i in infos} == {stamp}
    assert {i.external_attr for i in infos} == {ZIP_FILE_MODE}
    assert {i.create_system for i in infos} == {3}
    assert "datapackage.json" in names and resource_files(downloads.descriptor) <= set(names)


def test_zip_name_carries_package_name_and_version():
    descriptor = read_raw_descriptor()
    assert zip_name(descriptor) == f"{descriptor['name']}-{descriptor['version']}.zip"


def test_derived_verdicts_are_staged_described_and_zipped(tmp_path):
    downloads = stage_downloads(tmp_path)
    staged = json.loads((tmp_path / DOWNLOADS / "datapackage.json").read_text(encoding="utf-8"))
    verdicts = next(r for r in staged["resources"] if r["name"] == "verdicts")
    assert verdicts["path"] == "derived/verdicts.csv" and "Derived table" in verdicts["description"]
    assert {f["name"] for f in verdicts["schema"]["fields"]} >= {"row", "claim", "verdict", "reason"}
    with zipfile.ZipFile(tmp_path / DOWNLOADS / downloads.zip_name) as archive:
        rows = list(csv.DictReader(archive.read("derived/verdicts.csv").decode("utf-8").splitlines()))
    assert rows and any(r["verdict"] == "sources disagree" for r in rows)
    assert "derived/verdicts.csv" in downloads.files


def test_a_package_without_derived_tables_is_staged_as_written(tmp_path):
    stage_downloads(tmp_path, derived=[])
    assert (tmp_path / DOWNLOADS / "datapackage.json").read_bytes() == (DATA_DIR / "datapackage.json").read_bytes()


def test_hidden_files_and_editor_leftovers_are_not_published(tmp_path):
    data = shutil.copytree(DATA_DIR, tmp_path / "data")
    for leftover in (".events.csv.swp", "events.csv~", "notes.bak", ".hidden/x.csv", "__pycache__/x.pyc"):
        (data / leftover).parent.mkdir(parents=True, exist_ok=True)
        (data / leftover).write_text("x", encoding="utf-8")
    assert package_files(data) == package_files(DATA_DIR)


@pytest.mark.timeout(ZIP_VALIDATION_TIMEOUT)
def test_zip_of_a_corrupted_package_fails_frictionless_validation(tmp_path):
    data = shutil.copytree(DATA_DIR, tmp_path / "data")
    descriptor = read_raw_descriptor(data)
    table = next(r for r in descriptor["resources"] if r["name"] == "sipri_tiv")
    path = data / table["path"]
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    year = rows[0].index("year")
    rows[1][year] = "nineteen-ninety"  # one bad cell: an integer field with text in it
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    downloads = stage_downloads(tmp_path / "site", data)
    report = frictionless_report(tmp_path / "site" / DOWNLOADS / downloads.zip_name)
    assert not report.valid
    assert any(e.type == "type-error" for task in report.tasks for e in task.errors)


# --------------------------------------------------------------------------- the footer


def test_footer_names_the_data_version_and_date_from_the_descriptor():
    descriptor = {"version": "2.3.4", "created": "2031-05-06T12:00:00Z"}
    assert "Data version 2.3.4 of 2031-05-06." in footer_html(descriptor)
    assert "Data version 2.3.5 of 2031-05-07." in footer_html({"version": "2.3.5", "created": "2031-05-07"})


@pytest.mark.parametrize(
    "descriptor",
    [{"created": "2026-11-23"}, {"version": "1.0"}, {"version": "1.0", "created": "soon"}],
    ids=["no-version", "no-date", "bad-date"],
)
def test_a_descriptor_without_version_or_date_is_refused(descriptor):
    with pytest.raises(ValueError, match="datapackage.json"):
        footer_html(descriptor)


# --------------------------------------------------------------------------- the site


@pytest.mark.build
@pytest.mark.timeout(1500)
def test_site_serves_the_descriptor_every_data_file_and_the_zip(built_book):
    served = built_book.html / DOWNLOADS
    for name in package_files(DATA_DIR):
        if name == "datapackage.json":
            continue  # staged with the derived tables added, checked below
        assert (served / name).read_bytes() == (DATA_DIR / name).read_bytes(), f"downloads/{name} differs from data/{name}"
    staged = json.loads((served / "datapackage.json").read_text(encoding="utf-8"))
    raw = read_raw_descriptor()
    assert staged["resources"][: len(raw["resources"])] == raw["resources"]
    assert [r["path"] for r in staged["resources"][len(raw["resources"]) :]] == list(DERIVED)
    assert all((served / path).is_file() for path in DERIVED)
    assert (served / zip_name(read_raw_descriptor())).is_file()


@pytest.mark.build
@pytest.mark.timeout(1500)
def test_zip_of_the_built_site_is_the_deterministic_zip_of_the_data(built_book, tmp_path):
    fresh = stage_downloads(tmp_path)
    built = built_book.html / DOWNLOADS / fresh.zip_name
    assert hashlib.sha256(built.read_bytes()).hexdigest() == fresh.zip_sha256


@pytest.mark.build
@pytest.mark.timeout(1500)
def test_zip_downloaded_from_the_site_validates_with_frictionless(built_book, tmp_path):
    name = zip_name(read_raw_descriptor())
    with StaticSite(built_book.html) as site:
        with urllib.request.urlopen(site.url(f"{DOWNLOADS}/{name}"), timeout=30) as response:
            payload = response.read()
    downloaded = tmp_path / name
    downloaded.write_bytes(payload)
    with zipfile.ZipFile(downloaded) as archive:
        names = set(archive.namelist())
    assert resource_files(read_raw_descriptor()) <= names
    report = frictionless_report(downloaded)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:20]
    assert {task.name for task in report.tasks} == {r["name"] for r in read_raw_descriptor()["resources"]} | {"verdicts"}


@pytest.mark.build
@pytest.mark.timeout(1500)
def test_codebook_links_the_zip_the_descriptor_and_every_data_file(built_book):
    page = built_book.html / "appendix" / "codebook.html"
    hrefs = re.findall(r'href="([^"#?]*downloads/[^"#?]+)"', page.read_text(encoding="utf-8"))
    targets = {(page.parent / href).resolve() for href in hrefs}
    served = (built_book.html / DOWNLOADS).resolve()
    expected = {served / zip_name(read_raw_descriptor()), served / "datapackage.json"}
    expected |= {served / r["path"] for r in read_raw_descriptor()["resources"]} | {served / p for p in DERIVED}
    assert expected <= targets, f"not linked from the codebook: {sorted(str(p.relative_to(served)) for p in expected - targets)}"
    assert all(t.is_file() for t in targets)


@pytest.mark.build
@pytest.mark.timeout(1500)
def test_every_page_footer_shows_the_data_version_and_date(built_book):
    footer = footer_html(read_raw_descriptor())
    missing = [
        p for p in built_pages(built_book.html) if p != "index.html" and footer not in (built_book.html / p).read_text(encoding="utf-8")
    ]
    assert missing == [], f"pages without the data version in their footer: {missing}"


@pytest.mark.build
@pytest.mark.timeout(1500)
def test_accepted_corrections_are_listed_on_the_source_criticism_page(built_book):
    flags = DATA_DIR / "flags.csv"
    with open(flags, encoding="utf-8", newline="") as handle:
        accepted = [row["id"] for row in csv.DictReader(handle) if row["status"] == "accepted_correction"]
    assert accepted, "flags.csv has no accepted correction to look for"
    page = (built_book.html / "appendix" / "source_criticism.html").read_text(encoding="utf-8")
    # The group's id follows the status ("flags-accepted_correction"); its heading is fixed.
    section = re.search(r'<section\b[^>]*\bid="flags-accepted[-_]correction"[^>]*>(.*?)</section>', page, re.DOTALL)
    assert section, "the source criticism page has no 'Accepted corrections' section"
    ids = set(re.findall(r'\bid="([^"]+)"', section.group(1)))
    missing = [flag for flag in accepted if flag not in ids and f"flag-{flag}" not in ids]
    assert missing == [], f"accepted corrections missing from the page: {missing}"
