"""Sphinx extension (book layer): execute notebooks in parallel first, re-read only what changed.

* When Sphinx has found its documents (``env-get-outdated``), :func:`companion.execute.prefill`
  brings the jupyter-cache up to date: stale or missing notebooks run in parallel, one kernel
  per core (``companion_execution_workers``; 0 = one per core). MyST-NB then reads every
  notebook from the cache.
* A document is read again when the cache record it was read from was replaced, so a data
  change re-reads exactly the notebooks that read the changed table (the pages generated
  from data follow their own files through ``env.note_dependency``, companion.pages). Each
  output folder keeps its own record of this, so two editions sharing one cache both follow.
* sphinxcontrib-bibtex asks pybtex's ``find_plugin`` for a style or backend at every
  citation, and pybtex scans the installed entry points each time. Registering the book's pybtex
  plugins once, with pybtex's public ``register_plugin``, makes those look-ups dictionary
  reads (upstream: pybtex 0.26.1, ``pybtex.plugin._load_entry_point``).
* Sphinx resolves every ``{numref}`` by unpickling its target's whole doctree to look at one
  node (Sphinx 7.4, ``StandardDomain._resolve_numref_xref``): a chapter with twenty numbered
  references unpickled its own doctree twenty times per build. The standard domain is
  replaced (``add_domain(override=True)``) by a subclass that unpickles each target doctree
  once per build and only reads it. Control: ``tests/test_fastbuild.py``.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.domains.std import StandardDomain
from sphinx.util import logging

from companion.execute import prefill

logger = logging.getLogger(__name__)


#: The pybtex plugins a build of this book asks for (group: names): the formatting style of
#: ``bibtex_default_style`` and the styles it uses by default, the backends, the reader.
#: Registering only these keeps start-up short: each registration scans the entry points once.
PYBTEX_PLUGINS = {
    "pybtex.style.formatting": ["plain", "unsrt"],
    "pybtex.style.labels": ["number"],
    "pybtex.style.names": ["plain"],
    "pybtex.style.sorting": ["none", "author_year_title"],
    "pybtex.backends": ["docutils", "plaintext", "html", "latex"],
    "pybtex.database.input": ["bibtex"],
}


def register_pybtex_plugins(plugins: dict[str, list[str]] = PYBTEX_PLUGINS) -> int:
    """Register the book's pybtex plugins at run time; return how many were registered."""
    import pybtex.plugin

    wanted = {(group, name) for group, names in plugins.items() for name in names}
    count = 0
    for group in plugins:
        for entry_point in entry_points(group=group):
            if (group, entry_point.name) in wanted:
                count += pybtex.plugin.register_plugin(group, entry_point.name, entry_point.load(), force=True)
    return count


def _execute_then_outdated(app: Sphinx, env, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    """Pre-execute the notebooks; return the documents whose cached outputs were replaced."""
    nb_config = env.mystnb_config
    if nb_config.execution_mode != "cache":
        return []
    documents = {doc: Path(env.doc2path(doc)) for doc in sorted(env.found_docs - set(removed))}
    outcomes = prefill(
        list(documents.values()),
        Path(nb_config.execution_cache_path or ".jupyter_cache"),  # MyST-NB's own default
        env.myst_config,
        nb_config,
        workers=app.config.companion_execution_workers,
        log=logger.info,
    )
    read_from = getattr(env, "companion_read_from", {})
    stamps = {doc: outcomes[str(path)].stamp for doc, path in documents.items() if str(path) in outcomes}
    env.companion_read_from = stamps
    return sorted(doc for doc, stamp in stamps.items() if read_from.get(doc) != stamp and doc not in added | changed)


NUMREF_DOCTREES = "_companion_numref_doctrees"


class NumrefOnceDomain(StandardDomain):
    """The standard domain, resolving ``{numref}`` with one unpickling per target document."""

    def _resolve_numref_xref(self, env, fromdocname, builder, typ, target, node, contnode):
        doctrees = env.__dict__.setdefault(NUMREF_DOCTREES, {})
        unpickle = env.get_doctree

        def get_doctree(docname: str):  # the target is only inspected, never changed
            if docname not in doctrees:
                doctrees[docname] = unpickle(docname)
            return doctrees[docname]

        env.get_doctree = get_doctree  # shadows the method for this call only
        try:
            return super()._resolve_numref_xref(env, fromdocname, builder, typ, target, node, contnode)
        finally:
            del env.get_doctree


def _forget_numref_doctrees(app: Sphinx, *args) -> None:
    app.env.__dict__.pop(NUMREF_DOCTREES, None)  # never pickled with the environment


def setup(app: Sphinx) -> dict:
    app.add_config_value("companion_execution_workers", 0, "", [int])
    app.connect("env-get-outdated", _execute_then_outdated)
    app.add_domain(NumrefOnceDomain, override=True)
    app.connect("env-updated", _forget_numref_doctrees)
    app.connect("build-finished", _forget_numref_doctrees)
    register_pybtex_plugins()
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
