"""Build the book's HTML with Jupyter Book's own Sphinx entry point.

``python -m companion.book.build --build-dir _build`` is what ``make book`` runs. It is
``jupyter-book build . -W -n --keep-going`` with two additions the CLI lacks: the output
folder is exactly ``<build-dir>/html`` (the CLI always appends ``_build``), and the
execution cache is ``<build-dir>/.jupyter_cache`` whatever the edition, so that a second
edition built into the same folder reuses the executed notebooks instead of running them
again.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jupyter_book.sphinx import build_sphinx

from companion.data import PROJECT_ROOT


def sphinx_overrides(build_dir: Path, edition: str) -> dict:
    """Configuration values set on top of ``_config.yml`` for one edition."""
    overrides = {
        "external_toc_path": str(PROJECT_ROOT / "_toc.yml"),
        "nitpicky": True,
        "latex_individualpages": False,
        "nb_execution_cache_path": str(build_dir / ".jupyter_cache"),
    }
    if edition == "student":
        from companion.book.student import student_overrides

        overrides.update(student_overrides(build_dir))
    return overrides


def build(build_dir: Path, edition: str = "teacher", jobs: int | None = None) -> int:
    """Build one edition into ``build_dir``; return the exit status (0 = no warnings)."""
    build_dir = build_dir.resolve()
    output = build_dir / ("html" if edition == "teacher" else edition)
    result = build_sphinx(
        str(PROJECT_ROOT),
        str(output),
        noconfig=True,
        path_config=str(PROJECT_ROOT / "_config.yml"),
        confoverrides=sphinx_overrides(build_dir, edition),
        doctreedir=str(build_dir / f".doctrees-{edition}"),
        warningiserror=True,
        keep_going=True,
        jobs=jobs,
    )
    if isinstance(result, Exception):
        print(f"Build failed: {result}", file=sys.stderr)
        return 1
    return int(result)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=PROJECT_ROOT / "_build")
    parser.add_argument("--edition", choices=["teacher", "student"], default="teacher")
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args(argv)
    return build(args.build_dir, args.edition, args.jobs)


if __name__ == "__main__":
    sys.exit(main())
