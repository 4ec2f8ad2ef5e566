"""Context rows (``data/context.csv``) as a chapter shows them.

A chapter that sets the articles beside outside facts shows the context rows it relies on in
a small table computed from the data, so that a prose sentence and the row it rests on can
be compared on the page. Analysis layer: no Sphinx imports.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from companion.explorers import with_flags

#: The columns a chapter shows: when, what the source says, the source (a references.bib key), any flag.
SHOWN = ["date", "statement", "source", "flag"]

#: How ``glue_table`` shows the identifiers of a context table: the row id as a link to the
#: row in the data browser, the source as a citation (never as a bare key).
CONTEXT_LINKS = {"row": "row:context", "source": "cite"}


def context_table(context: pd.DataFrame, ids: Sequence[str], flags: pd.DataFrame | None = None) -> pd.DataFrame:
    """The context rows named by ``ids``, in date order, indexed by row id (the index is named ``row``).

    Columns: ``date`` (as precise as the source), ``statement`` (the row's summary of its
    source), ``source`` (its references.bib key) and ``flag`` (the kinds of flag raised on
    the row, so that a disputed row never appears without its warning). Glue it with
    ``glue_table(name, table, links=CONTEXT_LINKS)`` so that the id and the source show as a
    link and a citation. An id that names no row raises ``KeyError``: a chapter must not
    silently lose a row it cites.
    """
    missing = [i for i in ids if i not in set(context["id"].astype(str))]
    if missing:
        raise KeyError(f"no context rows with ids {missing}")
    chosen = context[context["id"].isin(list(ids))]
    chosen = with_flags(chosen, flags, "context").sort_values(["start", "id"])
    return chosen.set_index("id")[SHOWN].rename_axis("row")
