"""Parsers: one module per format family, each registering itself on import.

Adding a format is one module plus one line in the import list below; ``tests/test_registry.py``
fails if a module in this package is not imported here.
"""

from timeliner.parsers import (  # noqa: F401  (imported to register their formats)
    cloudwatch_insights,
    cloudwatch_json,
    cloudwatch_s3,
    cloudwatch_subscription,
    containers,
    generic,
    healthapp,
    journald,
    jsonlines,
    k8s_events,
    kubectl,
    log4j,
    logcat,
    logfmt,
    proxifier,
    python_logging,
    sentry_csv,
    sentry_json,
    sentry_payload,
    supercomputer,
    syslog,
    webserver,
    windows_cbs,
)
from timeliner.parsers._registry import (
    BatchResult,
    Detection,
    Format,
    ParseResult,
    all_formats,
    detect_format,
    get_format,
)

__all__ = ["BatchResult", "Detection", "Format", "ParseResult", "all_formats", "detect_format", "get_format"]
