"""Signing details the published vectors do not pin down: the headers ``sign_request`` adds and
their exact names, the query of a URL as sent, services other than ``s3``, the per-second date
cache, and the messages of the refusals. Expected signatures come from a small independent
implementation of the SigV4 key derivation below, not from the module under test."""

from __future__ import annotations

import functools
import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest

from aiominio.core import signing

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
