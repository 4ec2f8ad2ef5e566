"""The context rows are checked against the shared context pack: present, missing, missing on CI.

The tests build a pack from ``data/context.csv`` itself (fact, url and excerpt of each row,
in id order), so they do not need ``../shared``; one more test uses the real pack when it is
there.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from companion import check
from companion.pack import DEFAULT_PACK, check_context


def write_pack(context_csv: Path, target: Path) -> Path:
    """A pack file with the columns the checker reads, one row per context row."""
    with open(context_csv, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with open(target, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["fact_id", "url", "excerpt"])
        for row in rows:  # ids are in the pack's order: ctx-NN-k
            writer.writerow([row["fact_id"], row["url"], row["evidence"]])
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    write_pack(ROOT / "data" / "context.csv", tmp_path / "pack.csv")
    return tmp_path


def edit_context(project: Path, row_id: str, column: str, value: str) -> None:
    path = project / "data" / "context.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    for row in rows:
        if row["id"] == row_id:
            row[column] = value
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_context_rows_match_the_pack(project):
    report = check_context(project / "data", project / "pack.csv", project / "references.bib")
    assert not report.pack_missing and report.problems == [] and report.checked >= 105


def test_whitespace_differences_are_not_problems(project):
    edit_context(
        project,
        "ctx-14-7",
        "evidence",
        "About  $1.5 million in foreign military financing\nis allocated to help Kazakhstan buy nonlethal equipment.",
    )
    assert check_context(project / "data", project / "pack.csv", project / "references.bib").problems == []


def test_changed_evidence_or_url_is_reported(project):
    edit_context(
        project,
        "ctx-14-7",
        "evidence",
        "About $2.5 million in foreign military financing is allocated to help Kazakhstan buy nonlethal equipment.",
    )
    edit_context(project, "ctx-09-4", "url", "http://example.org/other")
    problems = check_context(project / "data", project / "pack.csv", project / "references.bib").problems
    assert any("ctx-14-7" in p and "'evidence'" in p for p in problems)
    assert any("ctx-09-4" in p and "'url'" in p for p in problems)


def test_bib_entry_must_carry_the_packs_url(project):
    bib = project / "references.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8").replace("http://www.defense.gov/news/newsarticle.aspx?id=41527", "http://example.org/x"),
        encoding="utf-8",
    )
    problems = check_context(project / "data", project / "pack.csv", bib).problems
    assert any("ctx-14-7" in p and "references.bib" in p for p in problems)


def test_missing_pack_is_skipped_with_a_notice_locally(project, monkeypatch, capsys):
    monkeypatch.delenv("CI", raising=False)
    status = check.run(project / "data", project / "references.bib", pack=project / "nowhere.csv")
    out = capsys.readouterr().out
    assert "Context check SKIPPED" in out and "nowhere.csv" in out
    assert status == 0


def test_missing_pack_fails_on_ci(project, monkeypatch, capsys):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("COMPANION_CONTEXT_PACK", str(project / "nowhere.csv"))
    # the article texts may be missing too on this machine; the pack alone must fail the run
    status = check.run(project / "data", project / "references.bib")
    assert status == 1 and "on CI this fails" in capsys.readouterr().out


def test_a_wrong_row_fails_make_check_data(project, monkeypatch, capsys):
    monkeypatch.delenv("CI", raising=False)
    edit_context(
        project, "ctx-18-3", "evidence", "Under the previous agreement signed in 1994, Russia pays a yearly $150 million rent for Baikonur"
    )
    assert check.run(project / "data", project / "references.bib", pack=project / "pack.csv") == 1
    assert "ctx-18-3" in capsys.readouterr().out


@pytest.mark.skipif(not DEFAULT_PACK.is_file(), reason="the shared context pack is not on this machine")
def test_context_rows_match_the_real_pack():
    assert check_context().problems == []
