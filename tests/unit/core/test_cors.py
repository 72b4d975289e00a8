"""CORS configurations in detail: the exact refusals, the limits on both sides (100 rules, one
``*``, a max age of 0), and empty elements of an answer."""

from __future__ import annotations

import pytest

from aiominio.core.cors import CorsConfig, CorsRule
from aiominio.errors import InvalidArgument

GET = ["GET"]
ANY = ["*"]


def refused(rule: CorsRule, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as info:
        CorsConfig(rules=[rule]).validate()
    assert str(info.value) == message


def test_rule_refusals_exact_messages() -> None:
    refused(
        CorsRule([], ANY),
        InvalidArgument,
        "allowed_methods: a CORS rule allows at least one method",
    )
    refused(
        CorsRule(["PATCH"], ANY),
        InvalidArgument,
        "allowed_methods: 'PATCH' is not one of GET, PUT, HEAD, POST, DELETE",
    )
    refused(CorsRule("GET", ANY), TypeError, "allowed_methods must be a list or tuple, not str")  # type: ignore[arg-type]
    refused(
        CorsRule(GET, []),
        InvalidArgument,
        "allowed_origins: a CORS rule allows at least one origin",
    )
    refused(CorsRule(GET, "*"), TypeError, "allowed_origins must be a list or tuple, not str")  # type: ignore[arg-type]
    refused(
        CorsRule(GET, ANY, allowed_headers="x"),  # type: ignore[arg-type]
        TypeError,
        "allowed_headers must be a list or tuple, not str",
    )
    refused(
        CorsRule(GET, ANY, expose_headers="x"),  # type: ignore[arg-type]
        TypeError,
        "expose_headers must be a list or tuple, not str",
    )
    refused(CorsRule(GET, [""]), InvalidArgument, "allowed_origins[] must not be empty")
    refused(CorsRule(GET, ANY, [""]), InvalidArgument, "allowed_headers[] must not be empty")
    refused(
        CorsRule(GET, ANY, expose_headers=[1]),  # type: ignore[list-item]
        TypeError,
        "expose_headers[] must be a str, not int",
    )
    refused(
        CorsRule(GET, ["https://*.*.example"]),
        InvalidArgument,
        "allowed_origins: at most one '*' in 'https://*.*.example'",
    )
    refused(
        CorsRule(GET, ANY, ["x-**"]), InvalidArgument, "allowed_headers: at most one '*' in 'x-**'"
    )
    refused(
        CorsRule(GET, ANY, max_age_seconds=-1),
        InvalidArgument,
        "max_age_seconds must be >= 0, got -1",
    )
    refused(
        CorsRule(GET, ANY, max_age_seconds=True),
        TypeError,
        "max_age_seconds must be an int, not bool",
    )
    refused(
        CorsRule(GET, ANY, id="i" * 256),
        InvalidArgument,
        "cors rule id must be at most 255 characters, got 256",
    )


def test_what_is_accepted_at_the_edges() -> None:
    CorsConfig(
        rules=[
            CorsRule(
                ["GET", "PUT", "HEAD", "POST", "DELETE"],
                ["https://*.example.com"],
                ["x-amz-*"],
                # Expose headers are not wildcards: any number of '*' is passed on.
                ["x-**-*"],
                max_age_seconds=0,
                id="i" * 255,
            )
        ]
    ).validate()


def test_config_refusals_exact_messages() -> None:
    with pytest.raises(TypeError, match=r"^rules must be a list or tuple, not CorsRule$"):
        CorsConfig(rules=CorsRule(GET, ANY)).validate()  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match=r"^rules: 1 to 100 CORS rules, got 0$"):
        CorsConfig(rules=[]).validate()
    with pytest.raises(InvalidArgument, match=r"^rules: 1 to 100 CORS rules, got 101$"):
        CorsConfig(rules=[CorsRule(GET, ANY)] * 101).validate()
    CorsConfig(rules=[CorsRule(GET, ANY)] * 100).validate()
    with pytest.raises(TypeError, match=r"^rules\[\] must be a CorsRule, not dict$"):
        CorsConfig(rules=[{}]).validate()  # type: ignore[list-item]
    with pytest.raises(InvalidArgument, match=r"^rules: two rules have the same id$"):
        CorsConfig(rules=[CorsRule(GET, ANY, id="a"), CorsRule(GET, ANY, id="a")]).validate()
    CorsConfig(rules=[CorsRule(GET, ANY), CorsRule(GET, ANY)]).validate()


def test_empty_elements_of_an_answer_read_as_empty_strings() -> None:
    body = (
        b"<CORSConfiguration><CORSRule><ID/><AllowedMethod>GET</AllowedMethod>"
        b"<AllowedOrigin/><AllowedHeader/><ExposeHeader/><ExposeHeader>e</ExposeHeader>"
        b"</CORSRule></CORSConfiguration>"
    )
    assert CorsConfig.from_xml(body).rules == (
        CorsRule(("GET",), ("",), ("",), ("", "e"), None, None),
    )
    assert CorsConfig.from_xml(b"<CORSConfiguration/>").rules == ()
