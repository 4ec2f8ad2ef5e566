"""Read, validate and type the book's Frictionless Data Package in ``data/``.

One entry point, :func:`load`, validates the whole package (Table Schemas, vocabularies,
keys, foreign keys, dates, sources, evidence) and returns typed pandas DataFrames. Any
defect raises one :class:`DataPackageError` that lists every problem with its file, row
(numbered as in the CSV file, header = row 1), column, value and what was expected.
"""

from __future__ import annotations

import calendar
import csv
import hashlib
import io
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterable

import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
BIB_FILE = PROJECT_ROOT / "references.bib"


@dataclass(frozen=True)
class CodedArticle:
    """One of the two articles the book codes, and the names the book gives it."""

    key: str  #: its key in references.bib, and the ``source`` of the rows coded from it
    name: str  #: how the prose and figure panels name it ("Nurgaliev writes…")
    label: str  #: name and year, for table rows and legends
    short: str  #: for narrow table columns


#: The two articles the book codes, in the book's order; the one place their names live.
ARTICLES: tuple[CodedArticle, ...] = (
    CodedArticle("nurgaliev2007", "Nurgaliev", "Nurgaliev (2007)", "Nurgaliev"),
    CodedArticle("edm2004kazakhstan", "Eurasia Daily Monitor", "Eurasia Daily Monitor (2004)", "EDM"),
)
#: Rows citing these keys must carry a locator and evidence.
ARTICLE_KEYS = tuple(article.key for article in ARTICLES)
ARTICLE_NAMES = {article.key: article.name for article in ARTICLES}
ARTICLE_LABELS = {article.key: article.label for article in ARTICLES}
ARTICLE_SHORT = {article.key: article.short for article in ARTICLES}

#: Fields whose values are keys of ``references.bib``.
CITATION_FIELDS = ("source", "contrary_source")
#: A pair of fields by which a row names a row of another table (the flags do so).
ROW_REFERENCE = ("table", "row_id")
#: Fields holding space-separated ids of rows elsewhere: the field, and the tables the ids
#: may name (``None`` = any table with a one-field primary key other than the row's own).
ID_LIST_FIELDS = {"bears_on": None, "flag_id": ("flags",)}

DATE_PATTERN = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
PRECISION_BY_LENGTH = {4: "year", 7: "month", 10: "day"}


@dataclass(frozen=True)
class Problem:
    """One defect in the data package, located as precisely as the defect allows."""

    file: str
    row: int | None
    column: str | None
    value: Any
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        value = "" if self.value is None else f": value {self.value!r}"
        return f"{where}{value}: {self.expected}"


class DataPackageError(ValueError):
    """The data package has defects; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"The data package in data/ has {len(problems)} problem(s); fix each in the file named, then rebuild:\n{lines}")


# --------------------------------------------------------------------------- reading


def _read_json(data_dir: Path, name: str) -> Any:
    """One JSON file of the package; a defect raises :class:`DataPackageError` naming its line."""
    try:
        return json.loads((data_dir / name).read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        problem = Problem(name, error.lineno, None, None, f"is not valid JSON: {error.msg} (line {error.lineno}, character {error.colno})")
    except (OSError, UnicodeDecodeError) as error:
        problem = Problem(name, None, None, None, f"cannot be read: {error}")
    raise DataPackageError([problem])


def read_descriptor(data_dir: Path = DATA_DIR) -> dict:
    """Return ``datapackage.json`` with every external Table Schema resolved inline.

    Raises :class:`DataPackageError` naming the file and line when a JSON file is broken.
    """
    descriptor = _read_json(data_dir, "datapackage.json")
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise DataPackageError(
            [Problem("datapackage.json", None, "resources", None, "the package must be an object with a list of resources")]
        )
    for resource in descriptor["resources"]:
        if isinstance(resource.get("schema"), str):
            resource["schema"] = _read_json(data_dir, resource["schema"])
    return descriptor


def tabular_resources(descriptor: dict) -> list[dict]:
    """The resources of the package that are CSV tables with a Table Schema."""
    return [r for r in descriptor["resources"] if "schema" in r and r.get("format", "csv") == "csv"]


def primary_key(resource: dict) -> list[str]:
    """The names of a table's primary-key fields (empty when it has none)."""
    key = resource["schema"].get("primaryKey") or []
    return [key] if isinstance(key, str) else list(key)


def row_key(resource: dict, row: dict[str, str]) -> str:
    """A row's primary-key value as written; the parts of a composite key joined by '/'.

    This is how other rows name it (a flag's ``row_id``) and what its anchor on the
    browse page is made from.
    """
    return "/".join(row.get(name) or "" for name in primary_key(resource))


def bibliography_keys(bib_file: Path = BIB_FILE) -> set[str]:
    """Keys of every entry in ``references.bib``.

    Read with pybtex, the parser sphinxcontrib-bibtex itself uses, so a key counts here
    exactly when the book's citations can resolve it.
    """
    from pybtex.database import parse_file  # imported lazily, like frictionless

    return set(parse_file(str(bib_file), bib_format="bibtex").entries.keys())


def fingerprint(data_dir: Path = DATA_DIR, bib_file: Path = BIB_FILE) -> str:
    """A hash of the whole package, ``references.bib`` and the ``companion`` code.

    It keys the validation verdict that :func:`load` reuses. Executed chapters do not use
    it: they follow only the resources they read (:func:`resource_hash`, companion.execute).
    """
    digest = hashlib.sha256()
    package_dir = Path(__file__).resolve().parent
    files = sorted(p for p in data_dir.rglob("*") if p.is_file())
    files += sorted(p for p in package_dir.rglob("*.py"))
    files.append(bib_file)
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


# --------------------------------------------------------------------------- what a notebook reads

#: When set (by companion.execute, in the kernel's environment), the file that receives the
#: name of every resource the process reads through :func:`load`, one per line.
READS_ENV = "COMPANION_READS"
#: Pseudo-resources a notebook can read besides the tables: the descriptor with its schemas,
#: the files of data/ that are not tables (read through ``data_dir``), the bibliography.
DESCRIPTOR, OTHER_FILES, BIBLIOGRAPHY = "descriptor", "data_dir", "references.bib"
_noted: set[str] = set()


def note_read(name: str) -> None:
    """Record that this process read resource ``name`` (once), if a recorder is listening."""
    target = os.environ.get(READS_ENV)
    if target and name not in _noted:
        _noted.add(name)
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(name + "\n")


class Tables(SimpleNamespace):
    """The package's tables as attributes; reading one records its name (:func:`note_read`).

    That record is how the execution cache knows which notebooks a changed table affects.
    """

    def __getattribute__(self, name: str) -> Any:
        if not name.startswith("_"):
            note_read(name)
        return super().__getattribute__(name)


def _hash_files(paths: Iterable[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
        digest.update(b"\0")
    return digest.hexdigest()


def resource_hash(name: str, data_dir: Path = DATA_DIR, bib_file: Path = BIB_FILE) -> str:
    """A hash of what reading resource ``name`` through :func:`load` depends on.

    A table: its CSV file, its Table Schema and its entry in ``datapackage.json``.
    ``descriptor``: ``datapackage.json`` and every schema. ``data_dir``: the files of
    ``data/`` that are neither tables, schemas nor the descriptor (the map's GeoJSON…).
    ``references.bib``: the bibliography. An unknown name: the whole folder (safe side).
    """
    data_dir = Path(data_dir)
    if name == BIBLIOGRAPHY:
        return _hash_files([Path(bib_file)], Path(bib_file).parent)
    descriptor_file = data_dir / "datapackage.json"
    try:
        descriptor = json.loads(descriptor_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        descriptor = {"resources": []}
    resources = {r.get("name"): r for r in descriptor.get("resources", []) if isinstance(r, dict)}
    schemas = sorted({data_dir / r["schema"] for r in resources.values() if isinstance(r.get("schema"), str)})
    tables = {data_dir / r["path"] for r in resources.values() if "schema" in r and isinstance(r.get("path"), str)}
    if name == DESCRIPTOR:
        return _hash_files([descriptor_file, *schemas], data_dir)
    if name == OTHER_FILES:
        known = tables | set(schemas) | {descriptor_file}
        return _hash_files(sorted(p for p in data_dir.rglob("*") if p.is_file() and p not in known), data_dir)
    resource = resources.get(name)
    if resource is None or not isinstance(resource.get("path"), str):
        return _hash_files(sorted(p for p in data_dir.rglob("*") if p.is_file()), data_dir)
    files = [data_dir / resource["path"]]
    if isinstance(resource.get("schema"), str):
        files.append(data_dir / resource["schema"])
    entry = json.dumps(resource, sort_keys=True).encode()
    return hashlib.sha256(entry + _hash_files(files, data_dir).encode()).hexdigest()


# --------------------------------------------------------------------------- validation


def _check_encoding_and_header(data_dir: Path, resource: dict) -> list[Problem]:
    """The file exists, is UTF-8 and its header names the schema's fields in order."""
    path = data_dir / resource["path"]
    expected = [f["name"] for f in resource["schema"]["fields"]]
    if not path.exists():
        return [Problem(resource["path"], None, None, None, "file is missing; create it with the header " + ",".join(expected))]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        row, column = _locate_undecodable(raw, expected)
        return [Problem(resource["path"], row, column, None, f"is not UTF-8 (byte {error.start}); re-save the file as UTF-8")]
    header = next(csv.reader(text.splitlines()[:1]), [])
    if header == expected:
        return []
    problems = []
    for name in expected:
        if name not in header:
            problems.append(Problem(resource["path"], 1, name, None, "column is missing from the header"))
    for name in header:
        if name not in expected:
            problems.append(
                Problem(resource["path"], 1, name, None, "column is not in the Table Schema; remove it or add it to the schema")
            )
    if not problems:
        first = next(i for i, (a, b) in enumerate(zip(header, expected)) if a != b)
        problems.append(
            Problem(
                resource["path"],
                1,
                expected[first],
                header[first],
                f"columns are out of order: column {first + 1} should be '{expected[first]}'; expected " + ",".join(expected),
            )
        )
    return problems


def _locate_undecodable(raw: bytes, expected: list[str]) -> tuple[int | None, str | None]:
    """Row (header = 1) and column of the first cell holding bytes that are not UTF-8."""
    text = raw.decode("utf-8", errors="replace")
    for number, cells in enumerate(csv.reader(text.splitlines()), start=1):
        for index, cell in enumerate(cells):
            if "\ufffd" in cell:
                return number, expected[index] if index < len(expected) else None
    return None, None


def _frictionless_problems(data_dir: Path, descriptor: dict, skip: set[str]) -> list[Problem]:
    """Run the upstream validator (types, constraints, keys, foreign keys) on each table."""
    import frictionless  # imported lazily: a second of start-up that cached loads skip

    if not descriptor.get("resources"):
        return [Problem("datapackage.json", None, "resources", None, "the package lists no resources")]

    try:
        report = frictionless.validate(str(data_dir / "datapackage.json"))
    except frictionless.FrictionlessException as error:
        return [Problem("datapackage.json", None, None, None, f"{error.error.type}: {error.error.note}")]
    problems = []
    path_by_name = {r["name"]: r["path"] for r in descriptor["resources"]}
    for task in report.tasks:
        name = task.name or ""
        file = path_by_name.get(name, name)
        if file in skip:
            continue
        primary_key = next(
            (r["schema"].get("primaryKey") for r in descriptor["resources"] if r["name"] == name and isinstance(r.get("schema"), dict)),
            None,
        )
        for error in task.errors:
            column = getattr(error, "field_name", None)
            value = getattr(error, "cell", None)
            if column is None and getattr(error, "field_names", None):  # a foreign key
                column, value = ", ".join(error.field_names), ", ".join(map(str, error.field_cells))
            elif column is None and error.type == "primary-key" and primary_key:
                column = primary_key if isinstance(primary_key, str) else ", ".join(primary_key)
            problems.append(Problem(file, getattr(error, "row_number", None), column, value, f"{error.type}: {error.note}"))
    for error in report.errors:
        problems.append(Problem("datapackage.json", None, None, None, f"{error.type}: {error.note}"))
    return problems


def _is_calendar_date(value: str) -> bool:
    parts = [int(p) for p in value.split("-")]
    if len(parts) >= 2 and not 1 <= parts[1] <= 12:
        return False
    if len(parts) == 3:
        return 1 <= parts[2] <= calendar.monthrange(parts[0], parts[1])[1]
    return True


def numbered_rows(data_dir: Path, resource: dict) -> Iterable[tuple[int, dict[str, str]]]:
    """The rows of one table as written (strings), each with its line number in the file.

    The one raw CSV reader of the package: the validator, the evidence checker and the
    generated data pages read rows through it (:func:`load` reads typed tables with pandas).
    """
    with open(data_dir / resource["path"], encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            yield number, row


def write_rows(path: Path, header: list[str], rows: Iterable[dict[str, str]]) -> None:
    """Write a table the way the data files are written: UTF-8, ``\n`` line ends, header first."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


_rows = numbered_rows  # the validator's short name


def _row_ids(data_dir: Path, descriptor: dict) -> dict[str, set[str]]:
    """Primary key values of every table (parts of a composite key joined by '/')."""
    return {
        resource["name"]: {row_key(resource, row) for _, row in _rows(data_dir, resource)}
        for resource in tabular_resources(descriptor)
        if primary_key(resource)
    }


def _check_rows(data_dir: Path, resource: dict, bib_keys: set[str], row_ids: dict[str, set[str]] | None = None) -> list[Problem]:
    """Checks the Table Schema cannot express: calendar dates, precision, citations, evidence,
    and rows that name a row of another table by ``table`` and ``row_id``."""
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    file = resource["path"]
    date_fields = [n for n, f in fields.items() if f.get("constraints", {}).get("pattern", "").startswith(r"^\d{4}")]
    problems = []
    for number, row in _rows(data_dir, resource):
        for name in date_fields:
            value = (row.get(name) or "").strip()
            if value and DATE_PATTERN.match(value) and not _is_calendar_date(value):
                problems.append(Problem(file, number, name, value, "is not a calendar date; use YYYY, YYYY-MM or YYYY-MM-DD"))
        if "date" in fields and "date_precision" in fields:
            value, precision = row.get("date") or "", row.get("date_precision") or ""
            implied = PRECISION_BY_LENGTH.get(len(value))
            if value and precision and implied and implied != precision:
                problems.append(
                    Problem(file, number, "date_precision", precision, f"does not match date {value!r}, which has {implied} precision")
                )
        if "date_end" in fields and row.get("date_end") and row.get("date"):
            if DATE_PATTERN.match(row["date_end"]) and row["date_end"] < row["date"]:
                problems.append(Problem(file, number, "date_end", row["date_end"], f"is before date {row['date']!r}"))
        for name in CITATION_FIELDS:
            key = (row.get(name) or "").strip()
            if name in fields and key and key not in bib_keys:
                problems.append(Problem(file, number, name, key, "is not a key in references.bib; add the entry or fix the key"))
        table_field, id_field = ROW_REFERENCE
        if row_ids is not None and table_field in fields and id_field in fields and row.get(id_field):
            table = row.get(table_field) or ""
            if table in row_ids and row[id_field] not in row_ids[table]:
                problems.append(Problem(file, number, id_field, row[id_field], f"names no row of {table}; use the id of an existing row"))
        problems += _check_id_lists(file, number, row, fields, resource["name"], row_ids)
        if "date" in fields and "date_precision" in fields and bool(row.get("date")) != bool(row.get("date_precision")):
            problems.append(
                Problem(file, number, "date_precision", row.get("date_precision") or "", "must be given exactly when date is given")
            )
        source = (row.get("source") or "").strip()
        if source in ARTICLE_KEYS:
            for name in ("locator", "evidence"):
                if name in fields and not (row.get(name) or "").strip():
                    problems.append(Problem(file, number, name, "", f"is empty; a row citing {source} needs a {name} from the article"))
    return problems


def _check_id_lists(file: str, number: int, row: dict, fields: dict, own: str, row_ids: dict[str, set[str]] | None) -> list[Problem]:
    """Every id in a space-separated id list (``bears_on``, ``flag_id``) names an existing row."""
    if row_ids is None:
        return []
    problems = []
    for name, tables in ID_LIST_FIELDS.items():
        if name not in fields or not row.get(name):
            continue
        allowed = tables or tuple(t for t in row_ids if t not in {own, "flags"})
        known = set().union(*(row_ids.get(t, set()) for t in allowed))
        for value in row[name].split():
            if value not in known:
                problems.append(Problem(file, number, name, value, f"names no row of {', '.join(allowed)}; use the id of an existing row"))
    return problems


def _check_flag_links(data_dir: Path, descriptor: dict) -> list[Problem]:
    """A row's ``flag_id`` and the flags that name it agree both ways."""
    resources = {r["name"]: r for r in tabular_resources(descriptor)}
    if "flags" not in resources:
        return []
    named = {(row.get("table"), row.get("row_id")): set() for _, row in _rows(data_dir, resources["flags"])}
    for _, row in _rows(data_dir, resources["flags"]):
        named[(row.get("table"), row.get("row_id"))].add(row["id"])
    problems = []
    for name, resource in resources.items():
        if "flag_id" not in {f["name"] for f in resource["schema"]["fields"]}:
            continue
        for number, row in _rows(data_dir, resource):
            listed = set((row.get("flag_id") or "").split())
            expected = named.get((name, row_key(resource, row)), set())
            if listed != expected:
                problems.append(
                    Problem(
                        resource["path"],
                        number,
                        "flag_id",
                        row.get("flag_id") or "",
                        f"must list exactly the flags on this row: {' '.join(sorted(expected)) or '(none)'}",
                    )
                )
    return problems


def validate(data_dir: Path = DATA_DIR, bib_file: Path = BIB_FILE) -> list[Problem]:
    """Return every problem in the package; an empty list means it is valid."""
    try:
        descriptor = read_descriptor(data_dir)
    except DataPackageError as error:
        return error.problems
    bib_keys = bibliography_keys(bib_file)
    problems: list[Problem] = []
    unreadable: set[str] = set()
    for resource in tabular_resources(descriptor):
        found = _check_encoding_and_header(data_dir, resource)
        if found:
            unreadable.add(resource["path"])
        problems += found
    problems += _frictionless_problems(data_dir, descriptor, unreadable)
    readable = {"resources": [r for r in tabular_resources(descriptor) if r["path"] not in unreadable]}
    row_ids = _row_ids(data_dir, readable)
    for resource in readable["resources"]:
        problems += _check_rows(data_dir, resource, bib_keys, row_ids)
    problems += _check_flag_links(data_dir, readable)
    return problems


# --------------------------------------------------------------------------- typing


def _period_bounds(value: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of the period an ISO date of any precision names."""
    if not value or not DATE_PATTERN.match(value):
        return pd.NaT, pd.NaT
    period = pd.Period(value, freq={4: "Y", 7: "M", 10: "D"}[len(value)])
    return period.start_time.normalize(), period.end_time.normalize()


def _typed_frame(data_dir: Path, resource: dict) -> pd.DataFrame:
    frame = pd.read_csv(data_dir / resource["path"], dtype=str, keep_default_na=False, encoding="utf-8")
    missing = set(resource["schema"].get("missingValues", [""]))
    for field in resource["schema"]["fields"]:
        name, kind = field["name"], field.get("type", "string")
        column = frame[name].where(~frame[name].isin(missing), None)
        enum = field.get("constraints", {}).get("enum")
        if enum:
            frame[name] = pd.Categorical(column, categories=enum)
        elif kind == "integer":
            frame[name] = pd.to_numeric(column).astype("Int64")
        elif kind == "number":
            frame[name] = pd.to_numeric(column).astype("Float64")
        elif kind == "boolean":
            truthy = set(field.get("trueValues", ["true", "True", "TRUE", "1"]))
            frame[name] = column.map(lambda v: None if v is None else v in truthy)  # noqa: B023 - called at once.astype("boolean")
        else:
            frame[name] = column.astype("string")
    if "date" in frame.columns and "date_precision" in frame.columns:
        starts, _ = zip(*(_period_bounds(v or "") for v in frame["date"].fillna(""))) if len(frame) else ((), ())
        end_source = frame["date_end"].fillna(frame["date"]) if "date_end" in frame.columns else frame["date"]
        _, ends = zip(*(_period_bounds(v or "") for v in end_source.fillna(""))) if len(frame) else ((), ())
        frame["start"] = pd.to_datetime(pd.Series(starts, index=frame.index, dtype="datetime64[ns]"))
        frame["end"] = pd.to_datetime(pd.Series(ends, index=frame.index, dtype="datetime64[ns]"))
        frame["year"] = frame["start"].dt.year.astype("Int64")
    return frame


def _validated_stamp(digest: str) -> Path:
    return Path(tempfile.gettempdir()) / "companion-validated" / digest


def load(data_dir: Path | str = DATA_DIR, *, bib_file: Path | str = BIB_FILE) -> SimpleNamespace:
    """Validate the package and return its tables as typed DataFrames.

    ``load().events`` is the events table, and so on for every tabular resource;
    ``load().descriptor`` is the package descriptor with schemas resolved. Validation runs
    once per content of ``data/``: a later load of identical files reuses the verdict.
    Reading an attribute records the resource it names (:class:`Tables`), so the execution
    cache can re-run exactly the notebooks that read a changed table.
    """
    data_dir, bib_file = Path(data_dir), Path(bib_file)
    digest = fingerprint(data_dir, bib_file)
    stamp = _validated_stamp(digest)
    if not stamp.exists():
        problems = validate(data_dir, bib_file)
        if problems:
            raise DataPackageError(problems)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.touch()
    descriptor = read_descriptor(data_dir)
    tables = {r["name"]: _typed_frame(data_dir, r) for r in tabular_resources(descriptor)}
    for resource in tabular_resources(descriptor):
        _mark_origin(tables[resource["name"]], resource)
    return Tables(descriptor=descriptor, data_dir=data_dir, **tables)


#: The key in ``DataFrame.attrs`` naming the table of the data package a frame comes from.
#: pandas carries ``attrs`` through selection, sorting, indexing and ``assign``, so a table a
#: chapter derives from ``load().events`` still knows its origin; :mod:`companion.tables`
#: reads it to show the ``id`` and ``source`` columns as links (see :func:`row_ids_of`).
ORIGIN = "companion_table"
_ROW_IDS: dict[str, frozenset[str]] = {}


def _mark_origin(frame: pd.DataFrame, resource: dict) -> None:
    frame.attrs[ORIGIN] = resource["name"]
    if primary_key(resource) == ["id"]:
        _ROW_IDS[resource["name"]] = frozenset(frame["id"].dropna().astype(str))


def row_ids_of(table: str) -> frozenset[str]:
    """The ids of a table with a one-field ``id`` key, as last loaded by :func:`load` (empty if none)."""
    return _ROW_IDS.get(table, frozenset())


# --------------------------------------------------------------------------- flags


def with_flags(frame: pd.DataFrame, flags: pd.DataFrame | None, table: str, id_column: str = "id") -> pd.DataFrame:
    """``frame`` with a column ``flag``: the kinds of every ``flags`` row raised on each row.

    ``table`` is the name of the table ``frame`` comes from (flags name the table and the row
    they concern); rows without a flag get an empty string, several kinds are comma-joined.
    """
    if flags is None or flags.empty:
        return frame.assign(flag="")
    mine = flags[(flags["table"].astype(str) == table) & flags["row_id"].notna()]
    mine = pd.DataFrame({"row_id": mine["row_id"].astype(str), "kind": mine["kind"].astype(str)})
    kinds = mine.groupby("row_id")["kind"].agg(lambda k: ", ".join(sorted(set(k)))).to_dict()
    return frame.assign(flag=[kinds.get(row_id, "") for row_id in frame[id_column].astype(str)])
