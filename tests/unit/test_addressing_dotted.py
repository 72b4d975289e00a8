"""Virtual-host or path style: a bucket name with dots stays path-style over HTTPS (a wildcard
certificate does not match ``a.b.s3.amazonaws.com``); ``auto`` keeps dotted names path-style over
plain HTTP too, and only ``style="virtual"`` puts them in the host name."""

from __future__ import annotations

from aiominio.core.endpoint import build_target, parse_endpoint, virtual_host_ok


def test_dotted_bucket_over_https_stays_path_style() -> None:
    aws = parse_endpoint("https://s3.amazonaws.com")
    target = build_target(aws, "my.bucket", "k", region="us-east-1")
    assert target.url == "https://s3.amazonaws.com/my.bucket/k"
    assert (target.host, target.path) == ("s3.amazonaws.com", "/my.bucket/k")
    assert not virtual_host_ok(aws, "my.bucket")
    # the same name without dots goes virtual-host, with the region's host
    target = build_target(aws, "my-bucket", "k", region="eu-west-1")
    assert target.url == "https://my-bucket.s3.eu-west-1.amazonaws.com/k"
    assert target.path == "/k"
    assert build_target(aws, "my-bucket", None, region="us-east-1").url == (
        "https://my-bucket.s3.amazonaws.com/"
    )


def test_dotted_bucket_over_http_stays_path_style_too() -> None:
    aws = parse_endpoint("http://s3.amazonaws.com")
    assert not virtual_host_ok(aws, "my.bucket")
    assert build_target(aws, "my.bucket", "k").url == "http://s3.amazonaws.com/my.bucket/k"
    assert build_target(aws, "mybucket", "k").url == "http://mybucket.s3.amazonaws.com/k"


def test_names_dns_cannot_carry_stay_path_style() -> None:
    aws = parse_endpoint("https://s3.us-west-2.amazonaws.com")
    for name in ("a--b", "Upper", "under_score", "ab-"):
        assert not virtual_host_ok(aws, name)
    assert virtual_host_ok(aws, "abc")
    assert build_target(aws, "a--b", None).url == "https://s3.us-west-2.amazonaws.com/a--b"


def test_forced_styles_and_custom_endpoints() -> None:
    aws = parse_endpoint("https://s3.amazonaws.com")
    assert build_target(aws, "my.bucket", "k", style="virtual").url == (
        "https://my.bucket.s3.amazonaws.com/k"
    )
    assert build_target(aws, "abc", "k", style="path").url == "https://s3.amazonaws.com/abc/k"
    local = parse_endpoint("https://storage.example.com:9000")
    assert build_target(local, "abc", "k").url == "https://storage.example.com:9000/abc/k"
    assert build_target(local, "abc", "").url == "https://storage.example.com:9000/abc/"
    assert build_target(local).url == "https://storage.example.com:9000/"
