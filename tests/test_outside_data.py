"""The outside datasets in data/ carry the values, provenance and licences the chapter relies on.

Spot checks are the ones in the shared reference-data README (SIPRI vs WDI, SIPRI trade
register, USAID vs State Department), read through the book's own loader.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from companion import load

DATA = Path(__file__).resolve().parent.parent / "data"
OUTSIDE = ["sipri_tiv", "sipri_register", "wdi_military", "us_aid_totals", "us_aid_headlines", "cow_nmc"]
SIPRI_CREDIT = "Information from the SIPRI Arms Transfers Database"


@pytest.fixture(scope="module")
def package():
    return load()


def _kazakhstan_tiv_total(package, year: int) -> int:
    tiv = package.sipri_tiv
    rows = tiv[(tiv["recipient"] == "Kazakhstan") & (tiv["year"] == year)]
    return int(rows["tiv_million"].sum())


def _wdi(package, code: str, year: int) -> float:
    wdi = package.wdi_military
    rows = wdi[(wdi["indicator_code"] == code) & (wdi["year"] == year)]
    assert len(rows) == 1, f"expected one {code} row for {year}, found {len(rows)}"
    return float(rows["value"].iloc[0])


@pytest.mark.parametrize("year, total", [(2000, 121), (2001, 139), (2007, 82)])
def test_sipri_kazakhstan_all_suppliers_matches_readme(package, year, total):
    assert _kazakhstan_tiv_total(package, year) == total


def test_sipri_kazakhstan_2007_by_supplier(package):
    tiv = package.sipri_tiv
    rows = tiv[(tiv["recipient"] == "Kazakhstan") & (tiv["year"] == 2007)]
    by_supplier = {str(k): int(v) for k, v in zip(rows["supplier"], rows["tiv_million"])}
    assert by_supplier == {"Russia": 71, "Ukraine": 5, "United States": 6}


@pytest.mark.parametrize("year", [2000, 2001, 2007])
def test_wdi_arms_imports_republish_sipri_totals(package, year):
    # WDI writes TIV out in units: 82,000,000 = 82 TIV million.
    assert _wdi(package, "MS.MIL.MPRT.KD", year) == _kazakhstan_tiv_total(package, year) * 1_000_000


def test_wdi_arms_imports_2007(package):
    assert _wdi(package, "MS.MIL.MPRT.KD", 2007) == 82_000_000


def test_wdi_1993_expenditure_zero_is_kept_as_printed_and_documented_as_no_data(package):
    assert _wdi(package, "MS.MIL.XPND.CD", 1993) == 0
    resource = next(r for r in package.descriptor["resources"] if r["name"] == "wdi_military")
    assert "no data" in resource["description"]


def test_us_aid_appropriated_and_planned_fy2009_and_fy2010(package):
    aid = package.us_aid_totals
    planned = aid[aid["transaction_type_name"] == "Appropriated and Planned"].set_index("fiscal_year")
    assert int(planned.loc[2009, "current_usd"]) == 22_422_000
    assert int(planned.loc[2010, "current_usd"]) == 22_722_000


def test_state_department_fy2009_headline_matches_usaid(package):
    heads = package.us_aid_headlines
    row = heads[(heads["period"] == "FY2009") & (heads["category"] == "Total Foreign Operations appropriated assistance")]
    assert float(row["amount_usd_million"].iloc[0]) == 22.42


def test_sipri_register_us_hmmwv_deliveries(package):
    reg = package.sipri_register
    hmmwv = reg[(reg["supplier"] == "United States") & (reg["designation"] == "HMMWV-UA")]
    delivered = {int(y): int(n) for y, n in zip(hmmwv["delivery_year"], hmmwv["number_delivered"])}
    assert delivered == {2008: 20, 2009: 20}
    assert set(hmmwv["order_year"].astype(int)) == {2007}


def test_sipri_register_us_huey_deliveries(package):
    reg = package.sipri_register
    huey = reg[(reg["supplier"] == "United States") & (reg["designation"] == "UH-1H Huey-2")]
    delivered = huey.groupby("delivery_year")["number_delivered"].sum()
    assert {int(y): int(n) for y, n in delivered.items()} == {2004: 6, 2007: 2, 2012: 1, 2014: 1, 2016: 1, 2017: 1}


def test_cow_milex_2000_is_the_doubtful_value_the_readme_flags(package):
    cow = package.cow_nmc.set_index("year")
    assert int(cow.loc[2000, "milex"]) == 1_250_000  # thousand US$, vs WDI ~143.5 million


def test_cow_minus_nine_is_declared_missing_and_frictionless_reads_it_so():
    import frictionless

    schema = json.loads((DATA / "schemas" / "cow_nmc.schema.json").read_text(encoding="utf-8"))
    assert "-9" in schema["missingValues"]
    resource = frictionless.Resource(str(DATA / "cow_nmc.csv"), schema=frictionless.Schema.from_descriptor(schema))
    rows = {row["year"]: row for row in resource.read_rows()}
    assert rows[1991]["milex"] is None and rows[1992]["milex"] == 1_500_000


def test_loader_reads_cow_minus_nine_as_missing(package):
    cow = package.cow_nmc.set_index("year")
    assert cow["milex"].isna().loc[1991]


@pytest.mark.parametrize("name", OUTSIDE)
def test_outside_resource_is_loaded_and_has_units_in_field_descriptions(package, name):
    frame = getattr(package, name)
    assert len(frame) > 0
    resource = next(r for r in package.descriptor["resources"] if r["name"] == name)
    numeric = [
        f for f in resource["schema"]["fields"] if f["type"] in ("integer", "number") and f["name"] not in ("year", "ccode", "version")
    ]
    for field in numeric:
        assert field.get("description"), f"{name}.{field['name']} has no description"


def test_every_resource_has_sources_and_licenses(package):
    problems = []
    for resource in package.descriptor["resources"]:
        name = resource["name"]
        for key in ("sources", "licenses"):
            if not resource.get(key):
                problems.append(f"data/datapackage.json: resource {name!r} has no {key!r}; add them to its entry")
        for source in resource.get("sources", []):
            if not source.get("title"):
                problems.append(f"data/datapackage.json: resource {name!r} has a source without a title")
        for licence in resource.get("licenses", []):
            if not (licence.get("name") or licence.get("path")):
                problems.append(f"data/datapackage.json: resource {name!r} has a licence without name or path")
    assert not problems, "\n".join(problems)


def test_outside_sources_name_repository_path_and_commit(package):
    for resource in package.descriptor["resources"]:
        if resource["name"] not in OUTSIDE or resource["name"] == "us_aid_headlines":
            continue
        for source in resource["sources"]:
            assert source.get("publisher") and source.get("vintage"), resource["name"]
            assert source.get("repository") and source.get("path"), resource["name"]
            assert len(source.get("commit", "")) == 40, resource["name"]


@pytest.mark.parametrize("name", ["sipri_tiv", "sipri_register"])
def test_sipri_resources_carry_the_credit_line(package, name):
    resource = next(r for r in package.descriptor["resources"] if r["name"] == name)
    assert SIPRI_CREDIT in resource["description"]
    assert any(lic.get("credit") == SIPRI_CREDIT for lic in resource["licenses"])


def test_boundaries_is_a_small_rounded_geojson_of_central_asia_and_neighbours(package):
    resource = next(r for r in package.descriptor["resources"] if r["name"] == "boundaries")
    assert resource["format"] == "geojson" and resource["mediatype"] == "application/geo+json"
    path = DATA / resource["path"]
    assert path.stat().st_size < 100_000
    collection = json.loads(path.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    codes = {f["properties"]["iso_a3"] for f in collection["features"]}
    assert {"KAZ", "KGZ", "TJK", "TKM", "UZB", "RUS", "CHN"} <= codes

    def points(coords):
        if isinstance(coords[0], (int, float)):
            yield coords
        else:
            for c in coords:
                yield from points(c)

    for feature in collection["features"]:
        for lon, lat in points(feature["geometry"]["coordinates"]):
            assert 40 <= lon <= 90 and 30 <= lat <= 58
            assert round(lon, 3) == lon and round(lat, 3) == lat
