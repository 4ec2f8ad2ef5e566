"""Every promise, plan item and open question has an outcome resting on real rows, or says so."""

from __future__ import annotations

import pytest

from companion.data import primary_key, row_key, tabular_resources

COVERED = {  # what issue 18 asks the table to cover: article row -> item
    "eq-huey-ii-planned",
    "eq-hummer-planned",
    "eq-c-130-planned",
    "eq-warship-planned",
    "kazbat",
    "operation-2003-iraq-contingent",
    "arg-counter-multivector",
    "arg-achievement-foundation",
    "arg-edm-officers-unable",
}


@pytest.fixture(scope="module")
def data():
    from companion import load

    return load()


def _ids(data, table: str) -> set[str]:
    resource = next(r for r in tabular_resources(data.descriptor) if r["name"] == table)
    frame = getattr(data, table)
    keys = primary_key(resource)
    return {row_key(resource, {k: str(v) for k, v in zip(keys, values)}) for values in frame[keys].itertuples(index=False)}


def test_every_outcome_rests_on_existing_rows_or_says_no_source_found(data):
    for row in data.promises.itertuples():
        tokens = str(row.outcome_rows).split() if isinstance(row.outcome_rows, str) else []
        if row.outcome == "No source found.":
            assert not tokens and row.status == "no source found", row.id
            continue
        assert tokens, f"{row.id}: an outcome without rows"
        for token in tokens:
            table, row_id = token.split(":", 1)
            assert row_id in _ids(data, table), f"{row.id}: {token} is not a row of the package"


def test_the_table_covers_the_promises_issue_18_names(data):
    assert COVERED <= set(data.promises["row_id"])


def test_a_disputed_item_reads_sources_disagree_and_cites_its_open_flag(data):
    huey = data.promises.set_index("id").loc["promise-huey"]
    assert huey["status"] == "sources disagree" and "flags:flag-huey-deliveries" in huey["outcome_rows"]
    assert "chooses neither" in huey["outcome"]


def test_one_edm_item_on_officers_leaving_is_indirect_evidence_not_an_answer(data):
    rows = data.promises.set_index("id")
    officers = rows.loc["open-officer-retention"]
    assert officers["status"] == "indirect evidence only" and officers["outcome_rows"] == "context:ctx-15-1"
    assert "ctx-17-1" in rows.loc["open-us-base", "outcome_rows"]
    assert "blog" not in rows.loc["promise-hmmwv", "outcome"]  # Eurasianet is a reputable secondary source
