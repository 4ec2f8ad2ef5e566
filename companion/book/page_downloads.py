"""Sphinx extension: the header's download menu, the same in both editions.

sphinx-book-theme's menu links to Sphinx's ``_sources/`` copy (the full text, solutions
included: traps #5) and labels the print dialog ".pdf". This extension replaces the menu on
every page that has a source with:

* the page's source, ``.md``, and for a notebook page also ``.ipynb``: copies written into
  ``page-sources/`` of the site by :func:`companion.book.page_sources.page_copies`. In the
  student edition (``companion.book.student`` loaded) they are stripped of the solutions and
  the teacher-only text, and the tests' leak scan reads them;
* "Print or save as PDF" (the browser's print dialog), labelled as printing;
* the PDF handouts, when ``make handouts`` has written them into ``<build dir>/handouts``
  before this build: they are copied into ``handouts/`` of the site. The student edition
  offers only ``student.pdf``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from companion.book.page_sources import page_copies

FOLDER = "page-sources"
HANDOUTS = "handouts"
#: The handouts each edition may link to, with their labels.
HANDOUT_FILES = {"student.pdf": "Student handout (PDF)", "teacher.pdf": "Teacher handout (PDF)"}


def is_student(app: Sphinx) -> bool:
    return "companion.book.student" in app.extensions


def handouts_of(app: Sphinx) -> list[str]:
    """The handout files this edition links to: those ``make handouts`` has written."""
    folder = Path(app.outdir).parent / HANDOUTS
    names = ["student.pdf"] if is_student(app) else list(HANDOUT_FILES)
    return [name for name in names if (folder / name).is_file()]


def _source_suffix(app: Sphinx, docname: str) -> str | None:
    path = Path(app.env.doc2path(docname))
    return path.suffix if path.suffix == ".md" and path.is_file() else None


def write_copies(app: Sphinx, exception: Exception | None) -> None:
    """After the build: the source copies of every page, and the handouts, into the site."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    target = outdir / FOLDER
    if target.exists():
        shutil.rmtree(target)  # a page removed from the book must not keep its copy
    student = is_student(app)
    for docname in sorted(app.env.found_docs):
        if not _source_suffix(app, docname):
            continue
        text = Path(app.env.doc2path(docname)).read_text(encoding="utf-8")
        for suffix, content in page_copies(text, student).items():
            path = target / f"{docname}{suffix}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
    for name in handouts_of(app):
        (outdir / HANDOUTS).mkdir(exist_ok=True)
        shutil.copyfile(Path(app.outdir).parent / HANDOUTS / name, outdir / HANDOUTS / name)


def download_menu(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Replace the theme's download group with the page's copies, printing and handouts."""
    buttons = context.get("header_buttons")
    if buttons is None or not _source_suffix(app, pagename):
        return
    pathto = context["pathto"]
    items = [
        {
            "type": "link",
            "url": pathto(f"{FOLDER}/{pagename}.md", 1),
            "text": "Source (.md)",
            "tooltip": "Download this page's source, MyST Markdown" + (" without the solutions" if is_student(app) else ""),
            "icon": "fas fa-file",
            "label": "download-source-button",
        }
    ]
    if (app.env.metadata.get(pagename) or {}).get("kernelspec"):
        items.append(
            {
                "type": "link",
                "url": pathto(f"{FOLDER}/{pagename}.ipynb", 1),
                "text": "Notebook (.ipynb)",
                "tooltip": "Download this page as a Jupyter notebook" + (" without the solutions" if is_student(app) else ""),
                "icon": "fas fa-code",
                "label": "download-notebook-button",
            }
        )
    items.append(
        {
            "type": "javascript",
            "javascript": "window.print()",
            "text": "Print or save as PDF",
            "tooltip": "Open the browser's print dialog; choose 'Save as PDF' there for a file",
            "icon": "fas fa-print",
            "label": "print-button",
        }
    )
    for name in handouts_of(app):
        items.append(
            {
                "type": "link",
                "url": pathto(f"{HANDOUTS}/{name}", 1),
                "text": HANDOUT_FILES[name],
                "tooltip": "The seminar handout printed from this edition",
                "icon": "fas fa-file-pdf",
                "label": "download-handout-button",
            }
        )
    group = {
        "type": "group",
        "tooltip": "Download or print this page",
        "icon": "fas fa-download",
        "buttons": items,
        "label": "download-buttons",
    }
    kept = [b for b in buttons if b.get("label") != "download-buttons"]
    buttons[:] = [group, *kept]


def setup(app: Sphinx) -> dict:
    # After sphinx-book-theme's add_header_buttons (priority 501), which builds the group.
    app.connect("html-page-context", download_menu, priority=600)
    app.connect("build-finished", write_copies)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
