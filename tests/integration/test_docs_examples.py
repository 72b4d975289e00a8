"""Every Python block of README.md and docs/**/*.md runs against SeaweedFS, or says why not.

A block is not run when the line right before its fence is ``<!-- not-run: REASON -->`` (the
reason is required; ``tests/unit/test_docs_names.py`` checks the markers, and the names every
block uses, run or not). The other blocks of a page run in order as one program, one test per
page, in a subprocess whose working directory is a fresh temporary one and whose environment is
what ``python -m aiominio.testing serve`` prints (``AWS_ENDPOINT_URL``, the keys,
``AWS_REGION``), so ``aiominio.Client()`` connects to the session's SeaweedFS. Warnings are
errors, as in the suite. Top-level ``await`` works: a block that awaits runs on one event loop
kept for the whole page (a client made in one block is used in the next); a block that does not
runs as plain code (``asyncio.run(main())`` works). A failure names the block's page and line,
and its traceback the page's lines. The buckets a page made are removed after it, and a Client
the page left open in its names is closed.

docs/guides/data-tools.md is left to ``tests/integration/fsspec/test_tools.py``
(``test_the_data_tools_guide_runs``), which runs its blocks as one script with its options
line pointed at the server and its Dask dashboard on a free port.
"""

from __future__ import annotations

import ast
import asyncio
import builtins
import contextlib
import gc
import inspect
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

import aiominio
from aiominio import testing
from tests.unit.test_docs_names import ROOT, Block, doc_pages, page_name, python_blocks

#: Pages whose blocks another test runs: page -> that test.
RUN_ELSEWHERE = {
    "docs/guides/data-tools.md": (
        "tests/integration/fsspec/test_tools.py::test_the_data_tools_guide_runs"
    ),
}
STARTS = "--- docs example: "  # what the runner prints before each block
TIMEOUT = 120.0  # seconds for one page; most take one or two, testing.md's cluster some 10


def runnable(path: Path) -> list[Block]:
    return [b for b in python_blocks(path) if b.not_run is None]


PAGES = [p for p in doc_pages() if runnable(p) and page_name(p) not in RUN_ELSEWHERE]


# -- in the subprocess ------------------------------------------------------------------------


def run_page() -> None:
    """Run the blocks read from standard input (``[[page, line, source], ...]``), in order.

    What Python reports only as "Exception ignored" (a coroutine never awaited, an unclosed
    resource: warnings turned errors inside ``__del__``) fails the page too; SIGTERM ends it
    as an exception would, so the servers a page started are stopped on the way out.
    """
    blocks = json.load(sys.stdin)
    namespace: dict[str, object] = {"__name__": "__main__", "__builtins__": builtins}
    ignored: list[str] = []

    def record(unraisable: Any) -> None:
        ignored.append(f"{unraisable.exc_type.__name__}: {unraisable.exc_value}")

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(f"stopped by signal {signum}")

    sys.unraisablehook = record
    signal.signal(signal.SIGTERM, stop)
    loop = asyncio.new_event_loop()
    try:
        for page, line, source in blocks:
            print(f"{STARTS}{page}:{line}", file=sys.stderr, flush=True)
            # Padded so that a traceback gives the line of the page.
            code = compile("\n" * line + source, page, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
            if code.co_flags & inspect.CO_COROUTINE:
                asyncio.set_event_loop(loop)
                loop.run_until_complete(eval(code, namespace))
            else:
                exec(code, namespace)
    finally:
        left_open = [v for v in namespace.values() if isinstance(v, aiominio.Client)]
        for client in left_open:
            loop.run_until_complete(client.close())
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
        gc.collect()
    if ignored:
        raise SystemExit("ignored by Python, a failure here:\n" + "\n".join(ignored))


# -- in the test ------------------------------------------------------------------------------


async def remove_bucket(client: aiominio.Client, bucket: str) -> None:
    """Remove what a page left in a bucket, and the bucket, as far as the server allows (an
    object under compliance retention stays)."""
    with contextlib.suppress(aiominio.S3Error):
        async for upload in client.list_incomplete_uploads(bucket, recursive=True):
            await client.remove_incomplete_upload(bucket, upload.key)
        versions = [v async for v in client.list_object_versions(bucket, recursive=True)]
        for version in versions:
            with contextlib.suppress(aiominio.S3Error):
                await client.remove_object(
                    bucket, version.key, version_id=version.version_id, bypass_governance=True
                )
        await client.remove_bucket(bucket)


def server_environment(server: testing.LocalServer) -> dict[str, str]:
    """The environment of a user after ``python -m aiominio.testing serve``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AIOMINIO_"))}
    env.update(
        AWS_ENDPOINT_URL=server.endpoint,
        AWS_ACCESS_KEY_ID=server.access_key,
        AWS_SECRET_ACCESS_KEY=server.secret_key,
        AWS_REGION="us-east-1",
        AIOMINIO_TEST_SERVER=server.endpoint,
        # The suite's own: no shared files of the machine's user.
        AWS_SHARED_CREDENTIALS_FILE="/nonexistent/aiominio/credentials",
        AWS_CONFIG_FILE="/nonexistent/aiominio/config",
        PYTHONPATH=str(ROOT),
    )
    return env


@pytest.mark.parametrize("path", PAGES, ids=page_name)
async def test_the_python_blocks_of_the_page_run(
    path: Path, seaweedfs_server: testing.LocalServer, tmp_path: Path
) -> None:
    blocks = runnable(path)
    async with seaweedfs_server.client() as client:
        before = {b.name for b in await client.list_buckets()}
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-W",
            "error",
            "-c",
            f"from {__name__} import run_page; run_page()",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            cwd=tmp_path,
            env=server_environment(seaweedfs_server),
        )
        outcome = "failed"
        try:
            payload = json.dumps([[b.page, b.line, b.source] for b in blocks]).encode()
            out, _ = await asyncio.wait_for(proc.communicate(payload), TIMEOUT)
        except asyncio.TimeoutError:
            outcome = f"did not end in {TIMEOUT:.0f} s"
            proc.terminate()  # the page's servers are stopped on the way out
            try:
                out, _ = await asyncio.wait_for(proc.communicate(), 15)
            except asyncio.TimeoutError:
                proc.kill()
                out, _ = await proc.communicate()
        finally:
            for bucket in {b.name for b in await client.list_buckets()} - before:
                await remove_bucket(client, bucket)
    output = out.decode(errors="replace")
    started = [line for line in output.splitlines() if line.startswith(STARTS)]
    where = started[-1][len(STARTS) :] if started else page_name(path)
    assert proc.returncode == 0, f"the block at {where} {outcome}:\n{output[-5000:]}"
    assert len(started) == len(blocks)


def test_the_pages_left_to_other_tests_are_run_there() -> None:
    for page, test in RUN_ELSEWHERE.items():
        module, name = test.split("::")
        source = (ROOT / module).read_text(encoding="utf-8")
        assert f"def {name}(" in source, f"{page} is left to {test}, which is gone"
        assert Path(page).name in source, f"{test} does not run {page}"
