"""A real forward proxy for tests: proxy.py (``pip install proxy.py``, in the ``test`` extra) on
loopback, started as a process and stopped with everything it started (test code, not part of
the library).

It proxies plain HTTP requests and CONNECT tunnels, asks for Basic credentials when started with
``auth``, speaks TLS to its clients when given a certificate, and logs one access line per
request or tunnel (written when the connection closes), which :meth:`ForwardProxy.seen` reads
to prove that traffic really went through it.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from aiominio.testing import _servers


@dataclass(frozen=True)
class ForwardProxy:
    """A running proxy: ``url`` has no credentials (``auth`` holds them)."""

    url: str
    port: int
    log: Path
    auth: tuple[str, str] | None = None

    def url_with_credentials(self, user: str | None = None, password: str | None = None) -> str:
        """The proxy's URL with ``user:password@`` in it (its own credentials by default)."""
        assert self.auth is not None or (user is not None and password is not None)
        user = user if user is not None else self.auth[0] if self.auth else ""
        password = password if password is not None else self.auth[1] if self.auth else ""
        scheme, _, rest = self.url.partition("://")
        return f"{scheme}://{user}:{password}@{rest}"

    def lines(self) -> list[str]:
        """The proxy's access log lines so far."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return [line for line in text.splitlines() if "access_log" in line]

    def seen(self, needle: str, *, after: int = 0, timeout: float = 5.0) -> list[str]:
        """The access lines (past the first ``after``) that contain ``needle``, waiting up to
        ``timeout`` seconds for one: the proxy writes a line when a connection closes."""
        deadline = time.monotonic() + timeout
        while True:
            found = [line for line in self.lines()[after:] if needle in line]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


@contextlib.contextmanager
def forward_proxy(
    *,
    auth: tuple[str, str] | None = None,
    cert_file: str | None = None,
    key_file: str | None = None,
    timeout: float = 30.0,
) -> Iterator[ForwardProxy]:
    """Run proxy.py on a free loopback port (the port it picks itself, told in a port file: no
    race with another process for a port checked free); ``https://`` with ``cert_file`` and
    ``key_file``."""
    workdir = Path(tempfile.mkdtemp(prefix="aiominio-proxy-"))
    port_file, log = workdir / "port", workdir / "proxy.log"
    cmd = [
        sys.executable,
        "-m",
        "proxy",
        "--hostname",
        "127.0.0.1",
        "--port",
        "0",
        "--port-file",
        str(port_file),
        "--num-acceptors",
        "1",
        "--num-workers",
        "1",
        "--log-file",
        str(log),
        "--log-level",
        "INFO",
    ]
    if auth is not None:
        cmd += ["--basic-auth", f"{auth[0]}:{auth[1]}"]
    if cert_file is not None and key_file is not None:
        cmd += ["--cert-file", cert_file, "--key-file", key_file]
    with open(workdir / "stdout.log", "wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=workdir, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    _servers.RUNNING.add(proc)
    try:
        port = _wait_for_port(proc, port_file, workdir, time.monotonic() + timeout)
        scheme = "https" if cert_file else "http"
        yield ForwardProxy(f"{scheme}://127.0.0.1:{port}", port, log, auth)
    finally:
        _servers.stop_process(proc)
        shutil.rmtree(workdir, ignore_errors=True)


def _wait_for_port(
    proc: subprocess.Popen[bytes], port_file: Path, workdir: Path, deadline: float
) -> int:
    """The port the proxy listens on, once it accepts connections."""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = (workdir / "stdout.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"proxy.py exited with {proc.returncode}:\n{tail}")
        text = port_file.read_text().strip() if port_file.exists() else ""
        if text.isdigit() and not _servers.port_free(int(text)):
            return int(text)
        time.sleep(0.1)
    raise RuntimeError(f"proxy.py did not start listening in time; see {workdir}")
