"""CORS configurations in detail: the exact refusals, the limits on both sides (100 rules, one
``*``, a max age of 0), and empty elements of an answer."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiominio.core.cors import CorsConfig, CorsRule
from aiominio.errors import InvalidArgument
from tests.unit.core.rule_documents import NS, XML_TEXT, compact

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


AWS_CORS = CorsConfig(
    rules=[
        CorsRule(
            allowed_methods=["PUT", "POST", "DELETE"],
            allowed_origins=["http://www.example.com"],
            allowed_headers=["*"],
            expose_headers=["x-amz-server-side-encryption"],
            max_age_seconds=3000,
        ),
        CorsRule(allowed_methods=["GET"], allowed_origins=["*"], id="public-read"),
    ]
)


def test_cors_document_of_the_aws_example() -> None:
    AWS_CORS.validate()
    assert AWS_CORS.to_xml() == compact(f"""
        <CORSConfiguration{NS}>
          <CORSRule>
            <AllowedHeader>*</AllowedHeader>
            <AllowedMethod>PUT</AllowedMethod>
            <AllowedMethod>POST</AllowedMethod>
            <AllowedMethod>DELETE</AllowedMethod>
            <AllowedOrigin>http://www.example.com</AllowedOrigin>
            <ExposeHeader>x-amz-server-side-encryption</ExposeHeader>
            <MaxAgeSeconds>3000</MaxAgeSeconds>
          </CORSRule>
          <CORSRule>
            <ID>public-read</ID>
            <AllowedMethod>GET</AllowedMethod>
            <AllowedOrigin>*</AllowedOrigin>
          </CORSRule>
        </CORSConfiguration>""")


def test_parse_the_aws_example_cors_answer() -> None:
    # The elements in AWS's answer order (origin first), which the parser must not mind.
    body = f"""<CORSConfiguration{NS}>
  <CORSRule>
    <AllowedOrigin>http://www.example.com</AllowedOrigin>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedMethod>DELETE</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
    <ExposeHeader>x-amz-server-side-encryption</ExposeHeader>
  </CORSRule>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <ID>public-read</ID>
  </CORSRule>
</CORSConfiguration>""".encode()
    assert CorsConfig.from_xml(body) == AWS_CORS


@pytest.mark.parametrize(
    ("config", "error", "match"),
    [
        (CorsConfig(rules=[]), InvalidArgument, "1 to 100"),
        (CorsConfig(rules=[CorsRule(GET, ANY)] * 101), InvalidArgument, "1 to 100"),
        (CorsConfig(rules=[CorsRule([], ANY)]), InvalidArgument, "allowed_methods"),
        (CorsConfig(rules=[CorsRule(["PATCH"], ANY)]), InvalidArgument, "allowed_methods"),
        (CorsConfig(rules=[CorsRule(["get"], ANY)]), InvalidArgument, "allowed_methods"),
        (CorsConfig(rules=[CorsRule(GET, [])]), InvalidArgument, "allowed_origins"),
        (CorsConfig(rules=[CorsRule(GET, ["*.*.com"])]), InvalidArgument, "allowed_origins"),
        (CorsConfig(rules=[CorsRule(GET, ANY, ["x-*-*"])]), InvalidArgument, "allowed_headers"),
        (CorsConfig(rules=[CorsRule(GET, ["a\nb"])]), InvalidArgument, "control"),
        (CorsConfig(rules=[CorsRule(GET, ANY, max_age_seconds=-1)]), InvalidArgument, "max_age"),
        (CorsConfig(rules=[CorsRule(GET, ANY, id="a")] * 2), InvalidArgument, "same id"),
        (CorsConfig(rules=[CorsRule(GET, ANY, id="i" * 256)]), InvalidArgument, "rule id"),
        (CorsConfig(rules=[CorsRule("GET", ANY)]), TypeError, "allowed_methods"),  # type: ignore[arg-type]
        (CorsConfig(rules=[CorsRule(GET, ANY, max_age_seconds="1")]), TypeError, "max_age"),  # type: ignore[arg-type]
        (CorsConfig(rules=[GET]), TypeError, "CorsRule"),  # type: ignore[list-item]
    ],
)
def test_cors_rules_are_checked(config: CorsConfig, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        config.validate()


@settings(max_examples=100)
@given(
    st.lists(
        st.builds(
            CorsRule,
            allowed_methods=st.lists(st.sampled_from(["GET", "PUT", "HEAD", "POST"]), min_size=1),
            allowed_origins=st.lists(XML_TEXT, min_size=1, max_size=3),
            allowed_headers=st.lists(XML_TEXT, max_size=3),
            expose_headers=st.lists(XML_TEXT, max_size=3),
            max_age_seconds=st.none() | st.integers(0, 10**6),
            id=st.none() | XML_TEXT,
        ),
        min_size=1,
        max_size=3,
    )
)
def test_cors_xml_round_trips(rules: list[CorsRule]) -> None:
    config = CorsConfig(rules=rules)
    assert CorsConfig.from_xml(config.to_xml()) == config
