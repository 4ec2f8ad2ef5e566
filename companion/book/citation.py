"""The companion's citation, generated from ``CITATION.cff`` (plain text and BibTeX).

``CITATION.cff`` is the one source of the book's citation metadata. :func:`read_cff` reads
it with YAML dates kept as strings (the Citation File Format schema expects strings, while
YAML would turn ``2026-11-23`` into a date); :func:`plain_text` and :func:`bibtex` format
it; the ``cff-citation`` directive puts either form into a page, so the "How to cite" page
cannot drift from the file. The Sphinx part is loaded by :mod:`companion.book.publishing`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from companion.data import PROJECT_ROOT

CITATION_FILE = PROJECT_ROOT / "CITATION.cff"


class _StringDateLoader(yaml.SafeLoader):
    """A safe YAML loader that leaves timestamps as the strings they were written as."""


# Drop the implicit timestamp resolver: without it a date is resolved as a plain string.
_StringDateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_cff(path: Path | str = CITATION_FILE) -> dict[str, Any]:
    """``CITATION.cff`` as a dict, with every date left as a ``YYYY-MM-DD`` string."""
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_StringDateLoader)


def _person(author: dict[str, Any]) -> tuple[str, bool]:
    """An author's display name and whether it is an entity (a group, not a person)."""
    if "name" in author:
        return str(author["name"]), True
    given = author.get("given-names", "")
    family = " ".join(p for p in (author.get("name-particle"), author.get("family-names")) if p)
    suffix = f", {author['name-suffix']}" if author.get("name-suffix") else ""
    return (f"{family}{suffix}, {given}" if given else family + suffix), False


def _year(cff: dict[str, Any]) -> str:
    date = str(cff.get("date-released", ""))
    return date[:4] if re.match(r"^\d{4}-\d{2}-\d{2}$", date) else "n.d."


def _locations(cff: dict[str, Any]) -> tuple[str | None, str | None]:
    """The work's DOI and URL, if the file gives them (no guesses)."""
    doi = cff.get("doi")
    if not doi:
        doi = next((i["value"] for i in cff.get("identifiers", []) if i.get("type") == "doi"), None)
    url = cff.get("url") or cff.get("repository-code")
    return doi, url


def plain_text(cff: dict[str, Any]) -> str:
    """A plain-text reference: authors (year). Title. Version, release date. DOI or URL."""
    names = [_person(a)[0] for a in cff["authors"]]
    authors = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " & " + names[-1]
    parts = [f"{authors} ({_year(cff)}). {cff['title'].rstrip('.')}."]
    released = f", released {cff['date-released']}" if cff.get("date-released") else ""
    if cff.get("version"):
        parts.append(f"Version {cff['version']}{released}.")
    doi, url = _locations(cff)
    if doi:
        parts.append(f"https://doi.org/{doi}")
    elif url:
        parts.append(url)
    return " ".join(parts)


_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}"}


def _bibtex_escape(text: str) -> str:
    return "".join(_BIBTEX_SPECIAL.get(char, char) for char in str(text))


def bibtex_key(cff: dict[str, Any]) -> str:
    """A stable key: first word of the title, year, ``companion`` (``kazakhstan2026companion``)."""
    first = re.sub(r"[^a-z0-9]", "", cff["title"].split()[0].lower()) or "work"
    return f"{first}{_year(cff)}companion"


def bibtex(cff: dict[str, Any]) -> str:
    """A BibTeX ``@misc`` entry; entity authors are braced so BibTeX keeps them whole."""
    authors = []
    for author in cff["authors"]:
        name, entity = _person(author)
        authors.append("{" + _bibtex_escape(name) + "}" if entity else _bibtex_escape(name))
    fields = [
        ("author", " and ".join(authors)),
        ("title", "{" + _bibtex_escape(cff["title"]) + "}"),
        ("year", _year(cff)),
    ]
    note = []
    if cff.get("version"):
        fields.append(("version", _bibtex_escape(cff["version"])))
        note.append(f"Version {cff['version']}")
    if cff.get("date-released"):
        note.append(f"released {cff['date-released']}")
    if note:
        fields.append(("note", _bibtex_escape(", ".join(note))))
    doi, url = _locations(cff)
    if doi:
        fields.append(("doi", doi))
    if url:
        fields.append(("url", url))
    body = ",\n".join(f"  {name:<7} = {{{value}}}" for name, value in fields)
    return f"@misc{{{bibtex_key(cff)},\n{body}\n}}"


class CffCitation(SphinxDirective):
    """``{cff-citation} plain`` or ``{cff-citation} bibtex``: the citation from CITATION.cff."""

    required_arguments = 1
    option_spec = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        form = self.arguments[0]
        if form not in ("plain", "bibtex"):
            raise self.error(f"cff-citation takes 'plain' or 'bibtex', not {form!r}")
        # Re-read this page whenever CITATION.cff changes.
        self.env.note_dependency(str(CITATION_FILE))
        cff = read_cff(CITATION_FILE)
        if form == "bibtex":
            text = bibtex(cff)
            block: nodes.Element = nodes.literal_block(text, text, language="bibtex")
        else:
            # A paragraph, not a code block: a reference is read (and wrapped) as prose.
            text = plain_text(cff)
            block = nodes.container("", nodes.paragraph(text, text))
            # Keep the text exactly as in the file: no typographic quotes to copy by mistake.
            block["support_smartquotes"] = False
        block["classes"] += ["companion-citation", f"companion-citation-{form}", *self.options.get("class", [])]
        return [block]


def setup(app) -> dict:
    app.add_directive("cff-citation", CffCitation)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
