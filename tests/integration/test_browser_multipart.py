"""A multipart upload from a real browser, as a user's page does it: headless Chromium (through
Playwright) loads a page from another origin, slices a file into parts, ``fetch()``-PUTs each to
its presigned part URL and reads each part's ETag; the test then completes the upload with the
client and reads the object back, byte for byte.

Needs Debian's ``chromium`` (``/usr/bin/chromium``; ``.ci/run`` installs it) and the
``playwright`` package of the ``test`` extra, which drives it (no browser is downloaded).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

import aiominio
from tests.integration.conftest import StartWebServer

CHROMIUM = "/usr/bin/chromium"
if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
    pytest.skip(
        f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)",
        allow_module_level=True,
    )
playwright = pytest.importorskip(
    "playwright.async_api", reason="playwright is not installed (the test extra has it)"
)

#: Chromium's flags for a machine with no display, no GPU and no internet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MiB = 1024 * 1024
PART_SIZE = 5 * MiB

#: The uploading page: the file is fetched as a Blob (what an <input type=file> gives a page),
#: sliced into parts, and the parts are PUT at once, each to its own presigned URL.
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>multipart upload</title></head>
<body>
<script>
async function uploadParts(fileUrl, partUrls, partSize) {
  const file = await (await fetch(fileUrl)).blob();
  return Promise.all(partUrls.map(async (url, i) => {
    const body = file.slice(i * partSize, Math.min((i + 1) * partSize, file.size));
    const resp = await fetch(url, {method: "PUT", body: body});
    if (!resp.ok) {
      throw new Error(`part ${i + 1}: HTTP ${resp.status}: ${await resp.text()}`);
    }
    const etag = resp.headers.get("ETag");
    if (!etag) {
      throw new Error(`part ${i + 1}: no ETag the page may read (CORS ExposeHeaders)`);
    }
    return etag;
  }));
}
</script>
</body></html>
"""


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    async with playwright.async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


async def test_a_browser_uploads_the_parts_to_presigned_urls(
    client: aiominio.Client, bucket: str, web_server: StartWebServer, browser: Any
) -> None:
    data = os.urandom(2 * PART_SIZE + 777_777)  # two 5 MiB parts and a smaller last one

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html")

    async def file(request: web.Request) -> web.Response:
        return web.Response(body=data, content_type="application/octet-stream")

    site = await web_server(web.get("/", page), web.get("/file.bin", file))
    # What a deployment needs for a page on another origin: PUTs from it allowed, and the
    # ETag of each answer readable by its scripts.
    await client.set_bucket_cors(
        bucket,
        aiominio.CorsConfig(
            rules=[
                aiominio.CorsRule(
                    ["PUT"], [site.url], allowed_headers=["*"], expose_headers=["ETag"]
                )
            ]
        ),
    )
    key = "from the browser/video.bin"
    upload_id = await client.initiate_new_multipart_upload(bucket, key, content_type="video/mp4")
    count = -(-len(data) // PART_SIZE)
    urls = [
        await client.presigned_upload_part_url(bucket, key, upload_id, n, 600)
        for n in range(1, count + 1)
    ]

    context = await browser.new_context()
    try:
        tab = await context.new_page()
        await tab.goto(f"{site.url}/")
        etags = await tab.evaluate(
            "([fileUrl, urls, size]) => uploadParts(fileUrl, urls, size)",
            [f"{site.url}/file.bin", urls, PART_SIZE],
        )
    finally:
        await context.close()

    assert len(etags) == 3 and all(etag.startswith('"') for etag in etags)
    listed = [p async for p in client.list_parts(bucket, key, upload_id)]
    assert [(p.part_number, f'"{p.etag}"', p.size) for p in listed] == [
        (1, etags[0], PART_SIZE),
        (2, etags[1], PART_SIZE),
        (3, etags[2], len(data) - 2 * PART_SIZE),
    ]
    result = await client.complete_multipart_upload(bucket, key, upload_id, enumerate(etags, 1))
    assert result.etag.endswith("-3")
    async with client.get_object(bucket, key) as obj:
        assert await obj.read() == data
    assert (await client.stat_object(bucket, key)).content_type == "video/mp4"
