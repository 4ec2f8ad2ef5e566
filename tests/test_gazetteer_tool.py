"""tools/extract_places.py decides, place by place, how data/places.csv is located."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _tool():
    spec = importlib.util.spec_from_file_location("extract_places", ROOT / "tools" / "extract_places.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_tool_has_one_decision_for_every_place_and_none_for_a_place_the_data_lacks():
    """A stale entry (a place dropped from the data) or a new place without a decision both fail."""
    tool = _tool()
    with open(ROOT / "data" / "places.csv", encoding="utf-8", newline="") as handle:
        places = {row["id"] for row in csv.DictReader(handle)}
    assert set(tool.GEONAMES) & set(tool.OFF_MAP) == set()
    assert set(tool.GEONAMES) | set(tool.OFF_MAP) == places
