"""Sphinx extension that ties the build to the data package.

* Validates ``data/`` before anything is read or executed: a defect stops the build with
  the loader's message (file, row, column, value, what was expected).
* Makes executed outputs follow the data: jupyter-cache keys only on a notebook's code,
  so when the fingerprint of ``data/``, ``references.bib`` or this package changes, the
  execution cache is emptied and every document is read again.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError
from sphinx.util import logging

from companion.data import DataPackageError, fingerprint, load

logger = logging.getLogger(__name__)
FINGERPRINT_FILE = "companion-data.sha256"


def _validate_data(app: Sphinx, config: Config) -> None:
    try:
        load()
    except DataPackageError as error:
        raise ExtensionError(str(error)) from None


def _stamp_changed(stamp: Path, current: str) -> bool:
    """Record ``current`` in ``stamp``; say whether it differs from what was there."""
    previous = stamp.read_text().strip() if stamp.exists() else None
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current)
    return previous != current


def _invalidate_stale_outputs(app: Sphinx, config: Config) -> None:
    # Two stamps: the execution cache may be shared by several output folders (both
    # editions use one cache), while each folder's doctrees must be re-read on its own.
    cache_path = Path(config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache")
    current = fingerprint()
    if _stamp_changed(cache_path.parent / f"{cache_path.name}.{FINGERPRINT_FILE}", current) and cache_path.exists():
        logger.info(f"[companion] data or package changed: emptying {cache_path}")
        shutil.rmtree(cache_path)
    app.companion_data_changed = _stamp_changed(Path(app.doctreedir) / FINGERPRINT_FILE, current)  # type: ignore[attr-defined]


def _all_documents_if_data_changed(app: Sphinx, env, added, changed, removed) -> list[str]:
    if getattr(app, "companion_data_changed", False):
        return sorted(env.found_docs - set(removed))
    return []


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _validate_data, priority=100)
    app.connect("config-inited", _invalidate_stale_outputs, priority=200)
    app.connect("env-get-outdated", _all_documents_if_data_changed)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
