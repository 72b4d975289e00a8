"""Signing details the published vectors do not pin down: the headers ``sign_request`` adds and
their exact names, the query of a URL as sent, services other than ``s3``, the per-second date
cache, and the messages of the refusals. Expected signatures come from a small independent
implementation of the SigV4 key derivation below, not from the module under test."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from hashlib import sha256
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiominio.core import checksums, signing
from aiominio.core.endpoint import build_target, parse_endpoint

NOW = datetime(2013, 5, 24, 0, 0, 0, tzinfo=timezone.utc)
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@dataclass(frozen=True)
class Keys:
    access_key: str = "AKIAIOSFODNN7EXAMPLE"
    secret_key: str = SECRET
    session_token: str | None = None


def ref_key(secret: str, day: str, region: str, service: str) -> bytes:
    key = ("AWS4" + secret).encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def ref_signature(secret: str, day: str, region: str, service: str, to_sign: str) -> str:
    key = ref_key(secret, day, region, service)
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


# -- the signing key and signature against the independent derivation -------------------------


@pytest.mark.parametrize("service", ["s3", "sts", "execute-api"])
@pytest.mark.parametrize("region", ["us-east-1", "eu-west-3"])
def test_signing_key_is_the_sigv4_derivation(region: str, service: str) -> None:
    assert signing.signing_key(SECRET, "20130524", region, service) == ref_key(
        SECRET, "20130524", region, service
    )


def test_signing_key_uses_the_day_only() -> None:
    assert signing.signing_key(SECRET, "20130524T000000Z", "us-east-1") == ref_key(
        SECRET, "20130524", "us-east-1", "s3"
    )


def test_non_ascii_secret_and_message_are_utf8() -> None:
    secret = "sécret✓"
    assert signing.signing_key(secret, "20130524", "us-east-1") == ref_key(
        secret, "20130524", "us-east-1", "s3"
    )
    key = ref_key(secret, "20130524", "us-east-1", "s3")
    assert signing.signature(key, "é") == hmac.new(key, "é".encode(), hashlib.sha256).hexdigest()


# -- amz_date ----------------------------------------------------------------------------------


def test_amz_date_refuses_a_naive_time_saying_why() -> None:
    with pytest.raises(ValueError, match=r"^the signing time must be timezone-aware$"):
        signing.amz_date(datetime(2013, 5, 24))


def test_amz_date_changes_with_every_second() -> None:
    for n in range(4):  # an even second, then odd: a cache keyed on anything coarser shows
        t = NOW + timedelta(seconds=n)
        assert signing.amz_date(t) == t.strftime("%Y%m%dT%H%M%SZ")


def test_amz_date_of_half_seconds_either_side_of_the_epoch() -> None:
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    assert signing.amz_date(epoch - timedelta(seconds=0.5)) == "19691231T235959Z"
    assert signing.amz_date(epoch + timedelta(seconds=0.5)) == "19700101T000000Z"


def test_amz_date_is_utc_whatever_the_time_zone_given_or_local(
    local_time_zone: Callable[[str], None],
) -> None:
    local_time_zone("JST-9")  # UTC+9
    assert time.localtime(0).tm_hour == 9  # the machine's zone is UTC+9 now
    tokyo = timezone(timedelta(hours=9))
    assert signing.amz_date(datetime(2013, 5, 24, 9, 0, 0, tzinfo=tokyo)) == "20130524T000000Z"


# -- sign_headers' result -----------------------------------------------------------------------


def test_sign_headers_reports_its_timestamp_and_parts() -> None:
    signed = signing.sign_headers(
        method="GET",
        path="/k",
        query=[],
        headers={"host": "h", "x-amz-date": "20130524T000000Z"},
        payload_hash=signing.EMPTY_SHA256,
        access_key="AK",
        secret_key=SECRET,
        region="us-east-1",
        now=NOW,
    )
    assert signed.amz_date == "20130524T000000Z"
    assert signed.signed_headers == "host;x-amz-date"
    assert signed.string_to_sign.splitlines()[1] == "20130524T000000Z"
    assert signed.signature == ref_signature(
        SECRET, "20130524", "us-east-1", "s3", signed.string_to_sign
    )


# -- sign_request: the headers it adds ---------------------------------------------------------


def _sign(url: str, headers: dict[str, str] | None = None, **kw: object) -> dict[str, str]:
    return signing.sign_request(
        "GET",
        url,
        headers or {},
        payload_hash=signing.UNSIGNED_PAYLOAD,
        credentials=kw.pop("credentials", Keys()),  # type: ignore[arg-type]
        region="us-east-1",
        now=NOW,
        **kw,  # type: ignore[arg-type]
    )


def test_sign_request_adds_exactly_these_lower_case_headers() -> None:
    out = _sign("http://example.com:9000/b/k", {"x-amz-meta-a": "1"})
    assert set(out) == {
        "x-amz-meta-a",
        "host",
        "x-amz-date",
        "x-amz-content-sha256",
        "Authorization",
    }
    assert out["host"] == "example.com:9000"
    assert out["x-amz-date"] == "20130524T000000Z"
    assert out["x-amz-content-sha256"] == signing.UNSIGNED_PAYLOAD
    assert (
        "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-meta-a," in (out["Authorization"])
    )


def test_sign_request_adds_the_session_token_under_its_name() -> None:
    out = _sign("http://h/b", credentials=Keys(session_token="tok/en=="))
    assert out["x-amz-security-token"] == "tok/en=="
    assert "x-amz-security-token" in out["Authorization"].split("SignedHeaders=")[1]


def test_sign_request_keeps_a_host_given_in_any_case() -> None:
    out = _sign("http://internal:9000/b", {"Host": "public.example.com"})
    assert "host" not in out
    assert out["Host"] == "public.example.com"
    alone = _sign("http://public.example.com/b")
    assert out["Authorization"] == alone["Authorization"]  # signed with the Host given


def test_sign_request_signs_the_path_and_query_as_sent() -> None:
    url = "http://h/b/a%20b/c?list-type=2&prefix=x%2Fy&token=a%3Db&flag"
    out = _sign(url)
    direct = signing.sign_headers(
        method="GET",
        path="/b/a b/c",
        query=[("list-type", "2"), ("prefix", "x/y"), ("token", "a=b"), ("flag", "")],
        headers={k: v for k, v in out.items() if k != "Authorization"},
        payload_hash=signing.UNSIGNED_PAYLOAD,
        access_key="AKIAIOSFODNN7EXAMPLE",
        secret_key=SECRET,
        region="us-east-1",
        now=NOW,
    )
    assert out["Authorization"] == direct.authorization


def test_sign_request_splits_a_pair_at_its_first_equals_sign() -> None:
    raw = _sign("http://h/b?a=b=c")
    assert raw["Authorization"] == _sign("http://h/b?a=b%3Dc")["Authorization"]
    assert raw["Authorization"] != _sign("http://h/b?a%3Db=c")["Authorization"]


def test_sign_request_of_a_url_without_a_path_signs_slash() -> None:
    assert _sign("http://h")["Authorization"] == _sign("http://h/")["Authorization"]


def test_sign_request_passes_the_service_on() -> None:
    out = _sign("http://h/", service="sts")
    assert "/us-east-1/sts/aws4_request," in out["Authorization"]
    assert out["Authorization"] != _sign("http://h/")["Authorization"]
    sig = out["Authorization"].rsplit("Signature=", 1)[1]
    signed = signing.sign_headers(
        method="GET",
        path="/",
        query=[],
        headers={k: v for k, v in out.items() if k != "Authorization"},
        payload_hash=signing.UNSIGNED_PAYLOAD,
        access_key="AK",
        secret_key=SECRET,
        region="us-east-1",
        now=NOW,
        service="sts",
    )
    assert sig == ref_signature(SECRET, "20130524", "us-east-1", "sts", signed.string_to_sign)


# -- presigning and POST policies with another service -----------------------------------------


def test_presign_query_with_another_service_scopes_and_signs_with_it() -> None:
    query = signing.presign_query(
        method="GET",
        path="/b/k",
        query=[],
        host="h",
        access_key="AK",
        secret_key=SECRET,
        session_token=None,
        region="us-east-1",
        now=NOW,
        expiry=60,
        service="execute-api",
    )
    assert "X-Amz-Credential=AK%2F20130524%2Fus-east-1%2Fexecute-api%2Faws4_request" in query
    pairs = [p.split("=", 1) for p in query.split("&")]
    sig = dict(pairs)["X-Amz-Signature"]
    scope = "20130524/us-east-1/execute-api/aws4_request"
    canonical_query = "&".join(f"{k}={v}" for k, v in sorted(pairs) if k != "X-Amz-Signature")
    creq = f"GET\n/b/k\n{canonical_query}\nhost:h\n\nhost\nUNSIGNED-PAYLOAD"
    sts = (
        f"AWS4-HMAC-SHA256\n20130524T000000Z\n{scope}\n" + hashlib.sha256(creq.encode()).hexdigest()
    )
    assert sig == ref_signature(SECRET, "20130524", "us-east-1", "execute-api", sts)


def test_post_policy_signature_with_another_service() -> None:
    got = signing.post_policy_signature(
        "eyJ9", secret_key=SECRET, date="20130524", region="us-east-1", service="other"
    )
    assert got == ref_signature(SECRET, "20130524", "us-east-1", "other", "eyJ9")
    assert got != signing.post_policy_signature(
        "eyJ9", secret_key=SECRET, date="20130524", region="us-east-1"
    )


def test_header_values_are_trimmed_and_inner_whitespace_folded() -> None:
    lines, names = signing.canonical_headers(
        [("X-A", "a  b"), ("x-b", " c\t d "), ("x-c", "plain"), ("x-d", "e\n f")]
    )
    assert lines == "x-a:a b\nx-b:c d\nx-c:plain\nx-d:e f\n"
    assert names == "x-a;x-b;x-c;x-d"


def test_repeated_header_names_are_joined_in_the_order_given() -> None:
    lines, names = signing.canonical_headers(
        [("X-Multi", "b"), ("x-one", "1"), ("x-multi", " a  c "), ("X-MULTI", "z")]
    )
    assert lines == "x-multi:b,a c,z\nx-one:1\n"
    assert names == "x-multi;x-one"


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com:9000/b/k",
        "http://h/b/a%20b/c?flag=&list-type=2&prefix=x%2Fy&token=a%3Db",
        "https://bucket.s3.amazonaws.com/%E2%82%AC/x~y?uploads=",
    ],
)
@pytest.mark.parametrize("token", [None, "tok/en=="])
def test_sign_canonical_signs_as_sign_request_does(url: str, token: str | None) -> None:
    parts = urlsplit(url)  # these URLs hold the canonical URI and query string as they are
    keys = Keys(session_token=token)
    given = {"host": parts.netloc, "x-amz-meta-a": "1"}
    out = signing.sign_canonical(
        "PUT",
        parts.path,
        parts.query,
        given,
        payload_hash=signing.UNSIGNED_PAYLOAD,
        credentials=keys,
        region="eu-west-1",
        now=NOW,
    )
    assert out is given  # completed in place
    assert out == signing.sign_request(
        "PUT",
        url,
        {"x-amz-meta-a": "1"},
        payload_hash=signing.UNSIGNED_PAYLOAD,
        credentials=keys,
        region="eu-west-1",
        now=NOW,
    )
    assert ("x-amz-security-token" in out) == (token is not None)
    assert "/eu-west-1/s3/aws4_request," in out["Authorization"]


def test_sign_headers_keeps_an_s3_path_as_given_by_default() -> None:
    # S3 keys may hold `//`, `.` and `..`: the canonical URI must not be normalised unless asked.
    sign = functools.partial(
        signing.sign_headers,
        method="GET",
        path="/b/a//x/../y",
        query=[],
        headers={"host": "h", "x-amz-date": "20130524T000000Z"},
        payload_hash=signing.UNSIGNED_PAYLOAD,
        access_key="AKIAIOSFODNN7EXAMPLE",
        secret_key=SECRET,
        region="us-east-1",
        now=NOW,
    )
    assert sign().canonical_request.split("\n")[1] == "/b/a//x/../y"
    assert sign(normalize_path=True).canonical_request.split("\n")[1] == "/b/a/y"


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_trimming_a_header_value(value: str) -> None:
    assert signing._trim(value) == " ".join(value.split())


@given(st.lists(st.datetimes(timezones=st.just(timezone.utc)), min_size=1, max_size=20))
def test_the_date_of_the_same_second_is_reused_and_no_other(moments: list[datetime]) -> None:
    for moment in moments:
        assert signing.amz_date(moment) == moment.strftime("%Y%m%dT%H%M%SZ")


def test_amz_date_across_a_second_and_time_zones() -> None:
    before = datetime(2026, 12, 7, 23, 59, 59, 999_999, tzinfo=timezone.utc)
    assert signing.amz_date(before) == "20261207T235959Z"
    assert signing.amz_date(before + timedelta(microseconds=1)) == "20261208T000000Z"
    paris = timezone(timedelta(hours=1))
    assert signing.amz_date(datetime(2026, 12, 8, 1, 0, 0, tzinfo=paris)) == "20261208T000000Z"


def test_amz_date_either_side_of_the_epoch() -> None:
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    assert signing.amz_date(epoch + timedelta(milliseconds=500)) == "19700101T000000Z"
    assert signing.amz_date(epoch - timedelta(milliseconds=500)) == "19691231T235959Z"


PATHS_NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


PATHS_ACCESS, PATHS_SECRET = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


EMPTY = hashlib.sha256(b"").hexdigest()


def _encode(value: str, *, path: bool) -> str:
    """The AWS rules: unreserved bytes kept, '/' kept in paths, every other byte %XX upper."""
    unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    out = []
    for byte in value.encode("utf-8"):
        ch = chr(byte)
        if ch in unreserved or (path and ch == "/"):
            out.append(ch)
        else:
            out.append("%" + format(byte, "02X"))
    return "".join(out)


def _expected_authorization(path: str, host: str) -> str:
    canonical = "\n".join(
        [
            "GET",
            _encode(path, path=True),
            "",
            f"host:{host}",
            "x-amz-content-sha256:" + EMPTY,
            "x-amz-date:20260102T030405Z",
            "",
            "host;x-amz-content-sha256;x-amz-date",
            EMPTY,
        ]
    )
    scope = "20260102/us-east-1/s3/aws4_request"
    to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            "20260102T030405Z",
            scope,
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )
    key = ("AWS4" + PATHS_SECRET).encode()
    for part in ("20260102", "us-east-1", "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return (
        f"AWS4-HMAC-SHA256 Credential={PATHS_ACCESS}/{scope}, "
        f"SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={sig}"
    )


class _Keys:
    access_key = PATHS_ACCESS
    secret_key = PATHS_SECRET
    session_token = None


def test_double_slash_and_dot_dot_are_signed_as_sent() -> None:
    endpoint = parse_endpoint("http://127.0.0.1:9000")
    for key in ("a//b/../c", "./x", "../../etc/passwd", "dir/", "sp ace/ü/%41"):
        target = build_target(endpoint, "bucket", key)
        assert target.path == f"/bucket/{key}"
        assert target.url == "http://127.0.0.1:9000" + _encode(f"/bucket/{key}", path=True)
        headers = signing.sign_request(
            "GET",
            target.url,
            {},
            payload_hash=EMPTY,
            credentials=_Keys(),
            region="us-east-1",
            now=PATHS_NOW,
        )
        assert headers["Authorization"] == _expected_authorization(
            f"/bucket/{key}", "127.0.0.1:9000"
        )
    assert signing.canonical_uri("/b/a//b/../c") == "/b/a//b/../c"
    assert signing.canonical_uri("b/./c") == "/b/./c"
    # the generic rule, for contrast (never used for S3)
    assert signing.canonical_uri("/b/a//b/../c", normalize=True) == "/b/a/c"
    assert signing.canonical_uri("/a/b/..", normalize=True) == "/a/"
    assert signing.canonical_uri("/..", normalize=True) == "/"
    assert signing.canonical_uri("/a/./b/.", normalize=True) == "/a/b/"
    assert signing.canonical_uri("a//b", normalize=True) == "/a/b"


@given(st.text(max_size=40), st.booleans())
def test_uri_encode_follows_the_aws_rules(value: str, path: bool) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no UTF-8 form to encode
        return
    assert signing.uri_encode(value, keep_slash=path) == _encode(value, path=path)


@given(st.text(alphabet="ab/.~-_%+ =&ü", max_size=20), st.booleans())
def test_uri_encode_on_the_characters_that_matter(value: str, path: bool) -> None:
    assert signing.uri_encode(value, keep_slash=path) == _encode(value, path=path)


def test_uri_encode_examples() -> None:
    assert signing.uri_encode("a b/c~d") == "a%20b%2Fc~d"
    assert signing.uri_encode("a b/c~d", keep_slash=True) == "a%20b/c~d"
    assert signing.uri_encode("é*") == "%C3%A9%2A"
    assert signing.canonical_query([("b", "2"), ("a", "x y"), ("a", "1")]) == "a=1&a=x%20y&b=2"


# Copied into the repository with its licence (tests/data/README.md).
SUITE = Path(__file__).resolve().parents[2] / "data" / "sigv4"


SUITE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


SUITE_NOW = datetime(2015, 8, 30, 12, 36, 0, tzinfo=timezone.utc)


@dataclass
class RawRequest:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: list[tuple[str, str]]
    body: bytes


def parse_req(text: str) -> RawRequest:
    head, _, body = text.partition("\n\n")
    lines = head.split("\n")
    request_line = lines[0]
    method, _, rest = request_line.partition(" ")
    target = rest.rsplit(" ", 1)[0]
    path, _, qs = target.partition("?")
    query: list[tuple[str, str]] = []
    for part in qs.split("&") if qs else []:
        k, _, v = part.partition("=")
        query.append((unquote(k), unquote(v)))
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if not line:
            continue
        if line[:1] in (" ", "\t") and headers:
            name, value = headers[-1]
            headers[-1] = (name, value + " " + line.strip())
            continue
        name, _, value = line.partition(":")
        headers.append((name, value))
    return RawRequest(method, unquote(path), query, headers, body.encode())


def cases() -> list[Path]:
    found = sorted(p.parent for p in SUITE.rglob("*.req"))
    assert len(found) == 34, found
    return found


def read(case: Path, ext: str) -> str:
    return (case / f"{case.name}{ext}").read_text(encoding="utf-8")


@pytest.mark.parametrize("case", cases(), ids=lambda p: str(p.relative_to(SUITE)))
def test_vector(case: Path) -> None:
    req = parse_req(read(case, ".req"))
    creq_expected = read(case, ".creq")
    headers = list(req.headers)
    token_line = [ln for ln in creq_expected.split("\n") if ln.startswith("x-amz-security-token:")]
    if token_line and not any(n.lower() == "x-amz-security-token" for n, _ in headers):
        headers.append(("X-Amz-Security-Token", token_line[0].split(":", 1)[1]))
    signed = signing.sign_headers(
        method=req.method,
        path=req.path,
        query=req.query,
        headers=headers,
        payload_hash=sha256(req.body).hexdigest(),
        access_key="AKIDEXAMPLE",
        secret_key=SUITE_SECRET,
        region="us-east-1",
        now=SUITE_NOW,
        service="service",
        normalize_path=case.parent.name == "normalize-path",
    )
    assert signed.canonical_request == creq_expected
    assert signed.string_to_sign == read(case, ".sts")
    assert signed.authorization == read(case, ".authz")
    if case.name != "get-vanilla-with-session-token":
        # That case's .sreq carries get-vanilla's signature (a slip in the published files; its
        # .authz, checked above, is the consistent one).
        assert "Authorization: " + signed.authorization in read(case, ".sreq")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/example/..", "/example/.."),
        ("//example//", "//example//"),
        ("/./example", "/./example"),
        ("/my-object//example//photo.user", "/my-object//example//photo.user"),
        ("/example space/", "/example%20space/"),
        ("/a%2Fb", "/a%252Fb"),  # a literal % in a key is encoded once, as %25
    ],
)
def test_s3_does_not_normalise(path: str, expected: str) -> None:
    assert signing.canonical_uri(path) == expected


DATA = Path(__file__).resolve().parents[2] / "data" / "s3-sigv4-examples.json"


EXAMPLES: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))


EXAMPLES_ACCESS = EXAMPLES["credentials"]["access_key_id"]


EXAMPLES_SECRET = EXAMPLES["credentials"]["secret_access_key"]


@dataclass(frozen=True)
class ExampleKeys:
    access_key: str = EXAMPLES_ACCESS
    secret_key: str = EXAMPLES_SECRET
    session_token: str | None = None


def by_kind(*kinds: str) -> list[dict[str, Any]]:
    return [e for e in EXAMPLES["examples"] if e["kind"].split(" ")[0] in kinds]


def when(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)


def split_target(target: str) -> tuple[str, list[tuple[str, str]]]:
    path, _, qs = target.partition("?")
    query = []
    for part in qs.split("&") if qs else []:
        k, _, v = part.partition("=")
        query.append((unquote(k), unquote(v)))
    return unquote(path), query


def test_every_example_is_covered() -> None:
    kinds = {e["kind"].split(" ")[0] for e in EXAMPLES["examples"]}
    assert kinds == {"authorization-header", "query-string", "post-policy", "streaming"}
    assert len(EXAMPLES["examples"]) == 8


@pytest.mark.parametrize("ex", by_kind("authorization-header", "streaming"), ids=lambda e: e["id"])
def test_header_signing(ex: dict[str, Any]) -> None:
    inp, exp = ex["input"], ex["expected"]
    path, query = split_target(inp["request_target"])
    signed = signing.sign_headers(
        method=inp["method"],
        path=path,
        query=query,
        headers=inp["headers"],
        payload_hash=inp["headers"]["x-amz-content-sha256"],
        access_key=EXAMPLES_ACCESS,
        secret_key=EXAMPLES_SECRET,
        region=inp["region"],
        now=when(inp["amz_date"]),
    )
    assert signed.canonical_request == exp["canonical_request"]
    assert signed.string_to_sign == exp["string_to_sign"]
    assert signed.signed_headers == exp["signed_headers"]
    assert signed.signature == exp.get("signature", exp.get("seed_signature"))
    assert signed.authorization.replace(", ", ",") == exp["authorization"]
    if ex["kind"].startswith("authorization-header") and inp["payload_utf8"]:
        digest = hashlib.sha256(inp["payload_utf8"].encode()).hexdigest()
        assert digest == inp["headers"]["x-amz-content-sha256"]


@pytest.mark.parametrize("ex", by_kind("authorization-header"), ids=lambda e: e["id"])
def test_header_signing_from_a_built_target(ex: dict[str, Any]) -> None:
    # The requester's way: the URL built by build_target, signed from its canonical parts.
    inp, exp = ex["input"], ex["expected"]
    path, query = split_target(inp["request_target"])
    host = inp["headers"]["host"]
    endpoint = parse_endpoint("https://s3.amazonaws.com")
    bucket = host.split(".")[0]
    target = build_target(
        endpoint, bucket, path[1:], tuple(query), style="virtual", region=inp["region"]
    )
    assert target.host == host
    # The URL holds the canonical URI and query string exactly (`$` encoded, `lifecycle=`).
    canonical_lines = exp["canonical_request"].split("\n")
    assert (target.uri, target.canonical_query) == (canonical_lines[1], canonical_lines[2])
    assert target.url == f"https://{host}{target.uri}" + (
        f"?{target.canonical_query}" if query else ""
    )
    headers = {
        k: v for k, v in inp["headers"].items() if k not in ("x-amz-date", "x-amz-content-sha256")
    }
    out = signing.sign_canonical(
        inp["method"],
        target.uri,
        target.canonical_query,
        headers,
        payload_hash=inp["headers"]["x-amz-content-sha256"],
        credentials=ExampleKeys(),
        region=inp["region"],
        now=when(inp["amz_date"]),
    )
    assert out is headers  # completed in place
    assert out["Authorization"].replace(", ", ",") == exp["authorization"]
    assert {k: v for k, v in out.items() if k != "Authorization"} == inp["headers"]


@pytest.mark.parametrize("ex", by_kind("streaming"), ids=lambda e: e["id"])
def test_streaming_chunks(ex: dict[str, Any]) -> None:
    inp, exp = ex["input"], ex["expected"]
    stamp = inp["amz_date"]
    cscope = signing.scope(stamp, inp["region"])
    key = signing.signing_key(EXAMPLES_SECRET, stamp[:8], inp["region"])
    payload = b"a" * int(inp["headers"]["x-amz-decoded-content-length"])
    previous = exp["seed_signature"]
    offset = 0
    assert exp["chunks"]
    for chunk in exp["chunks"]:
        data = payload[offset : offset + chunk["chunk_data_length"]]
        offset += len(data)
        sts = signing.chunk_string_to_sign(stamp, cscope, previous, data)
        assert sts == chunk["string_to_sign"]
        previous = signing.signature(key, sts)
        assert previous == chunk["signature"]
    assert offset == len(payload)  # the chunks cover the payload, ending with the empty one
    assert exp["chunks"][-1]["chunk_data_length"] == 0
    if "trailer" in exp:
        trailer_value = checksums.crc32c_b64(payload)
        trailer = f"x-amz-checksum-crc32c:{trailer_value}\n".encode()
        assert trailer.decode() == exp["trailer"]["trailer_bytes_hashed"]
        sts = signing.trailer_string_to_sign(stamp, cscope, previous, trailer)
        assert sts == exp["trailer"]["string_to_sign"]
        assert signing.signature(key, sts) == exp["trailer"]["signature"]


@pytest.mark.parametrize("ex", by_kind("query-string"), ids=lambda e: e["id"])
def test_presigned_url(ex: dict[str, Any]) -> None:
    inp, exp = ex["input"], ex["expected"]
    path, query = split_target(inp["request_target"])
    host = inp["headers"]["host"]
    qs = signing.presign_query(
        method=inp["method"],
        path=path,
        query=query,
        host=host,
        access_key=EXAMPLES_ACCESS,
        secret_key=EXAMPLES_SECRET,
        session_token=None,
        region=inp["region"],
        now=when(inp["amz_date"]),
        expiry=inp["expires_seconds"],
    )
    url = f"https://{host}{signing.canonical_uri(path)}?{qs}"
    assert url == exp["url"]


@pytest.mark.parametrize("ex", by_kind("post-policy"), ids=lambda e: e["id"])
def test_post_policy(ex: dict[str, Any]) -> None:
    inp, exp = ex["input"], ex["expected"]
    policy_b64 = base64.b64encode(inp["policy_json_utf8"].encode("utf-8")).decode()
    assert policy_b64 == exp["policy_base64"] == exp["string_to_sign"]
    sig = signing.post_policy_signature(
        policy_b64, secret_key=EXAMPLES_SECRET, date=inp["amz_date"], region=inp["region"]
    )
    assert sig == exp["signature"]


@pytest.mark.parametrize(
    "vector", EXAMPLES["checksum_vectors"]["vectors"], ids=lambda v: v["input"][:20]
)
def test_checksum_vectors(vector: dict[str, str]) -> None:
    text = vector["input"]
    if text.startswith("ascii"):
        data = b"123456789"
    elif text == "empty":
        data = b""
    else:
        data = b"a" * int(text.split(" ")[0])
    assert checksums.crc32_b64(data) == vector["x-amz-checksum-crc32"]
    assert checksums.crc32c_b64(data) == vector["x-amz-checksum-crc32c"]
    assert checksums.sha256_b64(data) == vector["x-amz-checksum-sha256"]
    assert checksums.md5_b64(data) == vector["content-md5"]
    assert (
        base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
        == (vector["x-amz-checksum-crc32"])
    )
