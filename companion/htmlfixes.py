"""Sphinx extension: fix, from the book, the upstream HTML defects a reader's browser reports.

Each fix names the upstream component it corrects (see ``tests/allowlist.yaml`` for what
cannot be fixed from the book and the quality-gate tests that hold every fix in place):

* **Duplicated scripts** (Sphinx 7.4): an inline script registered with ``app.add_js_file``
  after the builder starts is added twice, once as ``None`` and once as ``''``, so
  sphinx-togglebutton's selector and sphinx-thebe's ``const THEBE_JS_URL`` appear twice:
  the second ``const`` is a page error on every page. Scripts are de-duplicated per page.
* **sphinx-thebe** is dropped when thebe is off (``launch_buttons.thebe: false``): without a
  live kernel server it does nothing, and its snippet names a script on unpkg.com.
* **pydata-sphinx-theme** reads the mode from the template variable ``default_mode``, which
  nothing sets: the page then logs "Got invalid theme mode". It is set to ``auto``.
* **docutils/sphinxcontrib-bibtex** write the bibliography as ``role="list"`` whose entries
  carry the deprecated ``role="doc-biblioentry"``, so the list has no list items (axe:
  critical ``aria-required-children``). Entries are written with ``role="listitem"``.
* **pandas** writes a table's HTML with a ``<style scoped>`` block inside a ``<div>`` and the
  obsolete ``border="1"`` (both invalid HTML5). Both are removed from executed outputs; the
  three rules of the style block are served once, in this extension's CSS file.
* **ipywidgets 8** sliders: the description label names neither the slider handle nor its
  readout; a small script on pages with widgets ties them to the label.
* **pydata-sphinx-theme** draws the toggle of a navigation entry that has pages under it
  (the data browser's tables) as a ``<summary>`` holding only an icon: a disclosure with no
  name (axe: serious ``summary-name``). Each gets the name "Pages under <entry>".
* **Long URLs** in bibliography entries and prose widen a phone's page; they may wrap.
* **sphinx-external-toc** writes ``index.html`` as a bare ``<meta>`` redirect (no doctype,
  no title: invalid HTML); a complete HTML5 redirect page is written before it does.

The theme's buttons whose accessible name did not contain their visible text are fixed by
template overrides in ``_templates/``.
"""
from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from docutils import nodes
from markupsafe import Markup
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

CSS_FILE = "companion-htmlfixes.css"
#: Rules that keep long unbreakable strings (URLs) from widening a phone's page.
CSS = """\
/* Written by companion/htmlfixes.py. Long URLs wrap instead of widening a phone's page. */
article.bd-article a.reference.external,
article.bd-article div.citation p {
  overflow-wrap: anywhere;
}
/* pandas' <style scoped> block of every table output, served once (see _clean_dataframe_html). */
.dataframe tbody tr th:only-of-type { vertical-align: middle; }
.dataframe tbody tr th { vertical-align: top; }
.dataframe thead th { text-align: right; }
/* Links on the tinted exercise and solution boxes reach 4.5:1 contrast (WCAG AA). */
html[data-theme="light"] div.exercise a, html[data-theme="light"] div.solution a { color: #05505c; }
html[data-theme="dark"] div.exercise a, html[data-theme="dark"] div.solution a { color: #8fdcec; }
"""
#: pandas' notebook table markup: the scoped style block and the obsolete border attribute.
PANDAS_STYLE = re.compile(r"<style scoped>\s*\.dataframe\b.*?</style>\s*", re.DOTALL)
PANDAS_BORDER = re.compile(r'(<table)\s+border="\d+"(\s+class="dataframe")')
WIDGET_JS_FILE = "companion-widget-labels.js"
#: ipywidgets 8 writes a slider's description as a <label> tied to neither the slider handle
#: nor the editable readout, so neither has an accessible name (axe: aria-input-field-name,
#: serious). This ties them to the label as each widget renders, and drops the tooltip
#: "null" that ipywidgets writes on labels of widgets without a tooltip.
WIDGET_JS = """\
/* Written by companion/htmlfixes.py: give ipywidgets' slider handles and readouts the name of their label. */
(() => {
  let counter = 0;
  const label = () => {
    for (const box of document.querySelectorAll(".jupyter-widgets.widget-inline-hbox")) {
      const text = box.querySelector(":scope > .widget-label");
      if (!text) continue;
      if (text.getAttribute("title") === "null") text.removeAttribute("title");
      if (!text.textContent.trim()) continue;
      if (!text.id) text.id = `companion-widget-label-${++counter}`;
      for (const control of box.querySelectorAll("[role='slider'], .widget-readout[contenteditable]")) {
        if (!control.hasAttribute("aria-label") && !control.hasAttribute("aria-labelledby"))
          control.setAttribute("aria-labelledby", text.id);
      }
    }
  };
  new MutationObserver(label).observe(document.documentElement, {childList: true, subtree: true});
})();
"""
WIDGET_STATE_TYPE = "application/vnd.jupyter.widget-state+json"
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
    if scripts is not None and any((getattr(js, "attributes", {}) or {}).get("type") == WIDGET_STATE_TYPE for js in scripts):
        app.add_js_file(WIDGET_JS_FILE)  # this page only: Sphinx resets the list for the next page
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


def _write_css(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / CSS_FILE).write_text(CSS, encoding="utf-8")
    (static / WIDGET_JS_FILE).write_text(WIDGET_JS, encoding="utf-8")


def redirect_page(target: str, title: str, language: str = "en") -> str:
    """A complete, valid HTML5 page that sends the reader to ``target``."""
    target, title = html.escape(target, quote=True), html.escape(title)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(language or "en", quote=True)}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        f'<meta http-equiv="refresh" content="0; url={target}">\n'
        f'<link rel="canonical" href="{target}">\n'
        "</head>\n"
        f'<body><p><a href="{target}">{title}</a></p></body>\n'
        "</html>\n"
    )


def _write_index_redirect(app: Sphinx, exception: Exception | None) -> None:
    # Runs before sphinx-external-toc's handler, which leaves an existing index.html alone.
    if exception is not None or app.builder.name != "html" or app.config.root_doc == "index":
        return
    target = f"{app.config.root_doc}.html"
    title = app.config.html_title or app.config.project
    (Path(app.outdir) / "index.html").write_text(redirect_page(target, title, app.config.language), encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.add_node(nodes.citation, override=True, html=(_visit_citation, _depart_citation))
    app.connect("builder-inited", _write_css)
    app.connect("doctree-resolved", _clean_dataframe_html)
    app.connect("doctree-resolved", _unique_exercise_ids)
    app.add_css_file(CSS_FILE)
    # After every extension that adds scripts to the page context.
    app.connect("html-page-context", _fix_page_context, priority=900)
    app.connect("build-finished", _write_index_redirect, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
