"""Check that every row coded from an article quotes it, at the place its locator names.

A row whose ``source`` is one of :data:`companion.data.ARTICLE_KEYS` carries an
``evidence`` phrase copied from the article and a ``locator`` such as
``Joint Exercises, para 3`` or ``fn 4``. This module cuts the article's plain text into
sections, paragraphs and footnotes (:func:`segment`), normalises text the same way on
both sides (:func:`normalise`) and reports, per row, whether the phrase is in the article
and in the block its locator names.

Locator rule: ``<Section heading>, para N`` where N counts the blocks separated by blank
lines after the section heading (the first block after the heading is para 1). Footnote
blocks are not counted; they are addressed as ``fn N`` (or ``<Section heading>, fn N``).
Several places may be given, separated by ``;``, and a range as ``para 4-5``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from companion.data import ARTICLE_KEYS, DATA_DIR, PROJECT_ROOT, numbered_rows, read_descriptor, row_key, tabular_resources

#: Where the article texts live unless ``COMPANION_SOURCES`` says otherwise.
DEFAULT_SOURCES_DIR = PROJECT_ROOT.parent / "shared" / "sources"

# Lines of the web page the Nurgaliev text was saved from; they are not the article's text.
BANNER_PREFIXES = ("i Надоели", "iНе можете")
# A line-final hyphen inside a word; em and en dashes are never word-breaking hyphens.
BREAK_HYPHEN = re.compile(r"(?<=[^\W\d_])[-\u00ad]$")
SOFT_HYPHEN = "\u00ad"
QUOTES = set("\"'“”„‟«»‘’‚‛‹›`´′″")
DASHES = set("-‐‑‒–—―−")
BULLETS = set("■•▪●")  # list markers of the printed page, not words
# A footnote reference glued to the end of a sentence ("years.1", "political.”2").
FOOTNOTE_MARK = re.compile(r"(?<=[^\W\d_][.,;:])\d{1,2}(?=\s|$)|(?<=[^\W\d_][.,;:][”’\"'])\d{1,2}(?=\s|$)")
ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:\.\.\.|…)\s*\]|\.\.\.|…)\s*")
LOCATOR = re.compile(
    r"^\s*(?:(?P<section>.+?)\s*,\s*)?(?P<kind>paras?|fn|footnote)\.?\s*(?P<first>\d+)(?:\s*[-–]\s*(?P<last>\d+))?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Layout:
    """How one article's plain-text file is laid out."""

    key: str  #: bibliography key of the article
    filename: str  #: file name in the sources folder
    start_after: str  #: the text starts with the block after the block beginning with this
    first_section: str  #: name of the section that has no heading of its own in the file
    headings: tuple[str, ...] = ()  #: later section headings, each a block of its own


ARTICLES: tuple[Layout, ...] = (
    Layout(
        key="nurgaliev2007",
        filename="004_5fdfdfe3f77cf673.txt",
        start_after="Research associate",  # the author's affiliation, after the Russian header
        first_section="Introduction",
        headings=(
            "Astana and Washington: Motives",
            "Military-Technical Cooperation",
            "Kazakh-U.S. Military-Political Cooperation within NATO",
            "Cooperation in Military Education and Training",
            "Joint Exercises",
            "Outlook for Kazakh-U.S. Military-Political Cooperation",
        ),
    ),
    Layout(
        key="edm2004kazakhstan",
        filename="000_4268eff70253c599.txt",
        start_after="Publication:",
        first_section="Text",
    ),
)
LAYOUT_BY_KEY = {layout.key: layout for layout in ARTICLES}


@dataclass(frozen=True)
class Block:
    """One paragraph (``para``) or footnote (``fn``) of an article."""

    section: str
    kind: str
    number: int
    text: str
    line: int  #: line of the text file where the block starts

    @property
    def label(self) -> str:
        if self.kind == "fn":
            return f"fn {self.number}"
        return f"{self.section}, para {self.number}"


def sources_dir() -> Path:
    """The folder holding the article texts (env ``COMPANION_SOURCES`` overrides)."""
    return Path(os.environ.get("COMPANION_SOURCES") or DEFAULT_SOURCES_DIR)


# --------------------------------------------------------------------------- normalising


def _normalise_mapped(text: str, soft_hyphen: str = "") -> tuple[str, list[int]]:
    """Normalised ``text`` and, for each of its characters, the index it came from."""
    dropped = {i for m in FOOTNOTE_MARK.finditer(text) for i in range(m.start(), m.end())}
    chars: list[tuple[str, int]] = []
    for index, char in enumerate(text):
        if index in dropped:
            continue
        if char == SOFT_HYPHEN:
            chars.extend((c, index) for c in soft_hyphen)
            continue
        if char in QUOTES:
            char = '"'  # straight or curly, single or double: writers swap them freely
        elif char in DASHES:
            char = "-"
        elif char.isspace() or char in BULLETS:
            char = " "
        chars.extend((c, index) for c in char.lower())
    out: list[tuple[str, int]] = []
    for char, index in chars:
        if char == " " and (not out or out[-1][0] in " -"):
            continue  # collapse runs, drop leading space and space after a dash
        if char == "-" and out and out[-1][0] == " ":
            out.pop()  # "Kazakhstan— Foreign" and "south- and" read the same with or without spaces
        out.append((char, index))
    if out and out[-1][0] == " ":
        out.pop()
    return "".join(c for c, _ in out), [i for _, i in out]


def normalise(text: str) -> str:
    """Text as compared: lower case, one space, straight quotes, one dash, no footnote marks."""
    return _normalise_mapped(text)[0]


# --------------------------------------------------------------------------- segmenting


def _raw_blocks(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, text) of each run of non-blank, non-banner lines."""
    lines: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith(BANNER_PREFIXES) or not line.strip():
            if lines:
                yield start, "\n".join(lines)
            lines = []
            continue
        if not lines:
            start = number
        lines.append(line.rstrip())
    if lines:
        yield start, "\n".join(lines)


def segment(text: str, layout: Layout) -> list[Block]:
    """Cut an article's text into numbered paragraphs and footnotes, section by section.

    A block is a footnote when it starts with the number of the next footnote expected
    ("1 See: ...", then "2 ...", ...), which keeps a paragraph opening with a number
    from being mistaken for one.
    """
    blocks = list(_raw_blocks(text))
    starts = [i for i, (_, b) in enumerate(blocks) if b.startswith(layout.start_after)]
    if not starts:
        raise ValueError(f"{layout.filename}: no block starts with {layout.start_after!r}; cannot find where the text begins")
    headings = {normalise(h): h for h in layout.headings}
    section, number, next_footnote = layout.first_section, 0, 1
    result: list[Block] = []
    for line, raw in blocks[starts[0] + 1 :]:
        if normalise(raw) in headings:
            section, number = headings[normalise(raw)], 0
            continue
        mark = re.match(r"(\d{1,2})\s", raw)
        if mark and int(mark.group(1)) == next_footnote:
            result.append(Block(section, "fn", next_footnote, raw, line))
            next_footnote += 1
            continue
        number += 1
        result.append(Block(section, "para", number, raw, line))
    return result


def read_article(layout: Layout, folder: Path | None = None) -> list[Block]:
    """The blocks of one article, read from ``folder`` (default :func:`sources_dir`)."""
    path = (folder or sources_dir()) / layout.filename
    return segment(path.read_text(encoding="utf-8"), layout)


# --------------------------------------------------------------------------- searching


@dataclass
class Article:
    """An article's blocks and the normalised text the evidence is searched in.

    Paragraphs are joined in reading order with the footnotes taken out, so a sentence
    that a footnote or a page break interrupts reads as one. A word hyphenated across a
    break ("chanc-" / "es") is marked with a soft hyphen and searched both joined
    ("chances") and hyphenated, since a compound ("military-" / "political") may also
    break there.
    """

    layout: Layout
    blocks: list[Block]
    _streams: list[tuple[str, list[int], list[int]]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        paras = [i for i, b in enumerate(self.blocks) if b.kind == "para"]
        self._add_stream(paras)
        for i, block in enumerate(self.blocks):
            if block.kind == "fn":
                self._add_stream([i])

    def _add_stream(self, indices: list[int]) -> None:
        raw, owner = "", []
        for position, index in enumerate(indices):
            text = re.sub(r"(?<=[^\W\d_])-\n(?=[a-z])", SOFT_HYPHEN, self.blocks[index].text)
            following = self.blocks[indices[position + 1]].text if position + 1 < len(indices) else ""
            if BREAK_HYPHEN.search(text) and following[:1].islower():
                text, separator = text[:-1] + SOFT_HYPHEN, ""
            else:
                separator = " "
            raw += text + separator
            owner += [index] * (len(text) + len(separator))
        for soft in ("", "-"):
            normalised, origin = _normalise_mapped(raw, soft)
            self._streams.append((normalised, origin, owner))

    def find(self, phrase: str) -> list[set[int]]:
        """For each place ``phrase`` occurs, the indices of the blocks it spans."""
        needle = normalise(phrase)
        places: list[set[int]] = []
        if not needle:
            return places
        for normalised, origin, owner in self._streams:
            start = normalised.find(needle)
            while start != -1:
                spanned = {owner[origin[i]] for i in range(start, start + len(needle))}
                if spanned not in places:
                    places.append(spanned)
                start = normalised.find(needle, start + 1)
        return places

    def resolve(self, locator: str) -> set[int]:
        """Indices of the blocks a locator names; ``ValueError`` says why it names none."""
        named: set[int] = set()
        for part in filter(None, (p.strip() for p in locator.split(";"))):
            match = LOCATOR.match(part)
            if not match:
                raise ValueError(f"locator part {part!r} is not '<Section heading>, para N' or 'fn N'")
            kind = "fn" if match["kind"].lower().startswith(("fn", "foot")) else "para"
            first = int(match["first"])
            last = int(match["last"] or first)
            section = match["section"]
            sections = {normalise(s): s for s in (self.layout.first_section, *self.layout.headings)}
            if section is not None and normalise(section) not in sections:
                raise ValueError(f"no section {section!r}; sections are: " + "; ".join(sections.values()))
            found = {
                i
                for i, b in enumerate(self.blocks)
                if b.kind == kind and first <= b.number <= last and (section is None or normalise(b.section) == normalise(section))
            }
            if kind == "para" and section is None:
                raise ValueError(f"locator part {part!r} names a paragraph without its section heading")
            if not found:
                raise ValueError(f"{part!r} names no {kind} of {self.layout.key}")
            named |= found
        if not named:
            raise ValueError("locator is empty")
        return named

    def labels(self, indices: Iterable[int]) -> str:
        """``Introduction, para 4-5`` for blocks 4 and 5 of one section, ``fn 2`` for a footnote."""
        parts: list[str] = []
        previous: Block | None = None
        for i in sorted(indices):
            block = self.blocks[i]
            if (
                previous
                and previous.kind == block.kind == "para"
                and previous.section == block.section
                and previous.number + 1 == block.number
            ):
                parts[-1] = re.sub(r"(\d+)(?:-\d+)?$", lambda m: f"{m.group(1)}-{block.number}", parts[-1])  # noqa: B023 - called at once
            else:
                parts.append(block.label)
            previous = block
        return " + ".join(parts)


def load_articles(folder: Path | None = None) -> tuple[dict[str, Article], dict[str, str]]:
    """The readable articles by key, and for each unreadable one the reason."""
    articles, unreadable = {}, {}
    for layout in ARTICLES:
        path = (folder or sources_dir()) / layout.filename
        try:
            articles[layout.key] = Article(layout, read_article(layout, folder))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            unreadable[layout.key] = f"{path}: {error}"
    return articles, unreadable


# --------------------------------------------------------------------------- checking rows


@dataclass(frozen=True)
class Finding:
    """The verdict on one row's evidence."""

    file: str
    row: int  #: as numbered in the CSV file, header = row 1
    row_id: str
    source: str
    locator: str
    evidence: str
    status: str  #: ok, not-found, locator-mismatch, bad-locator, text-unreadable, not-checkable
    detail: str = ""
    blocks: tuple[str, ...] = ()  #: labels of the blocks the locator names, when it names any

    @property
    def is_problem(self) -> bool:
        return self.status in PROBLEM_STATUSES

    def __str__(self) -> str:
        return f"{self.file}, row {self.row} ({self.row_id}), column 'evidence': {self.status}: {self.detail}"


PROBLEM_STATUSES = ("not-found", "locator-mismatch", "bad-locator")


@dataclass(frozen=True)
class CitingRow:
    """A row of a table that has ``source`` and ``evidence`` columns."""

    file: str
    table: str
    row: int
    row_id: str
    source: str
    locator: str
    evidence: str


def citing_rows(data_dir: Path = DATA_DIR) -> Iterator[CitingRow]:
    """Every row of every table whose schema has ``source`` and ``evidence`` fields."""
    for resource in tabular_resources(read_descriptor(data_dir)):
        names = [f["name"] for f in resource["schema"]["fields"]]
        if "source" not in names or "evidence" not in names:
            continue
        for number, row in numbered_rows(data_dir, resource):
            row_id = row_key(resource, row) or f"row {number}"
            yield CitingRow(
                resource["path"],
                resource["name"],
                number,
                row_id,
                (row.get("source") or "").strip(),
                (row.get("locator") or "").strip(),
                (row.get("evidence") or "").strip(),
            )


def check_row(row: CitingRow, articles: dict[str, Article], unreadable: dict[str, str]) -> Finding | None:
    """The verdict on one row; ``None`` for a row with nothing to check."""

    def verdict(status: str, detail: str = "", blocks: tuple[str, ...] = ()) -> Finding:
        return Finding(row.file, row.row, row.row_id, row.source, row.locator, row.evidence, status, detail, blocks)

    if row.source not in ARTICLE_KEYS:
        return verdict("not-checkable", f"source {row.source!r} is not one of the two article texts") if row.evidence else None
    if row.source in unreadable:
        return verdict("text-unreadable", unreadable[row.source])
    article = articles[row.source]
    fragments = [f for f in ELLIPSIS.split(row.evidence) if f.strip()]
    if not fragments:
        return verdict("not-found", "evidence is empty")
    places = []
    for fragment in fragments:
        found = article.find(fragment)
        if not found:
            return verdict(
                "not-found", f"{fragment!r} is not in {row.source} (after normalising case, spaces, quotes, dashes and hyphenation)"
            )
        places.append(found)
    try:
        named = article.resolve(row.locator)
    except ValueError as error:
        return verdict("bad-locator", f"locator {row.locator!r}: {error}")
    labels = tuple(article.blocks[i].label for i in sorted(named))
    if all(any(spanned & named for spanned in found) for found in places):
        return verdict("ok", blocks=labels)
    where = "; ".join(sorted({article.labels(spanned) for found in places for spanned in found}))
    return verdict("locator-mismatch", f"locator says {row.locator!r} but the phrase is in {where}", labels)


@dataclass
class EvidenceReport:
    """Verdicts on every citing row, and the article texts that could not be read."""

    findings: list[Finding]
    unreadable: dict[str, str]

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.is_problem]

    def count(self, status: str) -> int:
        return sum(1 for f in self.findings if f.status == status)


def check_evidence(data_dir: Path = DATA_DIR, folder: Path | None = None) -> EvidenceReport:
    """Check every row of the package that cites an article."""
    articles, unreadable = load_articles(folder)
    findings = [f for row in citing_rows(data_dir) if (f := check_row(row, articles, unreadable))]
    return EvidenceReport(findings, unreadable)
