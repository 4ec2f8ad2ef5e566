"""Shared code of the Kazakhstan–U.S. security companion: data, figures, widgets.

Notebooks use ``from companion import load`` and get every table of ``data/`` validated
and typed; see :mod:`companion.data`.
"""
from companion.data import DataPackageError, load

__all__ = ["DataPackageError", "load"]
