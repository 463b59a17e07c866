"""Every real log in ../shared/corpus (application and system logs) is detected right and read whole.

CloudWatch and Sentry exports (``cloudwatch/``, ``sentry/``) are walked by their own tests. For
each file: the format detection chooses (with no tie), the line-accounting identity, under 1 %
rejects unless listed in :data:`EXPECTED_REJECTS` with the reason, and at least one event unless
the file holds no placeable time at all.
"""

from __future__ import annotations

import pytest
from _corpus import corpus_dir

from timeliner.parsers import detect_format
from timeliner.sources import read_source

pytestmark = pytest.mark.corpus

OTHER_HELPERS = ("cloudwatch", "sentry")
NOT_LOGS = {"MANIFEST.md", "LICENSE"}

EXPECTED_FORMAT = {
    "apache_access/apache_logs_first5000.log": "access-log",
    "docker_json/core_base_fluent-bit.log": "docker-json",
    "docker_json/default_apache-logs_apache-logs.log": "docker-json",
    "docker_json/socks_session-db-fdd649d68-cq5sp_istio-proxy.log": "docker-json",
    "docker_json/socks_session-db-fdd649d68-cq5sp_session-db.log": "docker-json",
    "journald/faasd_journalctl_json_line.json": "journald-json",
    "journald/systemd_doc_export_format_example.txt": "journald-export",
    "journald/systemd_doc_json_special_cases.json": "journald-json",
    "jsonlines/pino_ibm_satellite_connector_agent.ndjson": "json-lines",
    "jsonlines/prometheus_issue8231_gokit_json.ndjson": "json-lines",
    "k8s/describe_pod_crashloopbackoff_kube-eventer_issue285.txt": "kubectl-describe",
    "k8s/describe_pod_events_kubernetes_issue10861_2015.txt": "kubectl-describe",
    "k8s/describe_pod_oomkilled_kubernetes_issue98157.txt": "kubectl-describe",
    "k8s/eventlist_v1_leaderelection_fluentbit.json": "k8s-events-json",
    "k8s/get_pods_oomkilled_hmcts_pr28772.txt": "kubectl-get-pods",
    "k8s/kube-eventer_issue285_webhook_event.txt": "kube-event-text",
    "logfmt/prometheus_helmcharts2812_startup.logfmt": "logfmt",
    "logfmt/prometheus_issue12976_sigterm_pasted.logfmt": "logfmt",
    "logfmt/prometheus_issue14672_sigterm_shutdown.logfmt": "logfmt",
    "loghub/Apache_2k.log": "apache-error",
    "loghub/HDFS_2k.log": "log4j",
    "loghub/HPC_2k.log": "lanl-hpc",
    "loghub/Hadoop_2k.log": "log4j",
    "loghub/HealthApp_2k.log": "healthapp",
    "loghub/Linux_2k.log": "syslog",
    "loghub/Mac_2k.log": "syslog",
    "loghub/OpenSSH_2k.log": "syslog",
    "loghub/OpenStack_2k.log": "python-logging",
    "loghub/Proxifier_2k.log": "proxifier",
    "loghub/Spark_2k.log": "log4j",
    "loghub/Thunderbird_2k.log": "thunderbird",
    "loghub/Windows_2k.log": "windows-cbs",
    "python_logging/home-assistant_geekly.log": "python-logging",
    "syslog/rfc5424_rfc3164_spec_examples.txt": "syslog-rfc5424",
}
# Files with no placeable time, rejected whole on purpose (count of rejected units, and why).
EXPECTED_REJECTS = {
    "k8s/get_pods_oomkilled_hmcts_pr28772.txt": (1, "kubectl get pods gives only relative times"),
    "journald/systemd_doc_json_special_cases.json": (1, "journal entry has no __REALTIME_TIMESTAMP"),
}


def test_every_corpus_file_of_ours_is_expected() -> None:
    root = corpus_dir()
    found = {
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and p.name not in NOT_LOGS and p.relative_to(root).parts[0] not in OTHER_HELPERS
    }
    assert found == set(EXPECTED_FORMAT), "corpus files and EXPECTED_FORMAT differ"


@pytest.mark.parametrize("relative", sorted(EXPECTED_FORMAT))
def test_corpus_file_is_detected_and_read_whole(relative: str) -> None:
    source = read_source(str(corpus_dir() / relative))
    detection = detect_format(source)
    assert (detection.format.name, detection.runners_up) == (EXPECTED_FORMAT[relative], ())
    result = detection.format.parse(source)
    assert result.units == result.events.height + result.continuations + result.rejects.height
    if relative in EXPECTED_REJECTS:
        count, reason = EXPECTED_REJECTS[relative]
        assert result.rejects.height == count
        assert all(r.startswith(reason) for r in result.rejects["reason"])
        return
    assert result.rejects.height < max(1, result.units / 100), result.rejects.head(5)
    assert result.events.height >= 1
    assert result.events.filter(
        result.events["ts_utc"].is_null() & result.events["ts_local"].is_null()
    ).is_empty()
