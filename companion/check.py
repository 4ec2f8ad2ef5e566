"""``python -m companion.check``: validate the data package and check every evidence phrase.

Runs the loader's validation (:func:`companion.data.validate`) and the evidence check
(:mod:`companion.evidence`), prints each problem with its file, row and column, then a
summary, and exits 1 when anything is wrong. An article text that cannot be read is
reported and its rows are skipped; that fails the check only on CI (``CI=true``), where
the texts must be present. It also checks every locator's form (:mod:`companion.locators`) and
the context rows against the shared context pack (:mod:`companion.pack`); a missing pack is
skipped with a notice, and fails only on CI.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from companion.data import BIB_FILE, DATA_DIR, validate
from companion.evidence import PROBLEM_STATUSES, check_evidence
from companion.locators import locator_problems
from companion.pack import check_context


def on_ci() -> bool:
    """Whether we run on CI, where nothing may be skipped for want of a file."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def run(
    data_dir: Path = DATA_DIR, bib_file: Path = BIB_FILE, sources: Path | None = None, verbose: bool = False, pack: Path | None = None
) -> int:
    """Print the report; return the exit status (0 = no problem)."""
    problems = validate(data_dir, bib_file)
    if not problems:  # the locator check reads the package, which must be readable
        problems += locator_problems(data_dir, bib_file)
    print(f"Package validation ({data_dir}): {len(problems)} problem(s)")
    for problem in problems:
        print(f"  - {problem}")
    try:
        report = check_evidence(data_dir, sources)
    except (OSError, ValueError, KeyError) as error:
        # A package too broken to read (bad JSON, non-UTF-8 CSV) is already reported above.
        print(f"Evidence check could not run: {error!r}")
        print("FAILED")
        return 1
    for key, reason in report.unreadable.items():
        print(f"Could not read the text of {key}; its rows were not checked: {reason}")
    for finding in report.findings:
        if finding.is_problem or (verbose and finding.status != "ok"):
            print(f"  - {finding}")
    counts = ", ".join(f"{report.count(s)} {s}" for s in ("ok", *PROBLEM_STATUSES, "text-unreadable", "not-checkable"))
    print(f"Evidence: {len(report.findings)} row(s) with evidence: {counts}")
    if report.count("not-checkable") and not verbose:
        print("  (rows citing other sources are listed with --verbose; they are not failures)")
    try:
        context = check_context(data_dir, pack, bib_file)
    except (OSError, ValueError, KeyError) as error:
        context = None
        print(f"Context check could not run: {error!r}")
    if context is not None and context.pack_missing:
        print(
            f"Context check SKIPPED: the context pack {context.pack} is missing, so the context rows' evidence and urls were not checked"
            + (" (on CI this fails)" if on_ci() else "")
        )
    elif context is not None:
        print(f"Context check ({context.pack}): {context.checked} row(s) checked, {len(context.problems)} problem(s)")
        for message in context.problems:
            print(f"  - {message}")
    context_failed = context is None or bool(context.problems) or (context.pack_missing and on_ci())
    failed = bool(problems) or bool(report.problems) or (bool(report.unreadable) and on_ci()) or context_failed
    print("FAILED" if failed else "OK")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--bib", type=Path, default=BIB_FILE)
    parser.add_argument(
        "--sources", type=Path, default=None, help="folder of the article texts (default: $COMPANION_SOURCES or ../shared/sources)"
    )
    parser.add_argument(
        "--pack",
        type=Path,
        default=None,
        help="the context pack's CSV (default: $COMPANION_CONTEXT_PACK or ../shared/reference-data/context/context_sources.csv)",
    )
    parser.add_argument("--verbose", action="store_true", help="also list rows that cannot be machine-checked")
    args = parser.parse_args(argv)
    return run(args.data_dir, args.bib, args.sources, args.verbose, args.pack)


if __name__ == "__main__":
    sys.exit(main())
