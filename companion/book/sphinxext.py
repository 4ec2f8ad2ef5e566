"""Sphinx extension that ties the build to the data package.

* Validates ``data/`` before anything is read or executed: a defect stops the build with
  the loader's message (file, row, column, value, what was expected).

Executed outputs follow the data through the pre-executor (companion.execute, run by
companion.book.fastbuild): each cache record knows which resources its notebook read.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError
from sphinx.util import logging

from companion.data import DataPackageError, load

logger = logging.getLogger(__name__)


def _validate_data(app: Sphinx, config: Config) -> None:
    try:
        load()
    except DataPackageError as error:
        raise ExtensionError(str(error)) from None


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _validate_data, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
