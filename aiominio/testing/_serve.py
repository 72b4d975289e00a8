"""``python -m aiominio.testing serve``: a local SeaweedFS (one process, or a cluster of them)
until SIGINT or SIGTERM."""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import TextIO

from aiominio.errors import InvalidArgument
from aiominio.testing._cluster import seaweedfs_cluster
from aiominio.testing._kept import STATE_FILE, KeptState, read_state, write_state
from aiominio.testing._servers import LocalServer, seaweedfs_process

__all__ = ["exports", "serve"]


class _Stopped(BaseException):
    """SIGINT or SIGTERM asked :func:`serve` to stop."""


@contextlib.contextmanager
def _running(
    *,
    cluster: bool,
    port: int | None,
    access_key: str,
    secret_key: str | None,
    data_dir: str | os.PathLike[str] | None,
    timeout: float,
) -> Iterator[tuple[LocalServer, Callable[[], str]]]:
    """The server, and a function that returns once it died (with what its log said last)."""
    if cluster:
        with seaweedfs_cluster(
            access_key=access_key, secret_key=secret_key, timeout=timeout
        ) as server:

            def wait_cluster() -> str:
                while True:
                    for node in server.running_nodes():
                        if node.proc is None or node.proc.poll() is not None:
                            tail = node.log.read_text(errors="replace")[-2000:]
                            return f"{node.name} exited:\n{tail}"
                    time.sleep(0.5)

            yield server, wait_cluster
        return
    with seaweedfs_process(
        access_key=access_key,
        secret_key=secret_key,
        identities=None,
        tls_cert=None,
        tls_key=None,
        port=port,
        data_dir=data_dir,
        timeout=timeout,
    ) as (single, proc):

        def wait_single(proc: subprocess.Popen[bytes] = proc) -> str:
            status = proc.wait()
            log = Path(single.workdir or ".") / "weed.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            return f"exited with {status}:\n{tail}"

        yield single, wait_single


def exports(server: LocalServer) -> list[tuple[str, str]]:
    """The environment that points AWS SDKs, the AWS CLI and ``aiominio.Client()`` at
    ``server``."""
    return [
        ("AWS_ENDPOINT_URL", server.endpoint),
        ("AWS_ACCESS_KEY_ID", server.access_key),
        ("AWS_SECRET_ACCESS_KEY", server.secret_key),
        ("AWS_REGION", "us-east-1"),
    ]


def serve(
    *,
    port: int | None = None,
    access_key: str = "aiominio-test",
    secret_key: str | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    out: TextIO | None = None,
    timeout: float = 60.0,
    cluster: bool = False,
    state_dir: str | os.PathLike[str] | None = None,
) -> int:
    """Run SeaweedFS until SIGINT or SIGTERM (``python -m aiominio.testing serve``).

    Once it serves, the ``export`` lines that point AWS SDKs and aiominio's default credential
    chain at it are written to ``out`` (standard output by default); progress and errors go to
    standard error. Must be called from the main thread (it installs signal handlers).

    With ``cluster``, a cluster of separate processes (:func:`seaweedfs_cluster`: a master, three
    volume servers with replication ``001``, a filer and the S3 gateway) instead of one; ``port``
    and ``data_dir`` are for the single server only.

    With ``state_dir``, once it serves, the endpoint, keys and this process's id are also
    written to a file there (mode 0600), removed when it stops: how a server kept in the
    background between test runs is found (``python -m aiominio.testing start``).

    Returns:
        The exit status: 0 when stopped by a signal, 1 when the server could not start or died.
    """
    if cluster and (port is not None or data_dir is not None):
        raise InvalidArgument("port and data_dir are for the single server, not the cluster")
    out = sys.stdout if out is None else out
    stop_on = (signal.SIGINT, signal.SIGTERM)
    what = "a SeaweedFS cluster" if cluster else "SeaweedFS"

    def on_signal(signum: int, frame: FrameType | None) -> None:
        # A second Ctrl-C must not cut the shutdown short and leave the server running.
        for sig in stop_on:
            signal.signal(sig, signal.SIG_IGN)
        raise _Stopped(signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in stop_on}
    try:
        print(f"starting {what} ...", file=sys.stderr, flush=True)
        with _running(
            cluster=cluster,
            port=port,
            access_key=access_key,
            secret_key=secret_key,
            data_dir=data_dir,
            timeout=timeout,
        ) as (server, wait):
            for name, value in exports(server):
                print(f"export {name}={shlex.quote(value)}", file=out)
            # reused by the pytest fixtures
            print(f"export AIOMINIO_TEST_SERVER={shlex.quote(server.endpoint)}", file=out)
            out.flush()
            if state_dir is not None:
                state_file = Path(state_dir) / STATE_FILE
                write_state(
                    state_file,
                    KeptState(server.endpoint, server.access_key, server.secret_key, os.getpid()),
                )
            where = f", data in {Path(data_dir).absolute()}" if data_dir is not None else ""
            print(
                f"{what} serves S3 at {server.endpoint}{where}; Ctrl-C stops it",
                file=sys.stderr,
                flush=True,
            )
            print(f"error: {what} {wait()}", file=sys.stderr)
            return 1
    except _Stopped:
        print(f"{what} stopped", file=sys.stderr, flush=True)
        return 0
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        if state_dir is not None:
            with contextlib.suppress(OSError):
                mine = read_state(Path(state_dir))
                if mine is not None and mine.pid == os.getpid():
                    (Path(state_dir) / STATE_FILE).unlink()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
