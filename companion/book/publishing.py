"""Sphinx extension that publishes the data package with the book and dates every page.

* **Downloads.** When the configuration is read, the data package (``datapackage.json``,
  its schemas, every CSV and GeoJSON file of ``data/``) and one zip of it are written into
  ``_extra/downloads/`` (generated, ignored by git, like the vendored widget manager),
  which ``html_extra_path`` serves under ``downloads/``. The zip is
  deterministic (sorted entries, fixed timestamps and permissions), so rebuilds of the same
  data give the same bytes. Derived tables (the verdicts of :mod:`companion.verdicts`) are
  computed from the package and staged with it under ``derived/``; the staged
  ``datapackage.json`` adds a resource for each, with its description and schema.
* **Footer.** Every page's footer names the version and date of the data, taken from
  ``datapackage.json`` (``version`` and ``created``), never from the build time.
* **Directives.** ``{data-downloads}`` lists the download links (used by the codebook and
  the licences page); ``{data-licences}`` tabulates the licence and credit line of each
  resource from the descriptor. :mod:`companion.book.citation` (``{cff-citation}``) is loaded
  with this extension.
"""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective

from companion.book.pages import wrap_each
from companion.data import DATA_DIR

#: Folder of the site (and of the staging folder) that holds the downloads. Not ``data/``:
#: Sphinx applies ``exclude_patterns`` (which lists ``data``) to extra files too.
DOWNLOADS = "downloads"
#: Files of ``data/`` that are never published: editor and system leftovers.
SKIPPED_SUFFIXES = (".swp", ".swo", ".bak", ".orig", ".tmp", "~")
#: Regular file, rw-r--r--, as the high 16 bits of a zip entry's external attributes.
ZIP_FILE_MODE = (0o100644 & 0xFFFF) << 16
#: ``create_system`` 3 = Unix, so every unzip tool honours the mode bits above.
ZIP_UNIX = 3
#: The earliest date a zip entry can carry.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Downloads:
    """What was staged for the site: paths relative to the site's ``downloads/`` folder."""

    staging_dir: Path
    zip_name: str
    zip_size: int
    zip_sha256: str
    files: tuple[str, ...]
    descriptor: dict


# --------------------------------------------------------------------------- package


def read_raw_descriptor(data_dir: Path = DATA_DIR) -> dict:
    """``datapackage.json`` as written (schemas not resolved), as the downloads carry it."""
    return json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))


def data_version(descriptor: dict) -> tuple[str, str]:
    """The data's version and release date (``YYYY-MM-DD``) from the descriptor.

    Raises ``ValueError`` naming the missing field: a release without them cannot be cited.
    """
    version = str(descriptor.get("version") or "").strip()
    created = str(descriptor.get("created") or "").strip()
    if not version:
        raise ValueError("data/datapackage.json has no top-level 'version'; add one (e.g. \"0.1.0\")")
    if len(created) < 10 or created[4] != "-" or created[7] != "-":
        raise ValueError(f"data/datapackage.json has no ISO 'created' date (found {created!r}); add e.g. \"2026-11-23T00:00:00Z\"")
    return version, created[:10]


def package_files(data_dir: Path = DATA_DIR) -> list[str]:
    """Every file of the package folder to publish, as sorted POSIX paths relative to it.

    The whole folder, not only the files the descriptor names, so that a GeoJSON or a
    notes file that belongs to the data travels with it; hidden files, caches and editor
    leftovers are left out.
    """
    files = []
    for path in data_dir.rglob("*"):
        relative = path.relative_to(data_dir)
        if not path.is_file() or any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
            continue
        if path.name.endswith(SKIPPED_SUFFIXES):
            continue
        files.append(relative.as_posix())
    return sorted(files)


def zip_name(descriptor: dict) -> str:
    """``<package name>-<version>.zip``: the file name says which release it holds."""
    version, _ = data_version(descriptor)
    return f"{descriptor.get('name') or 'data-package'}-{version}.zip"


def write_deterministic_zip(data_dir: Path, files: list[str], destination: Path, date: str) -> None:
    """Zip ``files`` (relative to ``data_dir``) so that the same input gives the same bytes.

    Entries are sorted, stamped with the data's release ``date`` (``YYYY-MM-DD``), marked as
    regular Unix files with mode 0644 and compressed at a fixed level.
    """
    year, month, day = (int(part) for part in date.split("-"))
    stamp = max((year, month, day, 0, 0, 0), ZIP_EPOCH)
    destination.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(destination, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = ZIP_UNIX
            info.external_attr = ZIP_FILE_MODE
            archive.writestr(info, (data_dir / name).read_bytes(), compresslevel=9)


def derived_tables(data_dir: Path = DATA_DIR) -> list:
    """The tables computed from the package for the downloads: today, the verdicts.

    A package that does not load (invalid data) yields none: the zip of the raw files is
    still staged, so its validation report can show what is wrong, and the book's own
    build fails on the same data anyway.
    """
    from companion.data import DataPackageError, load
    from companion.verdicts import derived_table

    try:
        data = load(data_dir)
    except DataPackageError:
        return []
    return [derived_table(data)]


def staged_descriptor(descriptor: dict, derived: list) -> dict:
    """The descriptor the downloads carry: the package's, plus one resource per derived table."""
    if not derived:
        return descriptor
    return {**descriptor, "resources": [*descriptor["resources"], *(table.resource for table in derived)]}


def stage_downloads(staging_dir: Path, data_dir: Path = DATA_DIR, derived: list | None = None) -> Downloads:
    """Write the package and its zip into ``staging_dir/downloads/``, replacing what was there.

    ``derived`` are tables computed from the package (default: :func:`derived_tables`); they
    are written under their own paths and described in the staged ``datapackage.json``.
    """
    derived = derived_tables(data_dir) if derived is None else derived
    descriptor = staged_descriptor(read_raw_descriptor(data_dir), derived)
    _, date = data_version(descriptor)
    files = package_files(data_dir)
    target = staging_dir / DOWNLOADS
    if target.exists():
        shutil.rmtree(target)  # a renamed or deleted CSV must not linger in the site
    for name in files:
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(data_dir / name, destination)
    if derived:
        text = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
        (target / "datapackage.json").write_text(text, encoding="utf-8")
        for table in derived:
            destination = target / table.path
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(table.content)
        files = sorted({*files, *(table.path for table in derived)})
    archive = target / zip_name(descriptor)
    write_deterministic_zip(target, files, archive, date)
    payload = archive.read_bytes()
    return Downloads(staging_dir, archive.name, len(payload), hashlib.sha256(payload).hexdigest(), tuple(files), descriptor)


def footer_html(descriptor: dict) -> str:
    """The footer line: version and date of the data, and the licences in one sentence."""
    version, date = data_version(descriptor)
    return (
        '<p class="companion-data-version">'
        f"Data version {html.escape(version)} of {html.escape(date)}. "
        "Text, figures and data contributions: CC BY 4.0; code: MIT; "
        "quotations and outside datasets keep their sources' terms."
        "</p>"
    )


# --------------------------------------------------------------------------- Sphinx


#: The folder of generated assets served through html_extra_path (the widget manager is
#: vendored there too). A fixed path relative to the book keeps the configuration, and so
#: Sphinx's .buildinfo hash, identical whatever the output folder.
EXTRA_DIR = "_extra"


def _staging_dir(app: Sphinx) -> Path:
    return Path(app.srcdir) / EXTRA_DIR


def _publish_downloads(app: Sphinx, config: Config) -> None:
    try:
        downloads = stage_downloads(_staging_dir(app))
        footer = footer_html(downloads.descriptor)
    except (OSError, ValueError) as error:
        raise ExtensionError(f"[companion.book.publishing] {error}") from None
    # Runs before Sphinx's own check of html_extra_path (priority 800), which accepts it.
    if EXTRA_DIR not in config.html_extra_path:
        config.html_extra_path = [*config.html_extra_path, EXTRA_DIR]
    options = dict(config.html_theme_options or {})
    existing = options.get("extra_footer") or ""
    options["extra_footer"] = f"{existing}{footer}" if footer not in existing else existing
    config.html_theme_options = options
    app.companion_downloads = downloads  # type: ignore[attr-defined]


def _relative_uri(docname: str, target: str) -> str:
    """The URI of site path ``target`` from the page of ``docname`` (HTML builder layout)."""
    return posixpath.relpath(target, posixpath.dirname(docname) or ".")


def _human_size(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size >= 1024 else f"{size} bytes"


def _link(text: str, uri: str) -> nodes.reference:
    return nodes.reference(text, text, refuri=uri, internal=True, classes=["companion-download"])


class DataDownloads(SphinxDirective):
    """``{data-downloads}``: links to the zip, the descriptor and each data file."""

    def run(self) -> list[nodes.Node]:
        downloads: Downloads = self.env.app.companion_downloads  # type: ignore[attr-defined]
        descriptor = downloads.descriptor
        version, date = data_version(descriptor)

        def uri(name: str) -> str:
            return _relative_uri(self.env.docname, f"{DOWNLOADS}/{name}")

        items = nodes.bullet_list(classes=["companion-downloads"])

        def item(*children: nodes.Node) -> None:
            items.append(nodes.list_item("", nodes.paragraph("", "", *children)))

        item(
            _link(downloads.zip_name, uri(downloads.zip_name)),
            nodes.Text(f": the whole package, version {version} of {date}, in one zip ({_human_size(downloads.zip_size)}; SHA-256 "),
            nodes.literal(downloads.zip_sha256, downloads.zip_sha256),
            nodes.Text(")"),
        )
        item(_link("datapackage.json", uri("datapackage.json")), nodes.Text(": the descriptor (tables, sources, licences)"))
        for resource in descriptor.get("resources", []):
            paths = resource.get("path")
            for path in [paths] if isinstance(paths, str) else paths or []:
                if path in downloads.files:
                    title = resource.get("title") or resource.get("name", "")
                    item(_link(path, uri(path)), nodes.Text(f": {title}"))
        return [items]


def _licence_cell(licence: dict[str, Any]) -> nodes.Node:
    paragraph = nodes.paragraph()
    label = licence.get("name") or "licence"
    path = licence.get("path") or ""
    if path.startswith(("http://", "https://")):
        paragraph += nodes.reference(label, label, refuri=path)
    else:
        paragraph += nodes.literal(label, label)
    if licence.get("title"):
        paragraph += nodes.Text(f": {licence['title']}")
    if licence.get("credit"):
        paragraph += nodes.Text(" Credit line: ")
        paragraph += nodes.emphasis(licence["credit"], licence["credit"])
    return paragraph


class DataLicences(SphinxDirective):
    """``{data-licences}``: one row per resource with its licence(s) and credit line."""

    def run(self) -> list[nodes.Node]:
        descriptor = self.env.app.companion_downloads.descriptor  # type: ignore[attr-defined]
        table = nodes.table(classes=["companion-licences"])
        group = nodes.tgroup(cols=2)
        table += group
        group += nodes.colspec(colwidth=30)
        group += nodes.colspec(colwidth=70)
        head = nodes.thead()
        group += head
        head += self._row([nodes.paragraph("", "Table"), nodes.paragraph("", "Licence and credit")])
        body = nodes.tbody()
        group += body
        for resource in descriptor.get("resources", []):
            name = nodes.paragraph()
            name += nodes.literal(resource["name"], resource["name"])
            if resource.get("title"):
                name += nodes.Text(f" ({resource['title']})")
            licences = resource.get("licenses") or []
            cell: list[nodes.Node] = [_licence_cell(lic) for lic in licences]
            if not licences:
                cell = [nodes.paragraph("", "No licence recorded yet: treat as all rights reserved until it is.")]
            body += self._row([name, cell])
        return [table]

    @staticmethod
    def _row(cells: list[Any]) -> nodes.row:
        return wrap_each(nodes.row(), nodes.entry, cells)


def setup(app: Sphinx) -> dict:
    app.setup_extension("companion.book.citation")
    app.connect("config-inited", _publish_downloads)
    app.add_directive("data-downloads", DataDownloads)
    app.add_directive("data-licences", DataLicences)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
