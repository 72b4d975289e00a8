from __future__ import annotations

import re

import pytest

from aiominio.core.endpoint import build_target, parse_endpoint, virtual_host_ok
from aiominio.errors import InvalidArgument


@pytest.mark.parametrize(
    ("text", "kwargs", "scheme", "host", "port", "aws", "region"),
    [
        ("https://s3.amazonaws.com", {}, "https", "s3.amazonaws.com", 443, True, None),
        ("https://play.minio.io:9000", {}, "https", "play.minio.io", 9000, False, None),
        ("localhost", {}, "https", "localhost", 443, False, None),
        ("localhost", {"secure": False}, "http", "localhost", 80, False, None),
        ("play.minio.io", {"port": 9000}, "https", "play.minio.io", 9000, False, None),
        ("http://127.0.0.1:9000", {}, "http", "127.0.0.1", 9000, False, None),
        ("127.0.0.1:9000", {"secure": False}, "http", "127.0.0.1", 9000, False, None),
        ("::1", {}, "https", "::1", 443, False, None),
        ("[::1]", {"secure": False}, "http", "::1", 80, False, None),
        ("[::1]:9000", {}, "https", "::1", 9000, False, None),
        ("http://[2001:db8::1]:9000/", {}, "http", "2001:db8::1", 9000, False, None),
        ("2001:db8::1", {"port": 9000}, "https", "2001:db8::1", 9000, False, None),
        (
            "s3.eu-west-1.amazonaws.com",
            {},
            "https",
            "s3.eu-west-1.amazonaws.com",
            443,
            True,
            "eu-west-1",
        ),
        (
            "s3-us-west-2.amazonaws.com",
            {},
            "https",
            "s3-us-west-2.amazonaws.com",
            443,
            True,
            "us-west-2",
        ),
        ("S3.AMAZONAWS.COM", {}, "https", "s3.amazonaws.com", 443, True, None),
    ],
)
def test_parse(
    text: str,
    kwargs: dict[str, object],
    scheme: str,
    host: str,
    port: int,
    aws: bool,
    region: str | None,
) -> None:
    ep = parse_endpoint(text, **kwargs)  # type: ignore[arg-type]
    assert (ep.scheme, ep.host, ep.port, ep.aws, ep.region) == (scheme, host, port, aws, region)


@pytest.mark.parametrize(
    ("text", "kwargs", "match"),
    [
        ("", {}, "non-empty"),
        ("ftp://host", {}, "scheme"),
        ("https://host/path", {}, "path"),
        ("https://user:pw@host", {}, "credentials"),
        ("host:99999", {}, "port"),
        ("host:abc", {}, "port"),
        ("[::1", {}, "brackets"),
        ("[not-an-ip]:80", {}, "IPv6"),
        ("bad_host!", {}, "host name"),
        ("https://host", {"secure": False}, "contradicts"),
        ("host:9000", {"port": 9001}, "contradicts"),
        ("host", {"port": 0}, "range"),
        ("host/with/slash", {}, "host name"),
    ],
)
def test_parse_rejects(text: str, kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        parse_endpoint(text, **kwargs)  # type: ignore[arg-type]


def test_host_header_omits_default_port_and_brackets_ipv6() -> None:
    assert parse_endpoint("https://h:443").netloc() == "h"
    assert parse_endpoint("http://h:80").netloc() == "h"
    assert parse_endpoint("http://h:9000").netloc() == "h:9000"
    assert parse_endpoint("[::1]:9000").netloc() == "[::1]:9000"


def test_path_style_for_custom_endpoints_and_ips() -> None:
    ep = parse_endpoint("http://127.0.0.1:9000")
    t = build_target(ep, "bucket", "a b/c+d%e?f#g", (("uploads", ""),))
    assert t.url == "http://127.0.0.1:9000/bucket/a%20b/c%2Bd%25e%3Ff%23g?uploads="
    assert t.path == "/bucket/a b/c+d%e?f#g"
    assert t.host == "127.0.0.1:9000"
    assert build_target(ep, "bucket").url == "http://127.0.0.1:9000/bucket"
    assert build_target(ep).url == "http://127.0.0.1:9000/"


def test_keys_keep_double_slashes_and_dots() -> None:
    ep = parse_endpoint("http://localhost:9000")
    assert build_target(ep, "b", "a//b/../c").url == "http://localhost:9000/b/a//b/../c"


def test_virtual_host_on_aws() -> None:
    ep = parse_endpoint("https://s3.amazonaws.com")
    t = build_target(ep, "my-bucket", "k")
    assert t.url == "https://my-bucket.s3.amazonaws.com/k"
    assert t.host == "my-bucket.s3.amazonaws.com"
    assert t.path == "/k"
    regional = build_target(ep, "my-bucket", "k", region="eu-west-1")
    assert regional.url == "https://my-bucket.s3.eu-west-1.amazonaws.com/k"
    # Dots do not fit a wildcard TLS certificate, so such names stay path-style over HTTPS.
    assert build_target(ep, "my.bucket", "k").url == "https://s3.amazonaws.com/my.bucket/k"
    assert build_target(ep, "my-bucket", "k", style="path").url == (
        "https://s3.amazonaws.com/my-bucket/k"
    )


def test_virtual_host_can_be_forced() -> None:
    ep = parse_endpoint("http://minio.local:9000")
    assert build_target(ep, "b1b", "k", style="virtual").url == "http://b1b.minio.local:9000/k"


@pytest.mark.parametrize(
    "endpoint",
    ["http://a\nb.com", "http://a\tb.com:9000", "https://x\r.com", "a b.com", "http://e\x00.com"],
)
def test_control_characters_in_an_endpoint_are_refused(endpoint: str) -> None:
    # urlsplit drops tabs, CRs and LFs: "http://a\nb.com" would otherwise reach ab.com.
    with pytest.raises(InvalidArgument, match="spaces or control characters"):
        parse_endpoint(endpoint)


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [
        ("  ", "endpoint must be a non-empty string"),
        ("http://h/?x=1", "endpoint must not have a path, query or fragment"),
        ("http://h?x=1", "endpoint must not have a path, query or fragment"),
        ("http://h#frag", "endpoint must not have a path, query or fragment"),
        ("http://user@h", "endpoint must not carry credentials; pass access_key/secret_key"),
        ("http://:pw@h", "endpoint must not carry credentials; pass access_key/secret_key"),
        ("h/x", "endpoint must be a host name, an IP address or a URL"),
        ("h?x", "endpoint must be a host name, an IP address or a URL"),
        ("h#x", "endpoint must be a host name, an IP address or a URL"),
        ("http://", "endpoint has no host"),
        ("[::1]x]", "malformed endpoint '[::1]x]'"),
        ("[::1", "unbalanced brackets in endpoint '[::1'"),
        ("[zz]", "invalid IPv6 address in endpoint: 'zz'"),
        ("[127.0.0.1]", "invalid IPv6 address in endpoint: '127.0.0.1'"),
        ("h:0", "invalid port in endpoint: '0'"),
        ("h:65536", "invalid port in endpoint: '65536'"),
        ("h:x", "invalid port in endpoint: 'x'"),
        ("a" * 254, f"invalid host name in endpoint: {'a' * 254!r}"),
        ("-h", "invalid host name in endpoint: '-h'"),
        ("a..X", "invalid host name in endpoint: 'a..X'"),  # an empty label, however it ends
        (":9000", "invalid host name in endpoint: ''"),
    ],
)
def test_refusals_say_what_is_wrong(endpoint: str, message: str) -> None:
    with pytest.raises(InvalidArgument, match=f"^{re.escape(message)}$"):
        parse_endpoint(endpoint)


@pytest.mark.parametrize("port", ["9000", 9000.0, True])
def test_port_must_be_an_int(port: object) -> None:
    with pytest.raises(TypeError, match=r"^port must be an int$"):
        parse_endpoint("h", port=port)  # type: ignore[arg-type]


@pytest.mark.parametrize("port", [0, 65536, -1])
def test_port_argument_out_of_range(port: int) -> None:
    with pytest.raises(InvalidArgument, match=f"^port out of range: {port}$"):
        parse_endpoint("h", port=port)


@pytest.mark.parametrize("port", [1, 2, 65535])
def test_port_limits_are_accepted(port: int) -> None:
    assert parse_endpoint("h", port=port).port == port
    assert parse_endpoint(f"h:{port}").port == port


def test_host_name_limits() -> None:
    longest = ".".join(["a" * 63] * 3 + ["a" * 61])  # 253 characters
    assert parse_endpoint(longest).host == longest
    assert parse_endpoint("example.com.").host == "example.com."  # a fully qualified name
    too_long = ".".join(["a" * 63] * 3 + ["a" * 62])  # 254 characters of valid labels
    with pytest.raises(InvalidArgument, match=r"^invalid host name in endpoint: "):
        parse_endpoint(too_long)


def test_a_target_without_query_has_an_empty_one() -> None:
    target = build_target(parse_endpoint("http://h:9000"), "b", "k")
    assert target.query == ()
    assert target.url == "http://h:9000/b/k"


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
