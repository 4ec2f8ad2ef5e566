"""Code of the Kazakhstan–U.S. security companion (see ARCHITECTURE.md).

This package is the analysis layer, what notebooks import: the data loader
(:mod:`companion.data`), tables, figures, explorers and widgets. It never imports Sphinx or
docutils; the Sphinx extensions and the build are the book layer, :mod:`companion.book`.

Notebooks use ``from companion import load`` and get every table of ``data/`` validated
and typed; see :mod:`companion.data`.

The names are imported on first use (PEP 562), so that tools which need no data, such as
the input check of ``make book`` (companion.inputs), start without importing pandas.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DataPackageError", "load"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from companion import data

        return getattr(data, name)
    raise AttributeError(f"module 'companion' has no attribute {name!r}")
