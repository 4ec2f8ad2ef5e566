"""Dates of any precision as the prose of the book writes them. Analysis layer: no Sphinx imports."""

from __future__ import annotations

import pandas as pd

#: strftime format by the length of an ISO date: a day, a month or a year.
_PROSE_FORMATS = {10: "%-d %B %Y", 7: "%B %Y", 4: "%Y"}


def long_date(iso: str) -> str:
    """An ISO date as written in prose, no more precise than the source: 11 January 2007, May 2005, 2004.

    >>> long_date("2007-01-11"), long_date("2005-05"), long_date("2004")
    ('11 January 2007', 'May 2005', '2004')
    """
    iso = str(iso)
    if len(iso) not in _PROSE_FORMATS:
        raise ValueError(f"{iso!r} is not an ISO date of a day, a month or a year")
    return pd.Timestamp(iso).strftime(_PROSE_FORMATS[len(iso)])
