"""Capture groups without the slow part: the rest of a line is sliced off, not captured.

polars' regex engine finds *whether and where* a pattern matches with a fast automaton, but
filling capture groups runs a slower engine over the whole matched span. Most line grammars end
in ``(?<msg>.*)$`` ("and the rest of the line is the message"), which makes that span the whole
line: on a 470 k-line Spring Boot log that tail capture was three quarters of the parse time.

:func:`extract_groups` gives exactly what ``str.extract_groups(pattern)`` gives, but when the
pattern ends in such a tail group it captures only the head (a short span) and takes the tail as
the text after it (``str.slice``). ``.*$`` matches the rest of the text unless a newline is in
it (``.`` does not match ``\\n`` and ``$`` is the end of the text), so a row whose rest holds a
newline is no match, as before.

When a sample shows the matched heads repeating (a Spring Boot line's ``INFO 1 --- [main]
c.e.App :``), the fast automaton finds each row's match (``str.extract_all``) and the groups are
captured once per distinct match, then joined back. Inputs under :data:`SMALL_ROWS` rows take the
plain capture: the steps cost more than they save there.

Use it where its struct becomes one column (``with_columns(_h=extract_groups(...)).unnest("_h")``)
or from :func:`extract_groups_series` directly: it runs as a Python function per batch, and polars
does not share such a function's result between two expressions that each read a field of it.
"""

from __future__ import annotations

import re
from functools import partial

import polars as pl

# "(?<name>.*)$" (the rest of a line) or "(?<name>(?s:.*))$" (the rest of the text, newlines and
# all) at the very end of a pattern; the head before it must be a whole pattern too.
_TAIL_GROUP = re.compile(r"\(\?<(?P<name>\w+)>(?:(?P<dotall>\(\?s:\.\*\))|\.\*)\)\$$")
_GROUP_NAME = re.compile(r"\(\?<(\w+)>")
_MATCHED = "__matched"


def group_names(pattern: str) -> list[str]:
    """The named groups of ``pattern``, in order."""
    return _GROUP_NAME.findall(pattern)


def extract_groups(text: pl.Expr, pattern: str, *, matched: str | None = None) -> pl.Expr:
    """``text.str.extract_groups(pattern)``, with a trailing ``(?<name>.*)$`` sliced instead of captured.

    With ``matched``, the struct has one more (Boolean) field of that name: where the pattern matched
    (a null text gives a null struct, as polars does).
    The work happens once per column (:func:`extract_groups_series`), whatever the struct's fields feed.
    """
    names = group_names(pattern)
    dtype = pl.Struct({**dict.fromkeys(names, pl.String), **({matched: pl.Boolean} if matched else {})})
    return text.map_batches(
        partial(extract_groups_series, pattern=pattern, matched=matched),
        return_dtype=dtype,
        is_elementwise=True,
    )


# Below this many rows the plain capture is cheaper than the steps that avoid it (each polars call
# costs ~0.1 ms whatever its size: a folder of 10,000 one-line files pays them per file).
SMALL_ROWS = 5000


def extract_groups_series(text: pl.Series, pattern: str, matched: str | None = None) -> pl.Series:
    """:func:`extract_groups` over one Series (a struct Series of the same length)."""
    small = text.len() < SMALL_ROWS  # small: the plain capture of the whole pattern
    tail = None if small else _TAIL_GROUP.search(pattern)
    if tail is not None and (_top_level_alternation(pattern[: tail.start()]) or not pattern.startswith("^")):
        tail = None  # the tail would bind to one branch only, or the match need not start the text
    head = pattern if tail is None else pattern[: tail.start()]
    names = group_names(head)
    if not small and _spans_repeat(text, head):
        span = text.str.extract_all(head).list.first()  # the fast automaton finds the same match
        groups = _groups_by_distinct_span(span, head, names)
    else:
        found = text.str.extract_groups(f"(?<{_MATCHED}>{head})").struct.unnest()
        span, groups = found.get_column(_MATCHED), found.select(names)
    hit = span.is_not_null()
    if tail is not None:
        rest = text.str.slice(span.str.len_chars())
        if not tail.group("dotall"):
            hit = hit & ~rest.str.contains("\n", literal=True)
        groups = groups.select(
            *(pl.when(hit).then(pl.col(name)).alias(name) for name in names),
            pl.when(hit).then(rest).alias(tail.group("name")),
        )
    if matched:
        groups = groups.with_columns(hit.fill_null(False).alias(matched))
    return _null_where_null(text, groups)


def _null_where_null(text: pl.Series, groups: pl.DataFrame) -> pl.Series:
    """``groups`` as a struct Series, null where ``text`` is: polars gives a null struct, not one of nulls."""
    out = groups.to_struct(text.name)
    if text.null_count():
        out = pl.select(pl.when(pl.lit(text).is_not_null()).then(pl.lit(out))).to_series().alias(text.name)
    return out


# Matched spans are captured once per distinct span when a sample shows at most this share distinct
# (the "LEVEL pid --- [thread] logger :" of a Spring Boot line: a few hundred in a big file).
DISTINCT_SHARE = 0.25
_SAMPLE = 2000


def _spans_repeat(text: pl.Series, head: str) -> bool:
    """Whether capturing distinct matched spans pays off (and gives the same groups) for ``head``.

    Captures read from a span alone equal those read in the whole text when nothing in ``head``
    looks past the span's end: no ``$`` before its end, no word boundary.
    """
    if not head.startswith("^") or "$" in head[:-1] or "\\b" in head or "\\B" in head:
        return False
    present = text.drop_nulls()
    if present.len() < 10 * _SAMPLE // 100:
        return False
    sample = (
        present.gather_every(max(1, present.len() // _SAMPLE)).str.extract_all(head).list.first().drop_nulls()
    )
    return sample.len() > 0 and sample.n_unique() <= DISTINCT_SHARE * sample.len()


def _groups_by_distinct_span(span: pl.Series, head: str, names: list[str]) -> pl.DataFrame:
    """The named groups of ``head`` for each span, captured once per distinct span and joined back."""
    distinct = span.unique().drop_nulls().to_frame("__span")
    captured = distinct.with_columns(__g=pl.col("__span").str.extract_groups(head)).unnest("__g")
    joined = span.to_frame("__span").join(captured, on="__span", how="left", maintain_order="left")
    return joined.select(names)


def _top_level_alternation(head: str) -> bool:
    """Whether ``head`` has a ``|`` outside any group (then the tail binds only to the last branch)."""
    depth, escaped, in_class = 0, False, False
    for char in head:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return True
    return False
