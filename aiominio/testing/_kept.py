"""A SeaweedFS kept running in the background between test runs: started by the first run (or
``python -m aiominio.testing start``), found and reused by every later one, stopped by
``python -m aiominio.testing stop``.

SeaweedFS needs some 2.4 s to start; a running one answers a probe in milliseconds. The server
is a detached ``serve`` process that writes what a client needs (endpoint, keys, its process
id) to a state file, mode 0600, once it serves, and removes it when it stops. The keys never
pass through a command line.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from aiominio.testing._servers import LocalServer, probe_ready

try:
    import fcntl
except ImportError:  # pragma: no cover (Windows: no lock; two first runs may start two)
    fcntl = None  # type: ignore[assignment]

__all__ = ["KeptState", "kept_server", "read_state", "state_dir", "stop_kept"]

#: Where the state file lives, when set (else the user's cache directory).
DIR_VARIABLE = "AIOMINIO_CACHE_DIR"
STATE_FILE = "test-server.json"
LOG_FILE = "test-server.log"
#: How long a kept server may take to answer before it counts as gone.
PROBE_TIMEOUT = 2.0


def state_dir() -> Path:
    """``$AIOMINIO_CACHE_DIR``, else ``$XDG_CACHE_HOME/aiominio``, else ``~/.cache/aiominio``."""
    given = os.environ.get(DIR_VARIABLE)
    if given:
        return Path(given)
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(cache) / "aiominio"


@dataclass(frozen=True, slots=True)
class KeptState:
    """What the state file holds: how to reach the server, and the process to stop."""

    endpoint: str
    access_key: str
    secret_key: str
    pid: int

    def __repr__(self) -> str:  # never the secret key
        return f"KeptState(endpoint={self.endpoint!r}, pid={self.pid})"

    def server(self) -> LocalServer:
        return LocalServer("seaweedfs", self.endpoint, self.access_key, self.secret_key)


def write_state(path: Path, state: KeptState) -> None:
    """Write ``state`` to ``path`` (mode 0600, replaced in one rename: a reader never sees half
    of it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(
            {
                "endpoint": state.endpoint,
                "access_key": state.access_key,
                "secret_key": state.secret_key,
                "pid": state.pid,
            },
            out,
        )
    os.replace(partial, path)


def read_state(directory: Path | None = None) -> KeptState | None:
    """The state file's content; ``None`` when there is none, or it is not one (a planted or
    truncated file is ignored, never trusted in part)."""
    path = (directory or state_dir()) / STATE_FILE
    try:
        raw = json.loads(path.read_text())
        state = KeptState(raw["endpoint"], raw["access_key"], raw["secret_key"], raw["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    fields_ok = all(
        isinstance(v, str) for v in (state.endpoint, state.access_key, state.secret_key)
    )
    local = state.endpoint.startswith(("http://127.0.0.1:", "http://localhost:"))
    if not fields_ok or not local or not isinstance(state.pid, int) or state.pid <= 1:
        return None
    return state


def _is_ours(pid: int) -> bool:
    """Whether ``pid`` is a running ``serve`` process (on Linux its command line says so; where
    that cannot be read, whether it runs at all)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False  # another user's process: never ours
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists():
        with contextlib.suppress(OSError):
            return b"aiominio.testing" in cmdline.read_bytes()
    return True


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """One test run at a time decides whether to start the server (another waits)."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(directory / ".lock", "w") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _running(directory: Path) -> LocalServer | None:
    state = read_state(directory)
    if state is None or not _is_ours(state.pid):
        return None
    server = state.server()
    try:
        probe_ready(server, time.monotonic() + PROBE_TIMEOUT)
    except TimeoutError:
        return None
    return server


def kept_server(timeout: float = 60.0) -> tuple[LocalServer, bool]:
    """The kept server, started first when none answers; and whether this call started it.

    Raises:
        RuntimeError: it did not start within ``timeout`` seconds (with the end of its log).
    """
    directory = state_dir()
    with _locked(directory):
        running = _running(directory)
        if running is not None:
            return running, False
        (directory / STATE_FILE).unlink(missing_ok=True)
        log = directory / LOG_FILE
        pid = _spawn_detached(
            [sys.executable, "-m", "aiominio.testing", "serve", "--state", str(directory)], log
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ended, status = os.waitpid(pid, os.WNOHANG)
            if ended:
                tail = log.read_text(errors="replace")[-2000:]
                code = os.waitstatus_to_exitcode(status)
                raise RuntimeError(f"the kept SeaweedFS exited with {code}:\n{tail}")
            state = read_state(directory)
            if state is not None and state.pid == pid:
                return state.server(), True
            time.sleep(0.05)
        os.kill(pid, signal.SIGTERM)
        raise RuntimeError(f"the kept SeaweedFS did not start in {timeout:g} s; see {log}")


def _spawn_detached(argv: list[str], log: Path) -> int:
    """Start ``argv`` in a session of its own (not stopped with this process, nor by its
    Ctrl-C), its stderr to ``log``; its process id. Not a :class:`subprocess.Popen`: the
    process is meant to outlive this one, which Popen reports as a leak."""
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, str(log), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
    ]
    return os.posix_spawn(argv[0], argv, dict(os.environ), file_actions=actions, setsid=True)


def stop_kept(timeout: float = 15.0) -> KeptState | None:
    """Stop the kept server, if one runs; what it was (``None``: none was running)."""
    directory = state_dir()
    with _locked(directory):
        state = read_state(directory)
        if state is None or not _is_ours(state.pid):
            (directory / STATE_FILE).unlink(missing_ok=True)
            return None
        os.kill(state.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _is_ours(state.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        (directory / STATE_FILE).unlink(missing_ok=True)
        return state
