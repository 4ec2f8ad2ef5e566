"""``make publish`` pushes the built site, file for file, to the gh-pages branch of REMOTE.

Tested against a temporary bare repository, from a copy of the project with its own git
repository, so that neither this repository nor any real remote is touched.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, copy_project, make

from companion.book.publishing import DOWNLOADS, read_raw_descriptor

#: Identity for the commits ghp-import makes in the throw-away repositories.
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Publish Test",
    "GIT_AUTHOR_EMAIL": "publish-test@example.invalid",
    "GIT_COMMITTER_NAME": "Publish Test",
    "GIT_COMMITTER_EMAIL": "publish-test@example.invalid",
}


def git(*args: str, cwd: Path) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True, env={**os.environ, **GIT_IDENTITY})
    return result.stdout


@pytest.fixture
def project_and_remote(tmp_path) -> tuple[Path, Path]:
    """A copy of the project in its own git repository, and an empty bare repository."""
    project = copy_project(tmp_path / "project")
    git("init", "--quiet", "--initial-branch=main", cwd=project)
    for key, value in (("user.name", GIT_IDENTITY["GIT_COMMITTER_NAME"]), ("user.email", GIT_IDENTITY["GIT_COMMITTER_EMAIL"])):
        git("config", key, value, cwd=project)
    remote = tmp_path / "remote.git"
    git("init", "--quiet", "--bare", str(remote), cwd=tmp_path)
    return project, remote


def site_files(html: Path) -> set[str]:
    return {p.relative_to(html).as_posix() for p in html.rglob("*") if p.is_file()}


def test_publish_pushes_to_origin_unless_told_otherwise():
    dry_run = subprocess.run(["make", "--no-print-directory", "-n", "publish"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "--remote origin --branch gh-pages" in dry_run.stdout
    assert "--push" in dry_run.stdout and "--no-jekyll" in dry_run.stdout


def test_publish_takes_the_student_edition_unless_told_otherwise():
    def dry_run(*variables: str) -> str:
        command = ["make", "--no-print-directory", "-n", "publish", "BUILD_DIR=/b", *variables]
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout

    default = dry_run()
    assert "/b/student\n" in default and "/b/html" not in default and "WARNING" not in default
    teacher = dry_run("EDITION=teacher")
    assert "/b/html\n" in teacher and "/b/student" not in teacher
    assert "WARNING: publishing the TEACHER edition" in teacher


def test_publish_rejects_an_unknown_edition(project_and_remote, tmp_path):
    project, remote = project_and_remote
    result = make(project, "publish", tmp_path / "b", REMOTE=str(remote), EDITION="both")
    assert result.returncode != 0 and "EDITION must be student or teacher" in result.log


@pytest.mark.build
@pytest.mark.timeout(1500)
def test_publish_pushes_the_student_edition_to_gh_pages_of_the_remote(student_build, project_and_remote):
    project, remote = project_and_remote
    assert student_build.returncode == 0, student_build.log[-3000:]
    site = student_build.build_dir / "student"
    result = make(project, "publish", student_build.build_dir, REMOTE=str(remote))
    assert result.returncode == 0, result.log[-3000:]
    assert "WARNING" not in result.log

    published = set(git("ls-tree", "-r", "--name-only", "gh-pages", cwd=remote).split())
    assert published == site_files(site) | {".nojekyll"}
    assert not any(name.startswith("teachers/") for name in published), "the public site carries teacher pages"
    for name in ("index.html", "chapters/introduction.html", f"{DOWNLOADS}/datapackage.json", "searchindex.js"):
        blob = subprocess.run(["git", "show", f"gh-pages:{name}"], cwd=remote, capture_output=True, check=True).stdout
        assert blob == (site / name).read_bytes(), name
    message = git("log", "-1", "--format=%s", "gh-pages", cwd=remote)
    assert f"data version {read_raw_descriptor()['version']}" in message
    # The project's own branches are left alone: only gh-pages was written and pushed.
    assert git("branch", "--list", cwd=project).split() == ["gh-pages"]
    assert git("for-each-ref", "--format=%(refname)", cwd=remote).split() == ["refs/heads/gh-pages"]


def test_publish_refuses_when_nothing_was_built(project_and_remote, tmp_path):
    project, remote = project_and_remote
    result = make(project, "publish", tmp_path / "never-built", REMOTE=str(remote))
    assert result.returncode != 0
    assert "No built student edition" in result.log
    assert git("for-each-ref", cwd=remote).strip() == ""
