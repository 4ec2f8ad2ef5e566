"""``make bench``: how fast the book builds and how heavy and fast its pages are, on this machine.

Works on a copy of the project in a temporary folder (the working tree and its ``_build``
are never touched) and prints one report:

* clean build; raw sequential execution of every notebook page with nbclient alone (no
  Sphinx); their ratio; Sphinx's own read and write (the clean build minus the parallel
  pre-execution it logs);
* rebuild with nothing changed (``make book``, which skips Sphinx) and a no-op Sphinx run;
  after editing one code cell of one chapter; after changing one value of a table only some
  chapters read (which notebooks ran, against those that read it); after editing a
  book-layer module (which notebooks ran);
* per page: bytes of HTML (without embedded widget state) plus images, bytes of scripts,
  load time in Chromium;
* each measure against the goals of issue 21, as the median of ``--runs`` runs (each on a
  fresh copy), with the machine and the load average at each run.

Usage: ``python tools/bench.py [--runs N] [--keep] [--loads N]`` (``make bench``). Not part
of ``make test``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

from companion.chromium import CHROMIUM, CHROMIUM_ARGS, chromium_version
from companion.data import numbered_rows, write_rows
from companion.project import StaticSite, book_pages, copy_project, make

#: Goals of issue 21 for a 2-core machine (ratio, seconds, bytes, milliseconds).
GOALS = {
    "clean / raw execution": 1.0,
    "sphinx read + write": 10.0,
    "no-change rebuild": 2.0,
    "scripts without widgets": 300_000,
    "median cold load ms": 400.0,
    "largest page without widget state": 300_000,
}
BENCH_CHAPTER = "chapters/motives.md"
#: The table of the data-change measure: read by some chapters only (the map's places).
CHANGED_TABLE, CHANGED_ROW, CHANGED_FIELD = "places", "almaty", "today_name"
EXECUTED = re.compile(r"\[companion\] executed (\S+) in [0-9.]+ s; it read (.*)")
PRE_EXECUTION = re.compile(r"\[companion\] executed \d+ notebook\(s\) in ([0-9.]+) s")
WIDGET_STATE_BLOCK = re.compile(r'<script type="application/vnd\.jupyter\.widget-state\+json">.*?</script>', re.DOTALL)
CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n", re.MULTILINE)
SRC = re.compile(r"""<(img|script)\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
LOAD_MS = "() => performance.getEntriesByType('navigation')[0].loadEventEnd"
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL)


@dataclass
class PageWeight:
    page: str
    html_and_images: int
    scripts: int  # searchindex.js (loaded by the theme on every page) excluded
    load_ms: float  # first visit, empty cache
    warm_load_ms: float  # the same page again, theme files cached
    html_without_state: int = 0  # the HTML alone, embedded widget state excluded
    widgets: bool = False


@dataclass
class Build:
    seconds: float
    log: str

    def executed(self, project: Path) -> dict[str, list[str]]:
        """Notebooks the pre-executor ran (relative paths) and the resources each read."""
        return {Path(m.group(1)).relative_to(project).as_posix(): m.group(2).split(", ") for m in EXECUTED.finditer(self.log)}

    @property
    def pre_execution(self) -> float:
        match = PRE_EXECUTION.search(self.log)
        return float(match.group(1)) if match else 0.0


def machine() -> str:
    """One line describing the machine the figures were measured on."""
    cpu = "unknown CPU"
    try:
        cpu = next(
            line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kib / 1024 / 1024:.1f} GiB RAM"
    except (OSError, AttributeError):
        pass
    os_name = (
        platform.freedesktop_os_release().get("PRETTY_NAME", platform.system())
        if hasattr(platform, "freedesktop_os_release")
        else platform.system()
    )
    return f"{os.cpu_count()} cores ({cpu}){memory}; {os_name}; Python {platform.python_version()}; {chromium_version()}"


def timed_build(project: Path, build_dir: Path, what: str) -> Build:
    """``make book`` timed; prints what Sphinx read and what was executed."""
    start = time.perf_counter()
    build = make(project, "book", build_dir)
    elapsed = time.perf_counter() - start
    if build.returncode != 0:
        sys.exit(f"make book failed in {project} (exit {build.returncode}):\n{build.log[-4000:]}")
    result = Build(elapsed, build.log)
    updated = re.search(r"updating environment: (?:\x1b\[[0-9;]*m)*(\d+ added.*)", build.log)
    skipped = "nothing to do" in build.log
    ran = sorted(result.executed(project))
    print(
        f"  {what}: {elapsed:.1f} s; {'Sphinx skipped' if skipped else (updated.group(1).strip() if updated else 'Sphinx ran')}; {len(ran)} notebook(s) executed {ran if ran else ''}",
        flush=True,
    )
    return result


def notebook_pages(project: Path) -> list[Path]:
    """The MyST notebooks of the table of contents (pages with a jupytext header)."""
    sources = [project / re.sub(r"\.html$", ".md", p) for p in book_pages(project / "_toc.yml")]
    return [
        p
        for p in sources
        if p.exists() and p.read_text(encoding="utf-8").startswith("---") and "jupytext" in p.read_text(encoding="utf-8")[:400]
    ]


def raw_execution(project: Path) -> dict[str, float]:
    """Seconds to execute each notebook page with nbclient alone, kernel start included."""
    import jupytext
    import nbclient

    os.environ["PYTHONPATH"] = str(project)  # the kernel imports the copy's companion package
    os.environ.setdefault("MPLBACKEND", "Agg")
    times = {}
    for path in notebook_pages(project):
        notebook = jupytext.read(path)
        start = time.perf_counter()
        nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
        times[path.relative_to(project).as_posix()] = time.perf_counter() - start
    return times


def edit_one_code_cell(chapter: Path) -> None:
    """Append a harmless statement to the chapter's first code cell: its code hash changes."""
    text = chapter.read_text(encoding="utf-8")
    match = CODE_CELL.search(text)
    if match is None:
        sys.exit(f"{chapter} has no code cell to edit")
    end = text.index("\n```", match.end())
    chapter.write_text(text[:end] + "\n_bench_edit = 1  # added by tools/bench.py" + text[end:], encoding="utf-8")


def change_one_data_value(data_dir: Path) -> str:
    """Append a character to one free-text value of :data:`CHANGED_TABLE`; return what changed."""
    rows = [row for _, row in numbered_rows(data_dir, {"path": f"{CHANGED_TABLE}.csv"})]
    row = next(r for r in rows if r.get("id") == CHANGED_ROW)
    row[CHANGED_FIELD] += "."
    write_rows(data_dir / f"{CHANGED_TABLE}.csv", list(rows[0]), rows)
    return f"{CHANGED_TABLE}.{CHANGED_FIELD} of {CHANGED_ROW}"


def edit_book_layer(project: Path) -> str:
    """Append a comment to a Sphinx extension of the book layer; return its path."""
    module = project / "companion" / "book" / "pages.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# edited by tools/bench.py\n", encoding="utf-8")
    return module.relative_to(project).as_posix()


def local_file(html_dir: Path, page: str, src: str) -> Path | None:
    url = urlparse(urljoin(f"http://h/{page}", src))
    if url.netloc != "h" or url.scheme == "data":
        return None
    path = html_dir / unquote(url.path).lstrip("/")
    return path if path.is_file() else None


def page_weights(html_dir: Path, pages: list[str], loads: int) -> list[PageWeight]:
    """Bytes and Chromium load time of every page (median of ``loads`` loads)."""
    weights = []
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        with StaticSite(html_dir) as site:
            for page in pages:
                text = (html_dir / page).read_text(encoding="utf-8")
                images: set[Path] = set()
                scripts: set[Path] = set()
                for tag, src in SRC.findall(text):
                    found = local_file(html_dir, page, src)
                    if found:
                        (images if tag.lower() == "img" else scripts).add(found)
                inline = sum(len(s.encode()) for s in INLINE_SCRIPT.findall(text) if "widget-state+json" not in s)
                scripts = {p for p in scripts if p.name != "searchindex.js"}
                cold, warm = [], []
                for _ in range(loads):
                    tab = browser.new_context().new_page()  # a fresh context: empty browser cache
                    try:
                        for times in (cold, warm):  # the second load finds the theme's files cached
                            tab.goto(site.url(page), wait_until="load")
                            times.append(tab.evaluate(LOAD_MS))
                    finally:
                        tab.context.close()
                weights.append(
                    PageWeight(
                        page,
                        len(text.encode()) + sum(p.stat().st_size for p in images),
                        inline + sum(p.stat().st_size for p in scripts),
                        statistics.median(cold),
                        statistics.median(warm),
                        len(WIDGET_STATE_BLOCK.sub("", text).encode()),
                        "widget-state+json" in text,
                    )
                )
    finally:
        browser.close()
        playwright.stop()
    return weights


def verdict(value: float, goal: float) -> str:
    return "met" if value <= goal else "MISSED"


def one_run(number: int, loads: int, keep: bool) -> dict:
    """One full measurement on a fresh copy; returns every figure of the goals' table."""
    workdir = Path(tempfile.mkdtemp(prefix="companion-bench-"))
    project, build_dir = copy_project(workdir / "project"), workdir / "_build"
    load_start = os.getloadavg()
    print(
        f"Run {number}, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; load average (1, 5, 15 min) at start: {load_start[0]:.1f} {load_start[1]:.1f} {load_start[2]:.1f}",
        flush=True,
    )
    try:
        make(project, "setup", build_dir)  # vendored widget manager for the copy, not timed
        clean = timed_build(project, build_dir, "clean build")
        readers = clean.executed(project)
        unchanged = timed_build(project, build_dir, "rebuild, nothing changed")
        (build_dir / ".companion-inputs-teacher.sha256").unlink()  # Sphinx runs, with nothing to do
        sphinx_noop = timed_build(project, build_dir, "Sphinx run with nothing to do")
        raw = raw_execution(project)
        edit_one_code_cell(project / BENCH_CHAPTER)
        one_cell = timed_build(project, build_dir, f"rebuild, one code cell of {BENCH_CHAPTER}")
        changed = change_one_data_value(project / "data")
        one_value = timed_build(project, build_dir, f"rebuild, one value ({changed})")
        module = edit_book_layer(project)
        book_layer = timed_build(project, build_dir, f"rebuild, {module} edited")
        weights = page_weights(build_dir / "html", book_pages(project / "_toc.yml"), loads)
    finally:
        if keep:
            print(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    load_end = os.getloadavg()
    print(f"  load average at the end: {load_end[0]:.1f} {load_end[1]:.1f} {load_end[2]:.1f}")
    raw_total = sum(raw.values())
    expected = sorted(name for name, reads in readers.items() if CHANGED_TABLE in reads)
    light = [w for w in weights if not w.widgets]
    return {
        "clean": clean.seconds,
        "raw": raw_total,
        "raw per notebook": raw,
        "clean / raw execution": clean.seconds / raw_total,
        "sphinx read + write": clean.seconds - clean.pre_execution,
        "no-change rebuild": unchanged.seconds,
        "sphinx no-op": sphinx_noop.seconds,
        "one cell": one_cell.seconds,
        "one cell goal": raw.get(BENCH_CHAPTER, 0.0) + sphinx_noop.seconds,
        "one value ran": sorted(one_value.executed(project)),
        "one value readers": expected,
        "book layer ran": sorted(book_layer.executed(project)),
        "scripts without widgets": max(w.scripts for w in light),
        "median cold load ms": statistics.median(w.load_ms for w in weights),
        "median warm load ms": statistics.median(w.warm_load_ms for w in weights),
        "largest page without widget state": max(w.html_without_state for w in weights),
        "largest page": max(weights, key=lambda w: w.html_without_state).page,
        "weights": weights,
        "load": (load_start, load_end),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="full runs, each on a fresh copy; figures are their median")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies and their builds")
    parser.add_argument("--loads", type=int, default=3, help="page loads per page for the load time (median)")
    args = parser.parse_args(argv)

    print(f"Benchmark of the companion, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, {args.runs} run(s)")
    print(f"Machine: {machine()}")
    runs = [one_run(n + 1, args.loads, args.keep) for n in range(args.runs)]

    def median(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    last = runs[-1]
    print()
    print(f"Raw execution per notebook, last run (seconds; total {last['raw']:.1f})")
    for name, seconds in last["raw per notebook"].items():
        print(f"  {name:<40} {seconds:6.1f}")
    print()
    print("Pages, last run (bytes; load ms: empty cache / cached)  HTML w/o widget state  scripts   load ms")
    for w in last["weights"]:
        print(
            f"  {w.page:<42} {w.html_without_state:>12,} {w.scripts:>10,} {w.load_ms:>6.0f} / {w.warm_load_ms:<5.0f}{'  (widgets)' if w.widgets else ''}"
        )
    print()
    print(f"Goals of issue 21: median of {len(runs)} run(s) (per run in brackets)")

    def row(label: str, key: str, goal: float, unit: str = "s") -> None:
        value = median(key)
        each = ", ".join(f"{r[key]:.{0 if unit in ('B', 'ms') else 1}f}" for r in runs)
        shown = f"{value:,.0f} {unit}" if unit in ("B", "ms") else (f"{value:.2f}x" if unit == "x" else f"{value:.1f} s")
        goal_shown = f"{goal:,.0f} {unit}" if unit in ("B", "ms") else (f"{goal:.1f}x" if unit == "x" else f"{goal:.1f} s")
        print(f"  {label:<58} {shown:>12}  <= {goal_shown:<10} {verdict(value, goal)}  [{each}]")

    print(f"  clean build {median('clean'):.1f} s, raw sequential execution {median('raw'):.1f} s")
    row("clean build / raw sequential execution", "clean / raw execution", GOALS["clean / raw execution"], "x")
    row("Sphinx read + write (clean build - pre-execution)", "sphinx read + write", GOALS["sphinx read + write"])
    row("rebuild, nothing changed (make book)", "no-change rebuild", GOALS["no-change rebuild"])
    print(f"  {'Sphinx run with nothing to do (for reference)':<58} {median('sphinx no-op'):>10.1f} s")
    row(f"rebuild, one code cell of {BENCH_CHAPTER}", "one cell", median("one cell goal"))
    for r_number, r in enumerate(runs, 1):
        exact = r["one value ran"] == r["one value readers"]
        print(
            f"  run {r_number}: one value of {CHANGED_TABLE}: ran {r['one value ran']}; read it: {r['one value readers']}  {'met' if exact else 'MISSED'}"
        )
        print(
            f"  run {r_number}: book-layer module edited: ran {r['book layer ran'] or 'none'}  {'met' if not r['book layer ran'] else 'MISSED'}"
        )
    row("scripts on a page without widgets (no searchindex.js)", "scripts without widgets", GOALS["scripts without widgets"], "B")
    row("median cold load, all pages", "median cold load ms", GOALS["median cold load ms"], "ms")
    print(f"  {'median load with the theme cached (for reference)':<58} {median('median warm load ms'):>9,.0f} ms")
    row(
        f"largest HTML page w/o widget state ({last['largest page']})",
        "largest page without widget state",
        GOALS["largest page without widget state"],
        "B",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
