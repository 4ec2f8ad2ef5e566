"""Sphinx extension: the appendices are numbered with letters, apart from the chapters.

``_toc.yml`` numbers the Appendices part, so Sphinx gives each appendix a section number
that counts on from the chapters (8, 9, …) and numbers its tables and figures under it
(``numfig``: "Table 8.1") instead of on from the introduction's unnumbered counter. This
extension then replaces each appendix's leading number with a letter, in order (A, B, …),
everywhere Sphinx keeps it: the section numbers of the pages and of the navigation, the
page titles (previous/next links) and the figure and table numbers, so "Table 8.1" becomes
"Table A.1" on the page, in the sidebar and in every ``{numref}``.

Sphinx has no setting for this: it writes numbers with ``'.'.join(map(str, number))``, so a
letter in place of the first number prints as expected. The numbers are recomputed at every
build (``env-get-updated``), and this handler runs after Sphinx's own, so the letters are
applied afresh each time. Appendices are the documents whose names start with
``appendix_prefix`` (a configuration value, default ``"appendix/"``).
"""

from __future__ import annotations

import string
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment


def letters_for(numbers: set[int]) -> dict[int, str]:
    """Top-level section numbers, in order, mapped to A, B, C, … (then AA, AB, …)."""
    result = {}
    for index, number in enumerate(sorted(numbers)):
        label = ""
        index += 1
        while index:
            index, rest = divmod(index - 1, 26)
            label = string.ascii_uppercase[rest] + label
        result[number] = label
    return result


def relabel(number: Any, letters: dict[int, str]) -> Any:
    """``number`` (a tuple or list of section numbers) with its first part lettered."""
    if not number or number[0] not in letters:
        return number
    changed = [letters[number[0]], *number[1:]]
    return tuple(changed) if isinstance(number, tuple) else changed


def letter_appendices(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Replace the appendices' top-level numbers with letters; return the documents changed."""
    prefix = app.config.appendix_prefix
    appendices = [doc for doc in env.toc_secnumbers if doc.startswith(prefix)]
    tops = {n[0] for doc in appendices for n in env.toc_secnumbers[doc].values() if n and isinstance(n[0], int)}
    letters = letters_for(tops)
    if not letters:
        return []
    for doc in appendices:
        env.toc_secnumbers[doc] = {anchor: relabel(n, letters) for anchor, n in env.toc_secnumbers[doc].items()}
        for figtype, numbers in env.toc_fignumbers.get(doc, {}).items():
            env.toc_fignumbers[doc][figtype] = {key: relabel(n, letters) for key, n in numbers.items()}
        title = env.titles.get(doc)
        if title is not None and title.get("secnumber"):
            title["secnumber"] = relabel(title["secnumber"], letters)
    # The navigation is built from each document's own table of contents.
    for doc in appendices:
        for reference in env.tocs[doc].findall(nodes.reference):
            if reference.get("secnumber"):
                reference["secnumber"] = relabel(reference["secnumber"], letters)
    return appendices


def setup(app: Sphinx) -> dict:
    app.add_config_value("appendix_prefix", "appendix/", "env")
    # After Sphinx's TocTreeCollector (priority 500), which numbers sections and figures.
    app.connect("env-get-updated", letter_appendices, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
