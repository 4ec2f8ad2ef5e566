"""Pages stay light: no Font Awesome script, no widget manager without widgets.

The first test needs no build: it is the control test of the override of
pydata-sphinx-theme's ``static/webpack-macros.html`` in ``_templates/`` (issue 20 §6).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pydata_sphinx_theme
import pytest

ROOT = Path(__file__).resolve().parent.parent
OVERRIDE = ROOT / "_templates" / "static" / "webpack-macros.html"
UPSTREAM = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / "webpack-macros.html"
MACRO = re.compile(r"{%\s*macro (\w+)\(\)\s*%}(.*?){%\s*endmacro\s*%}", re.DOTALL)
FONTAWESOME = re.compile(r"\s*<!-- So that users can add custom icons -->\s*|\s*<script[^>]*fontawesome\.js[^>]*></script>\s*")
SCRIPT_SRC = re.compile(r"""<script\b[^>]*\bsrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
WIDGET_STATE = 'type="application/vnd.jupyter.widget-state+json"'
#: Script bytes allowed on a page without widgets, searchindex.js aside (issue 21's goal).
SCRIPT_BUDGET = 300_000


def macros(text: str) -> dict[str, str]:
    return {name: " ".join(body.split()) for name, body in MACRO.findall(text)}


def test_control_the_theme_still_loads_fontawesome_js_and_the_override_matches_it_otherwise():
    """When this fails, read _templates/static/webpack-macros.html: delete it if the theme no
    longer loads fontawesome.js on every page, or copy the theme's macros again."""
    upstream = UPSTREAM.read_text(encoding="utf-8")
    assert "fontawesome.js" in macros(upstream)["head_js_preload"], "the theme no longer loads fontawesome.js: delete the override"
    expected = {name: " ".join(FONTAWESOME.sub(" ", body).split()) for name, body in macros(upstream).items()}
    assert macros(OVERRIDE.read_text(encoding="utf-8")) == expected


def scripts_of(html_dir: Path, page: str) -> list[Path]:
    text = (html_dir / page).read_text(encoding="utf-8")
    found = []
    for src in SCRIPT_SRC.findall(text):
        url = urlparse(urljoin(f"http://h/{page}", src))
        path = html_dir / unquote(url.path).lstrip("/")
        if url.netloc == "h" and path.is_file():
            found.append(path)
    return found


@pytest.fixture(scope="module")
def pages(built_book) -> list[str]:
    return sorted(p.relative_to(built_book.html).as_posix() for p in built_book.html.rglob("*.html") if "_static" not in p.parts)


@pytest.mark.build
def test_no_page_loads_the_font_awesome_script_and_the_icon_font_is_shipped(built_book, pages):
    loading = [page for page in pages if any(p.name == "fontawesome.js" for p in scripts_of(built_book.html, page))]
    assert loading == []
    assert (built_book.html / "_static" / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900.woff2").is_file()


@pytest.mark.build
def test_only_pages_with_widgets_load_the_widget_manager(built_book, pages):
    with_state = {page for page in pages if WIDGET_STATE in (built_book.html / page).read_text(encoding="utf-8")}
    with_manager = {page for page in pages if any(p.name == "embed.js" for p in scripts_of(built_book.html, page))}
    assert with_state, "no page embeds widgets: nothing was checked"
    assert with_manager == with_state


@pytest.mark.build
def test_pages_without_widgets_load_at_most_300_kb_of_scripts(built_book, pages):
    html = built_book.html
    heavy = {}
    for page in pages:
        if WIDGET_STATE in (html / page).read_text(encoding="utf-8"):
            continue
        size = sum(p.stat().st_size for p in set(scripts_of(html, page)) if p.name != "searchindex.js")
        if size > SCRIPT_BUDGET:
            heavy[page] = size
    assert heavy == {}
