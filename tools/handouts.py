"""Print the seminar handouts to PDF with Debian's Chromium, from the built pages.

``make handouts`` builds both editions and then runs
``python tools/handouts.py --build-dir _build``, which writes two files into
``_build/handouts/``:

* ``teacher.pdf``: the seminar kit's overview, then for each content chapter its teaching
  notes (learning objectives, the 90- and 45-minute plans, discussion questions) followed
  by the chapter from the teacher edition, every exercise with its worked solution open;
* ``student.pdf``: each content chapter from the student edition: text, figures and
  exercises, no solution and no teacher page.

The pages of one handout are fetched from a local server, joined into one printable
document inside a page of the same edition (so the book's own styles apply) and printed
with ``page.pdf``; nothing is requested from any other host. Figures are SVG images, which
Chromium prints (the LaTeX route drops them silently). Text is set in
Noto Sans (Debian's fonts-noto-core), which covers Cyrillic including the Kazakh letters.
"""

from __future__ import annotations

import argparse
import html
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import yaml

from companion.book.student import TEACHER_FOLDER, TEACHER_PART
from companion.chromium import CHROMIUM, CHROMIUM_ARGS
from companion.data import PROJECT_ROOT
from companion.project import LOCAL_HOSTS, StaticSite, read_toc

#: Every wait has a limit (milliseconds): a page that hangs fails the run.
LOAD_TIMEOUT_MS = 60_000
#: The edition folder inside the build folder that each handout is printed from.
EDITIONS = {"teacher": "html", "student": "student"}
TITLES = {"teacher": "Seminar handout for teachers", "student": "Seminar handout for students"}
PRINT_FONTS = '"Noto Sans", "DejaVu Sans", sans-serif'


@dataclass(frozen=True)
class Section:
    """One built page that goes into a handout, starting on a new sheet."""

    page: str  # e.g. "chapters/motives.html", relative to the edition folder
    kind: str  # "notes" (a teacher page) or "chapter"


def content_chapters(toc_path: Path = PROJECT_ROOT / "_toc.yml") -> list[str]:
    """The numbered content chapters of ``_toc.yml`` (``chapters/...``), in book order."""
    toc = read_toc(toc_path)
    chapters = []
    for part in toc.get("parts", []):
        for entry in part.get("chapters", []):
            if entry.get("file", "").startswith("chapters/") and entry["file"] != toc.get("root"):
                chapters.append(entry["file"])
    return chapters


def teacher_pages(toc_path: Path = PROJECT_ROOT / "_toc.yml") -> list[str]:
    """The pages of the "For teachers" part of ``_toc.yml``."""
    toc = read_toc(toc_path)
    part = next((p for p in toc.get("parts", []) if p.get("caption") == TEACHER_PART), {})
    return [entry["file"] for entry in part.get("chapters", [])]


def handout_sections(edition: str, toc_path: Path = PROJECT_ROOT / "_toc.yml") -> list[Section]:
    """What one handout holds, in order.

    Teacher: the kit's overview page, then per chapter its notes (``teachers/<name>``) and
    the chapter. Student: the chapters only.
    """
    chapters = content_chapters(toc_path)
    if edition == "student":
        return [Section(f"{c}.html", "chapter") for c in chapters]
    notes = teacher_pages(toc_path)
    overview = [n for n in notes if Path(n).stem == "index"]
    sections = [Section(f"{n}.html", "notes") for n in overview]
    for chapter in chapters:
        own_notes = f"{TEACHER_FOLDER}/{Path(chapter).name}"
        if own_notes in notes:
            sections.append(Section(f"{own_notes}.html", "notes"))
        sections.append(Section(f"{chapter}.html", "chapter"))
    return sections


# --------------------------------------------------------------------------- serving


# --------------------------------------------------------------------------- composing

# Joins the sections into the shell page's article. Links to other pages would lead nowhere
# on paper; hidden code stays hidden; widgets need a live page and are left out.
COMPOSE_JS = """
async ({sections, cover}) => {
  const article = document.querySelector('article.bd-article') || document.querySelector('main');
  const parts = [];
  for (const section of sections) {
    const response = await fetch(section.url);
    if (!response.ok) throw new Error(`${section.url}: HTTP ${response.status}`);
    const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
    const content = doc.querySelector('article.bd-article');
    if (!content) throw new Error(`${section.url}: no article`);
    content.querySelectorAll(
      'a.headerlink, details.above-input, details.hide.below-input > summary, script, button, ' +
      '.jupyter-widgets, .widget-view, .toggle-button'
    ).forEach(e => e.remove());
    content.querySelectorAll('details').forEach(d => d.open = true);
    content.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
    content.querySelectorAll('[src]').forEach(e => e.setAttribute('src', new URL(e.getAttribute('src'), section.url).href));
    content.querySelectorAll('a[href]').forEach(a => {
      const target = new URL(a.getAttribute('href'), section.url);
      if (['127.0.0.1', 'localhost'].includes(target.hostname)) a.removeAttribute('href');
    });
    const part = document.createElement('section');
    part.className = `handout-section handout-${section.kind}`;
    part.dataset.page = section.page;
    part.append(...content.childNodes);
    parts.push(part);
  }
  const coverPage = document.createElement('section');
  coverPage.className = 'handout-cover';
  coverPage.innerHTML = cover;
  article.replaceChildren(coverPage, ...parts);
  document.title = coverPage.querySelector('h1').textContent;
  return parts.length;
}
"""

PRINT_CSS = f"""
@page {{ size: A4; margin: 16mm 15mm 18mm 15mm; }}
html, body, .bd-article, .bd-article * {{ font-family: {PRINT_FONTS} !important; }}
.bd-article pre, .bd-article code, .bd-article pre * {{ font-family: "DejaVu Sans Mono", monospace !important; }}
.bd-header, .bd-header-article, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-footer,
.bd-footer-article, .bd-footer-content, .prev-next-area, .header-article, #pst-back-to-top,
.bd-search, .search-button-field, .skip-link, #jb-print-docs-body, .onlyprint {{ display: none !important; }}
.bd-main, .bd-content, .bd-article-container, .bd-article {{ max-width: none !important; width: 100% !important;
  margin: 0 !important; padding: 0 !important; display: block !important; overflow: visible !important; }}
/* The theme hides the first h1 in print (its print header repeats it); here every section keeps its own. */
.bd-main .bd-content .bd-article h1:first-of-type {{ display: block !important; }}
.handout-section {{ break-before: page; }}
.handout-cover {{ padding-top: 30mm; }}
.handout-cover ol {{ font-size: 1.1em; line-height: 1.6; }}
figure, img, table, .admonition, .cell_output {{ break-inside: avoid; }}
h1, h2, h3 {{ break-after: avoid; }}
img {{ max-width: 100% !important; }}
pre {{ white-space: pre-wrap !important; overflow-wrap: anywhere; font-size: 0.8em !important; }}  /* paper cannot scroll */
"""

FOOTER = (
    '<div style="font-size:8px; width:100%; text-align:center; font-family: sans-serif;">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


def cover_html(edition: str, book_title: str, contents: list[str]) -> str:
    """The first sheet: the book, which handout this is, and what it holds."""
    items = "".join(f"<li>{html.escape(title)}</li>" for title in contents)
    intro = (
        "Teaching notes and chapters, with every exercise's worked solution."
        if edition == "teacher"
        else "The chapters with their exercises. Solutions are not included."
    )
    return (
        f"<h1>{html.escape(TITLES[edition])}</h1><p><em>{html.escape(book_title)}</em></p><p>{intro}</p><h2>Contents</h2><ol>{items}</ol>"
    )


WAIT_FOR_FIGURES_JS = "() => [...document.images].every(image => image.complete)"
BROKEN_FIGURES_JS = "() => [...document.images].filter(i => !i.naturalWidth).map(i => i.getAttribute('src'))"
SECTION_TITLES_JS = "() => [...document.querySelectorAll('.handout-section h1')].map(h => h.textContent.trim())"


class HandoutError(RuntimeError):
    """A handout could not be printed faithfully; the message says what is missing."""


def print_handout(edition: str, build_dir: Path, destination: Path, book_title: str, browser) -> Path:
    """Print one handout from ``build_dir/<edition folder>`` into ``destination``."""
    folder = build_dir / EDITIONS[edition]
    sections = handout_sections(edition)
    missing = [s.page for s in sections if not (folder / s.page).exists()]
    if missing:
        raise HandoutError(f"{folder} lacks {', '.join(missing)}: build the {edition} edition first")
    external: list[str] = []
    with StaticSite(folder) as site:
        base = site.base_url
        context = browser.new_context(viewport={"width": 1100, "height": 1400})
        context.set_default_timeout(LOAD_TIMEOUT_MS)

        def route(request_route) -> None:
            url = request_route.request.url
            if url.startswith(("http:", "https:")) and (urlparse(url).hostname or "") not in LOCAL_HOSTS:
                external.append(url)
                request_route.abort("blockedbyclient")
            else:
                request_route.continue_()

        context.route("**/*", route)
        try:
            page = context.new_page()
            page.emulate_media(media="print")
            page.goto(base + sections[0].page, wait_until="load")
            page.evaluate(
                COMPOSE_JS,
                {
                    "sections": [{"url": base + s.page, "page": s.page, "kind": s.kind} for s in sections],
                    "cover": cover_html(edition, book_title, []),
                },
            )
            titles = page.evaluate(SECTION_TITLES_JS)
            page.evaluate(
                "html => { document.querySelector('.handout-cover').innerHTML = html; }",
                cover_html(edition, book_title, titles),
            )
            page.add_style_tag(content=PRINT_CSS)
            page.wait_for_function(WAIT_FOR_FIGURES_JS, timeout=LOAD_TIMEOUT_MS)
            page.evaluate("() => document.fonts.ready.then(() => true)")
            broken = page.evaluate(BROKEN_FIGURES_JS)
            if broken:
                raise HandoutError(f"{edition} handout: figures that did not load: {broken}")
            if external:
                raise HandoutError(f"{edition} handout: the pages asked third-party hosts for {external}")
            destination.parent.mkdir(parents=True, exist_ok=True)
            page.pdf(
                path=str(destination),
                format="A4",
                print_background=True,
                prefer_css_page_size=True,
                outline=True,  # bookmarks from the headings
                tagged=True,  # a structure tree: headings, figures with their alt text
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=FOOTER,
            )
        finally:
            context.close()
    return destination


def book_title(config_path: Path = PROJECT_ROOT / "_config.yml") -> str:
    return str(yaml.safe_load(config_path.read_text(encoding="utf-8")).get("title", ""))


def print_handouts(build_dir: Path, out_dir: Path, editions: list[str]) -> list[Path]:
    """Print the requested handouts with one Chromium; return the PDF files written."""
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=LOAD_TIMEOUT_MS)
        try:
            for edition in editions:
                written.append(print_handout(edition, build_dir, out_dir / f"{edition}.pdf", book_title(), browser))
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=PROJECT_ROOT / "_build")
    parser.add_argument("--out-dir", type=Path, default=None, help="default: <build-dir>/handouts")
    parser.add_argument("--edition", choices=sorted(EDITIONS), action="append", help="default: both")
    args = parser.parse_args(argv)
    build_dir = args.build_dir.resolve()
    try:
        written = print_handouts(build_dir, (args.out_dir or build_dir / "handouts").resolve(), args.edition or ["teacher", "student"])
    except HandoutError as error:
        print(f"handouts: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(f"Wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
