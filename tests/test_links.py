"""The data browser's address scheme (companion.links), which cached notebook outputs rely on."""

from __future__ import annotations

import pytest

from companion.links import browse_page, browse_url, row_anchor, slug


def test_browse_url_names_the_table_page_and_encodes_each_id():
    assert browse_page("events") == "appendix/browse/events.html"
    assert browse_url("events") == "appendix/browse/events.html"
    assert browse_url("events", ["e-1", "e 2", "e-1"], root="../") == "../appendix/browse/events.html?ids=e-1,e%202"
    # A comma inside an id is encoded, so it cannot split the list.
    assert browse_url("sipri_register", ["54631/2013", "a,b"]) == "appendix/browse/sipri_register.html?ids=54631/2013,a%2Cb"


def test_browse_url_combines_text_and_field_filters():
    url = browse_url("flags", query="188 million", where={"status": "open_question"})
    assert url == "appendix/browse/flags.html?filter=188%20million&status=open_question"
    with pytest.raises(ValueError):
        browse_url("flags", where={"filter": "x"})
    with pytest.raises(ValueError):
        browse_url("flags", [])


def test_row_anchor_is_stable():
    assert slug("Claim 188 Million!") == "claim-188-million"
    assert row_anchor("sipri_register", "54631/2013") == "row-sipri_register-54631-2013"
