"""Endpoint parsing details: each refusal's exact message, the port and host-name limits at their
boundaries, and the parts of a URL that are refused one at a time."""

from __future__ import annotations

import re

import pytest

from aiominio.core.endpoint import build_target, parse_endpoint
from aiominio.errors import InvalidArgument


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
