"""Fixes of upstream HTML that need no build to test."""

from __future__ import annotations

from types import SimpleNamespace

from bs4 import BeautifulSoup


def test_folded_cell_toggle_is_named_by_its_visible_label_and_holds_spans():
    """companion.book.codepages writes myst-nb's hide-input toggle (issue 19 §2: label in name)."""
    from companion.book.codepages import depart_hide_cell_input, visit_hide_cell_input
    from companion.project import PROJECT_ROOT as ROOT

    css = (ROOT / "_static" / "companion-htmlfixes.css").read_text(encoding="utf-8")
    translator = SimpleNamespace(body=[])
    node = {"classes": ["above-input"], "prompt_show": "Show code cell source", "prompt_hide": "Hide <code> cell source"}
    visit_hide_cell_input(translator, node)
    translator.body.append("<div>code</div>")
    depart_hide_cell_input(translator, node)
    summary = BeautifulSoup("".join(translator.body), "html.parser").select_one("details.hide.above-input > summary")
    # No aria-label: the accessible name is the visible label (the CSS shows one span at a time).
    assert summary is not None and not summary.has_attr("aria-label")
    assert [s.get_text() for s in summary.find_all("span")] == ["Show code cell source", "Hide <code> cell source"]
    assert summary.find("p") is None and summary.find("code") is None  # escaped, and no paragraph in a summary
    assert "summary>span.collapsed" in css and "summary>span.expanded" in css


def test_viewcode_marks_inside_pre_become_spans_and_nothing_else_changes():
    from companion.book.codepages import viewcode_blocks_as_spans

    body = (
        '<div class="highlight"><pre><span></span><div class="viewcode-block" id="f">\n'
        '<a class="viewcode-back" href="../x.html#f">[docs]</a><span class="k">def</span> f(): &lt;div&gt;\n</div>\n</pre></div>'
    )
    fixed = viewcode_blocks_as_spans(body)
    assert fixed == (
        '<div class="highlight"><pre><span></span><span class="viewcode-block" id="f">\n'
        '<a class="viewcode-back" href="../x.html#f">[docs]</a><span class="k">def</span> f(): &lt;div&gt;\n</span>\n</pre></div>'
    )
