"""The book's map of the places the articles name, drawn with matplotlib alone.

No map tiles and no geopandas: the country outlines come from the Natural Earth GeoJSON
stored in ``data/boundaries.geojson`` and the points from the ``places`` table, so the map
is drawn offline from the data package. Analysis layer: no Sphinx imports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from companion.figures import OKABE_ITO, new_figure

Ring = list[list[float]]

#: Where each country's name is written: chosen by eye inside each clipped outline (lon, lat).
COUNTRY_LABELS = {
    "RUS": (57, 55.8),
    "KAZ": (66.5, 47.8),
    "UZB": (60.5, 42.6),
    "TKM": (58.5, 39.2),
    "KGZ": (76.8, 41.6),
    "TJK": (71.2, 38.6),
    "AFG": (65.5, 33.8),
    "IRN": (55, 32.5),
    "CHN": (84, 37.5),
    "AZE": (47.6, 40.4),
}

#: Where a label may sit round its point (offset in points), in order of preference.
LABEL_OFFSETS = [(6, 4), (6, -10), (-6, 4), (-6, -10), (0, 9), (0, -14), (10, -3), (-10, -3)]


def outer_rings(geometry: Mapping) -> list[Ring]:
    """The outer ring of each polygon of a GeoJSON Polygon or MultiPolygon (holes are dropped)."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [polygon[0] for polygon in polygons]


def draw_countries(ax: Axes, features: Iterable[Mapping], highlight: str = "KAZ") -> None:
    """Fill each country (``highlight``, by ISO code, in a warm tint) and name the main ones."""
    for feature in features:
        code = feature["properties"]["iso_a3"]
        fill = "#F3E9D2" if code == highlight else "#ECECEC"
        for ring in outer_rings(feature["geometry"]):
            ax.add_patch(Polygon(ring, closed=True, facecolor=fill, edgecolor="#8C8C8C", linewidth=0.6, zorder=1))
        if code in COUNTRY_LABELS:
            ax.text(
                *COUNTRY_LABELS[code],
                feature["properties"]["name"].upper(),
                ha="center",
                va="center",
                fontsize=8,
                color="#555555",
                fontstyle="italic",
                zorder=2,
            )


def label_without_overlap(ax: Axes, xs: Iterable[float], ys: Iterable[float], texts: Iterable[str], fontsize: int = 10) -> None:
    """Label each point at the first position of :data:`LABEL_OFFSETS` that overlaps no earlier label.

    Where every position collides the label keeps the first one: a crowded label is better
    than a missing one.
    """
    renderer = ax.figure.canvas.get_renderer()
    placed = []
    for x, y, text in zip(xs, ys, texts):
        for dx, dy in LABEL_OFFSETS:
            label = ax.annotate(
                text,
                (x, y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha="left" if dx >= 0 else "right",
                fontsize=fontsize,
                zorder=4,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
            )
            box = label.get_window_extent(renderer)
            if not any(box.overlaps(other) for other in placed):
                break
            label.remove()
        else:
            label = ax.annotate(text, (x, y), xytext=LABEL_OFFSETS[0], textcoords="offset points", fontsize=fontsize, zorder=4)
            box = label.get_window_extent(renderer)
        placed.append(box)


def places_map(places: pd.DataFrame, boundaries: Mapping) -> Figure:
    """A map of ``places`` (columns ``longitude``, ``latitude``, ``name_as_stated``) over ``boundaries``.

    ``boundaries`` is a GeoJSON FeatureCollection with a ``bbox`` (west, south, east, north),
    which sets the map's extent; seas and countries not in the file stay white.
    """
    west, south, east, north = boundaries["bbox"]
    fig, ax = new_figure(8.5, 6.6)
    draw_countries(ax, boundaries["features"])
    ax.text(50.8, 42.0, "Caspian\nSea", ha="center", va="center", fontsize=8, color="#3A6F9A", fontstyle="italic", zorder=2)
    ax.scatter(places["longitude"], places["latitude"], s=36, color=OKABE_ITO[3], edgecolor="white", linewidth=0.8, zorder=3)
    # Labels are placed before the extent is set, as the map was first drawn and checked.
    label_without_overlap(ax, places["longitude"], places["latitude"], places["name_as_stated"])
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1.4)  # about 1/cos(44°): keeps shapes right at the latitude of Kazakhstan
    ax.set_xlabel("longitude (° east)")
    ax.set_ylabel("latitude (° north)")
    ax.spines[["top", "right"]].set_visible(True)
    fig.tight_layout()
    return fig
