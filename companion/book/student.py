"""The student edition: the same book with no solution and no teacher page in it.

Two parts, both used only by ``python -m companion.book.build --edition student``:

* :func:`student_overrides` returns the Sphinx configuration set on top of ``_config.yml``
  for that edition. Jupyter Book's ``--config`` would *replace* ``_config.yml`` (traps.md
  #4), so the student configuration is derived from the main one here: the same
  extensions and exclude patterns plus a few additions, a table of contents without the
  "For teachers" part, and no copy of any source.
* :func:`setup` makes this module a Sphinx extension, loaded only in that edition: it
  removes every solution from each page as it is read (:class:`RemoveSolutions`), after
  the notebook ran, so both editions share one execution cache and nothing runs twice,
  and it sets the ``student`` tag for ``{only}`` blocks, resolved before cross-references
  so that a link to a teacher page inside ``{only} not student`` is dropped, not broken.

How a computed solution is written, once
----------------------------------------
A solution that computes its result is a *gated* solution (sphinx-exercise's
``{solution-start}`` … ``{solution-end}``) around an ordinary code cell tagged
``solution``, with the prose that uses the cell's glued values::

    ```{solution-start} ex-demo
    :label: sol-demo
    :class: dropdown
    ```

    ```{code-cell} ipython3
    :tags: [solution]

    sevens = sum(1 for value in [7, 3, 7] if value == 7)
    glue("sol_demo_sevens", sevens, display=False)
    ```

    The list holds {glue:text}`sol_demo_sevens` sevens …

    ```{solution-end}
    ```

The cell is executed where it stands and shown where it stands: the teacher edition's
dropdown holds the code that computed the result, with its output, because it *is* that
cell. Solutions without code stay plain ``{solution}`` blocks.

The alternative was a plain ``{solution}`` whose code block is generated at build time
from a hidden tagged cell. It was not chosen because it keeps two places per solution
(the cell before the block and the block that shows it) tied together by a rule that
lives only in our code (which cell belongs to which block), needs a directive of our own
that reads cell sources back out of the notebook (myst-nb drops a ``remove-input``
cell's source before any transform sees it), and shows the code and never the cell's
own output. Gated solutions are sphinx-exercise's documented way to put code cells in a
solution; what they cost is the student edition: sphinx-exercise's ``hide_solutions``
drops only plain blocks, and with gated ones it crashes the HTML writer on the orphaned
``solution_end_node`` and would leave the gated content in the page (traps.md #3). So
this edition sets ``hide_solutions: false`` and removes both kinds itself, before
sphinx-exercise merges the gates, together with every label, registry entry and
citation they brought into the page, as if they had never been parsed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import process_only_nodes
from sphinx_exercise.nodes import solution_end_node, solution_node, solution_start_node

from companion.data import PROJECT_ROOT
from companion.project import read_toc

#: Caption of the table-of-contents part left out of the student edition.
TEACHER_PART = "For teachers"
#: Source folder of the teacher pages, excluded from the student edition.
TEACHER_FOLDER = "teachers"
#: Cell tag of the code cells of a solution (inside its gates).
SOLUTION_TAG = "solution"
#: Sphinx tag set in the student edition, for ``{only} not student`` blocks.
EDITION_TAG = "student"
#: Name of the generated table of contents inside the build folder.
STUDENT_TOC = "student_toc.yml"


def student_toc(toc: dict) -> dict:
    """``toc`` (a parsed ``_toc.yml``) without the part captioned :data:`TEACHER_PART`."""
    parts = toc.get("parts", [])
    kept = [part for part in parts if part.get("caption") != TEACHER_PART]
    if len(kept) == len(parts):
        # A renamed caption would otherwise put the teacher pages into the student book.
        raise ValueError(f"_toc.yml has no part captioned {TEACHER_PART!r}; the student edition relies on it")
    student = {key: value for key, value in toc.items() if key != "parts"}
    # sphinx-external-toc rejects an empty list of parts; a book of the root page alone has none.
    return {**student, "parts": kept} if kept else student


def write_student_toc(build_dir: Path, toc_path: Path = PROJECT_ROOT / "_toc.yml") -> Path:
    """Write the student table of contents into ``build_dir`` and return its path."""
    toc = read_toc(toc_path)
    path = Path(build_dir) / STUDENT_TOC
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "# Generated by companion/book/student.py from _toc.yml; do not edit.\n"
        + yaml.safe_dump(student_toc(toc), sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    return path


def main_sphinx_config(config_path: Path = PROJECT_ROOT / "_config.yml") -> dict[str, Any]:
    """The Sphinx configuration Jupyter Book derives from ``_config.yml`` (teacher edition)."""
    from jupyter_book.config import get_final_config

    config, _ = get_final_config(
        user_yaml=config_path,
        cli_config={"latex_individualpages": False},
        sourcedir=config_path.parent,
    )
    return config


def student_overrides(build_dir: Path) -> dict[str, Any]:
    """Configuration values of the student edition, on top of the main configuration.

    Lists given as overrides replace the main ones, so they are rebuilt from the main
    configuration; dictionaries (``html_theme_options``) are merged by Jupyter Book.
    """
    main = main_sphinx_config()
    return {
        "external_toc_path": str(write_student_toc(Path(build_dir))),
        "exclude_patterns": [*main.get("exclude_patterns", []), f"{TEACHER_FOLDER}/**"],
        "extensions": [*main.get("extensions", []), __name__],
        # True would crash on gated solutions (traps.md #3): RemoveSolutions drops them all.
        "hide_solutions": False,
        # No _sources/ copy (it holds the full text of each page) and no link to one.
        "html_copy_source": False,
        "html_show_sourcelink": False,
        "html_theme_options": {"use_download_button": False},
    }


class RemoveSolutions(SphinxTransform):
    """Remove every solution, and every notebook cell tagged ``solution``, from the page.

    Three things go: the gated solutions, from each ``{solution-start}`` node up to and
    including its ``{solution-end}`` sibling (the code cell and the prose between them);
    plain ``{solution}`` blocks; and any code cell tagged ``solution`` elsewhere (myst-nb
    gives its container the class ``tag_solution``).

    It runs while the page is read, after sphinx-exercise checked the gates (priority 1)
    and before it merges them (priority 10), before images are collected and the search
    index is fed, so no code, output, figure or word of a solution reaches the edition;
    values the cells glued stay available to the roles resolved while parsing. What the
    removed nodes registered while they were parsed is forgotten too (:meth:`forget`),
    so that the page behaves as if they had never been written: a ``{ref}`` to a
    solution's label warns as an unknown label, and a work cited only in a solution is
    not listed in the edition's bibliography.
    """

    default_priority = 5

    def apply(self, **kwargs: Any) -> None:
        doomed: list[nodes.Node] = []
        for start in list(self.document.findall(solution_start_node)):
            doomed += self.gated_range(start)
        doomed += self.document.findall(solution_node)
        for container in self.document.findall(nodes.container):
            if f"tag_{SOLUTION_TAG}" in container.get("classes", []):
                doomed.append(container)
        removed: set[int] = set()
        for node in doomed:
            # A tagged cell inside a gated solution is listed twice; remove it once.
            if id(node) in removed or any(id(a) in removed for a in _ancestors(node)):
                continue
            self.forget(node)
            node.parent.remove(node)
            removed.add(id(node))

    @staticmethod
    def gated_range(start: nodes.Element) -> list[nodes.Node]:
        """``start`` and its following siblings up to the first ``{solution-end}``."""
        siblings = start.parent.children
        first = siblings.index(start)
        for last in range(first, len(siblings)):
            if isinstance(siblings[last], solution_end_node):
                return siblings[first : last + 1]
        # sphinx-exercise merges only a start and end under one parent, so this never builds.
        raise ExtensionError(f"{{solution-start}} {start.get('target_label')}: no {{solution-end}} in the same section")

    def forget(self, node: nodes.Node) -> None:
        """Unregister the labels, ids, solutions and citations of ``node`` and its children."""
        document, ids = self.document, set()
        registry = getattr(self.env, "sphinx_exercise_registry", {})
        for element in node.findall(nodes.Element):
            for name in element.get("names", []):
                document.nameids.pop(name, None)
                document.nametypes.pop(name, None)
            for node_id in element.get("ids", []):
                document.ids.pop(node_id, None)
                ids.add(node_id)
            if isinstance(element, (solution_node, solution_start_node)):
                registry.pop(element.get("label"), None)
        if ids and "cite" in self.env.domains:
            cite = self.env.get_domain("cite")
            cite.data["citation_refs"] = [r for r in cite.data["citation_refs"] if r.citation_ref_id not in ids]


def _ancestors(node: nodes.Node):
    while node.parent is not None:
        node = node.parent
        yield node


class ResolveOnlyBlocksEarly(SphinxPostTransform):
    """Apply ``{only}`` blocks before cross-references are resolved.

    Sphinx drops the losing branch of an ``{only}`` block at priority 50, after its
    references were resolved at priority 10, so a ``{doc}`` link to a teacher page inside
    ``{only} not student`` would still warn "unknown document" (an error under -W).
    """

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        process_only_nodes(self.document, self.app.builder.tags)


def setup(app: Sphinx) -> dict[str, Any]:
    app.tags.add(EDITION_TAG)
    app.add_transform(RemoveSolutions)
    app.add_post_transform(ResolveOnlyBlocksEarly)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
