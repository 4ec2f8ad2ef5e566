"""The project as files, for the tests and the tools: its table of contents, copies, builds, a server.

* :func:`read_toc` is the one reader of ``_toc.yml``; :func:`toc_documents` and
  :func:`book_pages` list what it holds.
* :func:`copy_project` and :func:`make` build a copy of the project with this venv; the
  copy's Makefile puts the copy itself on ``PYTHONPATH`` (see the Makefile and
  ARCHITECTURE.md), so a copy imports its own package and reads its own data.
* :class:`StaticSite` serves a built folder on 127.0.0.1 at a free port.

Neither layer of the book imports this module, except the student edition's table of
contents (:func:`read_toc`); it needs no Sphinx.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import yaml

from companion.data import PROJECT_ROOT, read_descriptor, tabular_resources
from companion.links import BROWSE_DIR, browse_docname

TOC_FILE = PROJECT_ROOT / "_toc.yml"
VENV = Path(os.environ.get("VENV", PROJECT_ROOT / ".venv")).resolve()
NODE_MODULES = PROJECT_ROOT / "node_modules"
BUILD_TIMEOUT = 1200
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Sphinx's own warnings look like "path:line: WARNING: message [type]"; a kernel's log line
# ("[IPKernelApp] WARNING | ...") is not one.
SPHINX_WARNING = re.compile(r"(?<!\[IPKernelApp\] )\bWARNING: ")


# --------------------------------------------------------------------------- table of contents


def read_toc(toc_file: Path = TOC_FILE) -> dict:
    """``_toc.yml`` parsed."""
    return yaml.safe_load(Path(toc_file).read_text(encoding="utf-8"))


def toc_documents(toc: dict) -> list[str]:
    """Every document of a parsed table of contents, root first, in reading order (no suffix)."""
    documents: list[str] = [toc["root"]]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "file" in node:
                documents.append(node["file"])
            if node.get("glob") == f"{BROWSE_DIR}/*":  # the data browser's generated pages
                documents.extend(browse_docname(r["name"]) for r in tabular_resources(read_descriptor()))
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key, []) or []:
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(toc)
    return list(dict.fromkeys(re.sub(r"\.(md|ipynb|rst)$", "", d) for d in documents))


def book_pages(toc_file: Path = TOC_FILE) -> list[str]:
    """Every HTML page a reader can reach, in table-of-contents order, from ``_toc.yml``.

    The documents of the table of contents plus the pages Sphinx always writes. The list is
    known before the build, so tests can be parametrised per page.
    """
    documents = toc_documents(read_toc(toc_file))
    pages = [d + ".html" for d in documents]
    if CODE_REFERENCE in documents:
        pages += code_reference_pages()
    return list(dict.fromkeys(pages + ["genindex.html", "search.html"]))


#: The code reference's document: autodoc over the analysis layer, with viewcode's source pages.
CODE_REFERENCE = "about/code_reference"


def documented_modules(root: Path = PROJECT_ROOT) -> list[str]:
    """Every module an ``automodule`` directive of the code reference names: its index page
    and its pages in the folder of the same name (``about/code_reference/``), in that order."""
    sources = [root / f"{CODE_REFERENCE}.md", *sorted((root / CODE_REFERENCE).glob("*.md"))]
    pattern = re.compile(r"^\.\. automodule::\s+(\S+)", re.MULTILINE)
    return [m for source in sources if source.exists() for m in pattern.findall(source.read_text(encoding="utf-8"))]


def code_reference_pages(root: Path = PROJECT_ROOT) -> list[str]:
    """The pages the code reference makes Sphinx write besides its own documents.

    The Python module index, and viewcode's highlighted source of each module named by an
    ``automodule`` directive (``_modules/companion/data.html``), with its index.
    """
    modules = documented_modules(root)
    if not modules:
        return []
    return ["py-modindex.html", "_modules/index.html"] + [f"_modules/{m.replace('.', '/')}.html" for m in modules]


# --------------------------------------------------------------------------- copies and builds


@dataclass
class Build:
    """The result of one ``make`` run."""

    project: Path
    build_dir: Path
    returncode: int
    log: str

    @property
    def html(self) -> Path:
        return self.build_dir / "html"

    @property
    def warnings(self) -> list[str]:
        return [line for line in self.log.splitlines() if SPHINX_WARNING.search(line)]


def make_command(target: str, build_dir: Path, **variables: str) -> list[str]:
    """``make <target>`` for a build into ``build_dir`` with this project's venv."""
    assignments = {"BUILD_DIR": str(build_dir), "VENV": str(VENV), "NODE_MODULES": str(NODE_MODULES), **variables}
    return ["make", "--no-print-directory", target, *(f"{k}={v}" for k, v in assignments.items())]


def run_build(command: list[str], project: Path, build_dir: Path, timeout: int = BUILD_TIMEOUT) -> Build:
    """Run a build command in ``project``; never raises on failure, the caller asserts."""
    result = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=timeout)
    return Build(project, build_dir, result.returncode, ANSI.sub("", result.stdout + result.stderr))


def make(project: Path, target: str, build_dir: Path, **variables: str) -> Build:
    """Run ``make <target>`` in ``project`` into ``build_dir``."""
    return run_build(make_command(target, build_dir, **variables), project, build_dir)


def copy_project(destination: Path, root: Path = PROJECT_ROOT) -> Path:
    """Copy the project's own files (no venv, node_modules, builds or git) to ``destination``."""
    ignore = shutil.ignore_patterns(".venv", "node_modules", "_build", ".git", "__pycache__", ".pytest_cache", "_extra")
    shutil.copytree(root, destination, ignore=ignore, copy_function=shutil.copy2)
    return destination


# --------------------------------------------------------------------------- serving


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # the callers report failed requests themselves


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)  # a browser that hangs up early is no error


class StaticSite:
    """A folder served over HTTP on 127.0.0.1 at a free port, in a background thread."""

    def __init__(self, directory: Path, handler: type[QuietHandler] | None = None, prefix: str = "/"):
        self.directory = directory
        handler = functools.partial(handler or QuietHandler, directory=str(directory))
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        self.port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}{prefix}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "StaticSite":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, page: str) -> str:
        return self.base_url + page

    def file_for(self, url: str) -> Path | None:
        """The file a local URL serves (``index.html`` for a folder), or None if it is not local."""
        parsed = urlparse(url)
        if parsed.hostname not in LOCAL_HOSTS or parsed.port != self.port:
            return None
        target = self.directory / unquote(parsed.path).lstrip("/")
        return target / "index.html" if target.is_dir() else target
