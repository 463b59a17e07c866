"""Apply classification rules to an events frame: set ``kind`` and ``rule``.

How an event gets its kind, in order:

1. the enabled rule of highest priority whose pattern matches the message and whose constraints
   (source, level, service) hold — ties go to the rule listed first;
2. otherwise the kind the event already had (a parser may know it, e.g. from a structured field);
3. otherwise, if its level is ``error`` or ``critical``, kind ``error`` with rule ``error-level``;
4. otherwise no kind (null).

So a message that is both an error and an interruption is an interruption: the interruption rule
matches, and the level fallback only applies where no rule did.

The work is vectorized: one pass of all patterns joined into one regex finds the few events any
rule can match; only those go through the per-rule ``str.contains`` calls, combined by priority
(``pl.coalesce`` of ``pl.when`` terms in priority order: the first match wins). There is a loop
over rules, never over rows.
"""

from __future__ import annotations

import polars as pl

from timeliner.rules import Rule, Rules, load_rules

__all__ = ["ERROR_LEVEL_RULE", "Rules", "classify", "load_rules"]

ERROR_LEVEL_RULE = "error-level"
_ERROR_LEVELS = ("error", "critical")
_INDEX = "__rule_index"


def classify(events: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """Set the ``kind`` and ``rule`` columns of ``events`` from ``rules``; other columns are untouched.

    >>> import polars as pl
    >>> events = pl.DataFrame({"message": ["Started App in 8.1 seconds", "oops"], "level": ["info", "error"]})
    >>> classify(events, load_rules()).select("kind", "rule").rows()
    [('ready', 'spring-boot-started'), ('error', 'error-level')]
    """
    active = rules.active
    frame = events
    for name in ("kind", "rule"):
        if name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(name))
    if frame.height == 0:
        return frame
    index = _matching_rule_index(frame, active)
    kinds = [rule.kind for rule in active]
    names = [rule.name for rule in active]
    level = pl.col("level") if "level" in frame.columns else pl.lit(None, dtype=pl.String)
    fallback = level.is_in(_ERROR_LEVELS) & pl.col("kind").is_null()
    matched = index.is_not_null()
    return frame.with_columns(
        pl.when(matched)
        .then(index.replace_strict(range(len(kinds)), kinds, return_dtype=pl.String))
        .when(fallback)
        .then(pl.lit("error"))
        .otherwise(pl.col("kind"))
        .alias("kind"),
        pl.when(matched)
        .then(index.replace_strict(range(len(names)), names, return_dtype=pl.String))
        .when(fallback)
        .then(pl.lit(ERROR_LEVEL_RULE))
        .otherwise(pl.col("rule"))
        .alias("rule"),
    )


def _matching_rule_index(frame: pl.DataFrame, active: tuple[Rule, ...]) -> pl.Series:
    """Per event, the index in ``active`` of the winning rule, or null."""
    if not active:
        return pl.Series(_INDEX, [None] * frame.height, dtype=pl.Int64)
    message = pl.col("message").fill_null("")
    # One scan with every pattern at once: most events match nothing and are settled here.
    anything = message.str.contains("|".join(f"(?:{rule.regex})" for rule in active))
    candidates = frame.with_row_index(_INDEX).filter(anything)
    # The first non-null in priority order is the winner: the same as one when/then chain.
    by_priority = [pl.when(_condition(rule, candidates)).then(pl.lit(i)) for i, rule in enumerate(active)]
    winners = candidates.select(pl.col(_INDEX), pl.coalesce(by_priority).cast(pl.Int64).alias("winner"))
    full = pl.Series(_INDEX, [None] * frame.height, dtype=pl.Int64)
    return full.scatter(winners[_INDEX], winners["winner"]) if winners.height else full


def _condition(rule: Rule, frame: pl.DataFrame) -> pl.Expr:
    condition = pl.col("message").fill_null("").str.contains(rule.regex)
    if rule.level:
        condition &= pl.col("level").is_in(rule.level) if "level" in frame.columns else pl.lit(False)
    for column in ("source", "service"):
        globs = rule.source if column == "source" else rule.service
        if globs:
            # Globs are resolved against the few distinct values, then matched as a set.
            values = frame[column].unique().to_list() if column in frame.columns else []
            allowed = [v for v in values if rule.applies_to(column, v)]
            condition &= pl.col(column).is_in(allowed) if column in frame.columns else pl.lit(False)
    return condition
