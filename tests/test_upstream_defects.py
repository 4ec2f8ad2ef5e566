"""Controls of the fixes of upstream output: each upstream defect still exists, so its fix is still needed.

One scratch mini-book (a bibliography, a pandas table, two exercises with solutions) is built
once with Jupyter Book and none of the book's fixes: no ``companion.book.htmlfixes``, no
``_templates/`` and no ``_static/``. Each test looks for one defect in that output. When a
test fails, the upstream package has fixed its defect: delete the fix it names (see the
docstring of :mod:`companion.book.htmlfixes`), then this test.

Defects that show only in a live browser are held to the version they were seen in: the test
fails when the package's version changes, so that someone checks them again.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import uuid
from importlib.metadata import version
from pathlib import Path

import pytest
from conftest import VENV

MINI_CONFIG = """\
title: Scratch book with no fixes
execute:
  execute_notebooks: force
bibtex_bibfiles:
  - refs.bib
launch_buttons:
  thebe: false
sphinx:
  extra_extensions:
    - sphinx_exercise
    - sphinx.ext.autodoc
    - sphinx.ext.viewcode
"""
MINI_TOC = "format: jb-book\nroot: intro\nchapters:\n  - file: page\n  - file: code\n"
#: A module documented with autodoc and viewcode (the book's code reference does the same).
MINI_MODULE = '''"""A module."""


def answer() -> int:
    """The answer."""
    return 42
'''
MINI_CODE = "# Code\n\n```{eval-rst}\n.. automodule:: scratchmod\n   :members:\n```\n"
MINI_BIB = "@book{doe2000, author = {Doe, Jane}, title = {A Title}, year = {2000}, publisher = {P}}\n"
MINI_INTRO = "# Intro\n\nA citation {cite}`doe2000`.\n\n```{bibliography}\n```\n"
MINI_PAGE = """\
---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  name: python3
  display_name: Python 3
---
# Page

```{code-cell} ipython3
import pandas as pd
pd.DataFrame({"a": [1, 2]})
```

```{code-cell} ipython3
:tags: [hide-input]
1 + 1
```

```{exercise}
:label: ex-one
First.
```

```{solution} ex-one
One.
```

```{exercise}
:label: ex-two
Second.
```

```{solution} ex-two
Two.
```
"""


@pytest.fixture(scope="module")
def unfixed(tmp_path_factory) -> Path:
    """The mini-book's HTML folder, built once with every fix of the book off."""
    root = tmp_path_factory.mktemp("unfixed")
    files = {
        "_config.yml": MINI_CONFIG,
        "_toc.yml": MINI_TOC,
        "refs.bib": MINI_BIB,
        "intro.md": MINI_INTRO,
        "page.md": MINI_PAGE,
        "code.md": MINI_CODE,
        "scratchmod.py": MINI_MODULE,
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    result = subprocess.run(
        [str(VENV / "bin" / "jupyter-book"), "build", str(root), "--path-output", str(root / "out")],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    html = root / "out" / "_build" / "html"
    if not (html / "page.html").exists():
        pytest.fail(f"the mini-book did not build (exit {result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return html


def page(html: Path, name: str = "page.html") -> str:
    return (html / name).read_text(encoding="utf-8")


@pytest.mark.build
@pytest.mark.timeout(900)
class TestDefectsStillExist:
    def test_sphinx_adds_inline_scripts_twice(self, unfixed):
        """Fix: htmlfixes de-duplicates scripts per page (Sphinx 7.4.7)."""
        assert page(unfixed).count("const THEBE_JS_URL") >= 2

    def test_thebe_snippet_names_unpkg_with_thebe_off(self, unfixed):
        """Fix: htmlfixes drops sphinx-thebe's snippet and CSS when thebe is off (sphinx-thebe 0.3.1)."""
        assert "unpkg.com" in page(unfixed)

    def test_theme_leaves_the_default_mode_empty(self, unfixed):
        """Fix: htmlfixes sets ``default_mode`` to ``auto`` (pydata-sphinx-theme 0.17.1)."""
        text = page(unfixed)
        assert '<body data-default-mode="">' in text and 'localStorage.getItem("mode") || ""' in text

    def test_bibliography_entries_are_not_list_items(self, unfixed):
        """Fix: htmlfixes writes citations with ``role="listitem"`` (docutils 0.21.2, sphinxcontrib-bibtex 2.7.0)."""
        intro = page(unfixed, "intro.html")
        assert 'role="doc-biblioentry"' in intro and 'role="listitem"' not in intro

    def test_pandas_tables_carry_a_scoped_style_and_a_border(self, unfixed):
        """Fix: htmlfixes removes both from executed outputs (pandas 3.1.1)."""
        text = page(unfixed)
        assert "<style scoped>" in text and re.search(r'<table\s+border="1"\s+class="dataframe"', text)

    def test_exercise_bodies_share_one_id(self, unfixed):
        """Fix: htmlfixes numbers the ids of exercise and solution bodies (sphinx-exercise 1.2.1)."""
        text = page(unfixed)
        assert text.count('id="exercise-content"') >= 2 and text.count('id="solution-content"') >= 2

    def test_index_is_a_bare_meta_redirect(self, unfixed):
        """Fix: sphinx-reredirects writes index.html from _templates/index-redirect.html (sphinx-external-toc 1.1.0)."""
        index = page(unfixed, "index.html")
        assert "<!DOCTYPE" not in index.upper() and "<title>" not in index and 'http-equiv="refresh"' in index.lower()

    def test_folded_cell_toggle_is_not_named_by_its_label(self, unfixed):
        """Fix: companion.book.codepages writes the toggle without aria-label and with spans (myst-nb 1.4.0)."""
        text = page(unfixed)
        assert '<summary aria-label="Toggle hidden content">' in text
        assert '<p class="collapsed admonition-title">Show code cell source</p>' in text

    def test_viewcode_puts_divs_inside_pre(self, unfixed):
        """Fix: companion.book.codepages writes viewcode's marks as spans (Sphinx 7.4.7)."""
        source = page(unfixed, "_modules/scratchmod.html")
        assert re.search(r"<pre>(?:(?!</pre>).)*<div class=\"viewcode-block\"", source, re.DOTALL)

    def test_theme_switcher_icons_carry_titles(self, unfixed):
        """Fix: _templates/theme-switcher.html (pydata-sphinx-theme 0.17.1)."""
        assert re.search(r'<i class="theme-switch[^"]*"[^>]*\btitle="Light"', page(unfixed))

    def test_search_button_is_named_search_only(self, unfixed):
        """Fix: _templates/search-button-field.html (pydata-sphinx-theme 0.17.1)."""
        assert re.search(r'<button[^>]*search-button-field[^>]*aria-label="Search"', page(unfixed))


@pytest.mark.parametrize(
    ("package", "seen_in", "fix"),
    [
        ("ipywidgets", "8.1.9", "_static/companion-widget-labels.js: slider handles and readouts unnamed"),
        ("pydata-sphinx-theme", "0.17.1", "_static/companion-htmlfixes.css: long URLs widen a phone's page"),
        ("sphinx-exercise", "1.2.1", "_static/companion-htmlfixes.css: links on the tinted boxes below 4.5:1"),
    ],
)
def test_browser_only_defects_are_rechecked_when_their_package_changes(package, seen_in, fix):
    """These defects show only in a browser; re-check each (fix off, tests/test_accessibility.py) on an upgrade."""
    assert version(package) == seen_in, f"{package} is now {version(package)}: check whether the defect of {fix} is gone"


def test_ipywidgets_names_models_with_random_uuids():
    """Fix: companion.widgets.stable_model_ids (ipywidgets 8.1.9 with comm 0.2.3)."""
    script = textwrap.dedent(
        """
        import ipywidgets
        print(ipywidgets.IntSlider().model_id)
        """
    )
    ids = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60).stdout.strip() for _ in range(2)]
    assert ids[0] != ids[1] and uuid.UUID(ids[0]).version == 4
