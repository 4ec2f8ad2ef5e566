"""The foundation: the book builds clean, offline, warning-free, and loads nothing remote."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, VENV, copy_project, make

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
# Tags and CSS constructs that make a browser fetch something when the page loads.
LOADED_URL = re.compile(
    r"""<(?:script|img|iframe|source|video|audio|embed)\b[^>]*?\bsrc\s*=\s*["']?(?P<src>https?:)?//(?P<host1>[^/"'\s>:]+)"""
    r"""|<link\b[^>]*?\bhref\s*=\s*["']?(?:https?:)?//(?P<host2>[^/"'\s>:]+)"""
    r"""|url\(\s*["']?(?:https?:)?//(?P<host3>[^/"'\s)]+)"""
    r"""|@import\s+["'](?:https?:)?//(?P<host4>[^/"'\s]+)""",
    re.IGNORECASE,
)


def reduced_copy(tmp_path: Path, root_page: str = "chapters/introduction") -> Path:
    """A copy of the project whose table of contents holds one page, for fast builds."""
    project = copy_project(tmp_path / "project")
    (project / "_toc.yml").write_text(f"format: jb-book\nroot: {root_page}\n", encoding="utf-8")
    return project


@pytest.mark.build
@pytest.mark.timeout(1500)
def test_clean_build_has_no_sphinx_warnings(built_book):
    assert built_book.returncode == 0
    assert built_book.warnings == []
    assert (built_book.html / "chapters" / "introduction.html").exists()


@pytest.mark.build
@pytest.mark.timeout(1500)
def test_build_works_offline_with_only_loopback(offline_build):
    assert offline_build.returncode == 0, offline_build.log[-4000:]
    assert offline_build.warnings == []
    assert (offline_build.html / "chapters" / "introduction.html").exists()


@pytest.mark.build
@pytest.mark.timeout(1500)
def test_no_built_file_loads_anything_from_a_third_party_host(built_book):
    offenders = []
    for path in sorted(built_book.html.rglob("*")):
        if path.suffix not in {".html", ".css"}:
            continue
        for match in LOADED_URL.finditer(path.read_text(encoding="utf-8", errors="replace")):
            host = next(h for h in match.group("host1", "host2", "host3", "host4") if h)
            if host not in LOCAL_HOSTS:
                offenders.append(f"{path.relative_to(built_book.html)}: {match.group(0)[:120]}")
    assert offenders == []


@pytest.mark.build
@pytest.mark.timeout(1500)
def test_widget_manager_is_served_with_the_book(built_book):
    embed = built_book.html / "vendor" / "jupyter-widgets" / "embed.js"
    assert embed.stat().st_size > 100_000
    assert not list((built_book.html / "_static").rglob("embed.js")), "vendored JS must not sit in _static"


def test_kernel_is_registered_inside_the_venv():
    kernel = VENV / "share" / "jupyter" / "kernels" / "python3" / "kernel.json"
    assert str(VENV) in kernel.read_text()


@pytest.mark.build
@pytest.mark.timeout(600)
def test_an_exception_in_a_cell_fails_the_build_without_rendering_a_traceback(tmp_path):
    project = reduced_copy(tmp_path)
    intro = project / "chapters" / "introduction.md"
    intro.write_text(
        intro.read_text(encoding="utf-8") + '\n```{code-cell} ipython3\nraise RuntimeError("deliberate failure")\n```\n',
        encoding="utf-8",
    )
    build = make(project, "book", tmp_path / "_build")
    assert build.returncode != 0
    assert "CellExecutionError" in build.log or "Executing notebook failed" in build.log
    page = tmp_path / "_build" / "html" / "chapters" / "introduction.html"
    if page.exists():
        assert "deliberate failure" not in page.read_text(encoding="utf-8")


def test_readme_gives_prerequisites_and_the_two_commands_in_order():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    prerequisites = readme.index("Python 3 with venv, make, Node.js with npm")
    book, test = readme.index("make book"), readme.index("make test")
    assert prerequisites < book < test
    assert "Jupyter Book 1" in readme
