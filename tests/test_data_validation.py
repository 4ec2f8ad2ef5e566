"""The loader rejects a corrupted data package and says exactly where the defect is.

Each test copies ``data/`` and ``references.bib`` into ``tmp_path``, makes one defect and
asserts that :func:`companion.data.validate` names the right file, row (as numbered in the
CSV file, header = row 1) and column. The tables are found through the descriptor (the
first table with a date and a precision, with a foreign key, ...), so the tests follow
the package as it grows. The real files are hashed before and after: no test may touch
them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import ROOT, VENV, copy_project, make

from companion.data import ARTICLE_KEYS, DataPackageError, Problem, load, read_descriptor, tabular_resources, validate

DATA = ROOT / "data"
BIB = ROOT / "references.bib"


def tree_hash(*paths: Path) -> str:
    digest = hashlib.sha256()
    for root in paths:
        for path in sorted(p for p in ([root] if root.is_file() else root.rglob("*")) if p.is_file()):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module", autouse=True)
def real_files_are_never_modified():
    before = tree_hash(DATA, BIB)
    yield
    assert tree_hash(DATA, BIB) == before, "a test modified the real data/ or references.bib"


# --------------------------------------------------------------------------- a corrupted copy


class Copy:
    """A copy of the package in ``tmp_path`` with helpers to make one defect."""

    def __init__(self, tmp_path: Path):
        self.data = tmp_path / "data"
        shutil.copytree(DATA, self.data)
        self.bib = tmp_path / "references.bib"
        shutil.copy(BIB, self.bib)
        self.descriptor = read_descriptor(self.data)

    def resource(self, name: str) -> dict:
        return next(r for r in self.descriptor["resources"] if r["name"] == name)

    def rows(self, name: str) -> tuple[list[str], list[list[str]]]:
        with open(self.data / self.resource(name)["path"], encoding="utf-8", newline="") as handle:
            header, *rows = list(csv.reader(handle))
        return header, rows

    def write(self, name: str, header: list[str], rows: list[list[str]]) -> None:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
        (self.data / self.resource(name)["path"]).write_text(buffer.getvalue(), encoding="utf-8")

    def set_cell(self, name: str, row: int, column: str, value: str) -> None:
        """Set a cell; ``row`` is numbered as in the CSV file (header = 1)."""
        header, rows = self.rows(name)
        rows[row - 2][header.index(column)] = value
        self.write(name, header, rows)

    def problems(self) -> list[Problem]:
        return validate(self.data, self.bib)


def first_table(predicate) -> dict:
    """The first tabular resource of the real package whose schema satisfies ``predicate``."""
    for resource in tabular_resources(read_descriptor(DATA)):
        if predicate(resource):
            return resource
    pytest.fail("the package has no table this defect can be made in")


def field(resource: dict, name: str) -> dict | None:
    return next((f for f in resource["schema"]["fields"] if f["name"] == name), None)


def first_row(copy: Copy, name: str, predicate=lambda row: True) -> int:
    """Number (as in the CSV file) of the first row of ``name`` that satisfies ``predicate``."""
    header, rows = copy.rows(name)
    for number, values in enumerate(rows, start=2):
        if predicate(dict(zip(header, values))):
            return number
    pytest.fail(f"no suitable row in {name}")


def assert_located(problems: list[Problem], file: str, row: int | None, column: str | None) -> None:
    """One problem names exactly this place (others may follow from it: a renamed id
    leaves the rows that referred to it dangling)."""
    assert problems, "the defect was not detected"
    places = [(p.file, p.row, p.column) for p in problems]
    assert (file, row, column) in places, "\n".join(map(str, problems))


def dated_table(resource: dict) -> bool:
    return field(resource, "date") is not None and field(resource, "date_precision") is not None


# --------------------------------------------------------------------------- one defect each


def test_real_package_is_valid():
    assert validate() == []


def test_impossible_month_is_rejected_with_row_and_column(tmp_path):
    copy, resource = Copy(tmp_path), first_table(dated_table)
    row = first_row(copy, resource["name"], lambda r: len(r["date"]) == 7 or len(r["date"]) == 10)
    header, rows = copy.rows(resource["name"])
    values = dict(zip(header, rows[row - 2]))
    copy.set_cell(resource["name"], row, "date", "2005-13")
    copy.set_cell(resource["name"], row, "date_precision", "month")
    if values.get("date_end"):
        copy.set_cell(resource["name"], row, "date_end", "")
    assert_located(copy.problems(), resource["path"], row, "date")


def test_date_of_the_wrong_precision_is_rejected(tmp_path):
    copy, resource = Copy(tmp_path), first_table(dated_table)
    row = first_row(copy, resource["name"], lambda r: len(r["date"]) == 4 and not r.get("date_end"))
    copy.set_cell(resource["name"], row, "date_precision", "day")
    assert_located(copy.problems(), resource["path"], row, "date_precision")


def test_value_outside_the_vocabulary_is_rejected(tmp_path):
    copy = Copy(tmp_path)
    resource = first_table(
        lambda r: any(f.get("constraints", {}).get("enum") and f["name"] != "date_precision" for f in r["schema"]["fields"])
    )
    name = next(f["name"] for f in resource["schema"]["fields"] if f.get("constraints", {}).get("enum") and f["name"] != "date_precision")
    copy.set_cell(resource["name"], 3, name, "not-a-listed-value")
    assert_located(copy.problems(), resource["path"], 3, name)


def test_duplicate_id_is_rejected(tmp_path):
    copy = Copy(tmp_path)
    resource = first_table(lambda r: r["schema"].get("primaryKey") == ["id"] and field(r, "id"))
    header, rows = copy.rows(resource["name"])
    copy.set_cell(resource["name"], 3, "id", rows[0][header.index("id")])
    assert_located(copy.problems(), resource["path"], 3, "id")


def test_dangling_foreign_key_is_rejected(tmp_path):
    copy = Copy(tmp_path)
    resource = first_table(lambda r: any(len(k["fields"]) == 1 for k in r["schema"].get("foreignKeys", [])))
    column = next(k["fields"][0] for k in resource["schema"]["foreignKeys"] if len(k["fields"]) == 1)
    copy.set_cell(resource["name"], 2, column, "no-such-row-anywhere")
    assert_located(copy.problems(), resource["path"], 2, column)


def test_source_missing_from_the_bibliography_is_rejected(tmp_path):
    copy = Copy(tmp_path)
    resource = first_table(lambda r: field(r, "source") is not None)
    copy.set_cell(resource["name"], 2, "source", "nosuchkey1999")
    assert_located(copy.problems(), resource["path"], 2, "source")


def test_contrary_source_missing_from_the_bibliography_is_rejected(tmp_path):
    copy = Copy(tmp_path)
    resource = first_table(lambda r: field(r, "contrary_source") is not None)
    copy.set_cell(resource["name"], 2, "contrary_source", "nosuchkey1999")
    assert_located(copy.problems(), resource["path"], 2, "contrary_source")


def test_empty_evidence_on_a_row_citing_an_article_is_rejected(tmp_path):
    copy = Copy(tmp_path)
    resource = first_table(lambda r: field(r, "evidence") is not None)
    row = first_row(copy, resource["name"], lambda r: r["source"] in ARTICLE_KEYS)
    copy.set_cell(resource["name"], row, "evidence", "")
    assert_located(copy.problems(), resource["path"], row, "evidence")


def test_flag_pointing_at_a_missing_row_is_rejected(tmp_path):
    copy = Copy(tmp_path)
    resource = first_table(lambda r: field(r, "table") is not None and field(r, "row_id") is not None)
    row = first_row(copy, resource["name"], lambda r: bool(r["row_id"]))
    copy.set_cell(resource["name"], row, "row_id", "no-such-row-anywhere")
    assert_located(copy.problems(), resource["path"], row, "row_id")


def test_missing_header_column_is_rejected(tmp_path):
    copy = Copy(tmp_path)
    resource = first_table(lambda r: field(r, "title") is not None or field(r, "name") is not None)
    header, rows = copy.rows(resource["name"])
    column = "title" if "title" in header else "name"
    index = header.index(column)
    copy.write(resource["name"], header[:index] + header[index + 1 :], [r[:index] + r[index + 1 :] for r in rows])
    assert_located(copy.problems(), resource["path"], 1, column)


def test_extra_column_is_rejected(tmp_path):
    copy = Copy(tmp_path)
    resource = first_table(dated_table)
    header, rows = copy.rows(resource["name"])
    copy.write(resource["name"], header + ["remarks"], [r + ["x"] for r in rows])
    assert_located(copy.problems(), resource["path"], 1, "remarks")


def test_columns_in_the_wrong_order_are_rejected(tmp_path):
    copy = Copy(tmp_path)
    resource = first_table(dated_table)
    header, rows = copy.rows(resource["name"])
    i, j = header.index("date"), header.index("date_precision")
    swap = lambda values: [values[j] if k == i else values[i] if k == j else v for k, v in enumerate(values)]  # noqa: E731
    copy.write(resource["name"], swap(header), [swap(r) for r in rows])
    assert_located(copy.problems(), resource["path"], 1, header[min(i, j)])


def test_file_that_is_not_utf8_is_rejected(tmp_path):
    copy = Copy(tmp_path)
    resource = first_table(lambda r: field(r, "description") is not None)
    header, rows = copy.rows(resource["name"])
    rows[2][header.index("description")] = "Tokaïev’s visit"
    text = "\n".join(",".join(f'"{v}"' for v in r) for r in [header, *rows]) + "\n"
    (copy.data / resource["path"]).write_bytes(text.replace("’", "'").encode("latin-1"))
    assert_located(copy.problems(), resource["path"], 4, "description")


def test_required_field_left_empty_is_rejected(tmp_path):
    copy = Copy(tmp_path)
    resource = first_table(
        lambda r: any(f.get("constraints", {}).get("required") and f["name"] not in ("id", "source") for f in r["schema"]["fields"])
    )
    name = next(
        f["name"] for f in resource["schema"]["fields"] if f.get("constraints", {}).get("required") and f["name"] not in ("id", "source")
    )
    copy.set_cell(resource["name"], 2, name, "")
    problems = copy.problems()
    assert_located(problems, resource["path"], 2, name)


def test_non_integer_in_an_integer_field_is_rejected(tmp_path):
    copy = Copy(tmp_path)
    resource = first_table(lambda r: any(f.get("type") == "integer" for f in r["schema"]["fields"]))
    name = next(f["name"] for f in resource["schema"]["fields"] if f.get("type") == "integer")
    copy.set_cell(resource["name"], 2, name, "twelve")
    assert_located(copy.problems(), resource["path"], 2, name)


def test_date_end_before_date_is_rejected(tmp_path):
    copy = Copy(tmp_path)
    resource = first_table(lambda r: dated_table(r) and field(r, "date_end") is not None)
    row = first_row(copy, resource["name"], lambda r: len(r["date"]) == 4 and int(r["date"]) > 1995)
    copy.set_cell(resource["name"], row, "date_end", "1995")
    assert_located(copy.problems(), resource["path"], row, "date_end")


def test_value_breaking_a_pattern_is_rejected(tmp_path):
    copy = Copy(tmp_path)
    resource = first_table(lambda r: "pattern" in (field(r, "id") or {}).get("constraints", {}))
    header, rows = copy.rows(resource["name"])
    copy.set_cell(resource["name"], 2, "id", "Not Kebab Case")
    assert_located(copy.problems(), resource["path"], 2, "id")


def test_malformed_datapackage_json_is_rejected_with_its_line(tmp_path):
    copy = Copy(tmp_path)
    path = copy.data / "datapackage.json"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].rstrip(",") + ",,"  # a stray comma on line 6
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = copy.problems()
    assert [(p.file, p.row) for p in problems] == [("datapackage.json", 6)], problems


def test_malformed_table_schema_is_rejected_naming_the_schema_file(tmp_path):
    copy = Copy(tmp_path)
    resource = first_table(lambda r: True)
    raw = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    schema_path = next(r["schema"] for r in raw["resources"] if r["name"] == resource["name"])
    (copy.data / schema_path).write_text('{"fields": [', encoding="utf-8")
    problems = copy.problems()
    assert [p.file for p in problems] == [schema_path], problems


# --------------------------------------------------------------------------- the loader and the build


def test_load_raises_data_package_error_naming_file_row_and_column(tmp_path):
    copy, resource = Copy(tmp_path), first_table(dated_table)
    copy.set_cell(resource["name"], 2, "date_precision", "fortnight")
    with pytest.raises(DataPackageError) as caught:
        load(copy.data, bib_file=copy.bib)
    assert f"{resource['path']}, row 2, column 'date_precision'" in str(caught.value)


def test_load_is_fast_enough_for_chapters(tmp_path):
    load()  # the first call may validate; chapters then reuse the verdict
    started = time.monotonic()
    tables = load()
    assert time.monotonic() - started < 2.0
    assert len(vars(tables)) > 3


@pytest.mark.build
@pytest.mark.timeout(600)
def test_corrupted_data_stops_the_build_before_any_chapter_executes(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "_toc.yml").write_text("format: jb-book\nroot: chapters/introduction\n", encoding="utf-8")
    resource = first_table(dated_table)
    copy = Copy.__new__(Copy)
    copy.data, copy.bib, copy.descriptor = project / "data", project / "references.bib", read_descriptor(project / "data")
    copy.set_cell(resource["name"], 2, "date", "2005-13")
    build = make(project, "book", tmp_path / "_build")
    assert build.returncode != 0
    assert f"{resource['path']}, row 2, column 'date'" in build.log, build.log[-3000:]
    assert "Executing" not in build.log, "a notebook was executed although the data is invalid"


@pytest.mark.timeout(120)
def test_upstream_frictionless_cli_accepts_the_real_package():
    result = subprocess.run(
        [str(VENV / "bin" / "frictionless"), "validate", str(DATA / "datapackage.json")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=110,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
