"""The fast build's parts, without building: what the loader records, what invalidates a
cached notebook, the input stamp of ``make book``, and the upstream behaviour that
companion/book/fastbuild.py works around (control tests: when one fails, the fix can go)."""

from __future__ import annotations

import inspect
import shutil
from pathlib import Path

import pytest

from companion import data, execute, inputs
from companion.data import load, resource_hash

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def data_copy(tmp_path) -> Path:
    return Path(shutil.copytree(ROOT / "data", tmp_path / "data"))


def test_the_loader_records_each_table_a_process_reads(tmp_path, monkeypatch):
    record = tmp_path / "reads"
    monkeypatch.setenv(data.READS_ENV, str(record))
    monkeypatch.setattr(data, "_noted", set())
    tables = load()
    tables.events, tables.flags, tables.events  # noqa: B018 - reading is what is recorded
    assert record.read_text().split() == ["events", "flags"]


def test_the_loader_records_nothing_without_a_recorder(monkeypatch):
    monkeypatch.delenv(data.READS_ENV, raising=False)
    monkeypatch.setattr(data, "_noted", set())
    load().events  # noqa: B018
    assert data._noted == set()


def test_a_changed_table_changes_its_own_hash_only(data_copy):
    before = {name: resource_hash(name, data_copy) for name in ("places", "events", "descriptor", "data_dir")}
    path = data_copy / "places.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Almaty", "Almaty-changed", 1), encoding="utf-8")
    after = {name: resource_hash(name, data_copy) for name in before}
    assert [name for name in before if before[name] != after[name]] == ["places"]


def test_a_changed_schema_changes_its_table_and_the_descriptor(data_copy):
    before = {name: resource_hash(name, data_copy) for name in ("places", "events", "descriptor")}
    schema = data_copy / "schemas" / "places.schema.json"
    schema.write_text(schema.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after = {name: resource_hash(name, data_copy) for name in before}
    assert [name for name in before if before[name] != after[name]] == ["places", "descriptor"]


def test_the_map_file_is_a_dependency_of_data_dir_only(data_copy):
    before = {name: resource_hash(name, data_copy) for name in ("places", "descriptor", "data_dir")}
    (data_copy / "boundaries.geojson").write_text("{}", encoding="utf-8")
    after = {name: resource_hash(name, data_copy) for name in before}
    assert [name for name in before if before[name] != after[name]] == ["data_dir"]


def test_a_cache_record_is_current_until_a_resource_it_read_changes(data_copy):
    stamp = execute.dependency_stamp(["places"], data_copy, code="code-1")
    assert execute.is_current(stamp, data_copy, code="code-1")
    events = data_copy / "events.csv"
    events.write_text(events.read_text(encoding="utf-8").replace("a", "b", 1), encoding="utf-8")
    assert execute.is_current(stamp, data_copy, code="code-1"), "a table it did not read changed"
    places = data_copy / "places.csv"
    places.write_text(places.read_text(encoding="utf-8").replace("Almaty", "Almaty-changed", 1), encoding="utf-8")
    assert not execute.is_current(stamp, data_copy, code="code-1")


def test_analysis_code_changes_invalidate_every_record_and_unknown_records_are_stale(data_copy):
    stamp = execute.dependency_stamp([], data_copy, code="code-1")
    assert not execute.is_current(stamp, data_copy, code="code-2")
    assert not execute.is_current(None) and not execute.is_current({"execution_seconds": 1.0})


def test_the_code_hash_covers_the_analysis_layer_not_the_book_layer(tmp_path):
    package = Path(shutil.copytree(ROOT / "companion", tmp_path / "companion", ignore=shutil.ignore_patterns("__pycache__")))
    original = execute.analysis_code_hash(package)
    (package / "pages.py").write_text("# a book-layer edit\n", encoding="utf-8")
    (package / "book").mkdir(exist_ok=True)
    (package / "book" / "extra.py").write_text("# a book-layer edit\n", encoding="utf-8")
    assert execute.analysis_code_hash(package) == original
    (package / "tables.py").write_text((package / "tables.py").read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    assert execute.analysis_code_hash(package) != original


def test_the_input_stamp_follows_book_inputs_only(tmp_path):
    project = Path(
        shutil.copytree(
            ROOT,
            tmp_path / "project",
            ignore=shutil.ignore_patterns(".venv", "node_modules", "_build", ".git", "__pycache__", ".pytest_cache", "_extra"),
        )
    )
    build_dir, output = project / "_build", project / "_build" / "html"
    output.mkdir(parents=True)
    (output / "index.html").write_text("built", encoding="utf-8")
    unchanged, current = inputs.up_to_date(project, build_dir, "teacher", output)
    assert not unchanged, "never built: not up to date"
    inputs.save(build_dir, "teacher", current)
    assert inputs.up_to_date(project, build_dir, "teacher", output)[0]
    (project / "tests" / "test_fastbuild.py").write_text("# not an input\n", encoding="utf-8")
    assert inputs.up_to_date(project, build_dir, "teacher", output)[0]
    assert not inputs.up_to_date(project, build_dir, "student", project / "_build" / "student")[0]
    chapter = project / "chapters" / "motives.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert not inputs.up_to_date(project, build_dir, "teacher", output)[0]


def test_registered_pybtex_plugins_are_found_without_scanning_entry_points(monkeypatch):
    import pybtex.plugin

    from companion.book.fastbuild import register_pybtex_plugins

    assert register_pybtex_plugins() > 0
    monkeypatch.setattr(pybtex.plugin, "entry_points", lambda **kwargs: pytest.fail(f"scanned entry points for {kwargs}"))
    assert pybtex.plugin.find_plugin("pybtex.style.formatting", "plain").__name__ == "Style"
    assert pybtex.plugin.find_plugin("pybtex.backends", "plaintext") is not None
    assert pybtex.plugin.find_plugin("pybtex.database.input", "bibtex") is not None


def test_control_pybtex_still_scans_entry_points_for_unregistered_plugins():
    """When this fails, pybtex caches its look-ups itself: drop register_pybtex_plugins."""
    import pybtex.plugin

    assert "entry_points(group=search_group, name=name)" in inspect.getsource(pybtex.plugin._load_entry_point)


def test_control_sphinx_still_unpickles_the_target_doctree_for_each_numref():
    """When this fails, Sphinx no longer unpickles per {numref}: drop NumrefOnceDomain."""
    from sphinx.domains.std import StandardDomain

    assert "env.get_doctree(docname)" in inspect.getsource(StandardDomain._resolve_numref_xref)
