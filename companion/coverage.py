"""``python -m companion.coverage``: how many data rows cite each paragraph and footnote.

For every block of each article (see :mod:`companion.evidence`) prints the number of
rows whose locator names it and the block's first words; ``<-- none`` marks the blocks
no row cites yet, which is where coding is still missing.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from companion.data import DATA_DIR
from companion.evidence import Article, citing_rows, load_articles

FIRST_WORDS = 9


def block_counts(article: Article, data_dir: Path = DATA_DIR) -> tuple[Counter, list[str]]:
    """Rows citing each block index, and the rows whose locator names no block."""
    counts: Counter = Counter()
    unplaced = []
    for row in citing_rows(data_dir):
        if row.source != article.layout.key:
            continue
        try:
            counts.update(article.resolve(row.locator))
        except ValueError as error:
            unplaced.append(f"{row.file}, row {row.row} ({row.row_id}): {error}")
    return counts, unplaced


def report(data_dir: Path = DATA_DIR, sources: Path | None = None) -> str:
    """The coverage table of every readable article, as text."""
    articles, unreadable = load_articles(sources)
    lines = [f"Could not read the text of {key}: {reason}" for key, reason in unreadable.items()]
    for key, article in articles.items():
        counts, unplaced = block_counts(article, data_dir)
        covered = sum(1 for i in range(len(article.blocks)) if counts[i])
        lines.append(f"\n{key}: {covered} of {len(article.blocks)} blocks cited by at least one row")
        section = None
        for index, block in enumerate(article.blocks):
            if block.section != section and block.kind == "para":
                section = block.section
                lines.append(f"  {section}")
            words = " ".join(block.text.split()[:FIRST_WORDS])
            mark = "  <-- none" if not counts[index] else ""
            name = f"para {block.number}" if block.kind == "para" else f"fn {block.number}"
            lines.append(f"    {name:>8} {counts[index]:>4}  {words} ...{mark}")
        lines += [f"  locator names no block: {u}" for u in unplaced]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--sources", type=Path, default=None)
    args = parser.parse_args(argv)
    print(report(args.data_dir, args.sources))
    return 0


if __name__ == "__main__":
    sys.exit(main())
