"""The demo (``nox -s demo``) and every example script run cleanly against a real server."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import aiohttp

from aiominio import testing
from tests.integration.conftest import StartWebServer

ROOT = Path(__file__).resolve().parents[2]


def test_demo_runs_every_example() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "run_demo.py")],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    for expected in (
        "Bucket 'mybucket' created successfully",
        "Bucket 'mybucket' exists.",
        "40mbfile: etag=",
        "End. Total size = 21",
        "End. Total size = 11",
        "fastapi_streaming: downloaded 24000 bytes, Content-Length 24000, ETag",
        "fastapi_streaming: a missing key answers 404",
        "fastapi_streaming.py: stopped, exit code 0",
        "aiohttp_web_streaming: downloaded 24000 bytes, Content-Length 24000, ETag",
        "aiohttp_web_streaming: a missing key answers 404",
        "aiohttp_web_streaming.py: stopped, exit code 0",
        "success: 21 bytes written",
        "composed: 15728651 bytes from 3 sources",
        "40mbfile: 41943040 bytes, etag=",
        "Removed the object photo.jpg",
        "Bucket 'mybucket' removed successfully.",
        "Bucket 'mybucket' does not exist.",
        "read back with the key: top secret",
        "without the key the server refuses:",
        "copied under a new key: top secret",
        "Lifecycle rules of 'mybucket': ['expire-logs', 'old-versions', 'end-of-project']",
        "Lifecycle of 'mybucket' after delete: None",
        "Default encryption of 'mybucket' now: AES256",
        "CORS: ('*',) may ('GET',)",
        "Bucket replication is not supported by this server (BucketAlreadyOwnedByYou)",
        "retention extended to ",
        "a retained version cannot be removed: AccessDenied",
        "legal hold on contract.pdf: True",
        "removed with bypass_governance=True",
        "demo: done",
    ):
        assert expected in out, f"{expected!r} missing from the demo output:\n{out[-3000:]}"
    scripts = {p.name for p in (ROOT / "examples").glob("*.py") if not p.name.startswith("_")}
    ran = {line.split("examples/")[1] for line in out.splitlines() if line.startswith("== ")}
    # post_form_server.py is a web app, exercised by test_post_form_page below.
    assert scripts - ran == {"run_demo.py", "post_form_server.py"}, "an example is not in the demo"


async def test_post_form_page(
    server: testing.LocalServer, bucket: str, web_server: StartWebServer
) -> None:
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        from post_form_server import make_app
    finally:
        sys.path.remove(str(ROOT / "examples"))
    async with server.client() as client:
        page_server = await web_server(app=make_app(client, bucket))
        async with aiohttp.ClientSession() as browser, browser.get(page_server.url + "/") as resp:
            assert resp.status == 200
            page = await resp.text()
        action = html.unescape(re.search(r'action="([^"]+)"', page).group(1))  # type: ignore[union-attr]
        fields = {
            html.unescape(k): html.unescape(v)
            for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', page)
        }
        assert fields["key"].startswith("uploads/")
        form = aiohttp.FormData()
        for name, value in fields.items():
            form.add_field(name, value)
        form.add_field("file", b"from the browser", filename="f.txt")
        async with aiohttp.ClientSession() as http, http.post(action, data=form) as up:
            assert up.status == 201, await up.text()
        async with client.get_object(bucket, fields["key"]) as obj:
            assert await obj.read() == b"from the browser"
