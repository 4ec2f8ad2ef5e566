"""Check the context layer against the shared context pack it was coded from.

``data/context.csv`` has one row per row of the pack
(``../shared/reference-data/context/context_sources.csv``), id ``ctx-NN-k`` = the k-th row
of fact NN in the pack's file order. :func:`check_context` compares every context row with
its pack row (fact, url, and the excerpt after whitespace normalisation), and every other row
that cites a context source (a re-dated event, a flag on a context row) with the pack rows of
that source's url. The pack is not part of the repository: when it is missing the check is
skipped and says so (``ContextReport.pack_missing``); ``companion.check`` fails on that only
on CI. The environment variable ``COMPANION_CONTEXT_PACK`` names another copy of the file.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path

from companion.data import BIB_FILE, DATA_DIR, PROJECT_ROOT, read_descriptor, tabular_resources
from companion.locators import normalise, read_bibliography

DEFAULT_PACK = PROJECT_ROOT.parent / "shared" / "reference-data" / "context" / "context_sources.csv"
CONTEXT_FILE = "context.csv"


def pack_path() -> Path:
    """The pack's CSV file (env ``COMPANION_CONTEXT_PACK`` overrides the default)."""
    return Path(os.environ.get("COMPANION_CONTEXT_PACK") or DEFAULT_PACK)


@dataclass
class ContextReport:
    """Result of the check: problems (one message each), rows checked, and whether the
    pack was missing (then nothing was checked)."""

    pack: Path
    pack_missing: bool = False
    checked: int = 0
    problems: list[str] = field(default_factory=list)


def read_pack(path: Path) -> dict[str, dict[str, str]]:
    """The pack's rows keyed by their context id ``ctx-NN-k``, in file order."""
    rows: dict[str, dict[str, str]] = {}
    position: dict[str, int] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            fact = row["fact_id"]
            position[fact] = position.get(fact, 0) + 1
            rows[f"ctx-{fact[:2]}-{position[fact]}"] = row
    return rows


def _data_rows(data_dir: Path) -> list[tuple[str, int, dict[str, str]]]:
    found = []
    for resource in tabular_resources(read_descriptor(data_dir)):
        with open(data_dir / resource["path"], encoding="utf-8", newline="") as handle:
            found += [(resource["path"], n, row) for n, row in enumerate(csv.DictReader(handle), start=2)]
    return found


def check_context(data_dir: Path = DATA_DIR, pack: Path | None = None, bib_file: Path = BIB_FILE) -> ContextReport:
    """Compare the context rows, and rows citing their sources, with the pack; the
    bibliography entry of each context row's source must carry the row's url."""
    pack = pack or pack_path()
    report = ContextReport(pack)
    if not pack.is_file():
        report.pack_missing = True
        return report
    expected = read_pack(pack)
    rows = _data_rows(data_dir)
    context = {row["id"]: (number, row) for path, number, row in rows if path == CONTEXT_FILE}
    has_context = any(r["path"] == CONTEXT_FILE for r in tabular_resources(read_descriptor(data_dir)))
    for missing in sorted(set(expected) - set(context)) if has_context else ():
        report.problems.append(f"{CONTEXT_FILE}: no row {missing}; the pack has it ({expected[missing]['fact_id']})")
    excerpts_by_url: dict[str, set[str]] = {}
    for pack_row in expected.values():
        excerpts_by_url.setdefault(pack_row["url"], set()).add(normalise(pack_row["excerpt"]))
    url_of_source: dict[str, str] = {}
    bibliography = read_bibliography(bib_file)
    for cid, (number, row) in context.items():
        where = f"{CONTEXT_FILE}, row {number} ({cid})"
        if cid not in expected:
            report.problems.append(f"{where}: the pack has no such row")
            continue
        report.checked += 1
        truth = expected[cid]
        if row.get("fact_id") != truth["fact_id"]:
            report.problems.append(f"{where}, column 'fact_id': {row.get('fact_id')!r}, the pack has {truth['fact_id']!r}")
        if row.get("url") != truth["url"]:
            report.problems.append(f"{where}, column 'url': {row.get('url')!r}, the pack has {truth['url']!r}")
        if normalise(row.get("evidence") or "") != normalise(truth["excerpt"]):
            report.problems.append(f"{where}, column 'evidence': not the pack's excerpt {truth['excerpt']!r}")
        url_of_source.setdefault(row.get("source") or "", truth["url"])
        entry = bibliography.get(row.get("source") or "")
        if entry is None or entry.fields.get("url", "").strip("{}") != truth["url"]:
            report.problems.append(
                f"{where}, column 'source': references.bib entry {row.get('source')!r} must carry the pack's url {truth['url']!r}"
            )
    for path, number, row in rows:
        source, evidence = row.get("source") or "", row.get("evidence") or ""
        if path == CONTEXT_FILE or source not in url_of_source or not evidence:
            continue
        report.checked += 1
        if normalise(evidence) not in excerpts_by_url.get(url_of_source[source], set()):
            report.problems.append(
                f"{path}, row {number}, column 'evidence': not an excerpt the pack gives for {source} ({url_of_source[source]})"
            )
    return report
