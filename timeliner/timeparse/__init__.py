"""Timestamps → UTC instants, as polars expressions over whole columns.

Two kinds of text reach this package:

* text that fixes an instant by itself (an offset, a ``Z``, an epoch, an Apache ``+0000``):
  parsed straight to ``Datetime("us", "UTC")`` — :func:`iso_to_utc`, :func:`epoch_to_utc`,
  :func:`apache_to_utc`, :func:`rfc2822_to_utc`, :func:`parse_with_format` with ``%z``;
* wall-clock text with no zone: parsed to a naive ``Datetime("us")`` (the partial frame's
  ``ts_local``) and later *localized* by normalize with the zone configured for that file —
  :func:`iso_to_local`, :func:`ctime_to_local`, :func:`twodigit_year_to_local`, and the yearless
  :func:`syslog_to_local`, :func:`android_to_local`, :func:`yearless_to_local`, which put
  :data:`timeliner.schema.PLACEHOLDER_YEAR` in the year for normalize to replace.

A parser cuts the timestamp text out of its lines and calls one of these; it never loops over
rows. Localizing (:func:`localize`) is where incidents get their order wrong, so it decides
the DST traps explicitly and reports them (see ``_localize``).
"""

from __future__ import annotations

from timeliner.timeparse._epoch import EPOCH_UNIT_BOUNDS, EPOCH_UNITS, epoch_to_utc, epoch_unit
from timeliner.timeparse._forms import (
    android_to_local,
    apache_to_utc,
    ctime_to_local,
    pad_milliseconds,
    parse_with_format,
    posix_pivot,
    syslog_to_local,
    twodigit_year_to_local,
    yearless_to_local,
)
from timeliner.timeparse._iso import (
    has_offset,
    iso_columns,
    iso_columns_given_instant,
    iso_to_local,
    iso_to_utc,
    repair_iso,
    rfc2822_to_utc,
)
from timeliner.timeparse._localize import (
    DST_REPEAT_MIN_STEP,
    LocalizeReport,
    local_to_utc,
    localize,
    validate_zone,
)

__all__ = [
    "DST_REPEAT_MIN_STEP",
    "EPOCH_UNITS",
    "EPOCH_UNIT_BOUNDS",
    "LocalizeReport",
    "android_to_local",
    "apache_to_utc",
    "ctime_to_local",
    "epoch_to_utc",
    "epoch_unit",
    "has_offset",
    "iso_columns",
    "iso_columns_given_instant",
    "iso_to_local",
    "iso_to_utc",
    "local_to_utc",
    "localize",
    "pad_milliseconds",
    "parse_with_format",
    "posix_pivot",
    "repair_iso",
    "rfc2822_to_utc",
    "syslog_to_local",
    "twodigit_year_to_local",
    "validate_zone",
    "yearless_to_local",
]
