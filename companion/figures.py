"""One house style for every figure of the book.

Call :func:`use_house_style` once at the top of a chapter. Figures come out as SVG with a
fixed hash salt and no date in their metadata (so rebuilds are byte-identical), on an
opaque white background (legible in the theme's dark mode), in the Okabe–Ito palette,
which stays distinguishable for the common forms of colour blindness.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt

#: Okabe & Ito (2008), "Color Universal Design": safe for deuteranopia and protanopia.
OKABE_ITO = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
]

#: The same partner keeps the same colour in every chapter.
PARTNER_COLOURS = {
    "United States": "#0072B2",
    "NATO": "#56B4E9",
    "Russia": "#D55E00",
    "China": "#E69F00",
    "United Kingdom": "#009E73",
    "Uzbekistan": "#CC79A7",
    "Kazakhstan": "#000000",
}
OTHER_COLOUR = "#999999"

HOUSE_RC = {
    "figure.figsize": (8, 4.5),
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "axes.prop_cycle": mpl.cycler(color=OKABE_ITO),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 13,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.frameon": False,
    "font.family": "DejaVu Sans",
    "svg.hashsalt": "kazakhstan-companion",
    "svg.fonttype": "path",
}


def use_house_style() -> None:
    """Apply the house style and make inline figures deterministic SVG."""
    mpl.rcParams.update(HOUSE_RC)
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # outside IPython there is no inline backend to configure
        return
    set_matplotlib_formats("svg", metadata={"Date": None})


def partner_colour(partner: str) -> str:
    """The house colour of a partner, grey for any partner without one."""
    return PARTNER_COLOURS.get(str(partner), OTHER_COLOUR)


def new_figure(width: float = 8, height: float = 4.5):
    """A figure and axes in the house style."""
    fig, ax = plt.subplots(figsize=(width, height))
    return fig, ax
