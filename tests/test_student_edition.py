"""The student edition holds every exercise and no solution and no teacher page, anywhere.

"Anywhere" means every file of the output folder: the pages, the search index, the
object inventory, images and scripts. What must not leak is taken from the teacher
edition built from the same sources: the text of every worked solution, the code of every
cell tagged ``solution``, the figures they draw, and the title and text of every teacher
page. Each of these is first found in the teacher edition, so a scan that finds nothing
cannot pass by looking for the wrong thing.
"""

from __future__ import annotations

import html
import json
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from chapter_sources import CONTENT_CHAPTERS, chapter_path, exercise_labels, public_code, solution_cells
from conftest import ROOT, copy_project, make

from companion.book.page_downloads import FOLDER as PAGE_SOURCES
from companion.book.student import TEACHER_FOLDER

BLOCK_TAGS = ["p", "li", "pre", "td", "th", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "caption", "figcaption"]
MIN_WORDS = 5
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " ", "\u2013": "-", "\u2014": "-"})


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(text).translate(QUOTES)).strip()


def leaf_blocks(element: Tag) -> list[str]:
    """Texts of the innermost block elements (code blocks line by line), inline markup joined."""
    texts = []
    for block in element.find_all(BLOCK_TAGS):
        if block.name != "pre" and block.find(BLOCK_TAGS):
            continue
        text = block.get_text("")
        texts += text.splitlines() if block.name == "pre" else [text]
    return [normalise(t) for t in texts if t.strip()]


def phrases(blocks: list[str]) -> set[str]:
    """Sentences of at least :data:`MIN_WORDS` words: specific enough to mean a leak."""
    found = set()
    for block in blocks:
        for sentence in re.split(r"(?<=[.!?;:])\s+", block):
            sentence = sentence.strip(" ¶#")
            if len(sentence.split()) >= MIN_WORDS:
                found.add(sentence)
    return found


def page(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def haystack(path: Path) -> str:
    """Everything a reader, a search engine or a script could get out of one output file."""
    raw = path.read_bytes()
    if path.name == "objects.inv":  # four header lines, then zlib
        header_end = 0
        for _ in range(4):
            header_end = raw.index(b"\n", header_end) + 1
        raw = raw[:header_end] + zlib.decompress(raw[header_end:])
    text = raw.decode("utf-8", errors="ignore")
    if path.suffix == ".ipynb":  # the cells' text as a reader sees it, not JSON-escaped
        text += "\n" + "\n".join("".join(c["source"]) for c in json.loads(text)["cells"])
    if path.suffix == ".html":
        text += "\n" + "\n".join(leaf_blocks(BeautifulSoup(text, "html.parser")))
    return normalise(text)


def output_haystacks(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): haystack(p) for p in sorted(folder.rglob("*")) if p.is_file()}


NAVIGATION = "nav, aside, header, footer, .bd-sidebar-primary, .bd-sidebar-secondary, .prev-next-area"


def main_content(soup: BeautifulSoup) -> Tag:
    """The page's own content: sidebars, headers and previous/next links removed."""
    for element in soup.select(NAVIGATION):
        element.decompose()
    return soup.select_one("article") or soup.select_one("main") or soup.body or soup


@dataclass
class Secrets:
    """What the student edition must not contain, as found in the teacher edition."""

    phrases: dict[str, set[str]] = field(default_factory=dict)  # origin -> needles seen in the teacher build
    cell_code: dict[str, set[str]] = field(default_factory=dict)  # origin -> code lines of solution cells
    images: dict[str, set[str]] = field(default_factory=dict)  # origin -> image file names
    teacher_docs: list[str] = field(default_factory=list)
    exercises: dict[str, list[str]] = field(default_factory=dict)  # chapter -> exercise ids


def collect_secrets(teacher_html: Path, project: Path, chapters: list[str]) -> Secrets:
    """Solutions, solution cells and teacher pages of a teacher build, minus public text."""
    secrets = Secrets()
    public = []
    for path in sorted(teacher_html.rglob("*.html")):
        doc = str(path.relative_to(teacher_html).with_suffix(""))
        content = main_content(page(path))
        if doc.startswith("teachers/"):
            secrets.teacher_docs.append(doc)
            heading = content.find("h1")
            title = normalise(heading.get_text("")).strip(" #¶") if heading else ""
            secrets.phrases[doc] = phrases(leaf_blocks(content)) | {title}
            continue
        for number, solution in enumerate(content.select("div.solution"), 1):
            body = solution.select_one("section") or solution
            secrets.phrases[f"{doc} solution {number}"] = phrases(leaf_blocks(body))
            secrets.images[f"{doc} solution {number}"] = {Path(i["src"]).name for i in solution.find_all("img")}
            solution.decompose()
        for number, cell in enumerate(content.select("div.tag_solution"), 1):
            secrets.images[f"{doc} solution cell {number}"] = {Path(i["src"]).name for i in cell.find_all("img")}
            cell.decompose()
        if doc.startswith("chapters/"):
            secrets.exercises[doc] = [e["id"] for e in content.select("div.exercise[id]")]
        public.append(" ".join(leaf_blocks(content)))
    for name in chapters:
        # Code outside solution cells is public (the page downloads carry it, hidden or not):
        # a solution line that repeats it, e.g. inside a longer public line, is no secret.
        public.append(normalise(public_code(chapter_path(name, project))))
        for cell in solution_cells(chapter_path(name, project)):
            lines = {normalise(line) for line in cell.source.splitlines() if len(line.strip()) >= 20}
            # Code lines are too short for phrases (MIN_WORDS): each line of 20 characters
            # or more of every cell tagged 'solution' is looked for on its own.
            secrets.cell_code[f"chapters/{name} solution cell {cell.index + 1}"] = lines
    public_text = " ".join(public)
    for needles in (secrets.phrases, secrets.cell_code):
        for origin, group in needles.items():
            needles[origin] = {n for n in group if n and n not in public_text}
    return secrets


def find_in(haystacks: dict[str, str], secrets: Secrets) -> list[str]:
    """Every needle of ``secrets`` found in ``haystacks``, as 'file: origin: needle'."""
    found = []
    for origin, needles in [*secrets.phrases.items(), *secrets.cell_code.items()]:
        for needle in sorted(needles):
            found += [f"{name}: {origin}: {needle[:80]!r}" for name, text in haystacks.items() if needle in text]
    return found


def missing_from(haystacks: dict[str, str], secrets: Secrets) -> list[str]:
    """Needles that cannot be found in ``haystacks`` (a scan of the teacher build: must be none)."""
    everything = "\n".join(haystacks.values())
    return [f"{o}: {n[:80]!r}" for o, needles in secrets.phrases.items() for n in needles if n not in everything]


def leaked_images(student: Path, secrets: Secrets) -> list[str]:
    present = {p.name for p in student.rglob("*") if p.is_file()}
    return [f"{origin}: {name}" for origin, names in secrets.images.items() for name in names & present]


def search_index(folder: Path) -> dict:
    text = (folder / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


def structural_leaks(student: Path) -> list[str]:
    """Source copies, notebooks, downloads, teacher files and links to them."""
    problems = []
    # A page's source under any name: chapters/motives.md, .ipynb, .txt (Sphinx's copy suffix).
    pages = {str(p.relative_to(student).with_suffix("")) for p in student.rglob("*.html")}
    pages |= {f"{TEACHER_FOLDER}/{p.stem}" for p in (ROOT / TEACHER_FOLDER).glob("*.md")}
    for path in sorted(student.rglob("*")):
        rel = str(path.relative_to(student))
        if rel.startswith(f"{PAGE_SOURCES}/"):
            # The download menu's copies: allowed only as stripped copies, which the
            # content scan (find_in) reads like every other file; no teacher page's copy.
            if rel.startswith(f"{PAGE_SOURCES}/{TEACHER_FOLDER}/"):
                problems.append(f"source copy of a teacher page {rel}")
            continue
        if path.is_dir() and path.name in {"_sources", "_downloads", TEACHER_FOLDER, "jupyter_execute"}:
            problems.append(f"folder {rel}")
        stem = rel.split(".", 1)[0]
        if path.is_file() and (
            path.suffix == ".ipynb" or (path.suffix in {".md", ".myst", ".txt"} and any(stem.endswith(p) for p in pages))
        ):
            problems.append(f"source or notebook {rel}")
        if path.suffix == ".html":
            soup = page(path)
            problems += [f"{rel}: link to {a['href']}" for a in soup.find_all(href=re.compile(r"(^|/)teachers/"))]
            problems += [
                f"{rel}: download of {a['href']}"
                for a in soup.select("a[class*=btn-download]")
                if not re.match(rf"^(\.\./)*({PAGE_SOURCES}/|handouts/student\.pdf$)", a["href"])
            ]
    index = search_index(student)
    problems += [f"searchindex.js: document {d}" for d in index["docnames"] if d.startswith("teachers/")]
    return problems


def exercises_missing(student: Path, secrets: Secrets) -> list[str]:
    """Exercises of the teacher edition absent from, or different in, the student edition."""
    missing = []
    for doc, ids in secrets.exercises.items():
        content = main_content(page(student / f"{doc}.html"))
        for exercise_id in ids:
            if content.find(id=exercise_id) is None:
                missing.append(f"{doc}#{exercise_id}")
    return missing


def check_student_edition(teacher_html: Path, student: Path, project: Path, chapters: list[str]) -> Secrets:
    """All assertions shared by the real book and the sample book; returns what was checked."""
    secrets = collect_secrets(teacher_html, project, chapters)
    assert missing_from(output_haystacks(teacher_html), secrets) == [], "the scan cannot see what it looks for"
    assert structural_leaks(student) == []
    # The page downloads exist (so the content scan below reads stripped copies, not nothing).
    assert list((student / PAGE_SOURCES).rglob("*.md")) and list((student / PAGE_SOURCES).rglob("*.ipynb"))
    assert find_in(output_haystacks(student), secrets) == []
    assert leaked_images(student, secrets) == []
    assert exercises_missing(student, secrets) == []
    return secrets


# --------------------------------------------------------------------------- the real book


@pytest.mark.build
@pytest.mark.timeout(1800)
def test_student_edition_builds_without_warnings_from_the_shared_cache(built_book, student_build):
    assert student_build.returncode == 0, student_build.log[-4000:]
    assert student_build.warnings == []
    # MyST-NB's own execution, or the pre-executor's (companion/execute.py).
    executed = re.findall(r"(\S+?\.(?:md|ipynb)): Executing notebook", student_build.log)
    executed += re.findall(r"\[companion\] executed (\S+?\.(?:md|ipynb)) in", student_build.log)

    def edited_after_teacher_build(source: str) -> bool:
        # In a shared working tree a chapter may be saved between the two builds.
        page = built_book.html / Path(source).relative_to(ROOT).with_suffix(".html")
        return page.exists() and Path(source).stat().st_mtime > page.stat().st_mtime

    assert [s for s in executed if not edited_after_teacher_build(s)] == [], "the student build ran notebooks again"
    assert "Using cached notebook" in student_build.log


@pytest.mark.build
@pytest.mark.timeout(1800)
def test_student_edition_has_every_exercise_and_no_solution_or_teacher_page(built_book, student_build):
    assert student_build.returncode == 0, student_build.log[-4000:]
    secrets = check_student_edition(built_book.html, student_build.build_dir / "student", ROOT, list(CONTENT_CHAPTERS))
    assert len(secrets.teacher_docs) == 1 + len(CONTENT_CHAPTERS)
    assert all(secrets.phrases[doc] for doc in secrets.teacher_docs), "a teacher page yielded nothing to look for"
    exercises = {doc: ids for doc, ids in secrets.exercises.items() if ids}
    assert exercises, "no chapter has exercises yet, so the scan proves nothing about solutions"
    for name in CONTENT_CHAPTERS:
        assert len(secrets.exercises.get(f"chapters/{name}", [])) == len(exercise_labels(chapter_path(name)))


# --------------------------------------------------------------------------- the machinery, on a sample

SAMPLE_CHAPTER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Sample chapter

Body text that every reader of either edition sees.

```{code-cell} ipython3
:tags: [remove-cell]
import matplotlib.pyplot as plt
from myst_nb import glue
from companion.figures import use_house_style

use_house_style()
```

```{exercise} Count the sevens
:label: ex-sample-count

How many values of the list equal seven? Compute it.
```

```{solution-start} ex-sample-count
:class: dropdown
```

```{code-cell} ipython3
:tags: [solution]
sevens_in_the_sample_list = sum(1 for value in [7, 3, 7, 1] if value == 7)
glue("sample_sevens", sevens_in_the_sample_list, display=False)
```

The zebra-striped quokka counts {glue:text}`sample_sevens` sevens in the list.

```{solution-end}
```

````{solution} ex-sample-count
:class: dropdown

A plain solution, written by a capybara in a cardigan, also goes.
````

```{exercise} Draw the sevens
:label: ex-sample-draw

Draw one bar per value.
```

```{code-cell} ipython3
:tags: [solution]
figure_for_the_solution, axes = plt.subplots(figsize=(3, 2))
axes.bar(range(4), [7, 3, 7, 1])
print("the marmalade output of a visible solution cell")
figure_for_the_solution
```
"""

SAMPLE_TEACHER_PAGE = """\
# Teaching notes: the sample chapter

A plan that only teachers may read, with a secret question about sevens.
"""


@pytest.mark.build
@pytest.mark.timeout(900)
def test_student_edition_machinery_on_a_sample_chapter(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "chapters" / "sample.md").write_text(SAMPLE_CHAPTER, encoding="utf-8")
    (project / "teachers" / "sample.md").write_text(SAMPLE_TEACHER_PAGE, encoding="utf-8")
    (project / "_toc.yml").write_text(
        "format: jb-book\nroot: chapters/sample\nparts:\n  - caption: For teachers\n    chapters:\n      - file: teachers/sample\n",
        encoding="utf-8",
    )
    build_dir = tmp_path / "_build"
    teacher = make(project, "book", build_dir)
    assert teacher.returncode == 0, teacher.log[-4000:]
    student = make(project, "book-student", build_dir)
    assert student.returncode == 0, student.log[-4000:]
    assert "Executing notebook" not in student.log and "[companion] executed" not in student.log

    secrets = check_student_edition(build_dir / "html", build_dir / "student", project, ["sample"])
    assert secrets.exercises == {"chapters/sample": ["ex-sample-count", "ex-sample-draw"]}
    needles = {n for group in [*secrets.phrases.values(), *secrets.cell_code.values()] for n in group}
    assert "The zebra-striped quokka counts 2 sevens in the list." in needles
    assert "A plain solution, written by a capybara in a cardigan, also goes." in needles
    assert "Teaching notes: the sample chapter" in needles
    assert any("sevens_in_the_sample_list = sum" in n for n in needles)
    assert any(secrets.images.values()), "the visible solution cell's figure was not found"
    # The same scan over the teacher edition finds all of it: the check can fail.
    leaks = find_in(output_haystacks(build_dir / "html"), secrets)
    assert any("quokka" in leak for leak in leaks) and any("Teaching notes" in leak for leak in leaks)
    assert structural_leaks(build_dir / "html")
    # The search index of the student edition does not know the solution's words.
    student_terms, teacher_terms = search_index(build_dir / "student")["terms"], search_index(build_dir / "html")["terms"]
    assert "quokka" in teacher_terms and "quokka" not in student_terms
    assert "marmalad" in teacher_terms and "marmalad" not in student_terms
    assert "capybara" in teacher_terms and "capybara" not in student_terms


# --------------------------------------------------------------------------- the transform, in a scratch Sphinx build

SCRATCH_CONF = """\
extensions = ["myst_parser", "sphinx_exercise", "sphinxcontrib.bibtex"{student}]
myst_enable_extensions = ["colon_fence"]
bibtex_bibfiles = ["refs.bib"]
hide_solutions = False
"""
SCRATCH_BIB = """\
@book{doe2000, author = {Doe, Jane}, title = {A Public Title}, year = {2000}, publisher = {P}}
@book{roe2001, author = {Roe, Rick}, title = {A Title Cited Only In Solutions}, year = {2001}, publisher = {P}}
"""
SCRATCH_PAGE = """\
# Page

Public text {cite}`doe2000`, about {ref}`ex-one`.

```{exercise} One
:label: ex-one

The exercise text stays.
```

```{solution-start} ex-one
:label: sol-one
:class: dropdown
```

Gated pangolin prose {cite}`roe2001`.

```{solution-end}
```

````{solution} ex-one
:label: sol-two

Plain wombat prose {cite}`roe2001`.
````

Text after the solutions stays.

```{bibliography}
```
"""


def scratch_build(folder: Path, student: bool, page: str = SCRATCH_PAGE) -> tuple[str, str]:
    """Build :data:`SCRATCH_PAGE` with Sphinx, as the student edition or not: (HTML, warnings)."""
    import io

    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    source = folder / "source"
    source.mkdir(parents=True)
    (source / "conf.py").write_text(SCRATCH_CONF.format(student=', "companion.book.student"' if student else ""), encoding="utf-8")
    (source / "refs.bib").write_text(SCRATCH_BIB, encoding="utf-8")
    (source / "index.md").write_text(page, encoding="utf-8")
    warnings = io.StringIO()
    with docutils_namespace():  # a second build in this process registers its nodes afresh
        app = Sphinx(
            str(source), str(source), str(folder / "html"), str(folder / "doctrees"), "html", status=None, warning=warnings, freshenv=True
        )
        app.build()
    return (folder / "html" / "index.html").read_text(encoding="utf-8"), warnings.getvalue()


@pytest.mark.timeout(300)
def test_student_transform_drops_gated_and_plain_solutions_with_what_they_registered(tmp_path):
    teacher, teacher_warnings = scratch_build(tmp_path / "teacher", student=False)
    student, student_warnings = scratch_build(tmp_path / "student", student=True)
    assert teacher_warnings == "" and student_warnings == ""
    # The control: sphinx-exercise renders both solutions, and the bibliography lists both works.
    for text in ("pangolin", "wombat", "Cited Only In Solutions", "The exercise text stays", "Text after the solutions stays"):
        assert text in teacher
    # hide_solutions stays False (traps #3); the transform removes both kinds, and the work
    # cited only inside them leaves the bibliography.
    for text in ("pangolin", "wombat", "Cited Only In Solutions", 'id="sol-one"', 'id="sol-two"'):
        assert text not in student
    for text in ("The exercise text stays", "Text after the solutions stays", "A Public Title", 'id="ex-one"'):
        assert text in student


def test_student_transform_forgets_the_labels_of_removed_solutions(tmp_path):
    # A link to a solution's label is a broken link in the student edition, as with hide_solutions.
    _, warnings = scratch_build(tmp_path, student=True, page=SCRATCH_PAGE + "\nSee {ref}`sol-one`.\n")
    assert "undefined label: 'sol-one'" in warnings
