"""Two clean builds give the same book: byte-identical pages and identical executed outputs.

The two builds are the run's clean build (``built_book``, notebooks executed in parallel,
one kernel per core) and the clean build made inside a network namespace
(``offline_build``, the same pre-executor with one worker). Widget model ids are compared
as they are: ``companion.widgets.stable_model_ids`` makes them the same on every execution,
and this test is what checks it. The widget state embedded in pages is compared parsed,
since a page rendered from a cached notebook can order the JSON's keys differently from a
freshly executed one. Executed notebooks are compared output by output, since jupytext
gives cells random ids.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from pathlib import Path

import nbformat
import pytest

pytestmark = [pytest.mark.build, pytest.mark.timeout(2400)]

WIDGET_STATE_SCRIPT = re.compile(r'<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)</script>', re.DOTALL)


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def canonical_widget_state(text: str) -> str:
    """``text`` with each embedded widget-state block re-serialised with sorted keys."""

    def canonical(match: re.Match) -> str:
        try:
            block = json.dumps(json.loads(match.group(1)), sort_keys=True)
        except ValueError:
            return match.group(0)  # a broken block is reported by the comparison itself
        return match.group(0).replace(match.group(1), block)

    return WIDGET_STATE_SCRIPT.sub(canonical, text)


def widget_states(text: str) -> list[dict]:
    """The parsed widget-state blocks of a page."""
    return [json.loads(block) for block in WIDGET_STATE_SCRIPT.findall(text)]


def comparable(name: str, content: bytes) -> bytes:
    if name.endswith((".html", ".ipynb", ".json", ".js")) and b"widget" in content:
        return canonical_widget_state(content.decode("utf-8")).encode("utf-8")
    return content


def first_difference(name: str, a: bytes, b: bytes) -> str:
    try:
        diff = difflib.unified_diff(a.decode().splitlines(), b.decode().splitlines(), "build 1", "build 2", lineterm="", n=1)
        return f"{name}:\n" + "\n".join(list(diff)[:12])
    except UnicodeDecodeError:
        return f"{name}: binary files differ"


def executed_outputs(build_dir: Path) -> dict[str, list]:
    """Per executed notebook in the build's execution cache, the outputs of each code cell.

    The cache is keyed by a hash of each notebook's code, so the same chapter has the same
    key in both builds; it is read instead of ``jupyter_execute/``, which a later build of the
    student edition into the same folder overwrites.
    """
    outputs = {}
    for path in sorted((build_dir / ".jupyter_cache" / "executed").glob("*/base.ipynb")):
        notebook = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
        outputs[path.parent.name] = [cell.get("outputs", []) for cell in notebook.cells if cell.cell_type == "code"]
    return outputs


@pytest.fixture(scope="module")
def two_builds(built_book, offline_build):
    assert offline_build.returncode == 0, offline_build.log[-3000:]
    return built_book, offline_build


def sources_edited_since(builds) -> list[str]:
    """Project files saved after the first of the builds started (a shared tree is edited live)."""
    started = min(b.build_dir.parent.stat().st_mtime for b in builds)
    roots = [builds[0].project / d for d in ("chapters", "appendix", "about", "teachers", "data", "companion", "_templates")]
    files = [p for root in roots if root.exists() for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    files += [builds[0].project / n for n in ("_config.yml", "_toc.yml", "references.bib")]
    return sorted(str(p.relative_to(builds[0].project)) for p in files if p.exists() and p.stat().st_mtime > started)


def test_two_clean_builds_give_byte_identical_html(two_builds):
    first, second = (files_of(b.html) for b in two_builds)
    edited = sources_edited_since(two_builds)
    note = f"\n(sources saved while the builds ran, which can explain a difference: {edited})" if edited else ""
    assert sorted(first) == sorted(second), f"the two builds hold different files{note}"
    differing = [name for name in first if comparable(name, first[name]) != comparable(name, second[name])]
    details = "\n\n".join(first_difference(n, comparable(n, first[n]), comparable(n, second[n])) for n in differing[:5])
    assert differing == [], f"files that differ between two clean builds:\n{details}{note}"


def test_parallel_and_serial_execution_embed_the_same_widget_state(two_builds):
    parallel, serial = two_builds
    assert "with 1 worker(s)" in serial.log, "the offline build did not execute serially"
    if (os.cpu_count() or 1) > 1:
        assert "worker(s)" in parallel.log and "with 1 worker(s)" not in parallel.log, "the clean build did not execute in parallel"
    pages = sorted(p.relative_to(parallel.html).as_posix() for p in parallel.html.rglob("*.html"))
    states = {name: widget_states((parallel.html / name).read_text(encoding="utf-8")) for name in pages}
    assert any(states.values()), "no page embeds widget state: nothing was compared"
    differing = [name for name in pages if states[name] != widget_states((serial.html / name).read_text(encoding="utf-8"))]
    assert differing == []


def test_two_clean_builds_give_identical_executed_outputs(two_builds):
    first, second = (executed_outputs(b.build_dir) for b in two_builds)
    notebooks = list((two_builds[1].build_dir / "jupyter_execute").rglob("*.ipynb"))
    assert len(second) == len(notebooks) > 0, "every executed chapter has one cache entry"
    edited = sources_edited_since(two_builds)
    assert set(second) <= set(first), f"the builds executed different code; sources saved meanwhile: {edited}"
    differing = []
    for key, cells in second.items():
        if len(cells) != len(first[key]):
            differing.append(f"cache entry {key}: {len(first[key])} vs {len(cells)} code cells")
        differing += [f"cache entry {key}, code cell {n + 1}" for n, (a, b) in enumerate(zip(first[key], cells)) if a != b]
    assert differing == []


def test_figures_carry_no_date(built_book):
    figures = list(built_book.html.rglob("*.svg")) + list((built_book.build_dir / "jupyter_execute").rglob("*.svg"))
    dated = [str(p) for p in figures if re.search(rb"<dc:date>|CreationDate", p.read_bytes())]
    assert dated == []


def test_widget_state_is_compared_parsed_and_with_its_model_ids():
    def page(state: dict) -> bytes:
        return f'<p>x</p><script type="application/vnd.jupyter.widget-state+json">{json.dumps(state)}</script>'.encode()

    a, b = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
    state = {"version_major": 2, "version_minor": 0, "state": {a: {"model_name": "IntSliderModel", "state": {"value": 5}}}}
    reordered = {"state": {a: {"state": {"value": 5}, "model_name": "IntSliderModel"}}, "version_minor": 0, "version_major": 2}
    assert page(state) != page(reordered)
    assert comparable("p.html", page(state)) == comparable("p.html", page(reordered)), "key order must not matter"
    other_id = json.loads(json.dumps(state).replace(a, b))
    assert comparable("p.html", page(state)) != comparable("p.html", page(other_id)), "a changed model id must show"
    other_value = json.loads(json.dumps(state).replace('"value": 5', '"value": 6'))
    assert widget_states(page(state).decode()) != widget_states(page(other_value).decode())
