"""Shared helpers of the reader-grade quality gate: the built book as a reader's browser sees it.

* :class:`StaticSite` serves a built ``html`` folder on 127.0.0.1 at a free port.
* :class:`Chromium` drives Debian's Chromium (never a downloaded browser) through the pinned
  Playwright; :meth:`Chromium.visit` opens one page in one viewport and colour scheme and
  records what the tests assert on: console and page errors, failed requests, requests to
  non-local hosts (blocked and recorded), images, links, anchors, widgets, overflow and,
  with axe-core injected, accessibility violations, headings and accessible names.
* :class:`Crawl` memoises visits, so each page is opened once per mode and run, and saves a
  screenshot when a test fails on a page.
* :class:`AllowList` is the one allow-list (``tests/allowlist.yaml``) of upstream messages
  that cannot be fixed from the book.

The fixtures at the end are registered for every test module through ``pytest_plugins``
in ``conftest.py``, so that the server and the browser are started once per run.
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator
from urllib.parse import unquote, urlparse

import pytest
import yaml

from companion.chromium import CHROMIUM, CHROMIUM_ARGS, chromium_version  # noqa: F401 - re-exported
from companion.project import LOCAL_HOSTS, QuietHandler, StaticSite, book_pages  # noqa: F401 - re-exported

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ALLOWLIST_FILE = Path(__file__).resolve().parent / "allowlist.yaml"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
#: Every wait has a limit (milliseconds): a page that hangs fails instead of stalling the run.
NAVIGATION_TIMEOUT_MS = 30_000
WAIT_TIMEOUT_MS = 10_000
#: Pages whose HTML embeds ipywidgets state; they must render it as live widgets.
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


# --------------------------------------------------------------------------- pages


def built_pages(html_dir: Path) -> list[str]:
    """Every ``.html`` file of a build that is a page (``_static`` only holds theme templates)."""
    return sorted(p.relative_to(html_dir).as_posix() for p in html_dir.rglob("*.html") if p.relative_to(html_dir).parts[0] != "_static")


def has_widget_state(html_file: Path) -> bool:
    """Whether a built page embeds ipywidgets state (and so must render widgets)."""
    return WIDGET_STATE in html_file.read_text(encoding="utf-8", errors="replace")


#: The kinds of page checked also on a phone and in dark mode, and the modes besides desktop-light.
PAGE_KINDS = ("chapter", "widget chapter", "generated data page", "bibliography")
EXTRA_MODES = (("phone", "light"), ("phone", "dark"), ("desktop", "dark"))
GENERATED_DATA_PAGES = ("appendix/browse/events.html", "appendix/codebook.html", "appendix/source_criticism.html")
STUB_TEXT = "This page is in preparation."


def page_of_kind(kind: str, html_dir: Path, pages: list[str] | None = None) -> str | None:
    """The page that stands for one kind of page, chosen from the build; None if none exists yet.

    chapter: the first chapter (in table-of-contents order) with a figure; widget chapter: the
    first page with widget state; generated data page: the first data appendix that is written
    (not a stub); bibliography: the bibliography.
    """
    pages = pages if pages is not None else book_pages()
    existing = [p for p in pages if (html_dir / p).exists()]

    def text(page: str) -> str:
        return (html_dir / page).read_text(encoding="utf-8", errors="replace")

    if kind == "chapter":
        chapters = [p for p in existing if p.startswith("chapters/")]
        return next((p for p in chapters if "<img" in text(p)), chapters[0] if chapters else None)
    if kind == "widget chapter":
        return next((p for p in existing if has_widget_state(html_dir / p)), None)
    if kind == "generated data page":
        return next((p for p in GENERATED_DATA_PAGES if p in existing and STUB_TEXT not in text(p)), None)
    if kind == "bibliography":
        return "appendix/bibliography.html" if "appendix/bibliography.html" in existing else None
    raise ValueError(f"unknown kind of page {kind!r}; use one of {PAGE_KINDS}")


# --------------------------------------------------------------------------- server


# --------------------------------------------------------------------------- browser

#: Runs in the page after load; collects everything the tests look at in one round trip.
COLLECT_JS = """
async ({phone, timeout}) => {
  const withTimeout = (promise) => Promise.race([promise, new Promise(r => setTimeout(r, timeout))]);
  const images = Array.from(document.images);
  // Lazy images below the fold never load on their own; a reader who scrolls gets them.
  images.forEach(img => { img.loading = "eager"; });
  await withTimeout(Promise.all(images.map(img => img.decode().catch(() => null))));
  const article = document.querySelector("article") || document.body;
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += "#" + el.id;
    if (el.classList.length) name += "." + Array.from(el.classList).slice(0, 3).join(".");
    return name;
  };
  const scrollsX = (el) => {
    const style = getComputedStyle(el);
    return ["auto", "scroll", "hidden", "clip"].includes(style.overflowX);
  };
  const overflow = [];
  if (phone) {
    const width = document.documentElement.clientWidth;
    for (const el of document.body.querySelectorAll("*")) {
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      if (rect.right <= width + 1 && rect.left >= -1) continue;
      const style = getComputedStyle(el);
      if (style.visibility === "hidden" || style.position === "fixed") continue;
      if (el.closest("dialog:not([open]), [hidden], [aria-hidden='true']")) continue;
      // Wide content is fine inside a box that scrolls (tables, figures, code, widgets).
      let parent = el.parentElement, contained = false;
      while (parent && parent !== document.body) {
        if (scrollsX(parent) && parent.getBoundingClientRect().right <= width + 1) { contained = true; break; }
        parent = parent.parentElement;
      }
      if (!contained) overflow.push(`${describe(el)} spans ${Math.round(rect.left)}..${Math.round(rect.right)} px`);
    }
    if (document.documentElement.scrollWidth > width + 1) {
      overflow.unshift(`the page scrolls sideways: ${document.documentElement.scrollWidth} px > ${width} px`);
      // Text (a long URL, say) overflows its box without widening it: name the innermost boxes.
      const spills = (el) => el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 && getComputedStyle(el).overflowX === "visible";
      for (const el of document.body.querySelectorAll("*"))
        if (spills(el) && !Array.from(el.children).some(spills) && !el.closest("dialog:not([open]), [hidden], [aria-hidden='true']")) overflow.push(`${describe(el)} holds content ${el.scrollWidth} px wide in ${el.clientWidth} px`);
    }
  }
  return {
    title: document.title,
    broken_images: images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.currentSrc || i.src),
    images_without_alt: Array.from(article.querySelectorAll("img"))
      .filter(i => !(i.getAttribute("alt") || "").trim()).map(i => i.currentSrc || i.src),
    links: Array.from(document.querySelectorAll("a[href]")).map(a => a.href),
    ids: Array.from(document.querySelectorAll("[id]")).map(e => e.id)
      .concat(Array.from(document.querySelectorAll("a[name]")).map(a => a.name)),
    headings: Array.from(article.querySelectorAll("h1, h2, h3, h4, h5, h6"))
      .filter(h => h.getClientRects().length > 0)
      .map(h => [Number(h.tagName[1]), h.textContent.replace(/[#¶\\s]+$/u, "").trim()]),
    theme: document.documentElement.dataset.theme || "",
    citations: Array.from(document.querySelectorAll(".bibtex-citation a[href]")).map(a => a.href),
    citation_entries: Array.from(document.querySelectorAll(".citation[id]")).map(e => e.id),
    text: document.body.innerText,
    widget_views: document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length,
    widgets_rendered: document.querySelectorAll(".jupyter-widgets[class*='widget-'], .widget-inline-hbox, .widget-box").length,
    overflow: overflow,
  };
}
"""

#: Runs after axe-core is injected: violations, plus the accessible name of every widget control.
AXE_JS_RUN = """
async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  const violations = result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 300)})),
  }));
  // The same accessible-name computation axe uses, applied to every control of a widget.
  axe.setup(document);
  const controls = document.querySelectorAll(
    ".jupyter-widgets input, .jupyter-widgets select, .jupyter-widgets textarea, " +
    ".jupyter-widgets button, .jupyter-widgets [role='slider'], .jupyter-widgets [role='button'], " +
    ".jupyter-widgets [role='checkbox'], .jupyter-widgets [role='combobox'], " +
    ".jupyter-widgets [contenteditable='true'], .jupyter-widgets [tabindex]:not([tabindex='-1'])");
  const widget_names = Array.from(controls).map(el => {
    const node = axe.utils.getNodeFromTree(el);
    const name = node ? axe.commons.text.accessibleTextVirtual(node) : "";
    return [el.outerHTML.slice(0, 160), (name || "").trim()];
  });
  axe.teardown();
  return {violations, widget_names};
}
"""


@dataclass
class PageVisit:
    """What one visit of one page in one mode recorded."""

    page: str
    viewport: str
    scheme: str
    url: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    broken_images: list[str] = field(default_factory=list)
    images_without_alt: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    headings: list[tuple[int, str]] = field(default_factory=list)
    theme: str = ""
    citations: list[str] = field(default_factory=list)
    citation_entries: list[str] = field(default_factory=list)
    text: str = ""
    widget_views: int = 0
    widgets_rendered: int = 0
    widget_names: list[tuple[str, str]] = field(default_factory=list)
    overflow: list[str] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)

    @property
    def mode(self) -> str:
        return f"{self.viewport}-{self.scheme}"


class Chromium:
    """Debian's Chromium driven by the pinned Playwright, with non-local hosts blocked."""

    def __init__(self, executable: str = CHROMIUM):
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self.browser = self._playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, timeout=NAVIGATION_TIMEOUT_MS)
        self.version = self.browser.version

    def close(self) -> None:
        self.browser.close()
        self._playwright.stop()

    def new_page(self, viewport: str = "desktop", scheme: str = "light", record: PageVisit | None = None):
        """A fresh page in its own context; requests to non-local hosts are blocked and recorded."""
        context = self.browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme, service_workers="block")
        context.set_default_timeout(WAIT_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        if scheme == "dark":
            # The theme follows the system scheme only in "auto" mode; a reader who picked dark has "dark".
            context.add_init_script("localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');")
        record = record if record is not None else PageVisit("", viewport, scheme, "")

        def route(route_) -> None:
            url = route_.request.url
            host = urlparse(url).hostname or ""
            if url.startswith(("http:", "https:", "ws:", "wss:")) and host not in LOCAL_HOSTS:
                record.external_requests.append(url)
                route_.abort("blockedbyclient")
            else:
                route_.continue_()

        context.route("**/*", route)
        page = context.new_page()
        page.on("console", lambda m: record.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: record.console_errors.append(f"page error: {e}"))

        def failed(request) -> None:
            if request.url not in record.external_requests:
                record.failed_requests.append(f"{request.url} ({request.failure})")

        page.on("requestfailed", failed)
        page.on("response", lambda r: record.failed_requests.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None)

        def dialog(d) -> None:
            record.dialogs.append(f"{d.type}: {d.message}")
            d.dismiss()

        page.on("dialog", dialog)
        return page

    def visit(self, url: str, page_name: str, viewport: str = "desktop", scheme: str = "light", axe: bool = True) -> PageVisit:
        """Open ``url`` as a reader would and record everything the gate checks."""
        record = PageVisit(page_name, viewport, scheme, url)
        page = self.new_page(viewport, scheme, record)
        try:
            page.goto(url, wait_until="load")
            try:
                page.wait_for_load_state("networkidle", timeout=WAIT_TIMEOUT_MS)
            except Exception:  # a page that keeps polling still gets checked; failed requests say why
                pass
            if page.locator(f'script[type="{WIDGET_STATE}"]').count():
                try:
                    page.wait_for_selector(".jupyter-widgets", state="attached", timeout=WAIT_TIMEOUT_MS)
                except Exception:
                    pass  # the widget test reports a page whose widgets did not render
            data = page.evaluate(COLLECT_JS, {"phone": viewport == "phone", "timeout": WAIT_TIMEOUT_MS})
            record.broken_images = data["broken_images"]
            record.images_without_alt = data["images_without_alt"]
            record.links = data["links"]
            record.ids = set(data["ids"])
            record.headings = [tuple(h) for h in data["headings"]]
            record.theme = data["theme"]
            record.citations = data["citations"]
            record.citation_entries = data["citation_entries"]
            record.text = data["text"]
            record.widget_views = data["widget_views"]
            record.widgets_rendered = data["widgets_rendered"]
            record.overflow = data["overflow"]
            if axe:
                page.add_script_tag(path=str(AXE_JS))
                result = page.evaluate(AXE_JS_RUN)
                record.violations = result["violations"]
                record.widget_names = [tuple(n) for n in result["widget_names"]]
        finally:
            page.context.close()
        return record

    def screenshot(self, url: str, destination: Path, viewport: str = "desktop", scheme: str = "light") -> Path:
        """A full-page screenshot of ``url`` in one mode, written to ``destination``."""
        destination.parent.mkdir(parents=True, exist_ok=True)
        page = self.new_page(viewport, scheme)
        try:
            page.goto(url, wait_until="load")
            page.screenshot(path=str(destination), full_page=True, timeout=WAIT_TIMEOUT_MS)
        finally:
            page.context.close()
        return destination


class Crawl:
    """Visits of the served book, each page opened once per mode and kept for the whole run."""

    def __init__(self, site: StaticSite, chromium: Chromium, screenshot_dir: Path):
        self.site = site
        self.chromium = chromium
        self.screenshot_dir = screenshot_dir
        self._visits: dict[tuple[str, str, str], PageVisit] = {}

    def visit(self, page: str, viewport: str = "desktop", scheme: str = "light") -> PageVisit:
        key = (page, viewport, scheme)
        if key not in self._visits:
            self._visits[key] = self.chromium.visit(self.site.url(page), page, viewport, scheme)
        return self._visits[key]

    def visits(self) -> list[PageVisit]:
        return list(self._visits.values())

    def fail(self, visit: PageVisit, problem: str, details: Iterable[str]) -> None:
        """Fail the test with the details and a screenshot of the page in the mode it failed in."""
        name = re.sub(r"[^A-Za-z0-9]+", "-", f"{visit.page}-{visit.mode}").strip("-") + ".png"
        try:
            shot = f"screenshot: {self.chromium.screenshot(visit.url, self.screenshot_dir / name, visit.viewport, visit.scheme)}"
        except Exception as error:  # the failure itself matters more than its picture
            shot = f"no screenshot ({error})"
        lines = "\n".join(f"  - {d}" for d in details)
        pytest.fail(f"{visit.page} ({visit.mode}): {problem}:\n{lines}\n{shot}\n(screenshots folder: {self.screenshot_dir})", pytrace=False)

    def missing_targets(self, visit: PageVisit) -> list[str]:
        """Internal links of a page whose file or anchor does not exist in the build."""
        missing = []
        for link in sorted(set(visit.links)):
            target = self.site.file_for(link)
            if target is None:
                continue  # external links are not followed; the page loads nothing from them
            if not target.exists():
                missing.append(f"{link} (no file {target.relative_to(self.site.directory)})")
                continue
            fragment = unquote(urlparse(link).fragment)
            if fragment and target.suffix == ".html" and fragment not in self.ids_of(target):
                missing.append(f"{link} (no id {fragment!r} in {target.relative_to(self.site.directory)})")
        return missing

    def ids_of(self, html_file: Path) -> set[str]:
        """The ids a page defines: from the browser when it was visited, else from its HTML."""
        page = html_file.relative_to(self.site.directory).as_posix()
        for (name, _, _), visit in self._visits.items():
            if name == page:
                return visit.ids
        return _static_ids(html_file)


@functools.lru_cache(maxsize=None)
def _static_ids(html_file: Path) -> set[str]:
    text = html_file.read_text(encoding="utf-8", errors="replace")
    return set(re.findall(r"""\b(?:id|name)\s*=\s*["']([^"']+)["']""", text))


# --------------------------------------------------------------------------- allow-list


@dataclass
class AllowEntry:
    """One tolerated upstream message: where it comes from and why the book cannot fix it."""

    kind: str
    match: str
    component: str
    reason: str
    rule: str | None = None
    pages: str | None = None

    def matches(self, text: str, page: str = "", rule: str | None = None) -> bool:
        if self.rule is not None and rule != self.rule:
            return False
        if self.pages is not None and not re.search(self.pages, page):
            return False
        return re.search(self.match, text) is not None

    def __str__(self) -> str:
        rule = f" rule {self.rule}" if self.rule else ""
        return f"[{self.kind}{rule}] /{self.match}/ ({self.component}: {self.reason})"


class AllowList:
    """The allow-list of ``tests/allowlist.yaml``: console messages, axe-core nodes, HTML messages."""

    KINDS = ("console", "axe", "html")

    def __init__(self, entries: list[AllowEntry]):
        self.entries = entries

    @classmethod
    def load(cls, path: Path = ALLOWLIST_FILE) -> "AllowList":
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        unknown = set(raw) - set(cls.KINDS)
        if unknown:
            raise ValueError(f"{path.name}: unknown sections {sorted(unknown)}; use {cls.KINDS}")
        entries = []
        for kind in cls.KINDS:
            for item in raw.get(kind) or []:
                missing = {"match", "component", "reason"} - set(item)
                if missing or not str(item.get("reason", "")).strip():
                    raise ValueError(f"{path.name}: {kind} entry {item!r} lacks {sorted(missing) or ['a reason']}")
                entries.append(AllowEntry(kind, item["match"], item["component"], item["reason"], item.get("rule"), item.get("pages")))
        return cls(entries)

    def of(self, kind: str) -> list[AllowEntry]:
        return [e for e in self.entries if e.kind == kind]

    def allows(self, kind: str, text: str, page: str = "", rule: str | None = None) -> bool:
        return any(e.matches(text, page, rule) for e in self.of(kind))

    def unused(self, kind: str, messages: Iterable[tuple[str, str, str | None]]) -> list[AllowEntry]:
        """Entries of ``kind`` that match none of ``messages`` (text, page, rule): stale entries."""
        messages = list(messages)
        return [e for e in self.of(kind) if not any(e.matches(text, page, rule) for text, page, rule in messages)]


# --------------------------------------------------------------------------- versions


def playwright_versions() -> tuple[str, str]:
    """The installed Playwright version and the Chromium version it was built for."""
    from importlib.metadata import version

    import playwright

    browsers = Path(playwright.__file__).parent / "driver" / "package" / "browsers.json"
    try:
        data = json.loads(browsers.read_text(encoding="utf-8"))
        built_for = next(b["browserVersion"] for b in data["browsers"] if b["name"] == "chromium")
    except (OSError, StopIteration, KeyError, ValueError):
        built_for = "unknown"
    return version("playwright"), built_for


def pytest_report_header(config) -> list[str]:
    """Print both versions at the top of every run; a mismatch alone is no failure."""
    playwright_version, built_for = playwright_versions()
    return [f"browser: {chromium_version()} at {CHROMIUM}; Playwright {playwright_version} (built for Chromium {built_for})"]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def served_book(built_book) -> Iterator[StaticSite]:
    """The clean build of this run, served on 127.0.0.1 at a free port."""
    with StaticSite(built_book.html) as site:
        yield site


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chromium]:
    """One Chromium for the whole run; without one the browser tests skip (on CI they fail)."""
    if not os.access(CHROMIUM, os.X_OK):
        message = f"no Chromium at {CHROMIUM} (make system-deps installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    browser = Chromium()
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="session")
def crawl(served_book, chromium, screenshot_dir) -> Crawl:
    """Memoised visits of the served clean build."""
    return Crawl(served_book, chromium, screenshot_dir)


@pytest.fixture(scope="session")
def allowlist() -> AllowList:
    return AllowList.load()
