"""Sphinx directives that write the appendix pages from the data package itself.

``{codebook}`` (every resource and field), ``{codebook-notes}`` (``data/CODEBOOK-NOTES.md``
when it exists) and ``{source-criticism}`` (the ``flags`` table grouped by status); the data
browser's directives are in :mod:`companion.book.browser`. Pages are built from docutils nodes, never from
raw HTML, so every value is escaped text and is indexed by the book's search. Each
directive notes the data files it reads as dependencies, so a changed file re-reads the
page; values are read as written in the CSV files, after the build's validation
(:mod:`companion.book.sphinxext`) has passed.

Each row on its table's browse page carries the anchor ``row-<table>-<id>`` and a label of
the same name (:mod:`companion.links`), so any page can link to it with the ``ref`` role,
e.g. target ``row-events-<id>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from docutils import nodes
from docutils.parsers.rst import directives, roles
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from companion.data import (
    ARTICLE_KEYS,
    CITATION_FIELDS,
    DATA_DIR,
    ROW_REFERENCE,
    bibliography_keys,
    numbered_rows,
    primary_key,
    read_descriptor,
    row_key,
    tabular_resources,
)
from companion.links import row_anchor, slug

NOTES_FILE = "CODEBOOK-NOTES.md"
# The pages' styles are _static/companion-pages.css, which Jupyter Book adds to every page.
#: A table is shown as a table when it has at most this many columns and its rows fit in
#: about this many characters (the text column is about 90 characters wide at 1280 px);
#: wider tables are shown one card (a definition list) per row.
MAX_TABLE_COLUMNS = 7
MAX_TABLE_CHARACTERS = 90
URL = re.compile(r"^https?://\S+$")
UNIT = re.compile(r"\bUnits?:\s*(.+?)(?:\.\s|\.$|$)")
#: Headings of the source-criticism groups; statuses are shown in the schema's enum order.
FLAG_GROUPS = {"flagged": "Flagged", "open_question": "Open questions", "accepted_correction": "Accepted corrections"}
#: The fields of a flag that name the row it concerns.
TARGET_TABLE, TARGET_ID = ROW_REFERENCE

# --------------------------------------------------------------------------- reading


@dataclass
class Table:
    """One tabular resource and its rows, as written in its CSV file."""

    resource: dict
    rows: list[dict[str, str]]

    @property
    def name(self) -> str:
        return self.resource["name"]

    @property
    def fields(self) -> list[dict]:
        return self.resource["schema"]["fields"]

    @property
    def primary_key(self) -> list[str]:
        return primary_key(self.resource)

    def row_id(self, number: int, row: dict[str, str]) -> str:
        """The row's primary key value (parts joined by '/'), or its CSV row number."""
        return row_key(self.resource, row) if self.primary_key else str(number)

    def numbered(self) -> Iterable[tuple[int, dict[str, str]]]:
        """Rows with their number in the CSV file (header = row 1)."""
        return enumerate(self.rows, start=2)


#: A token that may be a row id (``ctx-09-4``) or a bibliography key (``fn04nato2003``) in a text value.
ID_TOKEN = re.compile(r"(?<![\w./-])[A-Za-z0-9][A-Za-z0-9_.:-]*(?<![.:-])(?![\w/-])")


def row_owners(tables: dict[str, Table]) -> dict[str, str]:
    """``{row id: table}`` for every id of a one-field key that names a row of one table only."""
    owners: dict[str, str] = {}
    clashes: set[str] = set()
    for table in tables.values():
        if table.primary_key != ["id"]:
            continue
        for row in table.rows:
            row_id = row.get("id") or ""
            if row_id in owners and owners[row_id] != table.name:
                clashes.add(row_id)
            owners[row_id] = table.name
    return {row_id: table for row_id, table in owners.items() if row_id and row_id not in clashes}


def flag_anchor(flag_id: str) -> str:
    """The HTML id of a flag's entry on the source-criticism page: ``flag-<id>``."""
    return slug(flag_id) if slug(flag_id).startswith("flag-") else f"flag-{slug(flag_id)}"


def read_tables(data_dir: Path = DATA_DIR) -> tuple[dict, dict[str, Table]]:
    """The descriptor and every tabular resource's rows."""
    descriptor = read_descriptor(data_dir)
    tables = {}
    for resource in tabular_resources(descriptor):
        tables[resource["name"]] = Table(resource, [row for _, row in numbered_rows(data_dir, resource)])
    return descriptor, tables


def coded_first(resources: list[dict]) -> list[dict]:
    """Tables coded from the articles (they have an ``evidence`` field) first, each group in package order."""

    def coded(resource: dict) -> bool:
        schema = resource.get("schema")
        return isinstance(schema, dict) and any(f["name"] == "evidence" for f in schema.get("fields", []))

    return [r for r in resources if coded(r)] + [r for r in resources if not coded(r)]


def foreign_keys(resource: dict) -> dict[str, tuple[str, str]]:
    """Single-field foreign keys: field -> (referenced resource, referenced field)."""
    links = {}
    for key in resource["schema"].get("foreignKeys", []):
        fields, reference = key.get("fields"), key.get("reference", {})
        ref_fields = reference.get("fields")
        fields = [fields] if isinstance(fields, str) else fields
        ref_fields = [ref_fields] if isinstance(ref_fields, str) else ref_fields
        if fields and len(fields) == 1 and ref_fields:
            links[fields[0]] = (reference.get("resource") or resource["name"], ref_fields[0])
    return links


# --------------------------------------------------------------------------- node helpers


def text_paragraph(*parts: nodes.Node | str, classes: list[str] | None = None) -> nodes.paragraph:
    paragraph = nodes.paragraph(classes=classes or [])
    for part in parts:
        paragraph += nodes.Text(part) if isinstance(part, str) else part
    return paragraph


def literal(value: str) -> nodes.literal:
    return nodes.literal(value, value)


def link(url: str, label: str | None = None) -> nodes.reference:
    return nodes.reference(label or url, label or url, refuri=url)


def section(title: str, section_id: str) -> nodes.section:
    node = nodes.section(ids=[section_id], names=[section_id], classes=["companion-generated"])
    # Values are shown as written in the files: no typographic quotes ("President's" stays).
    node["support_smartquotes"] = False
    node += nodes.title(title, title)
    return node


def wrap_each(parent: nodes.Element, wrapper: type[nodes.Element], contents: Iterable[Any]) -> nodes.Element:
    """``parent`` holding each of ``contents`` (a node or a list of nodes) in its own ``wrapper``."""
    for content in contents:
        child = wrapper()
        child += content
        parent += child
    return parent


def bullet_list(items: Iterable[nodes.Node]) -> nodes.bullet_list:
    return wrap_each(nodes.bullet_list(), nodes.list_item, items)


def as_block(content: nodes.Node) -> nodes.Node:
    """``content`` itself when it is a block (paragraph, list), else wrapped in a paragraph."""
    if isinstance(content, nodes.Element) and not isinstance(content, (nodes.Inline, nodes.TextElement)):
        return content
    return content if isinstance(content, nodes.paragraph) else text_paragraph(content)


def grid_table(
    header: list[str], body: list[list[nodes.Node]], long_columns: set[int] = frozenset(), row_ids: list[str] | None = None
) -> nodes.container:
    """A table in a horizontally scrollable container, so it never widens the page."""
    table = nodes.table(classes=["companion-table"])
    group = nodes.tgroup(cols=len(header))
    table += group
    for _ in header:
        group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    head += _row([nodes.paragraph(h, h) for h in header])
    group += head
    tbody = nodes.tbody()
    for index, cells in enumerate(body):
        row = _row(cells, long_columns)
        if row_ids:
            row["ids"] = [row_ids[index]]
        tbody += row
    group += tbody
    container = nodes.container(classes=["companion-scroll"])
    container += table
    return container


def _row(cells: list[nodes.Node], long_columns: set[int] = frozenset()) -> nodes.row:
    row = nodes.row()
    for index, content in enumerate(cells):
        entry = nodes.entry(classes=["companion-long"] if index in long_columns else [])
        entry += as_block(content)
        row += entry
    return row


def _named_list(listing: nodes.Element, kinds: tuple[type, type, type], pairs: Iterable[tuple[str, nodes.Node]]) -> nodes.Element:
    """``listing`` with one (item, name, body) of ``kinds`` per pair of name and value."""
    item_kind, name_kind, body_kind = kinds
    for name, value in pairs:
        item = item_kind()
        item += name_kind(name, name)
        body = body_kind()
        body += as_block(value)
        item += body
        listing += item
    return listing


def definition_list(pairs: Iterable[tuple[str, nodes.Node]]) -> nodes.definition_list:
    return _named_list(nodes.definition_list(), (nodes.definition_list_item, nodes.term, nodes.definition), pairs)


def field_list(pairs: Iterable[tuple[str, nodes.Node]]) -> nodes.field_list:
    """Short facts as a compact two-column list."""
    return _named_list(nodes.field_list(classes=["companion-facts"]), (nodes.field, nodes.field_name, nodes.field_body), pairs)


# --------------------------------------------------------------------------- directives


class DataDirective(SphinxDirective):
    """Common ground: reading the package and noting its files as dependencies."""

    has_content = False
    option_spec = {"data-dir": directives.unchanged}

    @property
    def data_dir(self) -> Path:
        return Path(self.options.get("data-dir") or DATA_DIR)

    def read(self) -> tuple[dict, dict[str, Table]]:
        descriptor, tables = read_tables(self.data_dir)
        self.env.note_dependency(str(self.data_dir / "datapackage.json"))
        for resource in descriptor["resources"]:
            if isinstance(resource.get("schema"), str):
                self.env.note_dependency(str(self.data_dir / resource["schema"]))
            if isinstance(resource.get("path"), str):
                self.env.note_dependency(str(self.data_dir / resource["path"]))
        return descriptor, tables

    def cite(self, key: str) -> list[nodes.Node]:
        """A citation of ``key`` through sphinxcontrib-bibtex: it links to the bibliography entry."""
        role, _ = roles.role("cite:t", self.state_machine.language, self.lineno, self.state.reporter)
        if role is None:  # sphinxcontrib-bibtex is not loaded: show the key
            return [literal(key)]
        result, _ = role("cite:t", f"{{cite:t}}`{key}`", key, self.lineno, self.state.inliner)
        return result

    def linked_text(self, text: str, tables: dict[str, Table], classes: list[str] | None = None) -> nodes.paragraph:
        """A paragraph of a data value with every row id it mentions linked to that row.

        A flag's reason names the rows it rests on (``row ctx-09-4``) or a bibliography entry;
        shown bare, an id or a key means nothing to a reader, so each id becomes a link to its
        row on the data browser and each key a citation. Only ids that name exactly one row of
        the package qualify; the rest of the text stays text.
        """
        owners, keys = row_owners(tables), bibliography_keys()
        parts: list[nodes.Node | str] = []
        last = 0
        for match in ID_TOKEN.finditer(text):
            token, table = match.group(0), owners.get(match.group(0))
            if table is not None:
                parts += [text[last : match.start()], self.row_ref(table, token)]
            elif token in keys:
                parts += [text[last : match.start()], *self.cite(token)]
            else:
                continue
            last = match.end()
        return text_paragraph(*[p for p in parts + [text[last:]] if p != ""], classes=classes)

    def row_ref(self, table: str, row_id: str, text: str | None = None) -> addnodes.pending_xref:
        """A link to a row of the browse page; the build's ``-n`` catches a broken one."""
        label = row_anchor(table, row_id)
        ref = addnodes.pending_xref(
            "", refdomain="std", reftype="ref", reftarget=label, refexplicit=True, refwarn=True, refdoc=self.env.docname
        )
        ref += nodes.inline(text or row_id, text or row_id)
        return ref


class CodebookDirective(DataDirective):
    """Every resource: what it holds, its sources and licences, keys, and every field."""

    def run(self) -> list[nodes.Node]:
        descriptor, tables = self.read()
        output: list[nodes.Node] = []
        self.package_licences = descriptor.get("licenses", [])
        for resource in coded_first(descriptor["resources"]):
            output.append(self.resource_section(resource, tables.get(resource["name"])))
        return output

    def resource_section(self, resource: dict, table: Table | None) -> nodes.section:
        name = resource["name"]
        node = section(f"{name}: {resource.get('title', name)}", f"codebook-{name}")
        self.env.get_domain("std").note_hyperlink_target(f"codebook-{name}", self.env.docname, f"codebook-{name}", name)
        if resource.get("description"):
            node += text_paragraph(resource["description"])
        facts = [("File", literal(f"data/{resource['path']}"))]
        if table is not None:
            facts.append(("Rows", text_paragraph(str(len(table.rows)))))
            facts.append(("Browse", self.browse_link(name)))
            if table.primary_key:
                facts.append(("Primary key", text_paragraph(", ".join(table.primary_key))))
            keys = resource["schema"].get("foreignKeys", [])
            if keys:
                facts.append(("Foreign keys", self.foreign_key_list(name, keys)))
        else:
            facts.append(("Format", text_paragraph(resource.get("format") or resource.get("mediatype") or "not tabular")))
        facts.append(("Sources", self.sources(resource, table)))
        facts.append(("Licences", self.licences(resource)))
        node += field_list(facts)
        if table is not None:
            node += self.field_table(table)
        return node

    def browse_link(self, name: str) -> nodes.paragraph:
        ref = addnodes.pending_xref(
            "", refdomain="std", reftype="ref", reftarget=f"browse-{name}", refexplicit=True, refwarn=True, refdoc=self.env.docname
        )
        ref += nodes.inline(f"every row of {name}", f"every row of {name}")
        return text_paragraph(ref)

    def sources(self, resource: dict, table: Table | None) -> nodes.Node:
        """The resource's own sources; for a table coded row by row, the sources its rows cite."""
        if resource.get("sources"):
            return bullet_list(self.source_paragraph(s) for s in resource["sources"])
        cited: dict[str, int] = {}
        for row in table.rows if table else []:
            if row.get("source"):
                cited[row["source"]] = cited.get(row["source"], 0) + 1
        if not cited:
            return text_paragraph("none listed")
        items = [
            text_paragraph(*self.cite(key), f": {count} row{'s' if count > 1 else ''}")
            for key, count in sorted(cited.items(), key=lambda kv: -kv[1])
        ]
        return nodes.container("", text_paragraph("each row names its own (column source):"), bullet_list(items))

    def licences(self, resource: dict) -> nodes.Node:
        if resource.get("licenses"):
            return bullet_list(self.licence_paragraph(lic) for lic in resource["licenses"])
        if self.package_licences:
            return nodes.container(
                "", text_paragraph("the package's licence:"), bullet_list(self.licence_paragraph(lic) for lic in self.package_licences)
            )
        return text_paragraph("none listed")

    @staticmethod
    def foreign_key_list(name: str, keys: list[dict]) -> nodes.bullet_list:
        items = []
        for key in keys:
            fields = key["fields"] if isinstance(key["fields"], list) else [key["fields"]]
            reference = key.get("reference", {})
            ref_fields = reference.get("fields")
            ref_fields = ref_fields if isinstance(ref_fields, list) else [ref_fields]
            target = reference.get("resource") or name
            items.append(text_paragraph(literal(", ".join(fields)), " → ", literal(f"{target}.{', '.join(ref_fields)}")))
        return bullet_list(items)

    @staticmethod
    def source_paragraph(source: dict) -> nodes.paragraph:
        paragraph = text_paragraph(source.get("title", "untitled source"))
        for label in ("publisher", "dataset", "vintage"):
            if source.get(label):
                paragraph += nodes.Text(f"; {label}: {source[label]}")
        if source.get("repository"):  # a file in a repository: where exactly
            for lead, key in (("; repository ", "repository"), (", path ", "path"), (", commit ", "commit")):
                if source.get(key):
                    paragraph += [nodes.Text(lead), literal(source[key])]
        links = [source.get("path")] if source.get("path") and URL.match(source["path"]) and not source.get("repository") else []
        for url in [*links, source.get("url")]:
            if url:
                paragraph += [nodes.Text("; "), link(url)]
        if source.get("note"):
            paragraph += nodes.Text(f". {source['note']}")
        return paragraph

    @staticmethod
    def licence_paragraph(licence: dict) -> nodes.paragraph:
        paragraph = text_paragraph(literal(licence.get("name", "unnamed")))
        if licence.get("title"):
            paragraph += nodes.Text(f": {licence['title']}")
        if licence.get("path"):
            paragraph += nodes.Text(" (")
            paragraph += link(licence["path"])
            paragraph += nodes.Text(")")
        return paragraph

    @staticmethod
    def field_table(table: Table) -> nodes.container:
        links = foreign_keys(table.resource)
        names = {f["name"] for f in table.fields}
        body = []
        for field in table.fields:
            constraints = field.get("constraints", {})
            unit = field.get("unit") or (m.group(1) if (m := UNIT.search(field.get("description", ""))) else "")
            rules = []
            if constraints.get("enum"):
                rules.append("one of: " + ", ".join(map(str, constraints["enum"])))
            for rule in ("pattern", "minimum", "maximum", "minLength", "maxLength"):
                if rule in constraints:
                    rules.append(f"{rule} {constraints[rule]}")
            if constraints.get("unique"):
                rules.append("unique")
            if field["name"] in CITATION_FIELDS:
                rules.append("a key of references.bib")
            if field["name"] in ("locator", "evidence") and "source" in names:
                rules.append("required when source is " + " or ".join(ARTICLE_KEYS))
            if field["name"] == "evidence":
                rules.append("found verbatim at the locator (make check-data)")
            if field["name"] in links:
                target, ref_field = links[field["name"]]
                rules.append(f"refers to {target}.{ref_field}")
            if field.get("missingValues") or table.resource["schema"].get("missingValues"):
                missing = field.get("missingValues") or table.resource["schema"]["missingValues"]
                rules.append("missing: " + ", ".join(repr(v) for v in missing))
            kind = field.get("type", "string") + (f" ({field['format']})" if field.get("format") not in (None, "default") else "")
            meta = ", ".join(
                filter(None, [kind, f"unit: {unit}" if unit else "", "required" if constraints.get("required") else "optional"])
            )
            name_cell = nodes.container()
            name_cell += text_paragraph(literal(field["name"]))
            name_cell += text_paragraph(meta, classes=["companion-meta"])
            body.append(
                [name_cell, text_paragraph(field.get("description", "") or field.get("title", "")), text_paragraph("; ".join(rules))]
            )
        return grid_table(["Field, type, unit, required", "Description", "Vocabulary and rules"], body, long_columns={1})


class CodebookNotesDirective(DataDirective):
    """The coder's coding rules, ``data/CODEBOOK-NOTES.md``, when the file exists."""

    def run(self) -> list[nodes.Node]:
        path = self.data_dir / NOTES_FILE
        if not path.is_file():
            return [text_paragraph(f"The coding notes (data/{NOTES_FILE}) have not been written yet.")]
        self.env.note_dependency(str(path))
        lines = path.read_text(encoding="utf-8").splitlines()
        # The notes' headings go under this page's "Coding rules" (level 2): their top level becomes 3.
        levels = [len(m.group(1)) for line in lines if (m := re.match(r"^(#{1,6})\s", line))]
        shift = 3 - min(levels) if levels else 0
        lines = [("#" * shift + line) if shift > 0 and re.match(r"^#{1,6}\s", line) else line for line in lines]
        container = nodes.container(classes=["companion-notes"])
        self.state.nested_parse(StringList(lines, source=str(path)), 0, container, match_titles=True)
        return container.children


class SourceCriticismDirective(DataDirective):
    """The ``flags`` table as entries grouped by status, each linked to the row it flags."""

    option_spec = {**DataDirective.option_spec, "table": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        _, tables = self.read()
        flags = tables.get(self.options.get("table", "flags"))
        if flags is None:
            return [text_paragraph("No flags have been recorded yet: the data package has no flags table.")]
        by_status: dict[str, list[tuple[int, dict[str, str]]]] = {}
        for number, row in flags.numbered():
            by_status.setdefault(row.get("status", ""), []).append((number, row))
        status_field = next((f for f in flags.fields if f["name"] == "status"), {})
        order = list(status_field.get("constraints", {}).get("enum", [])) + sorted(
            set(by_status) - set(status_field.get("constraints", {}).get("enum", []))
        )
        output = []
        for status in order:
            entries = by_status.get(status)
            if not entries:
                continue
            title = FLAG_GROUPS.get(status, status.replace("_", " ").capitalize() or "Without status")
            group = section(f"{title} ({len(entries)})", f"flags-{slug(status) or 'none'}")
            for number, row in entries:
                group += self.entry(flags, number, row, tables)
            output.append(group)
        return output

    def entry(self, flags: Table, number: int, row: dict[str, str], tables: dict[str, Table]) -> nodes.container:
        """One flag: the claim, then the flagged row, the reason, the contrary source and the rest."""
        row_id = flags.row_id(number, row)
        box = nodes.container(ids=[flag_anchor(row_id)], classes=["companion-flag"])
        claim = row.get("claim") or row_id
        box += text_paragraph(nodes.strong(claim, claim))
        target = flagged_row(flags, row, tables)
        if target:
            concerns: nodes.Node = text_paragraph(self.row_ref(*target, text=f"{target[0]} {target[1]}"))
        elif row.get(TARGET_TABLE):
            concerns = text_paragraph(f"no single row of {row[TARGET_TABLE]}")
        else:
            concerns = text_paragraph("no single row")
        pairs: list[tuple[str, nodes.Node]] = [("Flagged row", concerns)]
        if row.get("reason"):
            pairs.append(("Reason", self.linked_text(row["reason"], tables)))
        contrary = row.get("contrary_source")
        pairs.append(("Contrary source", text_paragraph(*self.cite(contrary)) if contrary else text_paragraph("none named")))
        if row.get("source"):
            where = text_paragraph(*self.cite(row["source"]))
            if row.get("locator"):
                where += nodes.Text(f", {row['locator']}")
            if row.get("evidence"):
                where += nodes.Text(f": “{row['evidence']}”")
            pairs.append(("Claim made in", where))
        shown = {
            "claim",
            "reason",
            "contrary_source",
            "source",
            "locator",
            "evidence",
            "status",
            TARGET_TABLE,
            TARGET_ID,
            *flags.primary_key,
        }
        for name in (f["name"] for f in flags.fields):
            if row.get(name) and name not in shown:
                pairs.append((name.replace("_", " ").capitalize(), self.linked_text(row[name], tables)))
        pairs.append(("Flag", text_paragraph(self.row_ref(flags.name, row_id))))
        box += definition_list(pairs)
        return box


def flagged_row(flags: Table, row: dict[str, str], tables: dict[str, Table]) -> tuple[str, str] | None:
    """(table, id) of the row a flag concerns, from its ``table`` and ``row_id`` fields."""
    table, row_id = row.get(TARGET_TABLE) or "", row.get(TARGET_ID) or ""
    if table in tables and row_id:
        return table, row_id
    return None


def setup(app: Sphinx) -> dict:
    app.add_directive("codebook", CodebookDirective)
    app.add_directive("codebook-notes", CodebookNotesDirective)
    app.add_directive("source-criticism", SourceCriticismDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
