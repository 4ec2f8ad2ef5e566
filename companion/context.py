"""Context rows (``data/context.csv``) as a chapter shows them.

A chapter that sets the articles beside outside facts shows the context rows it relies on in
a small table computed from the data, so that a prose sentence and the row it rests on can
be compared on the page. Analysis layer: no Sphinx imports.
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from companion.explorers import with_flags

#: The columns a chapter shows: when, what the source says, the source, any flag.
SHOWN = ["date", "statement", "source", "flag"]


def context_table(context: pd.DataFrame, ids: Sequence[str], flags: pd.DataFrame | None = None) -> pd.DataFrame:
    """The context rows named by ``ids``, in date order, indexed by row id.

    Columns: ``date`` (as precise as the source), ``statement`` (the row's summary of its
    source), ``source`` (its references.bib key) and ``flag`` (the kinds of flag raised on
    the row, so that a disputed row never appears without its warning). The frame keeps its
    origin, so :func:`companion.tables.glue_table` shows the ids as links to the rows and the
    sources as citations. An id that names no row raises ``KeyError``: a chapter must not
    silently lose a row it cites.
    """
    missing = [i for i in ids if i not in set(context["id"].astype(str))]
    if missing:
        raise KeyError(f"no context rows with ids {missing}")
    chosen = context[context["id"].isin(list(ids))]
    chosen = with_flags(chosen, flags, "context").sort_values(["start", "id"])
    return chosen.set_index("id")[SHOWN]
