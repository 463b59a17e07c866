"""gantt.html in headless Chromium: the plot renders offline, and hostile log text stays inert text.

The page is opened with every host name unresolvable, so it can only render if it is truly
self-contained. A small harness script (appended by the test, not part of the product) hovers the
hostile rows, so that their text is put into the DOM the way a reader's mouse would put it there.
"""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from timeliner.render import gantt, write_gantt_html
from timeliner.render.screenshot import FLAGS
from timeliner.schema import TIMELINE_SCHEMA

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    *FLAGS,  # the flags timeliner screenshot uses: headless, no background networking
    "--host-resolver-rules=MAP * ~NOTFOUND",  # no network: a CDN request could not succeed
]
SCRIPT_PAYLOAD = "<script>document.title='PWNED'</script>"
IMAGE_PAYLOAD = "<img src=x onerror=\"document.title='PWNED'\">"
LINK_PAYLOAD = "<a href=\"javascript:document.title='PWNED'\">click me</a>"
PAGE_TITLE = "INC-7 hostile input"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"headless Chromium not found at {CHROMIUM} (apt-get install chromium)"
    ),
]

HOVER_HARNESS = """
<script>
window.addEventListener('load', function () {
  var gd = document.querySelector('.plotly-graph-div');
  var targets = [];
  gd.data.forEach(function (trace, index) {
    if (trace.name === 'crash' || trace.name === 'interruption') { targets.push(index); }
  });
  var hovered = [];
  function next() {  // one hover at a time: plotly throttles hover events
    if (targets.length === 0) {
      var out = document.createElement('pre');
      out.id = 'hovered';
      out.textContent = hovered.join('\\n');
      document.body.appendChild(out);
      return;
    }
    Plotly.Fx.hover(gd, [{curveNumber: targets.shift(), pointNumber: 0}]);
    setTimeout(function () {
      var label = document.querySelector('.hoverlayer .hovertext');
      var lines = label ? label.querySelectorAll('tspan.line') : [];  // one tspan per <br> line
      hovered.push(Array.prototype.map.call(lines, function (line) { return line.textContent; }).join(' '));
      Plotly.Fx.unhover(gd);
      setTimeout(next, 200);
    }, 200);
  }
  setTimeout(next, 300);
});
</script>
"""


def at(minute: int) -> datetime:
    return datetime(2022, 3, 1, 12, minute, tzinfo=UTC)


def hostile_figure_page(directory: Path) -> Path:
    rows = pl.DataFrame(
        [
            {"start": at(1), "end": at(3), "kind": "restart_storm", "service": "integration-runtime", "count": 3,
             "summary": "3 restarts", "evidence": "rt.log:1"},
            {"start": at(2), "end": at(2), "kind": "crash", "service": "integration-runtime", "count": 1,
             "summary": f"crash {SCRIPT_PAYLOAD}", "evidence": "rt.log:9"},
            {"start": at(4), "end": at(4), "kind": "interruption", "service": IMAGE_PAYLOAD, "count": 1,
             "summary": f"see {LINK_PAYLOAD}", "evidence": IMAGE_PAYLOAD},
        ],
        schema=TIMELINE_SCHEMA,
    )  # fmt: skip
    events = pl.DataFrame(
        {"ts": [at(0), at(5)], "service": ["sftp-sync", "sftp-sync"], "source": ["log4j", "log4j"]}
    ).with_columns(pl.col("ts").cast(pl.Datetime("us", "UTC")))
    page = directory / "gantt.html"
    write_gantt_html(gantt(rows, events, tz="Europe/Amsterdam", title=PAGE_TITLE), page)
    return page


def dump_dom(page: Path, profile: Path) -> str:
    command = [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=10000"]
    done = subprocess.run(
        [*command, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def without_scripts(dom: str) -> str:
    """The DOM minus the text of <script> elements (plotly.js itself mentions <img>, <a>, ...)."""
    return re.sub(r"<script\b[^>]*>.*?</script>", "", dom, flags=re.S | re.I)


def inert_hover_labels(visible: str) -> str:
    """Check ``visible`` (a DOM without scripts) holds no image and no javascript: link; its hover text.

    The hover harness writes every hover label's textContent into <pre id="hovered">, serialized:
    < > & are entities there, so a payload that stayed text shows escaped.
    """
    assert re.search(r"<img\b", visible, flags=re.I) is None
    assert re.search(r"<a\b[^>]*javascript:", visible, flags=re.I) is None
    hovered = re.search(r'<pre id="hovered">(.*?)</pre>', visible, flags=re.S)
    assert hovered is not None, "the hover harness did not run"
    return hovered.group(1)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> str:
    directory = tmp_path_factory.mktemp("browser")
    page = hostile_figure_page(directory)
    harnessed = directory / "gantt_hovered.html"
    harnessed.write_text(
        page.read_text(encoding="utf-8").replace("</body>", HOVER_HARNESS + "</body>"), "utf-8"
    )
    return dump_dom(harnessed, directory / "profile")


def test_the_plot_renders_offline_with_its_lanes(rendered: str) -> None:
    visible = without_scripts(rendered)
    assert 'class="main-svg"' in visible
    lane_labels = [
        re.sub(r"<[^>]+>", "", tick) for tick in re.findall(r'<g class="ytick">(.*?)</g>', visible)
    ]
    assert "integration-runtime" in lane_labels
    assert "sftp-sync  log4j" in lane_labels  # service, then its log format in small grey type
    assert len(re.findall(r'<path class="point"', visible)) >= 1  # the storm bar (and coverage bars)


def test_hostile_text_did_not_run(rendered: str) -> None:
    head = re.search(r"<head>(.*?)</head>", rendered, flags=re.S)
    assert head is not None
    assert re.findall(r"<title>(.*?)</title>", head.group(1), flags=re.S) == [PAGE_TITLE]


def test_hostile_text_made_no_image_or_link_and_shows_as_text(rendered: str) -> None:
    visible = without_scripts(rendered)
    labels = inert_hover_labels(visible)
    assert "crash &lt;script&gt;document.title='PWNED'&lt;/script&gt;" in labels
    assert "see &lt;a href=\"javascript:document.title='PWNED'\"&gt;click me&lt;/a&gt;" in labels
    assert "&lt;img src=x onerror=\"document.title='PWNED'\"&gt;" in labels  # service and evidence
    # The service name with the image payload is a lane label, as text.
    assert "&lt;img src=x onerror=\"document.title='PWNED'\"&gt;" in re.sub(
        r"<pre.*?</pre>", "", visible, flags=re.S
    )
