"""Sphinx extension: fix, from the book, the upstream HTML defects a reader's browser reports.

Every fix has an expiry date: it names the upstream package, the version the defect was
seen in, and the defect; ``tests/test_upstream_defects.py`` builds one scratch mini-book with
every fix off and fails, naming the fix, once a defect is gone, so that the fix can go too.
``tests/allowlist.yaml`` lists what cannot be fixed from the book.

* **Sphinx 7.4.7, duplicated scripts**: an inline script registered with ``app.add_js_file``
  after the builder starts is added twice, once as ``None`` and once as ``''``, so
  sphinx-togglebutton's selector and sphinx-thebe's ``const THEBE_JS_URL`` appear twice:
  the second ``const`` is a page error on every page. Scripts are de-duplicated per page.
* **sphinx-thebe 0.3.1 (through sphinx-book-theme 1.3.0)** adds its snippet, which names a
  script on unpkg.com, even with thebe off (``launch_buttons.thebe: false``); without a
  live kernel server it does nothing. It is dropped when thebe is off.
* **pydata-sphinx-theme 0.17.1** reads the mode from the template variable ``default_mode``,
  which nothing sets: the page then logs "Got invalid theme mode". It is set to ``auto``.
* **docutils 0.21.2 with sphinxcontrib-bibtex 2.7.0** write the bibliography as
  ``role="list"`` whose entries carry the deprecated ``role="doc-biblioentry"``, so the list
  has no list items (axe: critical ``aria-required-children``). Entries are written with
  ``role="listitem"``.
* **pandas 3.1.1** writes a table's HTML with a ``<style scoped>`` block inside a ``<div>``
  and the obsolete ``border="1"`` (both invalid HTML5). Both are removed from executed
  outputs; the three rules of the style block are served once, in
  ``_static/companion-htmlfixes.css``.
* **sphinx-exercise 1.2.1** gives every exercise and solution body the same id
  (``exercise-content``, ``solution-content``): invalid HTML on a page with two. Each gets a
  numbered id. Its link colour on the tinted boxes is below 4.5:1; the CSS file sets one.
* **ipywidgets 8.1.9** sliders: the description label names neither the slider handle nor
  its readout (axe: ``aria-input-field-name``); ``_static/companion-widget-labels.js`` ties
  them to the label as widgets render.
* **pydata-sphinx-theme 0.17.1** draws the toggle of a navigation entry that has pages under
  it (the data browser's tables) as a ``<summary>`` holding only an icon: a disclosure with no
  name (axe: serious ``summary-name``). Each gets the name "Pages under <entry>".
* **pydata-sphinx-theme 0.17.1**: long URLs in bibliography entries and prose widen a
  phone's page; the CSS file lets them wrap.
* **myst-nb 1.4.0** folds a ``hide-input`` cell behind a ``<summary>`` named "Toggle hidden
  content" whose visible labels are paragraphs: fixed by its own extension,
  :mod:`companion.book.codepages` (label in name, spans), which also fixes
  ``sphinx.ext.viewcode``'s ``<div>`` inside ``<pre>`` (Sphinx 7.4.7).
* **sphinx-external-toc 1.1.0** writes ``index.html`` as a bare ``<meta>`` redirect (no
  doctype, no title: invalid HTML); sphinx-reredirects writes it first, from our valid
  template ``_templates/index-redirect.html``.

The theme's buttons whose accessible name did not contain their visible text
(pydata-sphinx-theme 0.17.1) are fixed by template overrides in ``_templates/``, which say
so in their first lines. The widget-id fix is :func:`companion.widgets.stable_model_ids`.
"""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup
from docutils import nodes
from markupsafe import Markup
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: The index page's redirect template (sphinx-reredirects syntax), relative to the source folder.
REDIRECT_TEMPLATE = "_templates/index-redirect.html"
# The CSS (companion-htmlfixes.css) and the widget-label script (companion-widget-labels.js)
# are files in the project's _static/; Jupyter Book adds every CSS and JS file there to
# every page (traps: offline-components.md §3), which is what these small files want.
#: pandas' notebook table markup: the scoped style block and the obsolete border attribute.
PANDAS_STYLE = re.compile(r"<style scoped>\s*\.dataframe\b.*?</style>\s*", re.DOTALL)
PANDAS_BORDER = re.compile(r'(<table)\s+border="\d+"(\s+class="dataframe")')
THEBE_MARKERS = ("THEBE_JS_URL", "sphinx-thebe.js")


def _thebe_enabled(app: Sphinx) -> bool:
    options = app.config.html_theme_options or {}
    launch = options.get("launch_buttons") or {}
    thebe_config = getattr(app.config, "thebe_config", None) or {}
    return bool(launch.get("thebe")) or bool(isinstance(thebe_config, dict) and thebe_config.get("always_load"))


def _script_key(script: Any) -> tuple:
    """What makes two registered scripts the same: file (None and '' alike) and attributes."""
    attributes = getattr(script, "attributes", {}) or {}
    return (getattr(script, "filename", script) or "", tuple(sorted((k, str(v)) for k, v in attributes.items())))


def _fix_page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    scripts = context.get("script_files")
    if scripts is not None:
        drop_thebe = not _thebe_enabled(app)
        kept, seen = [], set()
        for script in scripts:
            key = _script_key(script)
            if key in seen:
                continue
            text = f"{getattr(script, 'filename', '') or ''} {(getattr(script, 'attributes', {}) or {}).get('body', '')}"
            if drop_thebe and any(marker in text for marker in THEBE_MARKERS):
                continue
            seen.add(key)
            kept.append(script)
        context["script_files"] = kept  # a new list: the builder's own list stays as it was
    css_files = context.get("css_files")
    if css_files is not None and not _thebe_enabled(app):
        context["css_files"] = [c for c in css_files if "sphinx-thebe" not in (getattr(c, "filename", c) or "")]
    if not context.get("default_mode"):
        context["default_mode"] = "auto"
    generate = context.get("generate_toctree_html")
    if callable(generate) and not getattr(generate, "names_toggles", False):

        def named(*args: Any, **kwargs: Any) -> Markup:
            return _name_toctree_toggles(generate(*args, **kwargs))

        named.names_toggles = True  # type: ignore[attr-defined]
        context["generate_toctree_html"] = named


def _name_toctree_toggles(toctree: Any) -> Markup:
    """The theme's navigation (HTML text, or the theme's own BeautifulSoup) with a name on
    every icon-only section toggle."""
    toctree_html = str(toctree)
    if "<summary" not in toctree_html:
        return Markup(toctree_html)
    soup = BeautifulSoup(toctree_html, "html.parser")
    for summary in soup.select("li > details > summary"):
        if summary.get_text(strip=True) or summary.get("aria-label"):
            continue
        link = summary.parent.find_previous_sibling("a")
        summary["aria-label"] = f"Pages under {link.get_text(' ', strip=True) if link else 'this entry'}"
    return Markup(str(soup))


def _visit_citation(self, node: nodes.citation) -> None:
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def _depart_citation(self, node: nodes.citation) -> None:
    self.body.append("</div>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), type(node)):
        self.body.append("</div>\n")


def _clean_dataframe_html(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for node in list(doctree.findall(nodes.raw)):
        if "html" not in node.get("format", "").split() or "dataframe" not in node.astext():
            continue
        text = PANDAS_BORDER.sub(r"\1\2", PANDAS_STYLE.sub("", node.astext()))
        node.replace_self(nodes.raw(node.rawsource, text, **node.attributes))


def _unique_exercise_ids(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    # sphinx-exercise 1.2.1 gives every exercise and solution body the same id
    # ("exercise-content", "solution-content"): invalid HTML on any page with two of them.
    seen: dict[str, int] = {}
    for section in doctree.findall(nodes.section):
        ids = section.get("ids", [])
        if ids in (["exercise-content"], ["solution-content"]):
            seen[ids[0]] = seen.get(ids[0], 0) + 1
            section["ids"] = [f"{ids[0]}-{seen[ids[0]]}"]


def _redirect_index_to_root(app: Sphinx, config: Any) -> None:
    # sphinx-reredirects writes index.html, the site's entry, as a redirect to the root page
    # of _toc.yml; its default page has no doctype and no title (invalid HTML), so it uses
    # our template. It writes before sphinx-external-toc, which leaves an existing index alone.
    if config.root_doc != "index":
        config.redirects = {"index": f"{config.root_doc}.html", **(config.redirects or {})}
        config.redirect_html_template_file = config.redirect_html_template_file or REDIRECT_TEMPLATE


def setup(app: Sphinx) -> dict:
    app.add_node(nodes.citation, override=True, html=(_visit_citation, _depart_citation))
    app.connect("doctree-resolved", _clean_dataframe_html)
    app.connect("doctree-resolved", _unique_exercise_ids)
    # After every extension that adds scripts to the page context.
    app.connect("html-page-context", _fix_page_context, priority=900)
    app.setup_extension("sphinx_reredirects")
    app.connect("config-inited", _redirect_index_to_root, priority=950)  # after sphinx-external-toc sets root_doc (900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
