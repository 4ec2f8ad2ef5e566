"""Every evidence phrase of the data is in its article, at the place its locator names.

The unit tests pin down the normaliser and the segmenter on small strings; the package
tests run the checker on the real data and on small packages made in ``tmp_path``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, VENV

from companion import evidence
from companion.evidence import ARTICLES, Article, Layout, check_evidence, normalise, segment

LAYOUT = Layout(key="toy", filename="toy.txt", start_after="Publication:", first_section="Text", headings=("Second Part",))
TOY = """TITLE

Publication: Somewhere

First block, which opens the text.

It speaks of the “multi-vector” policy and the chanc-

es of success.1

1 See: a footnote that is not counted.

i Надоели баннеры? Вы всегда можете отключить рекламу.

so the sentence resumes in para 4.

Second Part

■ A bullet block counts as para 1.
"""


def texts_available() -> bool:
    folder = evidence.sources_dir()
    return all((folder / layout.filename).is_file() for layout in ARTICLES)


@pytest.fixture
def require_texts():
    if not texts_available():
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"the article texts must be present on CI; not found in {evidence.sources_dir()}")
        pytest.skip(f"article texts not found in {evidence.sources_dir()} (set COMPANION_SOURCES)")


# --------------------------------------------------------------------------- normaliser


def test_normaliser_folds_case_spaces_quotes_and_dashes():
    assert normalise("  The  “Multi-Vector”\n policy ") == normalise('the "multi-vector" policy')
    assert normalise("Kazakhstan’s") == normalise("Kazakhstan's")
    assert normalise("two programs in Kazakhstan— Foreign") == normalise("two programs in Kazakhstan - Foreign")
    assert normalise("south- and west-bound") == normalise("south-and west-bound")


def test_normaliser_keeps_words_apart_and_does_not_invent_spaces():
    assert normalise("of bilateral") != normalise("ofbilateral")
    assert normalise("military-political") != normalise("militarypolitical")


def test_normaliser_drops_footnote_marks_but_not_numbers():
    assert normalise("following years.1 Thus") == normalise("following years. Thus")
    assert normalise("political.”2") == normalise("political.”")
    assert "27" in normalise("received 27 Hummer vehicles")
    assert "2005." in normalise("on 1 July, 2005.")


# --------------------------------------------------------------------------- segmenter


def test_segmenter_numbers_paragraphs_and_skips_footnotes_and_banners():
    blocks = segment(TOY, LAYOUT)
    labels = [b.label for b in blocks]
    assert labels == ["Text, para 1", "Text, para 2", "Text, para 3", "fn 1", "Text, para 4", "Second Part, para 1"]
    assert blocks[3].text.startswith("1 See:")
    assert not any("Надоели" in b.text for b in blocks)


def test_segmenter_ignores_everything_before_the_start_marker():
    blocks = segment("Header\n\nFirst block, which opens the text.\n\nPublication: x\n\nReal start.\n", LAYOUT)
    assert [b.text for b in blocks] == ["Real start."]


def test_segmenter_refuses_a_text_without_its_start_marker():
    with pytest.raises(ValueError, match="Publication:"):
        segment("no marker here\n", LAYOUT)


def test_a_number_that_is_not_the_next_footnote_is_a_paragraph():
    blocks = segment("Publication:\n\n2 is not a footnote here.\n\n1 But this one is.\n", LAYOUT)
    assert [b.label for b in blocks] == ["Text, para 1", "fn 1"]


def test_hyphenation_across_a_page_break_matches_in_either_block():
    article = Article(LAYOUT, segment(TOY, LAYOUT))
    places = article.find("the chances of success")
    assert [article.labels(p) for p in places] == ["Text, para 2-3"]
    assert article.resolve("Text, para 3") & places[0]


def test_a_sentence_interrupted_by_a_footnote_is_found_whole():
    article = Article(LAYOUT, segment(TOY, LAYOUT))
    assert [article.labels(p) for p in article.find("of success. So the sentence resumes")] == ["Text, para 3-4"]


def test_curly_quotes_in_the_text_match_straight_quotes_in_the_evidence():
    article = Article(LAYOUT, segment(TOY, LAYOUT))
    assert [article.labels(p) for p in article.find('the "multi-vector" policy')] == ["Text, para 2"]


def test_footnote_text_is_addressed_as_fn_and_not_found_in_paragraphs():
    article = Article(LAYOUT, segment(TOY, LAYOUT))
    assert [article.labels(p) for p in article.find("a footnote that is not counted")] == ["fn 1"]
    assert article.resolve("fn 1") == article.resolve("Text, fn 1")


@pytest.mark.parametrize("locator", ["Text", "para 2", "Nowhere, para 1", "Text, para 9", "fn 7"])
def test_unusable_locators_are_refused(locator):
    article = Article(LAYOUT, segment(TOY, LAYOUT))
    with pytest.raises(ValueError):
        article.resolve(locator)


# --------------------------------------------------------------------------- the real texts


def test_real_texts_segment_as_the_locator_rule_says(require_texts):
    articles, unreadable = evidence.load_articles()
    assert unreadable == {}
    nurgaliev, edm = articles["nurgaliev2007"], articles["edm2004kazakhstan"]
    first = nurgaliev.blocks[0]
    assert first.label == "Introduction, para 1" and first.text.startswith("As is known, Central Asia")
    assert [b.number for b in nurgaliev.blocks if b.kind == "fn"] == list(range(1, 13))
    sections = {b.section for b in nurgaliev.blocks}
    assert sections == {"Introduction", *ARTICLES[0].headings}
    assert [b.label for b in edm.blocks] == [f"Text, para {n}" for n in range(1, 6)]
    assert edm.blocks[0].text.startswith("Kazakhstan has opened a new hanger")
    # page-break fragments count as paragraphs of their own
    assert nurgaliev.labels(nurgaliev.find("increases the chances of the successful")[0]) == "Introduction, para 4-5"
    assert nurgaliev.labels(nurgaliev.find("south- and west-bound")[0]) == "Introduction, para 5"
    assert nurgaliev.labels(nurgaliev.find("a number ofbilateral meetings")[0]).endswith("within NATO, para 18")


@pytest.mark.timeout(60)
def test_every_evidence_phrase_is_found_where_its_locator_says(require_texts):
    report = check_evidence()
    assert report.unreadable == {}
    assert [str(f) for f in report.problems] == []


# --------------------------------------------------------------------------- small packages


def toy_package(tmp_path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    """A one-table package (id, source, locator, evidence) with the project's bibliography."""
    data = tmp_path / "data"
    data.mkdir()
    fields = [{"name": n, "type": "string"} for n in ("id", "source", "locator", "evidence")]
    descriptor = {
        "name": "toy",
        "resources": [{"name": "claims", "path": "claims.csv", "format": "csv", "schema": {"fields": fields, "primaryKey": ["id"]}}],
    }
    (data / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    lines = ["id,source,locator,evidence"] + [",".join(f'"{v}"' for v in row) for row in rows]
    (data / "claims.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    return data


TOY_ROWS = [
    ("good", "nurgaliev2007", "Joint Exercises, para 3", "the Steppe Eagle 2006 exercise took place"),
    ("moved", "nurgaliev2007", "Joint Exercises, para 1", "the Steppe Eagle 2006 exercise took place"),
    ("invented", "nurgaliev2007", "Joint Exercises, para 3", "the Steppe Eagle 2007 exercise took place"),
    ("edm", "edm2004kazakhstan", "Text, para 1", "opened a new hanger"),
    ("outside", "fn05mod", "", "a phrase from a web site"),
]


def test_checker_reports_missing_phrases_and_wrong_locators_with_the_right_place(tmp_path, require_texts):
    report = check_evidence(toy_package(tmp_path, TOY_ROWS))
    by_id = {f.row_id: f for f in report.findings}
    assert by_id["good"].status == "ok" and by_id["edm"].status == "ok"
    assert by_id["moved"].status == "locator-mismatch"
    assert "Joint Exercises, para 3" in by_id["moved"].detail
    assert by_id["invented"].status == "not-found" and by_id["invented"].row == 4
    assert by_id["outside"].status == "not-checkable" and not by_id["outside"].is_problem
    assert {f.row_id for f in report.problems} == {"moved", "invented"}


def test_a_missing_text_is_named_and_only_its_rows_are_skipped(tmp_path, require_texts):
    folder = tmp_path / "sources"
    folder.mkdir()
    edm = next(a for a in ARTICLES if a.key == "edm2004kazakhstan")
    shutil.copy(evidence.sources_dir() / edm.filename, folder)
    report = check_evidence(toy_package(tmp_path, TOY_ROWS), folder)
    assert list(report.unreadable) == ["nurgaliev2007"]
    assert "004_5fdfdfe3f77cf673.txt" in report.unreadable["nurgaliev2007"]
    by_id = {f.row_id: f.status for f in report.findings}
    assert by_id["good"] == by_id["invented"] == "text-unreadable"
    assert by_id["edm"] == "ok"


def run_check(data: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    command = [str(VENV / "bin" / "python"), "-m", "companion.check", "--data-dir", str(data), "--bib", str(data.parent / "references.bib")]
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=60)


@pytest.mark.timeout(60)
def test_check_command_fails_on_a_bad_phrase_and_names_file_and_row(tmp_path, require_texts):
    result = run_check(toy_package(tmp_path, TOY_ROWS))
    assert result.returncode == 1, result.stdout
    assert "claims.csv, row 4 (invented), column 'evidence': not-found" in result.stdout
    assert "claims.csv, row 3 (moved), column 'evidence': locator-mismatch" in result.stdout


@pytest.mark.timeout(60)
def test_check_command_passes_a_clean_package_and_runs_in_seconds(tmp_path, require_texts):
    import time

    data = toy_package(tmp_path, [r for r in TOY_ROWS if r[0] in {"good", "edm", "outside"}])
    started = time.monotonic()
    result = run_check(data)
    assert result.returncode == 0, result.stdout + result.stderr
    assert time.monotonic() - started < 15
    assert "2 ok" in result.stdout and "1 not-checkable" in result.stdout


@pytest.mark.timeout(60)
def test_check_command_fails_on_ci_when_a_text_is_missing(tmp_path, require_texts):
    data = toy_package(tmp_path, [r for r in TOY_ROWS if r[0] == "good"])
    empty = tmp_path / "nothing"
    empty.mkdir()
    local = run_check(data, COMPANION_SOURCES=str(empty), CI="")
    assert local.returncode == 0 and "Could not read the text of nurgaliev2007" in local.stdout
    assert run_check(data, COMPANION_SOURCES=str(empty), CI="true").returncode == 1


@pytest.mark.timeout(60)
def test_coverage_marks_uncited_blocks(tmp_path, require_texts):
    from companion.coverage import report

    text = report(toy_package(tmp_path, TOY_ROWS))
    exercises = text[text.index("  Joint Exercises") :]
    para1, para3 = (next(line for line in exercises.splitlines() if line.strip().startswith(f"para {n} ")) for n in (1, 3))
    assert para1.split()[2] == "1" and "<-- none" not in para1  # the "moved" row names para 1
    assert para3.split()[2] == "2" and "Last September" in para3
    assert "fn 12" in text and "<-- none" in text
