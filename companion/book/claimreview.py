"""Sphinx extension: schema.org ``ClaimReview`` JSON-LD for the book's verdicts.

Book layer, kept in its own module so it can move with the other extensions. On the pages
named by ``companion_claimreview_pages`` (the outside-evidence chapter) it adds one
``<script type="application/ld+json">`` to the page's head: a list with one ``ClaimReview``
per verdict of :mod:`companion.verdicts`. Each gives the claim as coded, the article and its
author as ``itemReviewed``, and the verdict's own wording as the rating's ``alternateName``.
There is deliberately no numeric rating and no "true"/"false": a verdict is a finding about
the data ("consistent with SIPRI deliveries 1995–2007", "sources disagree"), never a truth
rating of a person.

Set ``companion_claimreview: false`` under ``sphinx.config`` in ``_config.yml`` to publish
no markup at all.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sphinx.application import Sphinx

from companion.data import BIB_FILE
from companion.verdicts import Verdict, claim_text, run_rules

#: The page (docname) that shows the verdicts.
DEFAULT_PAGES = ("chapters/outside_evidence",)


def _plain(text: str) -> str:
    """BibTeX text without protecting braces and doubled spaces."""
    return " ".join(re.sub(r"[{}]", "", text).split())


def article(bib_file: Path, key: str) -> dict[str, Any]:
    """The article ``key`` of ``references.bib`` as a schema.org ``CreativeWork`` with its author."""
    from pybtex.database import parse_file  # Sphinx's bibtex extension brings it

    entry = parse_file(str(bib_file)).entries[key]
    fields = entry.fields
    work: dict[str, Any] = {
        "@type": "ScholarlyArticle" if entry.type == "article" else "CreativeWork",
        "name": _plain(fields.get("title", key)),
    }
    if fields.get("url"):
        work["url"] = fields["url"]
    if fields.get("year"):
        work["datePublished"] = fields["year"]
    outlet = fields.get("journal") or fields.get("howpublished")
    people = entry.persons.get("author", [])
    if people:
        author: Any = [{"@type": "Person", "name": _plain(" ".join(p.first_names + p.middle_names + p.last_names))} for p in people]
        author = author[0] if len(author) == 1 else author
    else:  # an unsigned item: its publisher speaks for it
        author = {"@type": "Organization", "name": _plain(outlet or key)}
    if outlet:
        work["isPartOf"] = {"@type": "Periodical", "name": _plain(outlet)}
    work["author"] = author
    return work


def claim_reviews(
    data: SimpleNamespace, verdicts: list[Verdict], bib_file: Path, reviewer: str, page_url: str = ""
) -> list[dict[str, Any]]:
    """One ``ClaimReview`` per verdict."""
    reviews = []
    for verdict in verdicts:
        rule = verdict.rule
        key = str(getattr(data, rule.table).set_index("id").loc[rule.row_id, "source"])
        work = article(bib_file, key)
        review: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "identifier": rule.id,
            "claimReviewed": claim_text(data, rule.table, rule.row_id),
            "itemReviewed": {"@type": "Claim", "author": work["author"], "appearance": work},
            "author": {"@type": "Organization", "name": reviewer},
            "reviewRating": {"@type": "Rating", "alternateName": verdict.wording, "ratingExplanation": verdict.why},
            "reviewBody": (
                f"Measure: {rule.measure} ({rule.source}). The claim holds if: {rule.threshold}. Evidence: {verdict.evidence or 'none'}."
            ),
        }
        if page_url:
            review["url"] = page_url
        reviews.append(review)
    return reviews


def script_tag(reviews: list[dict[str, Any]]) -> str:
    """The JSON-LD as a script element; ``</`` is escaped so no value can close the element."""
    text = json.dumps(reviews, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>\n'


def _add_markup(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if not app.config.companion_claimreview or pagename not in app.config.companion_claimreview_pages:
        return
    from companion import load

    data = load()
    # Jupyter Book puts the book's title in html_title; Sphinx's project is left unset.
    title = app.config.html_title or app.config.project
    reviewer = f"{title} ({app.config.author})"
    base = (app.config.html_baseurl or "").rstrip("/")
    url = f"{base}/{pagename}.html" if base else ""
    reviews = claim_reviews(data, run_rules(data), Path(app.srcdir) / BIB_FILE.name, reviewer, url)
    context["metatags"] = context.get("metatags", "") + script_tag(reviews)


def setup(app: Sphinx) -> dict:
    app.add_config_value("companion_claimreview", True, "html", [bool])
    app.add_config_value("companion_claimreview_pages", list(DEFAULT_PAGES), "html", [list, tuple])
    app.connect("html-page-context", _add_markup)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
