"""Web server logs: access (common/combined/vhost), Apache error 2.0/2.4, nginx error."""

from __future__ import annotations

import pytest
from _golden import GoldenCase, check_golden, golden_cases

from timeliner.parsers import get_format
from timeliner.parsers.webserver import service_for
from timeliner.sources import SourceFile


def _case(fragment: str) -> GoldenCase:
    return next(c for c in golden_cases("webserver") if fragment in str(c))


@pytest.mark.parametrize("case", golden_cases("webserver"), ids=str)
def test_golden(case: GoldenCase) -> None:
    check_golden(case)


def test_apache_24_module_pid_and_thread() -> None:
    events = check_golden(_case("httpd")).events
    assert events["logger"].to_list() == [None, None, "core", "php", "mpm_event"]
    assert events["pid"].to_list() == [None, None, "1234", "2201", "1"]
    assert events["thread"].to_list() == [None, None, "5678", None, "140"]
    assert events["message"][3].splitlines()[1:] == [
        "Stack trace:",
        "#0 {main}",
        "  thrown in /var/www/index.php on line 3",
    ]


def test_nginx_pid_thread_and_connection() -> None:
    events = check_golden(_case("nginx")).events
    assert events.select("pid", "thread", "request_id").rows()[:2] == [("1", "1", None), ("123", "0", "456")]


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("/var/log/nginx/access.log", "nginx"),
        ("/var/log/httpd/error_log", "httpd"),
        ("/var/log/apache2/other_vhosts_access.log.1", "apache2"),
        ("logs/shop-frontend.access.log", "shop-frontend"),
        ("access.log", "access"),
    ],
)
def test_service_is_the_folder_when_the_file_name_is_generic(path: str, service: str) -> None:
    assert service_for(path) == service


def test_sniffers_are_exclusive() -> None:
    lines = {
        "access-log": '1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 5 "-" "x"\n',
        "apache-error": "[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6\n",
        "nginx-error": "2024/01/01 12:00:00 [error] 123#0: *456 connect() failed\n",
    }
    for name, line in lines.items():
        scores = {other: get_format(other).sniff(line) for other in lines}
        assert scores == {other: (0.95 if other == name else 0.0) for other in lines}


def test_empty_file() -> None:
    for name in ("access-log", "apache-error", "nginx-error"):
        result = get_format(name).parse(SourceFile(path="x.log", text="", encoding="utf-8"))
        assert (result.units, result.events.height) == (0, 0)
