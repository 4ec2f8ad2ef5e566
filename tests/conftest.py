"""Shared fixtures: one clean build of the book per test run, and copies of the project.

Every test that looks at pages uses ``built_book``: the book built once, clean, into a
temporary folder (the developer's ``_build`` is never touched) with the project's venv.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

# The quality gate's server, browser and allow-list fixtures (tests/browser.py), once per run.
pytest_plugins = ["browser"]

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

ROOT = Path(__file__).resolve().parent.parent


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


@pytest.fixture(scope="session")
def offline_build(tmp_path_factory) -> Build:
    """A second clean build, inside a network namespace with only loopback up.

    Its notebooks run one at a time (``WORKERS=1``) where ``built_book``'s run in parallel,
    so the determinism tests also check that parallel execution changes nothing.
    """
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not installed")
    probe = subprocess.run(["unshare", "-rn", "sh", "-c", "ip link set lo up"], capture_output=True, text=True)
    if probe.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"unshare must work on CI but failed: {probe.stderr.strip()}")
        pytest.skip(f"network namespaces are not permitted here: {probe.stderr.strip()}")
    build_dir = tmp_path_factory.mktemp("offline") / "_build"
    # With loopback down the kernel cannot start and each notebook hangs (traps.md #2).
    inner = " ".join(make_command("book", build_dir, WORKERS="1"))
    return run_build(["unshare", "-rn", "sh", "-c", f"ip link set lo up && {inner}"], ROOT, build_dir)


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
def changed_build(tmp_path_factory) -> ChangedBuild:
    """Build a copy; change one value of a table few chapters read, rebuild; then change one
    value to a sentinel and add hostile HTML everywhere (tests/data_change.py), rebuild."""
    from data_change import change_data, change_one_table

    base = tmp_path_factory.mktemp("changed")
    project, build_dir = copy_project(base / "project"), base / "_build"
    before = make(project, "book", build_dir)
    if before.returncode != 0:
        pytest.fail(f"make book failed on the unchanged copy (exit {before.returncode}):\n{before.log[-6000:]}")
    before_html = shutil.copytree(build_dir / "html", base / "html-before")
    targeted_change = change_one_table(project / "data")
    targeted = make(project, "book", build_dir)
    targeted_html = shutil.copytree(build_dir / "html", base / "html-targeted")
    changes = change_data(project / "data")
    return ChangedBuild(before, before_html, targeted, targeted_html, targeted_change, make(project, "book", build_dir), changes)
