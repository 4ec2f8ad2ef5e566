"""Shared fixtures: the run's clean builds of the book, and copies of the project.

A full run makes two clean builds of the whole book, each shared by every test that needs it:

* ``built_book``: the project itself, notebooks executed in parallel; every test that looks
  at pages uses it, and the student edition (``student_build``) reuses its cache;
* ``copy_build``: a copy of the project, notebooks executed one at a time, inside a network
  namespace with only loopback up where the machine allows it. Its first pages are
  ``offline_build`` (offline and determinism tests); ``changed_build`` then changes the copy's
  data and rebuilds it twice (incremental builds, not clean ones).

A few tests build small books of their own (one page, or a sample chapter). Builds go into
temporary folders (the developer's ``_build`` is never touched) with the project's venv.
Tests that build are marked ``build`` and tests that drive Chromium ``browser`` (pytest.ini);
a test that uses a building or browser fixture gets the marker automatically, so
``make test-fast`` (``-m "not build and not browser"``) never builds and never needs Chromium.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from companion.project import (  # noqa: F401 - re-exported for the test modules
    ANSI,
    BUILD_TIMEOUT,
    NODE_MODULES,
    SPHINX_WARNING,
    VENV,
    Build,
    copy_project,
    make,
    make_command,
    run_build,
)

# The quality gate's server, browser and allow-list fixtures (tests/browser.py), once per run.
pytest_plugins = ["browser"]

ROOT = Path(__file__).resolve().parent.parent

# Fixtures that build the book or start Chromium. A test's ``fixturenames`` holds every
# fixture it uses, directly or through others (``crawl`` -> ``served_book`` -> ``built_book``).
BUILD_FIXTURES = {"built_book", "copy_build"}
BROWSER_FIXTURES = {"chromium"}


def pytest_collection_modifyitems(config, items) -> None:
    """Mark every test that uses a building or browser fixture, so that ``-m "not build and
    not browser"`` leaves it out even where its module forgot the marker."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & BUILD_FIXTURES and not item.get_closest_marker("build"):
            item.add_marker(pytest.mark.build)
        if used & BROWSER_FIXTURES and not item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> Build:
    """The book built once, clean, into a temporary folder, with Sphinx warnings as errors."""
    build = make(ROOT, "book", tmp_path_factory.mktemp("clean") / "_build")
    if build.returncode != 0:
        pytest.fail(f"make book failed (exit {build.returncode}):\n{build.log[-6000:]}")
    return build


@pytest.fixture(scope="session")
def student_build(built_book) -> Build:
    """The student edition, built into ``built_book``'s folder (``student/``) with its cache.

    It reuses the teacher build's execution cache, so its log shows whether anything ran
    again. The build's result is returned as is; the tests assert on it.
    """
    return make(ROOT, "book-student", built_book.build_dir)


def network_namespace() -> str | None:
    """None if a build can run inside a network namespace with only loopback up, else why not."""
    if shutil.which("unshare") is None:
        return "unshare is not installed"
    probe = subprocess.run(["unshare", "-rn", "sh", "-c", "ip link set lo up"], capture_output=True, text=True)
    if probe.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"unshare must work on CI but failed: {probe.stderr.strip()}")
        return f"network namespaces are not permitted here: {probe.stderr.strip()}"
    return None


@dataclass
class CopyBuild:
    """The clean build of a copy of the project: the build itself, whose folder later tests
    change, and a snapshot of what it first produced (pages, executed notebooks, cache)."""

    build: Build
    first: Build  # the same build's result, pointing at the snapshot
    offline_skip: str | None  # why it could not run offline, or None


@pytest.fixture(scope="session")
def copy_build(tmp_path_factory) -> CopyBuild:
    """A copy of the project built clean, one notebook at a time (``WORKERS=1``), offline
    where network namespaces work.

    Where ``built_book``'s notebooks run in parallel, these run serially, so the determinism
    tests also check that parallel execution changes nothing. With loopback down the kernel
    cannot start and each notebook hangs (traps.md #2), hence ``ip link set lo up``.
    """
    base = tmp_path_factory.mktemp("copy")
    project, build_dir = copy_project(base / "project"), base / "_build"
    command = make_command("book", build_dir, WORKERS="1")
    offline_skip = network_namespace()
    if offline_skip is None:
        command = ["unshare", "-rn", "sh", "-c", f"ip link set lo up && {shlex.join(command)}"]
    build = run_build(command, project, build_dir)
    snapshot = base / "first" / "_build"
    for part in ("html", "jupyter_execute", ".jupyter_cache"):
        if (build_dir / part).exists():
            shutil.copytree(build_dir / part, snapshot / part)
    return CopyBuild(build, Build(project, snapshot, build.returncode, build.log), offline_skip)


@pytest.fixture(scope="session")
def offline_build(copy_build) -> Build:
    """The second clean build of the run, made inside a network namespace with only loopback
    up: ``copy_build`` as first built (later rebuilds of the copy do not change it)."""
    if copy_build.offline_skip:
        pytest.skip(copy_build.offline_skip)
    return copy_build.first


@dataclass
class ChangedBuild:
    """A copy of the project built, then rebuilt into the same folder after its data changed.

    Between the two, one value of one table that only some chapters read is changed and the
    copy rebuilt (``targeted``): does the cache re-run exactly the notebooks that read it?
    """

    before: Build
    before_html: Path  # a copy of the first build's pages
    targeted: Build
    targeted_html: Path  # a copy of the pages after the targeted change
    targeted_change: TargetedChange  # noqa: F821 - defined in tests/data_change.py
    after: Build
    changes: DataChanges  # noqa: F821 - defined in tests/data_change.py


@pytest.fixture(scope="session")
def changed_build(copy_build, tmp_path_factory) -> ChangedBuild:
    """Take the built copy (``copy_build``); change one value of a table few chapters read,
    rebuild; then change one value to a sentinel and add hostile HTML everywhere
    (tests/data_change.py), rebuild."""
    from data_change import change_data, change_one_table

    before = copy_build.build
    if before.returncode != 0:
        pytest.fail(f"make book failed on the unchanged copy (exit {before.returncode}):\n{before.log[-6000:]}")
    project, build_dir, base = before.project, before.build_dir, tmp_path_factory.mktemp("changed")
    before_html = copy_build.first.html
    targeted_change = change_one_table(project / "data")
    targeted = make(project, "book", build_dir)
    targeted_html = shutil.copytree(build_dir / "html", base / "html-targeted")
    changes = change_data(project / "data")
    return ChangedBuild(before, before_html, targeted, targeted_html, targeted_change, make(project, "book", build_dir), changes)
