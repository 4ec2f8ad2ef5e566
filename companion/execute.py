"""Execute the book's notebooks in parallel into the jupyter-cache that MyST-NB reads.

MyST-NB executes notebooks one after the other while Sphinx reads them. This pre-executor
runs first (``companion.book.fastbuild`` calls it when Sphinx has found its documents): it
executes every notebook whose cached outputs are missing or stale, one kernel per worker,
and stores the outputs in the same jupyter-cache, keyed as MyST-NB keys them (a hash of the
code cells read by MyST-NB's own Markdown reader). Sphinx then reads every notebook from
the cache and executes nothing.

It also owns the cache's validity. jupyter-cache keys only on a notebook's code
(traps.md #1), so each cache record carries, in its ``data``, what its outputs depend on
besides that code:

* ``reads``: every resource of ``data/`` the notebook read through
  :func:`companion.data.load`, with the hash of that resource (the kernel records the
  names in the file named by ``COMPANION_READS``);
* ``code``: a hash of the analysis layer, every ``companion`` module the notebooks may
  import (the book layer, Sphinx extensions, is left out: editing it re-executes nothing).

A record whose code or one of whose resources changed is removed and its notebook executed
again; the others are reused. A notebook that fails is not cached: MyST-NB then runs it
itself and fails the build with its usual message (no traceback in the pages).

This module imports no Sphinx: it takes MyST-NB's configuration objects as arguments.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from companion.data import BIB_FILE, DATA_DIR, READS_ENV, resource_hash

PACKAGE_DIR = Path(__file__).resolve().parent
#: Key of the dependency record inside a jupyter-cache record's ``data``.
STAMP_KEY = "companion"
#: Modules notebooks never import, left out of the code hash: the book layer while it still
#: sits at the top of the package (``companion/book/`` is left out as a whole) and this
#: pre-executor, which runs notebooks but is not part of what they compute.
NOT_ANALYSIS = {
    "sphinxext.py",
    "build.py",
    "pages.py",
    "htmlfixes.py",
    "publishing.py",
    "student.py",
    "citation.py",
    "fastbuild.py",
    "inputs.py",
    "execute.py",
}


def analysis_code_hash(package_dir: Path = PACKAGE_DIR) -> str:
    """A hash of the analysis layer: ``companion/**/*.py`` without :data:`NOT_ANALYSIS`."""
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*.py")):
        relative = path.relative_to(package_dir)
        if relative.parts[0] == "book" or (len(relative.parts) == 1 and relative.name in NOT_ANALYSIS):
            continue
        digest.update(relative.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def dependency_stamp(reads: list[str], data_dir: Path = DATA_DIR, bib_file: Path = BIB_FILE, code: str | None = None) -> dict:
    """What a notebook's outputs depend on besides its code, given the resources it read."""
    return {
        "reads": {name: resource_hash(name, data_dir, bib_file) for name in sorted(set(reads))},
        "code": code or analysis_code_hash(),
    }


def is_current(stamp: dict | None, data_dir: Path = DATA_DIR, bib_file: Path = BIB_FILE, code: str | None = None) -> bool:
    """Whether a cache record's dependency stamp still matches the data and the code."""
    if not stamp or "reads" not in stamp:
        return False  # executed by someone else (MyST-NB itself): dependencies unknown
    return stamp == dependency_stamp(list(stamp["reads"]), data_dir, bib_file, code)


@dataclass
class Outcome:
    """What happened to one notebook."""

    path: str
    executed: bool  # False: its cached outputs were current
    seconds: float = 0.0
    error: str | None = None  # the exception's class name when execution failed
    reads: list[str] = field(default_factory=list)
    stamp: str | None = None  # id of the cache record MyST-NB will read (None: none)


def _record_stamp(record: Any) -> str:
    """Changes whenever the pre-executor replaces a record: tells doctrees read from older ones."""
    return f"{record.pk}:{record.hashkey}:{record.created.isoformat()}"


def _execute(task: tuple[str, dict, str, int | None, bool]) -> tuple[str, dict | None, float, str | None, list[str]]:
    """Run one notebook in a fresh kernel (in a worker process); return its outputs and reads."""
    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution

    path, notebook, cwd, timeout, allow_errors = task
    with tempfile.NamedTemporaryFile("r", suffix=".reads", encoding="utf-8") as reads:
        os.environ[READS_ENV] = reads.name  # the kernel inherits this worker's environment
        try:
            nb = nbformat.from_dict(notebook)
            result = single_nb_execution(nb, cwd=cwd, timeout=timeout, allow_errors=allow_errors, meta_override=True)
        finally:
            os.environ.pop(READS_ENV, None)
        names = sorted({line.strip() for line in reads.read().splitlines() if line.strip()})
    if result.err is not None:
        return path, None, result.time, type(result.err).__name__, names
    return path, dict(nb), result.time, None, names


def prefill(
    paths: list[Path],
    cache_path: Path,
    md_config: Any,
    nb_config: Any,
    workers: int = 0,
    log: Callable[[str], None] = print,
) -> dict[str, Outcome]:
    """Bring the cache up to date for the notebooks among ``paths``; return what happened.

    ``md_config`` and ``nb_config`` are MyST-NB's (``env.myst_config``, ``env.mystnb_config``),
    so notebooks are read, hashed, timed out and allowed errors exactly as MyST-NB would.
    ``workers`` kernels run at once (0: one per core). Paths that are not notebooks are skipped.
    """
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn
    from myst_nb.core.read import create_nb_reader

    cache = get_cache(str(cache_path))
    code = analysis_code_hash()
    outcomes: dict[str, Outcome] = {}
    tasks = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        reader = create_nb_reader(str(path), md_config, nb_config, text)
        if reader is None:
            continue
        notebook = reader.read(text)
        try:
            record = cache.match_cache_notebook(notebook)
        except KeyError:
            record = None
        if record is not None and is_current(record.data.get(STAMP_KEY), code=code):
            outcomes[str(path)] = Outcome(
                str(path), executed=False, reads=list(record.data[STAMP_KEY]["reads"]), stamp=_record_stamp(record)
            )
            continue
        if record is not None:  # stale: never let MyST-NB reuse it, even if re-execution fails
            cache.remove_cache(record.pk)
        tasks.append(
            (str(path), nbformat.from_dict(notebook), str(path.parent), nb_config.execution_timeout, nb_config.execution_allow_errors)
        )
    if not tasks:
        return outcomes
    workers = max(1, min(workers or os.cpu_count() or 1, len(tasks)))
    log(f"[companion] executing {len(tasks)} notebook(s) with {workers} worker(s)")
    start = time.perf_counter()
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for path, executed, seconds, error, reads in pool.map(_execute, tasks):
            outcomes[path] = Outcome(path, executed=True, seconds=seconds, error=error, reads=reads)
            if error is not None:
                log(f"[companion] executing {path} failed ({error}); MyST-NB runs it again and reports the error")
                continue
            record = cache.cache_notebook_bundle(
                CacheBundleIn(
                    nbformat.from_dict(executed),
                    path,
                    data={"execution_seconds": seconds, STAMP_KEY: dependency_stamp(reads, code=code)},
                ),
                check_validity=False,
                overwrite=True,
            )
            outcomes[path].stamp = _record_stamp(record)
            log(f"[companion] executed {path} in {seconds:.1f} s; it read {', '.join(reads) or 'no resource'}")
    log(f"[companion] executed {len(tasks)} notebook(s) in {time.perf_counter() - start:.1f} s")
    return outcomes
