"""Where each row of the data package lives in the built book, and how to link to a view of rows.

The one place that defines the data browser's addresses (analysis layer: no Sphinx, so a
notebook's cached output can carry such a link):

* **One page per table**: ``appendix/browse/<table>.html`` (:func:`browse_page`), written
  from the data package by :mod:`companion.book.browser`.
* **One anchor per row**: ``#row-<table>-<id>`` (:func:`row_anchor`); ``<id>`` is the row's
  primary key (parts joined by ``/``) made URL-safe by :func:`slug`. The anchor is also a
  Sphinx label, so ``{ref}`row-events-<id>``` links to the row.
* **A filtered view**, read by the page's script from the query string:

  ``?ids=<id>,<id>,…``
      only the rows whose primary key is one of these (each id percent-encoded; the comma
      separates them). A view of exactly the rows a count counts.
  ``?filter=<text>``
      only the rows whose text contains ``<text>`` (case-insensitive); the page's filter box
      writes this parameter as the reader types, so the address is always the view.
  ``?<field>=<value>``
      only the rows whose ``<field>`` is exactly ``<value>`` (e.g. ``?source=nurgaliev2007``).

  Not ``q``: Sphinx's search script runs a search on any page whose address has ``?q=``.
  Parameters combine (all must hold). Unknown ids are reported on the page, never ignored
  silently. :func:`browse_url` builds such an address.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping
from urllib.parse import quote

#: Folder of the per-table pages, relative to the book's root (a document folder too).
BROWSE_DIR = "appendix/browse"


def slug(value: str) -> str:
    """``value`` lower case with every run of other characters than ``a-z0-9_.-`` as one dash."""
    return re.sub(r"[^a-z0-9_.-]+", "-", value.lower()).strip("-")


def row_anchor(table: str, row_id: str) -> str:
    """The HTML id and label of a row: ``row-<table>-<id>``."""
    return f"row-{table}-{slug(row_id)}"


def browse_docname(table: str) -> str:
    """The Sphinx document of a table's page: ``appendix/browse/<table>``."""
    return f"{BROWSE_DIR}/{table}"


def browse_page(table: str) -> str:
    """The table's page relative to the book's root: ``appendix/browse/<table>.html``."""
    return f"{browse_docname(table)}.html"


def browse_url(
    table: str,
    ids: Iterable[str] | None = None,
    *,
    query: str | None = None,
    where: Mapping[str, str] | None = None,
    root: str = "",
) -> str:
    """The address of a view of ``table``'s rows (see the module docstring for the scheme).

    ``ids`` keeps only those rows (in the given order, duplicates dropped); ``query`` keeps
    rows containing that text; ``where`` keeps rows whose fields equal the values. ``root``
    is the path from the linking page to the book's root, e.g. ``"../"`` from a chapter.

    >>> browse_url("events", ["e-1", "e 2"], root="../")
    '../appendix/browse/events.html?ids=e-1,e%202'
    >>> browse_url("flags", where={"status": "flagged"})
    'appendix/browse/flags.html?status=flagged'
    """
    parameters = []
    if ids is not None:
        unique = list(dict.fromkeys(str(i) for i in ids))
        if not unique:
            raise ValueError(f"a view of {table} by ids needs at least one id")
        parameters.append("ids=" + ",".join(quote(i, safe="/") for i in unique))
    if query:
        parameters.append("filter=" + quote(query, safe=""))
    for field, value in (where or {}).items():
        if field in ("ids", "filter"):
            raise ValueError(f"field name {field!r} is reserved in browse URLs")
        parameters.append(f"{quote(field, safe='')}={quote(str(value), safe='')}")
    return root + browse_page(table) + ("?" + "&".join(parameters) if parameters else "")
