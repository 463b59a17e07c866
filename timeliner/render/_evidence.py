"""Shorten an ``evidence`` cell (``a.log:1;a.log:2;... +N more``) for display."""

from __future__ import annotations

import polars as pl

_UNLISTED = r"\+(\d+) more\s*$"


def short_evidence(evidence: pl.Expr, *, keep: int, separator: str = "; ") -> pl.Expr:
    """The first ``keep`` references and ``+N more`` for the rest; null when there is no evidence.

    Both spellings of the tail are understood: ``a;b;+3 more`` and ``a;b +3 more``.

    Examples
    --------
    >>> frame = pl.DataFrame({"e": ["a.log:1;a.log:5;b.log:2 +7 more", "", None]})
    >>> frame.select(short_evidence(pl.col("e"), keep=1))["e"].to_list()
    ['a.log:1 +9 more', None, None]
    """
    text = evidence.fill_null("")
    listed = text.str.replace(r"[;\s]*" + _UNLISTED, "").str.split(";")
    references = listed.list.eval(pl.element().str.strip_chars()).list.eval(
        pl.element().filter(pl.element() != "")
    )
    unlisted = text.str.extract(_UNLISTED, 1).cast(pl.Int64).fill_null(0)
    others = (references.list.len().cast(pl.Int64) - keep).clip(lower_bound=0) + unlisted
    shown = references.list.head(keep).list.join(separator)
    more = pl.when(others > 0).then(pl.format(" +{} more", others)).otherwise(pl.lit(""))
    return (
        pl.when(references.list.len().cast(pl.Int64) > 0)
        .then(shown + more)
        .otherwise(pl.lit(None, pl.String))
    )
