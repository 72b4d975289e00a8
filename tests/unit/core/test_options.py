"""core.options: the option values a client method builds once and hands down."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from aiominio import InvalidArgument, Retention, RetentionMode, SseCustomerKey, SseS3
from aiominio.core.endpoint import parse_endpoint
from aiominio.core.options import LATEST, WriteOptions, read_options, write_options

HTTPS = parse_endpoint("https://s3.example.com")
HTTP = parse_endpoint("http://s3.example.com")
WHEN = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def test_every_keyword_becomes_its_header() -> None:
    write = write_options(
        HTTPS,
        content_type="text/csv",
        metadata={"Owner": "me"},
        tags={"k": "v"},
        cache_control="no-cache",
        expires=WHEN,
        storage_class="STANDARD_IA",
        retention=Retention(RetentionMode.GOVERNANCE, WHEN),
        legal_hold=True,
        if_none_match="*",
        sse=SseS3(),
    )
    headers = {k.lower(): v for k, v in write.headers.items()}
    assert headers["content-type"] == "text/csv"
    assert headers["x-amz-meta-owner"] == "me"
    assert headers["x-amz-tagging"] == "k=v"
    assert headers["cache-control"] == "no-cache"
    assert headers["expires"] == "Wed, 02 Jan 2030 03:04:05 GMT"
    assert headers["x-amz-storage-class"] == "STANDARD_IA"
    assert headers["x-amz-object-lock-mode"] == "GOVERNANCE"
    assert headers["x-amz-object-lock-legal-hold"] == "ON"
    assert write.conditions == {"If-None-Match": "*"}
    assert write.customer_key is None


def test_conditions_go_on_the_put_and_not_on_the_creation_of_a_multipart_upload() -> None:
    write = write_options(HTTPS, content_type="a/b", if_match="abc", sse=SseS3())
    put, create = write.put_headers(), write.create_headers()
    assert put["If-Match"] == '"abc"'
    assert "If-Match" not in create
    for headers in (put, create):
        assert headers["x-amz-server-side-encryption"] == "AES256"
        assert headers["Content-Type"] == "a/b"


def test_an_sse_c_key_is_kept_for_the_later_requests_and_refused_over_http() -> None:
    key = SseCustomerKey(bytes(32))
    assert write_options(HTTPS, content_type="a/b", sse=key).customer_key is key
    with pytest.raises(InvalidArgument, match="plain HTTP"):
        write_options(HTTP, content_type="a/b", sse=key)


@pytest.mark.parametrize(
    ("keywords", "error"),
    [
        ({"content_type": ""}, InvalidArgument),
        ({"content_type": "a/b", "metadata": {"bad name": "v"}}, InvalidArgument),
        ({"content_type": "a/b", "expires": datetime(2030, 1, 1)}, InvalidArgument),
        ({"content_type": "a/b", "cache_control": "a\r\nb"}, InvalidArgument),
        ({"content_type": "a/b", "sse": "AES256"}, TypeError),
        ({"content_type": "a/b", "legal_hold": "yes"}, TypeError),
    ],
)
def test_bad_keywords_are_refused(keywords: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        write_options(HTTPS, **keywords)  # type: ignore[arg-type]


def test_the_value_is_frozen_and_defaults_to_nothing() -> None:
    write = WriteOptions()
    assert write.put_headers() == {} and write.create_headers() == {}
    with pytest.raises(AttributeError):
        write.sse = SseS3()  # type: ignore[misc]


# -- reads -------------------------------------------------------------------------------------


def test_a_read_names_its_version_conditions_and_key() -> None:
    key = SseCustomerKey(bytes(32))
    read = read_options(HTTPS, version_id="v1", if_match="abc", if_modified_since=WHEN, sse=key)
    assert read.query() == (("versionId", "v1"),)
    headers = read.headers()
    assert headers["If-Match"] == '"abc"'
    assert headers["If-Modified-Since"] == "Wed, 02 Jan 2030 03:04:05 GMT"
    assert headers["x-amz-server-side-encryption-customer-algorithm"] == "AES256"
    assert read.sse is key


def test_the_latest_version_on_no_condition_sends_nothing() -> None:
    read = read_options(HTTPS)
    assert read == LATEST and read.query() == () and read.headers() == {}


@pytest.mark.parametrize(
    ("keywords", "error"),
    [
        ({"version_id": ""}, InvalidArgument),
        ({"if_none_match": ""}, InvalidArgument),
        ({"if_modified_since": datetime(2030, 1, 1)}, InvalidArgument),
        ({"sse": SseS3()}, InvalidArgument),  # the server decrypts it: no key to give
        ({"sse": "key"}, TypeError),
    ],
)
def test_bad_read_keywords_are_refused(keywords: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        read_options(HTTPS, **keywords)  # type: ignore[arg-type]


def test_an_sse_c_read_is_refused_over_http() -> None:
    with pytest.raises(InvalidArgument, match="plain HTTP"):
        read_options(HTTP, sse=SseCustomerKey(bytes(32)))
