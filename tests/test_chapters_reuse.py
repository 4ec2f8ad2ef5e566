"""The seminar reuses chapter values by running the chapter's own cells."""
import pytest

from companion.chapters import chapter_namespace
from companion.explorers import MECHANISMS


@pytest.mark.timeout(120)
def test_the_balance_table_comes_from_the_russia_china_chapter():
    counts = chapter_namespace("chapters/russia_china.md", until="mechanism_counts")["mechanism_counts"]
    assert set(counts.columns) == set(MECHANISMS)
    assert {"United States", "Russia", "China"} <= set(counts.index)
    assert int(counts.to_numpy().sum()) > 0


def test_a_name_no_cell_defines_is_reported():
    with pytest.raises(LookupError, match="no_such_value"):
        chapter_namespace("chapters/russia_china.md", until="no_such_value")
