"""``make bench``: how fast the book builds and how heavy and fast its pages are, on this machine.

Works on a copy of the project in a temporary folder (the working tree and its ``_build``
are never touched) and prints one report:

* clean build; raw execution of every notebook page with nbclient alone (no Sphinx); the
  Sphinx overhead (clean build minus raw execution);
* rebuild with nothing changed; after editing one code cell of one chapter; after changing
  one data value;
* per page: bytes of HTML plus images, bytes of scripts (separately), load time in Chromium;
* each figure against its goal for a 2-core machine.

Usage: ``python tools/bench.py [--keep] [--loads N]`` (``make bench``). Not part of ``make test``.
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

#: Goals of issue 13 for a 2-core machine (seconds, bytes).
GOALS = {
    "clean build": 45.0,
    "sphinx overhead": 15.0,
    "no-change rebuild": 5.0,
    "one-cell slack": 5.0,
    "chapter page bytes": 1_500_000,
    "median load ms": 500.0,
}
BENCH_CHAPTER = "chapters/motives.md"
#: The data value the data-change rebuild edits (table, row id, free-text field): the title of
#: the first event the Motives chapter tabulates.
CHANGED_VALUE = ("events", "statement-2001-09-11-mfa", "title")
CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n", re.MULTILINE)
SRC = re.compile(r"""<(img|script)\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
LOAD_MS = "() => performance.getEntriesByType('navigation')[0].loadEventEnd"
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL)


@dataclass
class PageWeight:
    page: str
    html_and_images: int
    scripts: int
    load_ms: float  # first visit, empty cache
    warm_load_ms: float  # the same page again, theme files cached


def machine() -> str:
    """One line describing the machine the figures were measured on."""
    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kib / 1024 / 1024:.1f} GiB RAM"
    except (OSError, AttributeError):
        pass
    os_name = platform.freedesktop_os_release().get("PRETTY_NAME", platform.system()) if hasattr(platform, "freedesktop_os_release") else platform.system()
    return f"{os.cpu_count()} cores ({cpu}){memory}; {os_name}; Python {platform.python_version()}; {chromium_version()}"


def timed_build(project: Path, build_dir: Path) -> float:
    """Seconds for ``make book``; prints what Sphinx read and what was executed."""
    start = time.perf_counter()
    build = make(project, "book", build_dir)
    elapsed = time.perf_counter() - start
    if build.returncode != 0:
        sys.exit(f"make book failed in {project} (exit {build.returncode}):\n{build.log[-4000:]}")
    updated = re.search(r"updating environment: (.*)", build.log)
    executed = build.log.count("Executing notebook")
    print(f"  make book: {elapsed:.1f} s; {updated.group(1).strip() if updated else '?'}; {executed} notebooks executed", flush=True)
    return elapsed


def notebook_pages(project: Path) -> list[Path]:
    """The MyST notebooks of the table of contents (pages with a jupytext header)."""
    sources = [project / re.sub(r"\.html$", ".md", p) for p in book_pages(project / "_toc.yml")]
    return [p for p in sources if p.exists() and p.read_text(encoding="utf-8").startswith("---") and "jupytext" in p.read_text(encoding="utf-8")[:400]]


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
    """Append a character to one free-text value of the events table; return what changed."""
    table, row_id, field = CHANGED_VALUE
    rows = [row for _, row in numbered_rows(data_dir, {"path": f"{table}.csv"})]
    row = next(r for r in rows if r.get("id") == row_id)
    row[field] += "."
    write_rows(data_dir / f"{table}.csv", list(rows[0]), rows)
    return f"{table}.{field} of {row_id}"


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
                inline = sum(len(s.encode()) for s in INLINE_SCRIPT.findall(text))
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
                    )
                )
    finally:
        browser.close()
        playwright.stop()
    return weights


def verdict(value: float, goal: float) -> str:
    return "met" if value <= goal else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy and its build")
    parser.add_argument("--loads", type=int, default=3, help="page loads per page for the load time (median)")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="companion-bench-"))
    project, build_dir = copy_project(workdir / "project"), workdir / "_build"
    print(f"Benchmark of the companion, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"Machine: {machine()}")
    print("Load average (1, 5, 15 min) at start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    try:
        make(project, "setup", build_dir)  # vendored widget manager for the copy, not timed
        clean = timed_build(project, build_dir)
        unchanged = timed_build(project, build_dir)
        raw = raw_execution(project)
        raw_total = sum(raw.values())
        edit_one_code_cell(project / BENCH_CHAPTER)
        one_cell = timed_build(project, build_dir)
        changed = change_one_data_value(project / "data")
        one_value = timed_build(project, build_dir)
        pages = book_pages(project / "_toc.yml")
        weights = page_weights(build_dir / "html", pages, args.loads)
    finally:
        if args.keep:
            print(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    overhead = clean - raw_total
    chapter_raw = raw.get(BENCH_CHAPTER, 0.0)
    print()
    print("Builds (seconds)                                  value   goal")
    print(f"  clean build (make book, empty cache)           {clean:7.1f}  <= {GOALS['clean build']:.0f}  {verdict(clean, GOALS['clean build'])}")
    print(f"  raw execution, all {len(raw)} notebooks (nbclient)     {raw_total:7.1f}")
    print(f"  Sphinx overhead (clean - raw execution)        {overhead:7.1f}  <= {GOALS['sphinx overhead']:.0f}  {verdict(overhead, GOALS['sphinx overhead'])}")
    print(f"  rebuild, nothing changed                       {unchanged:7.1f}  <= {GOALS['no-change rebuild']:.0f}  {verdict(unchanged, GOALS['no-change rebuild'])}")
    goal = chapter_raw + GOALS["one-cell slack"]
    print(f"  rebuild, one code cell of {BENCH_CHAPTER}  {one_cell:7.1f}  <= {goal:.1f} ({chapter_raw:.1f} + 5)  {verdict(one_cell, goal)}")
    print(f"  rebuild, one data value ({changed})")
    print(f"                                                 {one_value:7.1f}  (re-executes every chapter)")
    print()
    print("Raw execution per notebook (seconds)")
    for name, seconds in raw.items():
        print(f"  {name:<40} {seconds:6.1f}")
    print()
    print("Pages (bytes; load ms: empty cache / cached)  HTML+images    scripts   load ms")
    for w in weights:
        flag = "  MISSED (> 1.5 MB)" if w.page.startswith("chapters/") and w.html_and_images > GOALS["chapter page bytes"] else ""
        print(f"  {w.page:<42} {w.html_and_images:>12,} {w.scripts:>10,} {w.load_ms:>6.0f} / {w.warm_load_ms:<5.0f}{flag}")
    median = statistics.median(w.load_ms for w in weights)
    warm_median = statistics.median(w.warm_load_ms for w in weights)
    heaviest = max((w for w in weights if w.page.startswith("chapters/")), key=lambda w: w.html_and_images)
    print()
    print(f"  heaviest chapter page: {heaviest.page}, {heaviest.html_and_images:,} bytes  <= 1,500,000  {verdict(heaviest.html_and_images, GOALS['chapter page bytes'])}")
    print(f"  median local load time, empty cache: {median:.0f} ms  <= {GOALS['median load ms']:.0f}  {verdict(median, GOALS['median load ms'])}")
    print(f"  median local load time, cached:      {warm_median:.0f} ms  <= {GOALS['median load ms']:.0f}  {verdict(warm_median, GOALS['median load ms'])}")
    print("  Load average (1, 5, 15 min) at the end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    print("  Parallel builds (sphinx-build -j) are not used: see about/performance.md.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
