"""Fixtures for the fsspec filesystem over the real servers (SeaweedFS and moto).

``fs`` is a sync :class:`~aiominio.fsspec.AiominioFileSystem` over each server with a fresh
bucket ``fs_bucket`` (removed afterwards with everything in it); ``fs_root`` is a fresh prefix
in a bucket shared by a whole session, for suites that need many cheap, isolated roots (the
fsspec conformance suites). ``make_fs(server, **options)`` makes more filesystems, closed at
teardown. pandas, Dask or Zarr tests can take ``fs`` / ``fs_bucket`` / ``storage_options``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator

import aiohttp
import fsspec
import pytest
from fsspec.asyn import get_loop, sync
from fsspec.registry import known_implementations

from aiominio import testing
from aiominio.fsspec import AiominioFileSystem
from tests.conftest import RequestLog
from tests.integration.conftest import unique_bucket

# The `aiominio` protocol comes from the package's `fsspec.specs` entry point; an editable
# install made before the entry point existed does not have it yet.
if "aiominio" not in known_implementations:
    fsspec.register_implementation("aiominio", AiominioFileSystem)

MakeFs = Callable[..., AiominioFileSystem]


def options_for(server: testing.LocalServer) -> dict[str, object]:
    """The storage options that reach ``server`` (s3fs's names)."""
    return {"endpoint_url": server.endpoint, "key": server.access_key, "secret": server.secret_key}


@pytest.fixture
def storage_options(server: testing.LocalServer) -> dict[str, object]:
    """``storage_options=`` for pandas / Dask / ``fsspec.open`` against ``server``."""
    return options_for(server)


@pytest.fixture
def make_fs() -> Iterator[MakeFs]:
    """``make_fs(server, **options)``: a new (uncached) sync filesystem, closed at teardown."""
    made: list[AiominioFileSystem] = []

    def make(server: testing.LocalServer, **options: object) -> AiominioFileSystem:
        fs = AiominioFileSystem(**{**options_for(server), **options}, skip_instance_cache=True)
        made.append(fs)
        return fs

    yield make
    for fs in made:
        fs.close()


@pytest.fixture
def fs(server: testing.LocalServer, make_fs: MakeFs) -> AiominioFileSystem:
    """A sync filesystem over ``server`` (seaweedfs and moto)."""
    return make_fs(server)


@pytest.fixture
def fs_bucket(fs: AiominioFileSystem) -> Iterator[str]:
    """A fresh bucket for one test, removed afterwards with everything in it."""
    name = unique_bucket("fs")
    fs.mkdir(name)
    yield name
    fs.rm(name, recursive=True)


def _shared_bucket(server: testing.LocalServer) -> Iterator[str]:
    fs = AiominioFileSystem(**options_for(server), skip_instance_cache=True)
    name = unique_bucket("fsroot")
    fs.mkdir(name)
    yield name
    fs.rm(name, recursive=True)
    fs.close()


@pytest.fixture(scope="session")
def seaweedfs_fs_bucket(seaweedfs_server: testing.LocalServer) -> Iterator[str]:
    yield from _shared_bucket(seaweedfs_server)


@pytest.fixture(scope="session")
def moto_fs_bucket(moto_server: testing.LocalServer) -> Iterator[str]:
    yield from _shared_bucket(moto_server)


@pytest.fixture
def fs_root(server: testing.LocalServer, request: pytest.FixtureRequest) -> str:
    """A fresh, empty prefix (``bucket/xxxx``) in a bucket shared by the session."""
    bucket: str = request.getfixturevalue(f"{server.name}_fs_bucket")
    return f"{bucket}/{secrets.token_hex(6)}"


@pytest.fixture
def traced_fs(server: testing.LocalServer) -> Iterator[tuple[AiominioFileSystem, RequestLog]]:
    """A sync filesystem whose requests are logged: ``fs, log = traced_fs`` (its client runs
    on fsspec's IO loop, where its traced session is made)."""
    log = RequestLog()

    async def make_session() -> aiohttp.ClientSession:
        return aiohttp.ClientSession(trace_configs=[log.trace])

    loop = get_loop()
    session = sync(loop, make_session)
    client = server.client(session=session)
    fs = AiominioFileSystem(client=client, skip_instance_cache=True)
    yield fs, log
    sync(loop, client.close)
    sync(loop, session.close)


def ranges_fetched(log: RequestLog) -> list[int]:
    """The length of every ranged GET in ``log``."""
    out = []
    for sent in log.of("GET"):
        value = sent.headers.get("Range")
        if value:
            first, _, last = value.removeprefix("bytes=").partition("-")
            out.append(int(last) - int(first) + 1)
    return out
