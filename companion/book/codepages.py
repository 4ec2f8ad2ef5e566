"""Sphinx extension: the code a reader unfolds or follows, in valid and accessible HTML.

Two upstream defects, each with its control test in ``tests/test_upstream_defects.py`` (the
scratch mini-book built without this extension): when a test fails, the defect is gone and
its fix below can go.

**The "Show code" toggle. myst-nb 1.4.0** writes a ``hide-input`` cell's toggle (``myst_nb.sphinx_.visit_HideCellInput``) as

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

**The code reference's source pages. Sphinx 7.4.7** ``sphinx.ext.viewcode`` marks each
documented object in a module's highlighted source with ``<div class="viewcode-block">``
(and its "[docs]" link) *inside* the ``<pre>``: a ``div`` is not allowed there (Nu HTML
checker). On those pages (``_modules/…``) the marks are written as ``<span>``, shown as
blocks by ``_static/companion-htmlfixes.css``, so the page looks the same.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from sphinx.application import Sphinx

#: A highlighted source block of a viewcode page.
PRE_BLOCK = re.compile(r"(<pre>)(.*?)(</pre>)", re.DOTALL)


def visit_hide_cell_input(self, node) -> None:
    """Open the fold: ``<details>`` and a ``<summary>`` named by its visible label."""
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>\n')
    self.body.append(f'<span class="collapsed admonition-title">{escape(node["prompt_show"])}</span>\n')
    self.body.append(f'<span class="expanded admonition-title">{escape(node["prompt_hide"])}</span>\n')
    self.body.append("</summary>\n")


def depart_hide_cell_input(self, node) -> None:
    self.body.append("</details>\n")


def viewcode_blocks_as_spans(body: str) -> str:
    """A viewcode page's body with the ``div`` marks inside its ``<pre>`` blocks as ``span``.

    Inside ``<pre>`` the source is escaped text, so every tag there is viewcode's own: its
    ``<div class="viewcode-block">`` openings and their ``</div>`` closings.
    """

    def fix(match: re.Match) -> str:
        code = match.group(2).replace('<div class="viewcode-block"', '<span class="viewcode-block"').replace("</div>", "</span>")
        return match.group(1) + code + match.group(3)

    return PRE_BLOCK.sub(fix, body)


def _fix_viewcode_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if pagename.startswith("_modules/") and "viewcode-block" in context.get("body", ""):
        context["body"] = viewcode_blocks_as_spans(context["body"])


def setup(app: Sphinx) -> dict:
    app.setup_extension("myst_nb")  # its own registration of the node must come first
    from myst_nb.sphinx_ import HideCodeCellNode

    app.add_node(HideCodeCellNode, override=True, html=(visit_hide_cell_input, depart_hide_cell_input))
    app.connect("html-page-context", _fix_viewcode_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
