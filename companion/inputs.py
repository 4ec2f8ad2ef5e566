"""A stamp over every input of the book, so ``make book`` skips Sphinx when none changed.

A no-op Sphinx run still costs seconds (extensions load, the data package is validated, the
numbered figures of every doctree are collected again). The build writes a hash of its
inputs next to its output after a successful run; the next run with the same hash and the
output still in place does nothing.

The inputs are the project's files (chapters, pages, data, configuration, templates, static
files, the ``companion`` package, the vendored widget manager) and the installed lock of the
venv. Tests, tools, the seminar app and build products are not inputs. Content is hashed,
not modification times, so a copied or re-checked-out tree with the same files stays current.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

#: Folders (anywhere in the tree) that are never inputs of the book.
NOT_INPUTS = {
    ".git",
    ".venv",
    "node_modules",
    "_build",
    "__pycache__",
    ".pytest_cache",
    ".ipynb_checkpoints",
    ".jupyter_cache",
    "tests",
    "tools",
    "seminar",
    ".ci",
}
#: Files written by the build itself (staged downloads are made from data/, an input).
GENERATED = ("_extra/downloads",)


def input_files(root: Path, build_dir: Path) -> list[Path]:
    """Every file of the project that can change the built book, in a stable order."""
    build_dir = build_dir.resolve()
    files = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part in NOT_INPUTS for part in relative.parts) or relative.as_posix().startswith(GENERATED):
            continue
        if path.is_file() and build_dir not in path.resolve().parents:
            files.append(path)
    return files


def inputs_hash(root: Path, build_dir: Path, edition: str) -> str:
    """A hash of the inputs of one edition's build into ``build_dir``."""
    digest = hashlib.sha256(f"{edition}\0{build_dir.resolve()}\0{sys.executable}\0".encode())
    lock = Path(sys.prefix) / ".installed-lock"  # what `make` installed into the venv
    for path in [*input_files(root, build_dir), lock]:
        digest.update(str(path).encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    return digest.hexdigest()


def stamp_file(build_dir: Path, edition: str) -> Path:
    return build_dir / f".companion-inputs-{edition}.sha256"


def up_to_date(root: Path, build_dir: Path, edition: str, output: Path) -> tuple[bool, str]:
    """Whether the last successful build had these inputs and its output is still there.

    Returns the verdict and the current hash (to be saved with :func:`save` after a build).
    """
    current = inputs_hash(root, build_dir, edition)
    stamp = stamp_file(build_dir, edition)
    same = stamp.is_file() and stamp.read_text().strip() == current
    return same and (output / "index.html").is_file(), current


def save(build_dir: Path, edition: str, current: str) -> None:
    """Record the inputs of a successful build."""
    stamp_file(build_dir, edition).write_text(current + "\n")


def forget(build_dir: Path, edition: str) -> None:
    """Drop the record (a failed build must run again even if nothing changes)."""
    stamp_file(build_dir, edition).unlink(missing_ok=True)
