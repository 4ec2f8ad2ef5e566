"""The computations of the outside-evidence chapter (companion.outside), on toy frames."""

from __future__ import annotations

import pandas as pd
import pytest

from companion import outside


def toy_tiv() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "recipient": ["Kazakhstan", "Kazakhstan", "Kazakhstan", "Uzbekistan"],
            "supplier": ["Russia", "United States", "Russia", "China"],
            "year": [1996, 2004, 2010, 2005],
            "tiv_million": [30.0, 10.0, 50.0, 8.0],
        }
    )


def test_supplier_totals_sums_only_the_window():
    totals = outside.supplier_totals(toy_tiv(), 1995, 2007)
    assert totals.loc["Russia", "Kazakhstan"] == 30  # the 2010 row is outside
    assert totals.loc["United States", "Kazakhstan"] == 10
    assert totals.loc["China", "Kazakhstan"] == 0  # filled, not missing


def test_recipient_profile_gives_shares_in_percent_and_zero_for_absent_suppliers():
    profile = outside.recipient_profile(outside.supplier_totals(toy_tiv(), 1995, 2007), "P")
    assert profile.loc["Kazakhstan", "TIV P (millions)"] == 40
    assert profile.loc["Kazakhstan", "Russia P (%)"] == pytest.approx(75)
    assert profile.loc["Uzbekistan", "China P (%)"] == pytest.approx(100)
    assert profile.loc["Uzbekistan", "United States P (%)"] == 0


def toy_register() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "supplier": ["United States", "United States", "Russia"],
            "designation": ["UH-1H Huey-2", "UH-1H Huey-2", "UH-1H Huey-2"],
            "armament_category": ["Aircraft", "Aircraft", "Aircraft"],
            "delivery_year": [2004, 2008, 2004],
            "number_delivered": [6, 2, 99],
            "tiv_delivered_million": [12.0, 4.0, 100.0],
        }
    )


def toy_equipment() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "item": ["Bell Huey II helicopter", "Bell Huey II helicopter", "Bell Huey II helicopter"],
            "item_as_stated": ["Huey-2 planned", "Huey-2 delivered", "Huey-2 serviced"],
            "status": ["planned", "delivered", "service"],
            "date": [None, "2008-05", "2008"],
            "quantity": [None, 2, None],
        }
    )


def test_match_equipment_looks_up_plans_in_every_year_and_deliveries_in_their_own():
    programmes = pd.DataFrame({"id": ["imet"], "name": ["International Military Education"], "acronym": ["IMET"]})
    table = outside.match_equipment(toy_equipment(), programmes, toy_register())
    plan, delivery, service, imet = (row for _, row in table.iterrows())
    assert plan["SIPRI deliveries (year: items)"] == "2004: 6; 2008: 2"  # U.S. rows only
    assert plan["TIV delivered (millions)"] == 16
    assert delivery["SIPRI deliveries (year: items)"] == "2008: 2"
    assert delivery["in the article"] == "delivered, 2008-05, 2 items"
    assert service["SIPRI deliveries (year: items)"] == "not applicable"
    assert service["TIV delivered (millions)"] == 0
    assert imet["article's words"] == "International Military Education (IMET)"
    assert not table.isna().any().any()  # a reader sees no missing markers


def test_security_headlines_share_of_the_same_documents_total():
    heads = pd.DataFrame(
        {
            "period": ["FY2002", "FY2002", "FY2003"],
            "recipient": ["Kazakhstan"] * 3,
            "category": ["Total (all agencies)", "Security & Law Enforcement", "Military aid"],
            "amount_usd_million": [90.0, 45.0, 10.0],
            "qualifier": ["", "roughly", ""],
            "publisher": ["State (Bureau X)", "State (Bureau X)", "Monitor"],
            "document": ["doc-a", "doc-a", "doc-b"],
        }
    )
    table = outside.security_headlines(heads).set_index("period")
    assert table.loc["FY2002", "share of total (%)"] == pytest.approx(50)
    assert pd.isna(table.loc["FY2003", "share of total (%)"])  # no total in doc-b: no share
    assert table.loc["FY2002", "publisher"] == "State"
