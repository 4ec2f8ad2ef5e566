"""Sphinx extension: the "Show code" toggle of a folded cell is named by its visible label.

**myst-nb 1.4.0** writes a ``hide-input`` cell's toggle (``myst_nb.sphinx_.visit_HideCellInput``) as

.. code-block:: html

    <summary aria-label="Toggle hidden content">
    <p class="collapsed admonition-title">Show code cell source</p>
    <p class="expanded admonition-title">Hide code cell source</p>

Two defects: the ``aria-label`` replaces the visible label as the accessible name, so a
speech-input user who says "click Show code cell source" reaches nothing (WCAG 2.5.3 Label
in Name; axe ``label-content-name-mismatch``); and a ``<p>`` is not allowed inside a
``<summary>`` (Nu HTML checker). This extension re-registers the node's HTML visitor through
Sphinx's supported ``app.add_node(..., override=True)``: the summary has no ``aria-label``
(its name is its visible label, which says "Show…" when folded and "Hide…" when open, as
the CSS in ``_static/companion-htmlfixes.css`` shows one of the two spans at a time) and the
labels are ``<span>``. The ``<details>``/``<summary>`` element already tells assistive
technology that it expands and whether it is open.

``tests/test_upstream_defects.py`` builds a scratch mini-book without this extension and
fails once myst-nb writes a named toggle itself: then delete this module.
"""
from __future__ import annotations

from html import escape

from sphinx.application import Sphinx


def visit_hide_cell_input(self, node) -> None:
    """Open the fold: ``<details>`` and a ``<summary>`` named by its visible label."""
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>\n')
    self.body.append(f'<span class="collapsed admonition-title">{escape(node["prompt_show"])}</span>\n')
    self.body.append(f'<span class="expanded admonition-title">{escape(node["prompt_hide"])}</span>\n')
    self.body.append("</summary>\n")


def depart_hide_cell_input(self, node) -> None:
    self.body.append("</details>\n")


def setup(app: Sphinx) -> dict:
    app.setup_extension("myst_nb")  # its own registration of the node must come first
    from myst_nb.sphinx_ import HideCodeCellNode

    app.add_node(HideCodeCellNode, override=True, html=(visit_hide_cell_input, depart_hide_cell_input))
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
