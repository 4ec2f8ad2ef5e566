"""Code of the Kazakhstan–U.S. security companion (see ARCHITECTURE.md).

This package is the analysis layer, what notebooks import: the data loader
(:mod:`companion.data`), tables, figures, explorers and widgets. It never imports Sphinx or
docutils; the Sphinx extensions and the build are the book layer, :mod:`companion.book`.

Notebooks use ``from companion import load`` and get every table of ``data/`` validated
and typed.
"""
from companion.data import DataPackageError, load

__all__ = ["DataPackageError", "load"]
