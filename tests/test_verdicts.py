"""Verdicts are declared rules: windows, variants, open flags and degenerate inputs."""

from __future__ import annotations

import pandas as pd
import pytest

from companion.verdicts import (
    RULES,
    WINDOWS,
    Outcome,
    Rule,
    Variant,
    decide,
    deliveries_from_register,
    derived_table,
    kazakhstan_leads_aid,
    largest_deal,
    no_supplier_above_half,
    run_rules,
    unique_leader,
    us_leads_recipients,
    verdict_table,
)

NO_FLAGS = pd.DataFrame({"id": pd.Series(dtype=str), "status": pd.Series(dtype=str)})


def tiv(rows):
    return pd.DataFrame(rows, columns=["recipient", "supplier", "year", "tiv_million"])


def rule(**changes) -> Rule:
    base = dict(
        id="r", table="arguments", row_id="arg-x", measure="m", source="S", windows=WINDOWS, threshold="t", reason="because", kind="arms"
    )
    return Rule(**{**base, **changes})


# --------------------------------------------------------------------------- degenerate inputs


def test_no_leader_from_an_all_zero_series():
    assert unique_leader(pd.Series({"Kazakhstan": 0, "Uzbekistan": 0})) is None
    assert unique_leader(pd.Series(dtype=float)) is None


def test_no_leader_from_a_tie_and_one_from_a_clear_maximum():
    assert unique_leader(pd.Series({"Kazakhstan": 5, "Uzbekistan": 5})) is None
    assert unique_leader(pd.Series({"Kazakhstan": 5, "Uzbekistan": 2})) == "Kazakhstan"


def test_leading_role_is_undecided_when_the_u_s_delivered_nothing():
    frame = tiv([("Kazakhstan", "Russia", 2000, 50), ("Uzbekistan", "Russia", 2000, 10)])
    outcome = us_leads_recipients(frame, (1995, 2007))
    assert outcome.holds is None and "no single leader" in outcome.evidence
    verdict = decide(rule(), (Variant("1995–2007", outcome),), NO_FLAGS)
    assert verdict.status == "cannot be decided"


def test_balance_on_an_empty_window_decides_nothing():
    assert no_supplier_above_half(tiv([("Kazakhstan", "Russia", 1990, 5)]), (1995, 2007)).holds is None


# --------------------------------------------------------------------------- windows and flips


def test_a_verdict_that_flips_between_windows_reads_depends_with_the_reason():
    variants = (Variant("1995–2007", Outcome(False, "a")), Variant("2002–2007", Outcome(True, "b")))
    verdict = decide(rule(), variants, NO_FLAGS)
    assert verdict.status == "depends"
    assert verdict.wording.startswith("depends on the window")
    assert "holds in 2002–2007" in verdict.why and "not in 1995–2007" in verdict.why


def test_a_verdict_that_flips_without_the_largest_deal_names_the_deal():
    variants = (Variant("1995–2007", Outcome(True, "a")), Variant("register 1995–2007 without deal 1 (X, 9 TIV)", Outcome(False, "b")))
    assert decide(rule(), variants, NO_FLAGS).wording.startswith("depends on the largest deal")


def test_an_open_flag_whose_sources_disagree_overrides_the_numbers():
    flags = pd.DataFrame({"id": ["flag-x"], "status": ["flagged"], "reason": ["conflict"]})
    variants = (Variant("1995–2006", Outcome(False, "six delivered")),)
    assert decide(rule(disputed_flag="flag-x"), variants, flags).wording == "sources disagree"
    settled = flags.assign(status="accepted_correction")
    assert decide(rule(disputed_flag="flag-x"), variants, settled).status == "inconsistent"


def test_largest_deal_variant_uses_the_register_alone():
    register = pd.DataFrame(
        {
            "sipri_deal_id": [1, 2, 3],
            "supplier": ["United States", "United States", "Russia"],
            "recipient": ["Kazakhstan"] * 3,
            "designation": ["A", "B", "C"],
            "delivery_year": [2004, 2007, 2004],
            "tiv_delivered_million": [19.0, 6.0, 50.0],
        }
    )
    deal = largest_deal(register, (2002, 2007), "United States")
    assert deal["deal"] == 1 and deal["tiv"] == 19.0
    assert largest_deal(register, (2002, 2007))["deal"] == 3
    rest = deliveries_from_register(register, drop_deal=1)
    assert set(rest["deal"]) == {2, 3} and set(rest["recipient"]) == {"Kazakhstan"}


def test_aid_bounds_decide_only_where_they_do_not_overlap():
    def headlines(kz, kz_q, other, other_q):
        return pd.DataFrame(
            {
                "period": ["2001-2005"] * 2,
                "recipient": ["Kazakhstan", "Uzbekistan"],
                "category": ["Military and police aid (sum of years)"] * 2,
                "amount_usd_million": [kz, other],
                "qualifier": [kz_q, other_q],
            }
        )

    assert kazakhstan_leads_aid(headlines(100, "(upper bound)", 131, "(lower bound)"), "2001-2005").holds is False
    assert kazakhstan_leads_aid(headlines(100, "(lower bound)", 90, "(upper bound)"), "2001-2005").holds is True
    assert kazakhstan_leads_aid(headlines(100, "(lower bound)", 131, None), "2001-2005").holds is None


# --------------------------------------------------------------------------- the real data


@pytest.fixture(scope="module")
def real():
    from companion import load

    data = load()
    return data, {v.rule.id: v for v in run_rules(data)}


def test_every_rule_declares_a_threshold_with_a_reason_and_no_invented_75(real):
    for r in RULES:
        assert r.threshold and len(r.reason) > 30, r.id
        assert "75" not in r.threshold + r.reason
    data, _ = real
    for r in RULES:
        assert r.row_id in set(getattr(data, r.table)["id"]), r.id


def test_huey_verdict_respects_the_open_flag(real):
    _, verdicts = real
    assert verdicts["huey-register"].wording == "sources disagree"


def test_russia_share_in_the_two_windows(real):
    _, verdicts = real
    evidence = verdicts["balance-arms"].evidence
    assert "Russia 92.2 %" in evidence and "Russia 78.7 %" in evidence
    balance = verdicts["balance-arms"]
    # Import shares measure neither the motive nor the regional balance the claim speaks of:
    # the shares are evidence and decide nothing (as for the EDM's ties claim).
    assert balance.status == "outside the data's scope" and "inconsistent" not in balance.wording
    assert "motive" in balance.why and "balance of forces" in balance.why


def test_stimulus_survives_without_the_2004_huey_deal(real):
    _, verdicts = real
    v = verdicts["stimulus-arms"]
    assert any("without deal 35392" in x.label and x.outcome.holds for x in v.variants)
    assert v.status == "consistent"


def test_recipient_comparisons_use_the_two_windows_and_a_register_check_without_the_huey_deal(real):
    _, verdicts = real
    labels = [x.label for x in verdicts["leading-role-arms"].variants]
    assert labels[:2] == ["1995–2007", "2002–2007"]
    without = verdicts["leading-role-arms"].variants[2:]
    assert len(without) == 2 and all("without deal 35392" in x.label for x in without)
    # Only the 2007 deal is left, and the register alone ranks nobody.
    assert all("years: 2007" in x.outcome.evidence and "no other recipients" in x.outcome.evidence for x in without)
    assert "without its largest deal" in verdicts["leading-role-arms"].wording


def test_leading_role_against_aid_depends_on_the_period(real):
    _, verdicts = real
    v = verdicts["leading-role-aid"]
    assert v.status == "depends" and "not in 2001–2005" in v.wording


def test_c130_and_naval_promises_are_tested_against_the_register(real):
    _, verdicts = real
    plan = "plan not carried out in the register"
    assert verdicts["c130-register"].status == verdicts["warship-register"].status == plan
    assert verdicts["c130-register"].wording.startswith(plan)
    assert "every size" not in verdicts["warship-register"].rule.reason
    naval = verdicts["warship-register"].evidence
    assert "South Korea Sea Dolphin" in naval and "Turkiye AB-25" in naval
    assert "2003–2024" in verdicts["c130-register"].wording


def test_tazhin_verdict_says_the_partnership_is_not_measured(real):
    _, verdicts = real
    assert verdicts["tazhin-arms"].wording.endswith("of all three powers is not measured")


def test_huey_note_keeps_the_flag_open_and_names_its_rows(real):
    _, verdicts = real
    rule = verdicts["huey-register"].rule
    assert set(rule.context) == {"ctx-23-1", "ctx-23-4", "ctx-23-5"}
    assert "working notes" not in rule.note and "stays open" in rule.note


def test_edm_assistance_claim_has_a_verdict(real):
    _, verdicts = real
    # Neither aid bin ends before the December 2004 item: the sum is evidence, not a verdict.
    v = verdicts["edm-assistance-aid"]
    assert v.status == "cannot be decided" and "ends before the item" in v.why
    assert v.variants and v.variants[0].outcome.holds is True, "the rise is still computed and shown"


def test_published_table_has_one_row_per_rule_and_a_described_schema(real):
    data, _ = real
    derived = derived_table(data)
    table = pd.read_csv(pd.io.common.BytesIO(derived.content))
    assert list(table["verdict_id"]) == [r.id for r in RULES]
    fields = derived.resource["schema"]["fields"]
    assert [f["name"] for f in fields] == list(table.columns)
    assert all(f["description"] for f in fields) and derived.resource["description"]
    assert verdict_table(data)["verdict"].str.len().gt(0).all()


def test_rules_never_join_the_two_sipri_vintages():
    import inspect

    import companion.verdicts as module

    source = inspect.getsource(module)
    assert "pd.concat" not in source and ".merge(" not in source


def test_rows_a_rule_draws_on_join_context_flag_and_note_rows_once():
    drawn = rule(context=("ctx-1-1",), disputed_flag="flag-a", note_rows=("flags:flag-a", "events:e-1")).rows_drawn_on
    assert drawn == "context:ctx-1-1 flags:flag-a events:e-1"
    assert rule().rows_drawn_on == ""


def test_every_row_a_verdict_note_names_exists_and_ids_stay_out_of_its_prose():
    """The notes' rows are links beside the note; the note itself names no bare row id."""
    from companion.audit import resolves, row_index

    bare, keyed = row_index()
    for r in RULES:
        for ref in r.rows_drawn_on.split():
            assert resolves(ref, bare, keyed), f"{r.id}: {ref}"
        named = [row_id for row_id in bare if row_id in f"{r.note} {r.reason}" and "-" in row_id]
        assert named == [], f"{r.id}: say what the row says, and list it in note_rows: {named}"
    by_id = {r.id: r for r in RULES}
    assert "flags:flag-huey-deliveries" in by_id["leading-role-arms"].rows_drawn_on


def test_status_counts_sentence_names_only_statuses_some_verdict_has():
    from companion.verdicts import status_counts_sentence

    assert status_counts_sentence(["depends"]) == "1 depends on the window"
    sentence = status_counts_sentence(["cannot be decided", "consistent", "consistent", "depends"])
    assert sentence == (
        "2 are consistent with the outside data in every variant, 1 depends on the window and 1 cannot be decided from these data"
    )
    assert "inconsistent" not in sentence
    with pytest.raises(KeyError):
        status_counts_sentence(["true"])
