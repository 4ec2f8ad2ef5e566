"""The verdicts are published as schema.org ClaimReview JSON-LD: one entry per verdict."""

from __future__ import annotations

import json
import re

import pytest

from companion.book.claimreview import article, claim_reviews, script_tag
from companion.data import BIB_FILE
from companion.verdicts import RULES, run_rules

JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def reviews():
    from companion import load

    data = load()
    return claim_reviews(data, run_rules(data), BIB_FILE, "The companion")


def test_one_review_per_verdict_with_claim_article_author_and_wording(reviews):
    assert [r["identifier"] for r in reviews] == [rule.id for rule in RULES]
    for review in reviews:
        assert review["@type"] == "ClaimReview" and review["claimReviewed"]
        item = review["itemReviewed"]
        assert item["@type"] == "Claim" and item["author"]["name"] and item["appearance"]["url"].startswith("https://")
        rating = review["reviewRating"]
        assert rating["alternateName"] and "ratingValue" not in rating  # a finding, not a score
        assert not re.search(r"\b(true|false)\b", rating["alternateName"], re.I)


def test_article_author_is_the_person_or_the_unsigned_item_publisher():
    assert article(BIB_FILE, "nurgaliev2007")["author"] == {"@type": "Person", "name": "Marat Nurgaliev"}
    assert article(BIB_FILE, "edm2004kazakhstan")["author"]["@type"] == "Organization"


def test_huey_review_reads_sources_disagree(reviews):
    huey = next(r for r in reviews if r["identifier"] == "huey-register")
    assert huey["reviewRating"]["alternateName"] == "sources disagree"


def test_script_cannot_be_closed_by_a_value():
    tag = script_tag([{"claimReviewed": "</script><b>x"}])
    assert tag.count("</script>") == 1
    assert json.loads(JSONLD.search(tag).group(1))[0]["claimReviewed"] == "</script><b>x"


@pytest.mark.build
@pytest.mark.timeout(1500)
def test_built_page_carries_parseable_claimreview_for_every_verdict(built_book):
    page = (built_book.html / "chapters" / "outside_evidence.html").read_text(encoding="utf-8")
    head = page.split("</head>", 1)[0]
    blocks = [json.loads(block) for block in JSONLD.findall(head)]
    reviews = [r for block in blocks for r in (block if isinstance(block, list) else [block]) if r.get("@type") == "ClaimReview"]
    assert sorted(r["identifier"] for r in reviews) == sorted(rule.id for rule in RULES)
    other = (built_book.html / "chapters" / "outlook.html").read_text(encoding="utf-8")
    assert "ClaimReview" not in other


def _fake_app(enabled: bool):
    from types import SimpleNamespace

    from companion.data import PROJECT_ROOT

    config = SimpleNamespace(
        companion_claimreview=enabled,
        companion_claimreview_pages=["chapters/outside_evidence"],
        project="Book",
        author="Contributors",
        html_baseurl="",
        html_title="A title",
    )
    return SimpleNamespace(config=config, srcdir=str(PROJECT_ROOT))


@pytest.mark.parametrize("enabled", [True, False])
def test_the_config_setting_turns_the_markup_on_and_off(enabled):
    from companion.book.claimreview import _add_markup

    context = {"metatags": ""}
    _add_markup(_fake_app(enabled), "chapters/outside_evidence", "page.html", context, None)
    assert ("ClaimReview" in context["metatags"]) is enabled
    assert not enabled or "A title (Contributors)" in context["metatags"]
    other = {"metatags": ""}
    _add_markup(_fake_app(True), "chapters/outlook", "page.html", other, None)
    assert other["metatags"] == ""
