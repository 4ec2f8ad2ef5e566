"""Fixes of upstream HTML that need no build to test."""
from __future__ import annotations


def test_folded_cell_labels_become_spans_and_only_inside_a_cell_summary():
    from companion.book.htmlfixes import fold_labels_as_spans
    from companion.project import PROJECT_ROOT as ROOT

    css = (ROOT / "_static" / "companion-htmlfixes.css").read_text(encoding="utf-8")

    body = ('<details class="admonition hide above-input">\n<summary aria-label="Toggle hidden content">\n'
            '<p class="collapsed admonition-title">Show code cell source</p>\n'
            '<p class="expanded admonition-title">Hide code cell source</p>\n</summary>'
            '<p class="collapsed admonition-title">elsewhere</p>')
    fixed = fold_labels_as_spans(body)
    assert '<span class="collapsed admonition-title">Show code cell source</span>' in fixed
    assert '<span class="expanded admonition-title">Hide code cell source</span>' in fixed
    assert fixed.endswith('<p class="collapsed admonition-title">elsewhere</p>')  # outside a summary: untouched
    assert "summary>span.collapsed" in css and "summary>span.expanded" in css
