"""Malformed and hostile answers: a fake server (no real server here sends these on purpose)
answers with entity-laden XML, truncated XML and a proxy's HTML page. Each is a typed error."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

import aiominio

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<ListBucketResult><Name>&lol3;</Name><IsTruncated>false</IsTruncated></ListBucketResult>"""
EXTERNAL = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<ListAllMyBucketsResult><Buckets><Bucket><Name>&e;</Name></Bucket></Buckets>
</ListAllMyBucketsResult>"""
TRUNCATED = b"<ListBucketResult><Name>b</Name><Contents><Key>a</Ke"
HTML = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"

ANSWERS = {
    "laughs": (200, BILLION_LAUGHS, "application/xml"),
    "external": (200, EXTERNAL, "application/xml"),
    "truncated": (200, TRUNCATED, "application/xml"),
    "html502": (502, HTML, "text/html"),
    "html403": (403, HTML, "text/html"),
}


@pytest.fixture
async def fake_server() -> AsyncIterator[tuple[str, dict[str, int]]]:
    hits: dict[str, int] = {}

    async def handler(request: web.Request) -> web.Response:
        mode = request.match_info["bucket"].split("-")[0]
        hits[mode] = hits.get(mode, 0) + 1
        status, body, ctype = ANSWERS[mode]
        return web.Response(status=status, body=body, content_type=ctype)

    async def root(request: web.Request) -> web.Response:
        status, body, ctype = ANSWERS["external"]
        return web.Response(status=status, body=body, content_type=ctype)

    app = web.Application()
    app.router.add_get("/", root)
    app.router.add_get("/{bucket}", handler)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield f"http://127.0.0.1:{server.port}", hits
    await server.close()


@pytest.mark.parametrize("mode", ["laughs", "truncated", "html502", "html403"])
async def test_listing_answers_are_typed_errors(
    fake_server: tuple[str, dict[str, int]], mode: str
) -> None:
    endpoint, hits = fake_server
    policy = aiominio.RetryPolicy(max_attempts=2, base_delay=0.01)
    async with aiominio.Client(
        endpoint, access_key="a", secret_key="b", region="us-east-1", retry=policy
    ) as client:
        with pytest.raises(aiominio.AiominioError) as info:
            [o async for o in client.list_objects(f"{mode}-bucket")]
    err = info.value
    if mode == "html403":
        assert isinstance(err, aiominio.InvalidResponseError) and err.status == 403
        assert hits[mode] == 1  # a client error is not retried
    elif mode == "html502":
        assert isinstance(err, aiominio.InvalidResponseError) and err.status == 502
        assert hits[mode] == 2  # a gateway error is
    else:
        assert isinstance(err, aiominio.InvalidResponseError)
    assert "Traceback" not in str(err)


async def test_external_entities_are_refused(fake_server: tuple[str, dict[str, int]]) -> None:
    endpoint, _ = fake_server
    async with aiominio.Client(
        endpoint, access_key="a", secret_key="b", retry=aiominio.RetryPolicy(1)
    ) as client:
        with pytest.raises(aiominio.InvalidResponseError, match="unsafe XML"):
            await client.list_buckets()


async def test_wrong_region_is_learned_from_the_error() -> None:
    """A fake AWS-like server: a bucket in eu-west-1 refuses requests signed for another region
    and names the right one, as S3 does (no local server has per-bucket regions)."""
    seen: list[str] = []

    async def handler(request: web.Request) -> web.Response:
        scope = request.headers.get("Authorization", "").split("Credential=")[1].split(",")[0]
        seen.append(scope.split("/")[2])
        if "location" in request.query:
            return web.Response(status=403, body=b"<Error><Code>AccessDenied</Code></Error>")
        if "/eu-west-1/" not in scope:
            body = (
                b"<Error><Code>AuthorizationHeaderMalformed</Code><Message>the region "
                b"'us-east-1' is wrong; expecting 'eu-west-1'</Message>"
                b"<Region>eu-west-1</Region></Error>"
            )
            # A HEAD answer has no body: S3 names the region in a header then.
            return web.Response(
                status=400,
                body=body,
                content_type="application/xml",
                headers={"x-amz-bucket-region": "eu-west-1"},
            )
        return web.Response(status=200, headers={"ETag": '"abc"', "Content-Length": "3"})

    app = web.Application()
    app.router.add_route("HEAD", "/{bucket}/{key}", handler)
    app.router.add_get("/{bucket}", handler)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        async with aiominio.Client(
            f"http://127.0.0.1:{server.port}", access_key="a", secret_key="b"
        ) as client:
            stat = await client.stat_object("euro-bucket", "k")
            assert stat.etag == "abc"
            await client.stat_object("euro-bucket", "k")
        assert seen == ["us-east-1", "us-east-1", "eu-west-1", "eu-west-1"]
        assert client.retries == 0
    finally:
        await server.close()
