"""Shared code of the Kazakhstan–U.S. security companion: data, figures, widgets.

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
