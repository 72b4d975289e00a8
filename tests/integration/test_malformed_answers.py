"""Answers no real server sends on purpose, from an in-test server: listings that never
advance, an ``<Error>`` behind a long run of whitespace, malformed headers and values. Each is a
typed error after a bounded number of requests, and leaves no connection held."""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import pytest
from aiohttp import web

import aiominio
from tests.integration.conftest import StartWebServer

HEADERS = {"ETag": '"0123456789abcdef0123456789abcdef"', "Content-Type": "text/plain"}
GOOD_DATE = "Wed, 21 Oct 2015 07:28:00 GMT"


def fake_client(url: str, **options: Any) -> aiominio.Client:
    options.setdefault("retry", aiominio.RetryPolicy(max_attempts=2, base_delay=0.01))
    return aiominio.Client(url, access_key="a", secret_key="b", region="us-east-1", **options)


async def test_copy_error_after_long_whitespace_is_the_error(web_server: StartWebServer) -> None:
    """S3 pads a slow CopyObject answer with whitespace; an ``<Error>`` after 4 KiB of it (and
    after the XML declaration) is still that error, not an unexpected document."""

    async def head(request: web.Request) -> web.Response:
        return web.Response(headers={**HEADERS, "Content-Length": "3"})

    async def copy(request: web.Request) -> web.Response:
        body = (
            b'<?xml version="1.0" encoding="UTF-8"?>\n'
            + b" " * 6000
            + b"<Error><Code>AccessDenied</Code><Message>denied late</Message></Error>"
        )
        return web.Response(body=body, content_type="application/xml")

    server = await web_server(web.head("/{bucket}/{key}", head), web.put("/{bucket}/{key}", copy))
    async with fake_client(server.url, retry=aiominio.RetryPolicy(max_attempts=1)) as client:
        with pytest.raises(aiominio.AccessDenied, match="denied late"):
            await client.copy_object("dst", "k", "src", "k")
    assert server.paths("PUT") == ["/dst/k"]


@pytest.mark.parametrize(
    "bad",
    [
        {"Last-Modified": "not a date"},
        {"Last-Modified": "Wed, 32 Oct 2015 07:28:00 GMT"},
        {"Content-Range": "bytes 0-2/3x"},
    ],
)
async def test_malformed_headers_are_typed_and_release_the_connection(
    web_server: StartWebServer, bad: dict[str, str]
) -> None:
    """A GET whose headers cannot be read is an InvalidResponseError, and the opened body is
    released: with one connection in the pool, the next calls still get one."""

    async def handler(request: web.Request) -> web.Response:
        broken = request.match_info["key"] == "bad"
        # The good answer's ETag is its body's MD5: downloads are verified against it.
        etag = {} if broken else {"ETag": f'"{hashlib.md5(b"abc").hexdigest()}"'}
        headers = {**HEADERS, **etag, "Last-Modified": GOOD_DATE, **(bad if broken else {})}
        # A body large enough to be still unread when the headers are parsed.
        return web.Response(body=b"x" * 4 * 1024 * 1024 if broken else b"abc", headers=headers)

    server = await web_server(web.get("/{bucket}/{key}", handler))
    async with fake_client(server.url, max_connections=1) as client:

        async def bad_then_good() -> bytes:
            for _ in range(3):
                with pytest.raises(aiominio.InvalidResponseError, match="malformed"):
                    async with client.get_object("bkt", "bad"):
                        pass
            async with client.get_object("bkt", "good") as obj:
                return await obj.read()

        # A connection held by a failed call would keep the next one waiting for the pool.
        assert await asyncio.wait_for(bad_then_good(), 10) == b"abc"
    assert server.paths("GET") == ["/bkt/bad"] * 3 + ["/bkt/good"]


async def test_malformed_listing_value_is_typed(web_server: StartWebServer) -> None:
    async def listing(request: web.Request) -> web.Response:
        body = (
            b"<ListBucketResult><IsTruncated>false</IsTruncated>"
            b"<Contents><Key>k</Key><Size>12abc</Size></Contents></ListBucketResult>"
        )
        return web.Response(body=body, content_type="application/xml")

    server = await web_server(web.get("/{bucket}", listing))
    async with fake_client(server.url) as client:
        with pytest.raises(aiominio.InvalidResponseError, match="Size"):
            [o async for o in client.list_objects("bkt")]
    assert len(server.paths("GET")) == 1


def _xml(body: str) -> web.Response:
    return web.Response(body=body.encode(), content_type="application/xml")


OBJECTS = "<Contents><Key>k</Key><Size>1</Size></Contents>"
STUCK_LISTINGS = {
    # ListObjectsV2 answers truncated with the token it was asked for.
    "v2": "<ListBucketResult><IsTruncated>true</IsTruncated>"
    f"<NextContinuationToken>same</NextContinuationToken>{OBJECTS}</ListBucketResult>",
    # ListObjects (v1) names the marker it was asked for.
    "v1": "<ListBucketResult><IsTruncated>true</IsTruncated>"
    f"<NextMarker>k</NextMarker>{OBJECTS}</ListBucketResult>",
    # ...or names none, and its last key is the marker.
    "v1-last-key": f"<ListBucketResult><IsTruncated>true</IsTruncated>{OBJECTS}</ListBucketResult>",
}


@pytest.mark.parametrize("mode", sorted(STUCK_LISTINGS))
async def test_listing_that_does_not_advance_is_refused(
    web_server: StartWebServer, mode: str
) -> None:
    async def listing(request: web.Request) -> web.Response:
        return _xml(STUCK_LISTINGS[mode])

    server = await web_server(web.get("/{bucket}", listing))
    async with fake_client(server.url) as client:
        pages = client.list_objects_v2 if mode == "v2" else client.list_objects
        with pytest.raises(aiominio.InvalidResponseError, match="does not advance"):
            await asyncio.wait_for(_drain(pages("bkt")), 10)
    # The first page, then the page it points to, which points to itself: no third request.
    assert len(server.paths("GET")) == 2
    cursor = "continuation-token=same" if mode == "v2" else "marker=k"
    assert cursor not in server.paths("GET")[0] and cursor in server.paths("GET")[1]


async def _drain(listing: Any) -> list[Any]:
    return [item async for item in listing]


UPLOAD = "<Upload><Key>k</Key><UploadId>u1</UploadId></Upload>"


@pytest.mark.parametrize(
    ("uploads", "parts", "expected"),
    [
        # ListMultipartUploads names the markers it was asked for.
        (
            "<IsTruncated>true</IsTruncated><NextKeyMarker>k</NextKeyMarker>"
            f"<NextUploadIdMarker>u1</NextUploadIdMarker>{UPLOAD}",
            "",
            {"uploads": 2, "parts": 2},
        ),
        # ...or none at all (the next request would start the listing over).
        ("<IsTruncated>true</IsTruncated>" + UPLOAD, "", {"uploads": 1, "parts": 1}),
        # ListParts names the part-number marker it was asked for.
        (
            "<IsTruncated>false</IsTruncated>" + UPLOAD,
            "<IsTruncated>true</IsTruncated><NextPartNumberMarker>1</NextPartNumberMarker>",
            {"uploads": 1, "parts": 2},
        ),
    ],
    ids=["uploads-same-markers", "uploads-no-markers", "parts-same-marker"],
)
async def test_upload_listings_that_do_not_advance_are_refused(
    web_server: StartWebServer, uploads: str, parts: str, expected: dict[str, int]
) -> None:
    async def list_uploads(request: web.Request) -> web.Response:
        return _xml(f"<ListMultipartUploadsResult>{uploads}</ListMultipartUploadsResult>")

    async def list_parts(request: web.Request) -> web.Response:
        part = "<Part><PartNumber>1</PartNumber><ETag>e</ETag><Size>1</Size></Part>"
        return _xml(f"<ListPartsResult>{parts}{part}</ListPartsResult>")

    server = await web_server(
        web.get("/{bucket}", list_uploads), web.get("/{bucket}/{key}", list_parts)
    )
    async with fake_client(server.url) as client:
        with pytest.raises(aiominio.InvalidResponseError, match="does not advance"):
            await asyncio.wait_for(_drain(client.list_incomplete_uploads("bkt")), 10)
    sent = server.paths("GET")
    counts = {
        "uploads": sum("uploads" in p for p in sent),
        "parts": sum("uploadId" in p for p in sent),
    }
    assert counts == expected


@pytest.mark.parametrize(
    ("document", "call"),
    [
        (b"\xff\xfe{}", "get_bucket_policy_json"),
        (b"\xff\xfe{}", "get_bucket_policy"),
        (b"{not json", "get_bucket_policy"),
        (b"[1, 2]", "get_bucket_policy"),
    ],
)
async def test_malformed_bucket_policy_is_typed(
    web_server: StartWebServer, document: bytes, call: str
) -> None:
    """A policy the server sends back is its answer, not the caller's argument: when it cannot
    be read, that is an InvalidResponseError (not InvalidArgument, not UnicodeDecodeError)."""

    async def policy(request: web.Request) -> web.Response:
        return web.Response(body=document, content_type="application/json")

    server = await web_server(web.get("/{bucket}", policy))
    async with fake_client(server.url) as client:
        method = getattr(client, call)
        with pytest.raises(aiominio.InvalidResponseError):
            await (method("bkt") if call.endswith("json") else method("bkt", ""))
    assert server.paths("GET") == ["/bkt?policy="]
