"""Changes made to a copy of the project's data package by the ``changed_build`` fixture.

One data value that a chapter displays becomes a sentinel (does the execution cache follow the
data?), and hostile HTML is appended to free-text values and to a schema description (is
every data value escaped wherever it appears?). The package stays valid: only free-text
fields are touched (no keys, vocabularies, patterns, sources, locators or evidence).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from companion.data import write_rows

#: The value that changes: the title of the first event the Motives chapter tabulates.
SENTINEL_TABLE, SENTINEL_ROW, SENTINEL_FIELD = "events", "statement-2001-09-11-mfa", "title"
SENTINEL = "Sentinel title 4d7e: the cache followed the data"
HOSTILE = ('<script>alert("x")</script>', "<img src=x onerror=alert(1)>")
HOSTILE_TEXT = " ".join(HOSTILE)
#: Fields whose text is checked against the articles or names a key, never free text; an
#: acronym is an identifier the chapters map partners and organisations by.
NOT_FREE_TEXT = {"id", "source", "locator", "evidence", "url", "contrary_source", "row_id", "table", "acronym"}
#: Free-text fields that chapter code uses as lookup keys (table, field): changing them would
#: fail the build for a reason that has nothing to do with escaping.
USED_AS_KEYS = {("equipment", "item")}  # chapters/outside_evidence.md maps items to SIPRI's scope


#: The value of the targeted change: a place's present-day name. Only the chapters that read
#: the places table (the introduction's map, the military-technical and NATO chapters) and the pages generated from
#: data may change.
TARGET_TABLE, TARGET_ROW, TARGET_FIELD = "places", "almaty", "today_name"
TARGET_SENTINEL = "Almaty (targeted sentinel 9c1f)"


@dataclass
class TargetedChange:
    """What :func:`change_one_table` changed."""

    table: str
    original: str
    sentinel: str = TARGET_SENTINEL


def change_one_table(data_dir: Path) -> TargetedChange:
    """Set one free-text value of the places table to :data:`TARGET_SENTINEL`, in place."""
    path = data_dir / f"{TARGET_TABLE}.csv"
    header, rows = read_csv(path)
    row = next((r for r in rows if r.get("id") == TARGET_ROW), None)
    if row is None:
        raise LookupError(f"tests/data_change.py: no row {TARGET_ROW!r} in {path.name}; pick another target row")
    original, row[TARGET_FIELD] = row[TARGET_FIELD], TARGET_SENTINEL
    write_csv(path, header, rows)
    return TargetedChange(TARGET_TABLE, original)


@dataclass
class DataChanges:
    """What :func:`change_data` changed."""

    original: str
    sentinel: str = SENTINEL
    hostile: tuple[str, ...] = HOSTILE
    cells: list[str] = field(default_factory=list)  # "table row-id field" of every hostile value


def _schema(data_dir: Path, resource: dict) -> dict:
    schema = resource.get("schema")
    return json.loads((data_dir / schema).read_text(encoding="utf-8")) if isinstance(schema, str) else schema or {}


def free_text_fields(schema: dict) -> list[str]:
    """String fields without vocabulary, pattern, format or length limit that are not keys."""
    keys = set(schema.get("primaryKey") or [])
    for foreign_key in schema.get("foreignKeys") or []:
        fields = foreign_key.get("fields")
        keys.update([fields] if isinstance(fields, str) else fields or [])
    free = []
    for spec in schema.get("fields", []):
        name, constraints = spec["name"], spec.get("constraints", {})
        if spec.get("type", "string") != "string" or spec.get("format", "default") != "default":
            continue
        if name in keys or name in NOT_FREE_TEXT or name.endswith(("_id", "_ids")):
            continue
        if {"enum", "pattern", "maxLength"} & set(constraints):
            continue
        free.append(name)
    return free


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


write_csv = write_rows  # the data layer's writer: the same format as the data files


def change_data(data_dir: Path) -> DataChanges:
    """Set the sentinel and inject hostile HTML into the package in ``data_dir``, in place."""
    descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    original: str | None = None
    cells: list[str] = []
    for resource in descriptor["resources"]:
        if "schema" not in resource or not str(resource.get("path", "")).endswith(".csv"):
            continue
        path = data_dir / resource["path"]
        header, rows = read_csv(path)
        if resource["name"] == SENTINEL_TABLE:
            row = next((r for r in rows if r.get("id") == SENTINEL_ROW), None)
            if row is None:
                raise LookupError(f"tests/data_change.py: no row {SENTINEL_ROW!r} in {resource['path']}; pick another sentinel row")
            original, row[SENTINEL_FIELD] = row[SENTINEL_FIELD], SENTINEL
        # One row per table, never the sentinel's: its other free-text values carry the attack.
        target = next((r for r in rows if r.get("id") != SENTINEL_ROW), None)
        fields = [f for f in free_text_fields(_schema(data_dir, resource)) if f in header and (resource["name"], f) not in USED_AS_KEYS]
        if target is not None:
            for name in fields:
                target[name] = f"{target[name]} {HOSTILE_TEXT}".strip()
            row_id = target.get("id") or f"row {rows.index(target) + 2}"
            cells += [f"{resource['name']} {row_id} {name}" for name in fields]
        write_csv(path, header, rows)
    if original is None:
        raise LookupError(f"tests/data_change.py: the package has no table {SENTINEL_TABLE!r}")
    _inject_into_schema(data_dir, descriptor)
    return DataChanges(original=original, cells=cells)


def _inject_into_schema(data_dir: Path, descriptor: dict) -> None:
    """Hostile HTML in the description of the sentinel table's resource and of its first field."""
    resource = next(r for r in descriptor["resources"] if r["name"] == SENTINEL_TABLE)
    resource["description"] = f"{resource.get('description', '')} {HOSTILE_TEXT}".strip()
    (data_dir / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if isinstance(resource.get("schema"), str):
        schema_path = data_dir / resource["schema"]
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        field_spec = next(f for f in schema["fields"] if f["name"] == SENTINEL_FIELD)
        field_spec["description"] = f"{field_spec.get('description', '')} {HOSTILE_TEXT}".strip()
        schema_path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
