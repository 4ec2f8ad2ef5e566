"""Build the book's HTML with Jupyter Book's own Sphinx entry point.

``python -m companion.book.build --build-dir _build`` is what ``make book`` runs. It is
``jupyter-book build . -W -n --keep-going`` with two additions the CLI lacks: the output
folder is exactly ``<build-dir>/html`` (the CLI always appends ``_build``), and the
execution cache is ``<build-dir>/.jupyter_cache`` whatever the edition, so that a second
edition built into the same folder reuses the executed notebooks instead of running them
again.

It skips Sphinx entirely when no input changed since the last successful build
(companion.inputs; ``--force`` builds anyway), and executes notebooks in parallel before
Sphinx reads them (companion.execute; ``--workers 1`` executes them one at a time).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import companion
from companion import inputs

#: The project's root, as companion.data defines it; not imported from there, since that
#: loads pandas, a second the no-op check of ``make book`` does not need.
PROJECT_ROOT = Path(companion.__file__).resolve().parent.parent


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


def build(build_dir: Path, edition: str = "teacher", jobs: int | None = None, workers: int = 0, force: bool = False) -> int:
    """Build one edition into ``build_dir``; return the exit status (0 = no warnings).

    ``workers``: kernels executing notebooks at once (0 = one per core).
    """
    build_dir = build_dir.resolve()
    output = build_dir / ("html" if edition == "teacher" else edition)
    unchanged, current = inputs.up_to_date(PROJECT_ROOT, build_dir, edition, output)
    if unchanged and not force:
        print(f"No input of the book changed since the last build of {output}: nothing to do.")
        return 0
    inputs.forget(build_dir, edition)
    from jupyter_book.sphinx import build_sphinx  # a second of imports the no-op case skips

    overrides = {**sphinx_overrides(build_dir, edition), "companion_execution_workers": workers}
    result = build_sphinx(
        str(PROJECT_ROOT),
        str(output),
        noconfig=True,
        path_config=str(PROJECT_ROOT / "_config.yml"),
        confoverrides=overrides,
        doctreedir=str(build_dir / f".doctrees-{edition}"),
        warningiserror=True,
        keep_going=True,
        jobs=jobs,
    )
    if isinstance(result, Exception):
        print(f"Build failed: {result}", file=sys.stderr)
        return 1
    if int(result) == 0:
        inputs.save(build_dir, edition, current)
    return int(result)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=PROJECT_ROOT / "_build")
    parser.add_argument("--edition", choices=["teacher", "student"], default="teacher")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--workers", type=int, default=0, help="kernels executing notebooks at once (0: one per core)")
    parser.add_argument("--force", action="store_true", help="run Sphinx even when no input changed")
    args = parser.parse_args(argv)
    return build(args.build_dir, args.edition, args.jobs, args.workers, args.force)


if __name__ == "__main__":
    sys.exit(main())
