"""Malformed and hostile answers: a fake server (no real server here sends these on purpose)
answers with entity-laden XML, truncated XML and a proxy's HTML page. Each is a typed error."""

from __future__ import annotations

import pytest
from aiohttp import web

import aiominio
from tests.integration.conftest import StartWebServer, WebServer

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
async def fake_server(web_server: StartWebServer) -> WebServer:
    """Answers a listing of bucket ``<mode>-...`` with ``ANSWERS[mode]``, the bucket list with
    an external entity."""

    async def listing(request: web.Request) -> web.Response:
        status, body, ctype = ANSWERS[request.match_info["bucket"].split("-")[0]]
        return web.Response(status=status, body=body, content_type=ctype)

    async def root(request: web.Request) -> web.Response:
        status, body, ctype = ANSWERS["external"]
        return web.Response(status=status, body=body, content_type=ctype)

    return await web_server(web.get("/", root), web.get("/{bucket}", listing))


@pytest.mark.parametrize(
    ("mode", "status", "requests"),
    [
        # Unparsable answers (complete bodies, so not a broken connection) are not retried.
        ("laughs", None, 1),
        ("truncated", None, 1),
        ("html502", 502, 2),  # a gateway error is retried
        ("html403", 403, 1),  # a client error is not
    ],
)
async def test_listing_answers_are_typed_errors(
    fake_server: WebServer, mode: str, status: int | None, requests: int
) -> None:
    policy = aiominio.RetryPolicy(max_attempts=2, base_delay=0.01)
    async with aiominio.Client(
        fake_server.url, access_key="a", secret_key="b", region="us-east-1", retry=policy
    ) as client:
        with pytest.raises(aiominio.AiominioError) as info:
            [o async for o in client.list_objects(f"{mode}-bucket")]
    err = info.value
    assert type(err) is aiominio.InvalidResponseError, repr(err)
    if status is not None:  # an HTTP error; an unparsable 200 answer carries no status
        assert err.status == status
    assert fake_server.paths("GET") == [fake_server.paths("GET")[0]] * requests
    assert fake_server.paths("GET")[0].startswith(f"/{mode}-bucket?")
    assert "Traceback" not in str(err)


async def test_external_entities_are_refused(fake_server: WebServer) -> None:
    async with aiominio.Client(
        fake_server.url, access_key="a", secret_key="b", retry=aiominio.RetryPolicy(1)
    ) as client:
        with pytest.raises(aiominio.InvalidResponseError, match="unsafe XML"):
            await client.list_buckets()
    assert fake_server.paths() == ["/"]


async def test_wrong_region_is_learned_from_the_error(web_server: StartWebServer) -> None:
    """A fake AWS-like server: a bucket in eu-west-1 refuses requests signed for another region
    and names the right one, as S3 does (no local server has per-bucket regions)."""

    def scope_region(request: web.Request) -> str:
        credential = request.headers["Authorization"].split("Credential=")[1].split(",")[0]
        return credential.split("/")[2]

    async def handler(request: web.Request) -> web.Response:
        if "location" in request.query:
            return web.Response(status=403, body=b"<Error><Code>AccessDenied</Code></Error>")
        if scope_region(request) != "eu-west-1":
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

    fake = await web_server(
        web.route("HEAD", "/{bucket}/{key}", handler), web.get("/{bucket}", handler)
    )
    async with aiominio.Client(fake.url, access_key="a", secret_key="b") as client:
        stat = await client.stat_object("euro-bucket", "k")
        assert stat.etag == "abc"
        await client.stat_object("euro-bucket", "k")
    scopes = [
        r.headers["Authorization"].split("Credential=")[1].split("/")[2] for r in fake.received
    ]
    # The location lookup is refused, the first HEAD is signed for us-east-1 and corrected; the
    # second HEAD goes straight to eu-west-1.
    assert [(r.method, r.path_qs) for r in fake.received] == [
        ("GET", "/euro-bucket?location="),
        ("HEAD", "/euro-bucket/k"),
        ("HEAD", "/euro-bucket/k"),
        ("HEAD", "/euro-bucket/k"),
    ]
    assert scopes == ["us-east-1", "us-east-1", "eu-west-1", "eu-west-1"]
    assert client.retries == 0
