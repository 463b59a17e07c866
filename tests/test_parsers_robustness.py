"""Every app/system-log format survives what real files do: CRLF, a BOM, Latin-1, no final newline,
a very long line — same format detected, same events, every line accounted for."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeliner.errors import InputFileError
from timeliner.parsers import detect_format, get_format
from timeliner.sources import SourceFile, read_source

LONG = "x" * 200_000  # longer than any sniff window or runtime line buffer

# Two events per format; the second line's message is where the long text goes ({tail}).
SAMPLES = {
    "log4j": "2024-05-02 10:00:00,001 INFO [main] c.e.App: up\n2024-05-02 10:00:01,002 ERROR [main] c.e.App: boom {tail}\n",
    "python-logging": "2024-05-02 10:00:00,001 - app - INFO - up\n2024-05-02 10:00:01,002 - app - ERROR - boom {tail}\n",
    "syslog": "May  2 10:00:00 web-1 app[12]: up\nMay  2 10:00:01 web-1 app[12]: boom {tail}\n",
    "syslog-rfc5424": "<14>1 2024-05-02T10:00:00Z web-1 app 12 - - up\n<11>1 2024-05-02T10:00:01Z web-1 app 12 - - boom {tail}\n",
    "json-lines": '{"level":30,"time":1714644000000,"msg":"up"}\n{"level":50,"time":1714644001000,"msg":"boom {tail}"}\n',
    "logfmt": 'ts=2024-05-02T10:00:00Z level=info msg=up\nts=2024-05-02T10:00:01Z level=error msg="boom {tail}"\n',
    "docker-json": '{"log":"up\\n","stream":"stdout","time":"2024-05-02T10:00:00Z"}\n'
    '{"log":"boom {tail}\\n","stream":"stderr","time":"2024-05-02T10:00:01Z"}\n',
    "cri": "2024-05-02T10:00:00Z stdout F up\n2024-05-02T10:00:01Z stderr F boom {tail}\n",
    "access-log": '1.2.3.4 - - [02/May/2024:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "x"\n'
    '1.2.3.4 - - [02/May/2024:10:00:01 +0000] "GET /boom{tail} HTTP/1.1" 502 5 "-" "x"\n',
    "apache-error": "[Thu May 02 10:00:00 2024] [notice] up\n[Thu May 02 10:00:01 2024] [error] boom {tail}\n",
    "nginx-error": "2024/05/02 10:00:00 [notice] 1#1: up\n2024/05/02 10:00:01 [error] 1#1: boom {tail}\n",
    "journald-json": '{ "__REALTIME_TIMESTAMP" : "1714644000000000", "MESSAGE" : "up" }\n'
    '{ "__REALTIME_TIMESTAMP" : "1714644001000000", "MESSAGE" : "boom {tail}" }\n',
    "logcat": "05-02 10:00:00.000  12  13 I App: up\n05-02 10:00:01.000  12  13 E App: boom {tail}\n",
    "windows-cbs": "2024-05-02 10:00:00, Info                  CBS    up\n"
    "2024-05-02 10:00:01, Error                 CBS    boom {tail}\n",
    "proxifier": "[05.02 10:00:00] app.exe - up\n[05.02 10:00:01] app.exe - boom {tail}\n",
    "healthapp": "20240502-10:0:0:1|Step|12|up\n20240502-10:0:1:2|Step|12|boom {tail}\n",
    "generic": "2024-05-02 10:00:00 up\n2024-05-02 10:00:01 boom {tail}\n",
}


def _variants(text: str) -> dict[str, bytes]:
    plain = text.replace("{tail}", "")
    return {
        "plain": plain.encode(),
        "crlf": plain.replace("\n", "\r\n").encode(),
        "bom": b"\xef\xbb\xbf" + plain.encode(),
        "no-final-newline": plain.rstrip("\n").encode(),
        "latin-1": text.replace("{tail}", "caf\xe9").encode("latin-1"),
        "long-line": text.replace("{tail}", LONG).encode(),
    }


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_format_survives_real_file_damage(name: str, tmp_path: Path) -> None:
    for variant, data in _variants(SAMPLES[name]).items():
        path = tmp_path / f"{variant}.log"
        path.write_bytes(data)
        source = read_source(str(path))
        detection = detect_format(source)
        assert detection.format.name == name, variant
        result = detection.format.parse(source)
        assert (result.units, result.events.height, result.rejects.height) == (2, 2, 0), variant
        last = result.events.sort("line")["message"][-1]
        assert "boom" in last and not last.endswith("\r"), variant
        if variant == "long-line":
            assert LONG in last
        if variant == "latin-1":
            assert "café" in last


APP_LOG_FORMATS = sorted(
    {*SAMPLES, "bgl", "thunderbird", "lanl-hpc", "journald-export", "kubectl-describe", "kubectl-get-pods"}
    | {"kube-event-text", "k8s-events-json"}
)


@pytest.mark.parametrize("name", APP_LOG_FORMATS)
@pytest.mark.parametrize(
    "text", ["", "\n \n", "garbage that is no log\n", "{\n"], ids=["empty", "blank", "garbage", "brace"]
)
def test_odd_input_is_accounted_for_not_a_crash(name: str, text: str) -> None:
    source = SourceFile(path="odd.log", text=text, encoding="utf-8")
    if name == "k8s-events-json" and text.strip():
        # One JSON document: damage is reported for the whole file, naming it (the pipeline rejects it).
        with pytest.raises(InputFileError, match=r"^odd.log: is not valid JSON"):
            get_format(name).parse(source)
        return
    result = get_format(name).parse(source)
    assert result.units == result.events.height + result.continuations + result.rejects.height
    assert result.events.height == 0
