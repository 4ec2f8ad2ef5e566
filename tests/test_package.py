"""The package: installed, in two layers, and a copy of the project imports its own code and data.

Fast (no build): these run in ``make test-fast``.
"""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

from conftest import ROOT, VENV, copy_project

PACKAGE = ROOT / "companion"
BOOK_LAYER = PACKAGE / "book"
#: What the analysis layer (everything notebooks import) must never import.
BOOK_ONLY = ("companion.book", "sphinx", "docutils", "myst_parser", "sphinx_exercise", "jupyter_book")


def imported_modules(path: Path) -> set[str]:
    """Every module a Python file imports, at any depth (lazy imports inside functions too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            # `from companion import book` imports the book layer too.
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            names.add("." * node.level + (node.module or ""))
    return names


def analysis_modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if BOOK_LAYER not in p.parents)


def test_imported_modules_sees_lazy_and_from_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom companion import book\ndef f():\n    from sphinx.util import logging\n")
    assert {"os", "companion.book", "sphinx.util"} <= imported_modules(sample)


def test_analysis_layer_never_imports_the_book_layer_sphinx_or_docutils():
    modules = analysis_modules()
    assert PACKAGE / "data.py" in modules and PACKAGE / "explorers.py" in modules
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules
        for name in sorted(imported_modules(path))
        if name.startswith(".") or any(name == banned or name.startswith(banned + ".") for banned in BOOK_ONLY)
    ]
    assert offenders == [], "the analysis layer must stay importable without Sphinx (ARCHITECTURE.md)"


def test_book_layer_holds_every_sphinx_extension():
    """A module that defines ``setup(app)`` for Sphinx belongs to companion/book/."""
    stray = [
        str(path.relative_to(ROOT))
        for path in analysis_modules()
        if any(isinstance(n, ast.FunctionDef) and n.name == "setup" for n in ast.parse(path.read_text(encoding="utf-8")).body)
    ]
    assert stray == []


def test_package_is_installed_in_the_venv_not_found_through_the_working_folder(tmp_path):
    """Run from an unrelated folder with no PYTHONPATH, the venv imports an installed companion."""
    python = VENV / "bin" / "python"
    script = "import companion, importlib.metadata as m; print(companion.__file__); print(m.version('companion'))"
    result = subprocess.run([str(python), "-c", script], cwd=tmp_path, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    path, version = result.stdout.split()
    assert Path(path).name == "__init__.py" and version


def test_a_copy_sharing_the_venv_imports_its_own_package_and_data(tmp_path):
    """The tests' and the benchmark's copies reuse this venv: their make must use their own code and data."""
    project = copy_project(tmp_path / "copy")
    (project / "companion" / "copy_marker.py").write_text("MARKER = 'copy'\n")
    probe = "import companion, companion.copy_marker as m; from companion.data import DATA_DIR; print(companion.__file__); print(DATA_DIR)"
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", "-f", "Makefile", "-f", "-", "probe", f"VENV={VENV}"],
        cwd=project,
        # From chapters/, as a notebook runs: the working folder itself holds no package.
        input=f'probe:\n\tcd chapters && $(PY) -c "{probe}"\n',
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    package_file, data_dir = result.stdout.split()
    assert Path(package_file).resolve().parent == (project / "companion").resolve()
    assert Path(data_dir).resolve() == (project / "data").resolve()


def test_tools_never_import_the_tests_and_nothing_edits_sys_path():
    test_modules = {p.stem for p in (ROOT / "tests").glob("*.py")} | {"tests"}
    offenders = []
    for path in sorted([*(ROOT / "tools").glob("*.py"), *PACKAGE.rglob("*.py")]):
        names = imported_modules(path)
        offenders += [f"{path.relative_to(ROOT)} imports {n}" for n in sorted(names) if n.split(".")[0] in test_modules]
        if "sys.path" in path.read_text(encoding="utf-8"):
            offenders.append(f"{path.relative_to(ROOT)} edits sys.path")
    assert offenders == []


def test_the_architecture_map_names_every_module_in_its_layer():
    """ARCHITECTURE.md is a maintainer's map: a module added without a line there fails."""
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    analysis_map = text.split("| Analysis layer |", 1)[1].split("| Book layer |", 1)[0]
    book_map = text.split("| Book layer |", 1)[1]
    missing = [
        f"{path.relative_to(ROOT)} (in the {layer} layer's table)"
        for layer, folder, part in [("analysis", PACKAGE, analysis_map), ("book", BOOK_LAYER, book_map)]
        for path in sorted(folder.glob("*.py"))
        if path.stem != "__init__" and f"`{path.stem}`" not in part
    ]
    assert missing == [], "add these modules to ARCHITECTURE.md's map"


def test_every_module_a_page_imports_is_in_the_code_reference():
    """Issue 19 §2: a reader can follow any call in a chapter to its docstring and source."""
    import re

    from companion.project import documented_modules

    imported: set[str] = set()
    for page in [*(ROOT / "chapters").glob("*.md"), *(ROOT / "appendix").glob("*.md")]:
        text = page.read_text(encoding="utf-8")
        imported |= set(re.findall(r"^from (companion\.[a-z_]+) import", text, re.MULTILINE))
        for names in re.findall(r"^from companion import (.+)$", text, re.MULTILINE):
            imported |= {f"companion.{n.split(' as ')[0].strip()}" for n in names.split("#")[0].split(",")}
    imported = {m for m in imported if (PACKAGE / f"{m.split('.')[1]}.py").exists()}
    assert {"companion.charts", "companion.outside", "companion.data"} <= imported
    missing = sorted(imported - set(documented_modules()))
    assert missing == [], f"add to a page of about/code_reference/: {missing}"
