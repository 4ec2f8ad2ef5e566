"""Tables rendered for MyST escape every data value and keep numbers readable."""

import pandas as pd

from companion.tables import escape_cell, markdown_table


def test_html_in_a_cell_is_escaped_as_text():
    cell = escape_cell('<script>alert("x")</script>')
    assert "<script>" not in cell and "&lt;script&gt;" in cell


def test_markdown_and_maths_syntax_in_a_cell_is_neutralised():
    cell = escape_cell("$188 million | *bold* {cite}`x` [link](y)")
    for escaped in ("\\$188", "\\|", "\\*bold\\*", "\\{cite\\}\\`", "\\[link\\]"):
        assert escaped in cell


def test_missing_values_are_empty_and_numbers_right_aligned():
    frame = pd.DataFrame({"year": [2005, 2006], "count": pd.array([27, None], dtype="Int64"), "name": ["a", None]})
    lines = markdown_table(frame, index=False).splitlines()
    assert lines[1] == "| ---: | ---: | :--- |"
    assert lines[2] == "| 2005 | 27 | a |"
    assert lines[3] == "| 2006 |  |  |"


def test_floats_are_rounded_and_large_numbers_grouped():
    frame = pd.DataFrame({"tiv": [12.345], "usd": [22_422_000]})
    assert markdown_table(frame, index=False, digits=1).splitlines()[2] == "| 12.3 | 22,422,000 |"


# --------------------------------------------------------------------------- declared links

import pytest  # noqa: E402

from companion.tables import link_cell  # noqa: E402


def test_declared_link_columns_render_roles_and_other_columns_stay_escaped():
    frame = pd.DataFrame(
        {"row": ["arguments:arg-kz-balance"], "source": ["nurgaliev2007"], "flag": ["flag-huey-deliveries"], "note": ["{cite}`x` *bold*"]}
    )
    line = markdown_table(frame, index=False, links={"row": "row", "source": "cite", "flag": "ref:source-criticism"}).splitlines()[2]
    assert "{ref}`arg-kz-balance <row-arguments-arg-kz-balance>`" in line
    assert "{cite}`nurgaliev2007`" in line
    assert "{ref}`flag-huey-deliveries <source-criticism>`" in line
    assert "\\{cite\\}\\`x\\` \\*bold\\*" in line  # the data value: escaped, not a role


def test_several_keys_become_one_citation_and_a_table_kind_fixes_the_table():
    assert link_cell("a2004, b2007", "cite") == "{cite}`a2004,b2007`"
    assert link_cell("eq-c-130-planned", "row:equipment") == "{ref}`eq-c-130-planned <row-equipment-eq-c-130-planned>`"
    assert link_cell(None, "cite") == "" and link_cell("", "row:equipment") == ""
    assert link_cell("context:ctx-08-4 sipri_register:35392/2004", "row") == (
        "{ref}`ctx-08-4 <row-context-ctx-08-4>`, {ref}`35392/2004 <row-sipri_register-35392-2004>`"
    )


@pytest.mark.parametrize(
    "value, kind",
    [
        ("key`} <script>", "cite"),
        ("arguments:arg x`", "row"),
        ("arg-x <evil>", "row:arguments"),
        ("Bad Table:x", "row"),
        ("no-table-given", "row"),
        ("x", "ref:Not A Label"),
        ("x", "link"),
    ],
)
def test_a_value_that_is_not_an_identifier_is_refused(value, kind):
    with pytest.raises(ValueError):
        link_cell(value, kind)


def test_links_must_name_existing_columns():
    with pytest.raises(KeyError):
        markdown_table(pd.DataFrame({"a": [1]}), links={"b": "cite"})


# --------------------------------------------------------------------------- implied links (issue 19 §1)


def test_a_frame_from_the_data_links_its_ids_and_cites_its_sources():
    from companion import load

    events = load().events
    shown = events.sort_values("start").set_index("id")[["date", "source"]].head(2)
    text = markdown_table(shown)
    first = shown.index[0]
    assert "{ref}`" + first + " <row-events-" in text
    assert "{cite}`" + str(shown["source"].iloc[0]) + "`" in text
    # Told otherwise, the column stays text; a column that is not all ids of the table implies nothing.
    assert "{ref}" not in markdown_table(shown, links={"id": "text"})
    mixed = shown.reset_index().assign(id=[first, "not-a-row"])
    assert "{ref}" not in markdown_table(mixed, index=False)


def test_a_frame_not_from_the_data_implies_no_links():
    frame = pd.DataFrame({"id": ["claim-188-million"], "source": ["nurgaliev2007"]})
    assert "{ref}" not in markdown_table(frame, index=False) and "{cite}" not in markdown_table(frame, index=False)


def test_a_row_link_column_may_hold_several_ids():
    cell = link_cell("ctx-01-1, ctx-01-2", "row:context")
    assert cell == "{ref}`ctx-01-1 <row-context-ctx-01-1>`, {ref}`ctx-01-2 <row-context-ctx-01-2>`"
