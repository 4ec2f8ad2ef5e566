"""``make handouts`` prints a teacher and a student PDF that hold what a seminar needs.

Checked with poppler's tools on the PDF files themselves: the text of every expected
section (teaching notes, chapters, exercises, and solutions only for teachers), every
figure of the printed pages (Chromium tags each printed image with its alt text), and
Cyrillic and Kazakh letters, which must come out as text in an embedded font.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, make


def _load_tool():
    spec = importlib.util.spec_from_file_location("handouts", ROOT / "tools" / "handouts.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


handouts_tool = _load_tool()
NOTES_HEADINGS = ["Learning objectives", "90-minute plan", "45-minute variant", "Discussion questions"]
KAZAKH_PROBE = "Қазақстан Республикасы, Ақмола, Қарағанды, Өскемен, Үржар, Ұлытау, Әбілқайыр, Ғылым, Ңң, Һһ, Іі"
RUSSIAN_PROBE = "Республика Казахстан, Нурсултан Назарбаев, Шанхайская организация сотрудничества"

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (make system-deps)")


def pdf_text(pdf: Path) -> str:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return normalise(text)


def normalise(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\u2019", "'").replace("\u00ad", "")
    return re.sub(r"\s+", " ", text).strip()


def pdf_alt_texts(pdf: Path) -> list[str]:
    """The /Alt entries of a tagged PDF (PDF 1.4 keeps its structure tree uncompressed)."""
    data = pdf.read_bytes()
    alts = []
    for match in re.finditer(rb"/Alt\s*(\(|<)", data):
        start = match.end()
        if match.group(1) == b"<":
            raw = bytes.fromhex(data[start : data.index(b">", start)].decode())
            alts.append(raw[2:].decode("utf-16-be") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1"))
            continue
        depth, out, i = 1, bytearray(), start
        while depth:
            char = data[i : i + 1]
            if char == b"\\":
                out += data[i + 1 : i + 2]
                i += 2
                continue
            depth += {b"(": 1, b")": -1}.get(char, 0)
            if depth:
                out += char
            i += 1
        alts.append(out.decode("utf-16-be")[1:] if out.startswith(b"\xfe\xff") else out.decode("latin-1"))
    return [normalise(a) for a in alts]


def page_content(path: Path) -> BeautifulSoup:
    """A page's article as the handout tool prints it: hidden code and widgets left out."""
    article = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select_one("article.bd-article")
    for element in article.select("a.headerlink, details.above-input, script, button, .jupyter-widgets, .widget-view"):
        element.decompose()
    return article


def heading(element) -> str:
    return normalise(element.get_text("")).strip(" #¶")


@pytest.fixture(scope="module")
def handouts(built_book, student_build) -> dict[str, Path]:
    """Both handouts, printed from this run's builds of both editions."""
    assert student_build.returncode == 0, student_build.log[-4000:]
    build = make(ROOT, "handouts", built_book.build_dir)
    assert build.returncode == 0, build.log[-4000:]
    return {edition: built_book.build_dir / "handouts" / f"{edition}.pdf" for edition in ("teacher", "student")}


def sections(edition: str, build_dir: Path) -> list[tuple[object, BeautifulSoup]]:
    folder = build_dir / handouts_tool.EDITIONS[edition]
    return [(s, page_content(folder / s.page)) for s in handouts_tool.handout_sections(edition)]


@pytest.mark.build
@pytest.mark.timeout(1800)
def test_each_handout_is_a_pdf_of_several_pages(handouts):
    for edition, pdf in handouts.items():
        assert pdf.read_bytes()[:5] == b"%PDF-", edition
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) > len(handouts_tool.content_chapters()), edition
        assert re.search(r"Tagged:\s+yes", info), edition


@pytest.mark.build
@pytest.mark.timeout(1800)
def test_teacher_handout_holds_notes_chapters_exercises_and_solutions(handouts, built_book):
    text = pdf_text(handouts["teacher"])
    expected, solutions = [], 0
    for section, content in sections("teacher", built_book.build_dir):
        expected.append(heading(content.find("h1")))
        if section.kind == "notes" and not section.page.endswith("index.html"):
            expected += NOTES_HEADINGS
        expected += [heading(e.select_one(".admonition-title")) for e in content.select("div.exercise")]
        solutions += len(content.select("div.solution"))
    assert [h for h in expected if h not in text] == []
    assert text.count("Solution to Exercise") >= solutions
    assert text.count("Discussion questions") >= len(handouts_tool.content_chapters())


@pytest.mark.build
@pytest.mark.timeout(1800)
def test_student_handout_holds_chapters_and_exercises_without_solutions_or_notes(handouts, built_book):
    text = pdf_text(handouts["student"])
    expected = []
    for _, content in sections("student", built_book.build_dir):
        expected.append(heading(content.find("h1")))
        expected += [heading(e.select_one(".admonition-title")) for e in content.select("div.exercise")]
    assert [h for h in expected if h not in text] == []
    assert "Solution to" not in text
    notes = [heading(c.find("h1")) for s, c in sections("teacher", built_book.build_dir) if s.kind == "notes"]
    assert notes and [title for title in notes if title in text] == []


@pytest.mark.build
@pytest.mark.timeout(1800)
@pytest.mark.parametrize("edition", ["teacher", "student"])
def test_handout_prints_every_figure_of_its_pages(handouts, built_book, edition):
    images = [img for _, content in sections(edition, built_book.build_dir) for img in content.find_all("img")]
    assert images, "the printed pages have no figure: the check would prove nothing"
    printed = pdf_alt_texts(handouts[edition])
    missing = [img.get("src") for img in images if normalise(img.get("alt", "")) not in printed]
    assert missing == [], "figures missing from the PDF (or printed without their alt text)"
    assert len(printed) >= len(images)


@pytest.mark.browser
@pytest.mark.timeout(300)
def test_cyrillic_and_kazakh_letters_print_as_text_in_an_embedded_font(tmp_path, chromium):
    """The handouts' print fonts carry Kazakh and Russian text through Chromium into the PDF."""
    pdf = tmp_path / "probe.pdf"
    page_html = f"<html><head><style>{handouts_tool.PRINT_CSS}</style></head><body><article class='bd-article'><p>{KAZAKH_PROBE}</p><p>{RUSSIAN_PROBE}</p></article></body></html>"
    # The run's one Chromium (a second sync Playwright cannot start inside its loop).
    page = chromium.new_page()
    try:
        page.set_content(page_html, timeout=30_000)
        page.pdf(path=str(pdf), format="A4", tagged=True)
    finally:
        page.context.close()
    text = pdf_text(pdf)
    assert KAZAKH_PROBE in text and RUSSIAN_PROBE in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts), "every font must be embedded"
    assert any("NotoSans" in line for line in fonts) and not any("Type 3" in line for line in fonts)


@pytest.mark.build
@pytest.mark.timeout(1800)
def test_cyrillic_text_of_the_printed_pages_reaches_the_pdf(handouts, built_book):
    for edition, pdf in handouts.items():
        words = {
            word
            for _, content in sections(edition, built_book.build_dir)
            for word in re.findall(r"[\u0400-\u04FF]{3,}", content.get_text(" "))
        }
        text = pdf_text(pdf)
        assert [w for w in sorted(words) if w not in text] == [], edition
