"""Container logs: docker json-file and Kubernetes CRI; split lines joined; identity from the path."""

from __future__ import annotations

import pytest
from _golden import GoldenCase, check_golden, golden_cases

from timeliner.parsers import get_format
from timeliner.parsers.containers import ContainerIdentity, identity_from_path, sniff_cri, sniff_docker
from timeliner.sources import SourceFile


@pytest.mark.parametrize("case", golden_cases("containers"), ids=str)
def test_golden(case: GoldenCase) -> None:
    check_golden(case)


def test_docker_pieces_count_as_continuations_and_pod_is_the_group() -> None:
    result = check_golden(next(c for c in golden_cases("containers") if c.input.name.startswith("web-")))
    assert (result.units, result.events.height, result.continuations, result.rejects.height) == (9, 4, 3, 2)
    assert set(result.events["group"]) == {"shop/web-7d9c"}
    assert set(result.events["instance"]) == {"4f2a9c1e8b7d"}


@pytest.mark.parametrize(
    ("path", "identity"),
    [
        (
            "/var/log/pods/shop_web-7d9c_0d9e1f2a-3b4c-5d6e-7f80-91a2b3c4d5e6/api/3.log",
            ContainerIdentity("api", "shop/web-7d9c", "3"),
        ),
        (  # rotated by the kubelet, then compressed: still restart 0
            "logs/var/log/pods/kube-system_coredns-5d78c9869d-x2x4p_1b2c3d4e/coredns/0.log.20240502-101010.gz",
            ContainerIdentity("coredns", "kube-system/coredns-5d78c9869d-x2x4p", "0"),
        ),
        (
            "/var/lib/docker/containers/" + "ab" * 32 + "/" + "ab" * 32 + "-json.log",
            ContainerIdentity("abababababab", None, "abababababab"),
        ),
        ("docker_json/core_base_fluent-bit.log", ContainerIdentity("fluent-bit", "core/base")),
        ("exports/payments.log", ContainerIdentity("payments")),
    ],
)
def test_identity_from_path(path: str, identity: ContainerIdentity) -> None:
    assert identity_from_path(path) == identity


def test_cri_restart_count_from_file_name_is_the_instance() -> None:
    text = "2024-05-02T10:00:00Z stdout F Started\n"
    path = "/var/log/pods/shop_web-7d9c_0d9e1f2a-3b4c/api/4.log"
    result = get_format("cri").parse(SourceFile(path=path, text=text, encoding="utf-8"))
    assert result.events.select("service", "group", "instance").row(0) == ("api", "shop/web-7d9c", "4")


def test_sniffers_do_not_claim_each_other() -> None:
    docker = '{"log":"hi\\n","stream":"stdout","time":"2019-04-01T17:58:33.598656444Z"}\n'
    cri = "2016-10-06T00:17:09.669794202Z stdout F hi\n"
    assert (sniff_docker(docker), sniff_cri(docker)) == (0.97, 0.0)
    assert (sniff_docker(cri), sniff_cri(cri)) == (0.0, 0.97)


def test_empty_files() -> None:
    for name in ("docker-json", "cri"):
        result = get_format(name).parse(SourceFile(path="x.log", text="", encoding="utf-8"))
        assert (result.units, result.events.height) == (0, 0)
