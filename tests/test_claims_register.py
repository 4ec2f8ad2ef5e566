"""The claims register names only existing rows and sentences still on their pages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from companion.audit import HEADER, REGISTER, read_register, register_problems


def test_register_is_sound():
    assert register_problems() == []


def test_register_has_the_documented_header():
    assert REGISTER.read_text(encoding="utf-8").splitlines()[0] == ",".join(HEADER)
    read_register()  # raises on a wrong header


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A page, the data package and an empty register in a temporary root."""
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "page.md").write_text(
        "# Title\n\nKazakhstan joined the\nprogramme in a year the sources dispute.\n", encoding="utf-8"
    )
    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / "audit").mkdir()
    return tmp_path


def write(project: Path, *lines: str) -> Path:
    path = project / "audit" / "claims_register.csv"
    path.write_text("\n".join([",".join(HEADER), *lines]) + "\n", encoding="utf-8")
    return path


def check(project: Path, *lines: str) -> list[str]:
    return register_problems(write(project, *lines), root=project, data_dir=project / "data")


def test_sound_entry_across_a_line_break(project):
    assert (
        check(
            project, 'chapters/page.md,"Kazakhstan joined the programme in",ctx-09-4 ctx-09-5 sipri_tiv:* wdi_military:MS.MIL.XPND.CD/2005'
        )
        == []
    )


def test_missing_row_is_reported(project):
    problems = check(project, "chapters/page.md,Kazakhstan joined the programme,ctx-99-1 sipri_tiv:Nowhere/Nobody/1900 nosuch:*")
    assert len(problems) == 3 and "ctx-99-1" in problems[0] and "line 2" in problems[0]


def test_opening_no_longer_on_page_is_reported(project):
    problems = check(
        project, "chapters/page.md,Kazakhstan never joined the programme,ctx-09-4", "chapters/gone.md,Some sentence that was here,ctx-09-4"
    )
    assert any("no longer on chapters/page.md" in p for p in problems)
    assert any("'chapters/gone.md' does not exist" in p for p in problems)


def test_entry_without_rows_or_with_too_short_opening(project):
    problems = check(project, "chapters/page.md,Kazakhstan joined,")
    assert any("no supporting rows" in p for p in problems) and any("shorter than" in p for p in problems)
