"""A SeaweedFS kept running in the background between test runs: started by the first run (or
``python -m aiominio.testing start``), found and reused by every later one, stopped by
``python -m aiominio.testing stop``.

SeaweedFS needs some 2.4 s to start; a running one answers a probe in milliseconds. The server
is a detached ``serve`` process that writes what a client needs (endpoint, keys, its process
id) to a state file, mode 0600, once it serves, and removes it when it stops. The keys never
pass through a command line.

The state directory decides which process may be signalled, so it is trusted only when it is
the user's own and no one else may write in it; the state file only when it is a regular file
of the user's, private, small, and names a loopback endpoint; and a process only when its
command line is the ``serve`` of that directory (on Linux), or the server it names answers
with the state's secret key (elsewhere). POSIX only (``posix_spawn``, ``flock``).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import stat
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from aiominio.testing._servers import LocalServer, probe_ready

try:
    import fcntl
except ImportError:  # pragma: no cover (Windows, where keep mode is refused)
    fcntl = None  # type: ignore[assignment]

__all__ = ["KeptState", "kept_server", "read_state", "state_dir", "stop_kept"]

#: Where the state file lives, when set (else the user's cache directory).
DIR_VARIABLE = "AIOMINIO_CACHE_DIR"
STATE_FILE = "test-server.json"
LOG_FILE = "test-server.log"
#: How long a kept server may take to answer before it counts as gone...
PROBE_TIMEOUT = 2.0
#: ... and, when its process is there, how long it gets before it is stopped and replaced.
SLOW_TIMEOUT = 30.0
#: The most a state file may hold.
MAX_STATE_BYTES = 4096
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def state_dir() -> Path:
    """``$AIOMINIO_CACHE_DIR``, else ``$XDG_CACHE_HOME/aiominio``, else ``~/.cache/aiominio``
    (resolved: ``stop`` from another directory, or through a link, names the same one)."""
    given = os.environ.get(DIR_VARIABLE)
    if given:
        return Path(given).expanduser().resolve()
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(cache).resolve() / "aiominio"


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


def _check_posix() -> None:
    if os.name != "posix" or not hasattr(os, "posix_spawn") or fcntl is None:
        raise RuntimeError(
            "a SeaweedFS kept between runs (AIOMINIO_TEST_SERVER=keep, python -m "
            "aiominio.testing start) needs a POSIX system; run python -m aiominio.testing "
            "serve and set AIOMINIO_TEST_SERVER to its endpoint instead"
        )


def private_dir(directory: Path) -> Path:
    """``directory``, made if missing (mode 0700).

    Raises:
        RuntimeError: it is a symbolic link or not a directory, another user's, or others may
            write in it: a state file there could be planted.
    """
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    info = os.lstat(directory)
    if not stat.S_ISDIR(info.st_mode):
        raise RuntimeError(f"{directory} is not a directory (a symbolic link?)")
    if info.st_uid != os.getuid() or info.st_mode & 0o022:
        raise RuntimeError(
            f"{directory} is another user's, or others may write in it: set "
            f"{DIR_VARIABLE} to a directory of your own"
        )
    return directory


def _open_new(path: Path, flags: int = 0) -> int:
    """A file descriptor of a new file at ``path``, mode 0600, never through a link planted
    there (what was at ``path`` is removed first)."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | flags, 0o600)


def write_state(path: Path, state: KeptState) -> None:
    """Write ``state`` to ``path`` (mode 0600, replaced in one rename: a reader never sees half
    of it; never written through a planted link)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    fd = _open_new(partial)
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


def _loopback(endpoint: str) -> bool:
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return False
    return (
        parts.scheme == "http"
        and parts.hostname in ("127.0.0.1", "localhost")
        and parts.username is None
        and parts.password is None
        and port is not None
        and parts.path in ("", "/")
        and not parts.query
    )


def read_state(directory: Path | None = None) -> KeptState | None:
    """The state file's content; ``None`` when there is none, or it is not one: a link, a
    FIFO, another user's or a readable-by-others file, one too large, or one whose content is
    not wholly what ``serve`` writes (a planted or truncated file is ignored, never trusted in
    part)."""
    path = (directory or state_dir()) / STATE_FILE
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        private = info.st_uid == os.getuid() and not info.st_mode & 0o077
        if not stat.S_ISREG(info.st_mode) or not private or info.st_size > MAX_STATE_BYTES:
            return None
        raw = json.loads(os.read(fd, MAX_STATE_BYTES + 1))
        state = KeptState(raw["endpoint"], raw["access_key"], raw["secret_key"], raw["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    finally:
        os.close(fd)
    texts = (state.endpoint, state.access_key, state.secret_key)
    if not all(isinstance(v, str) and v for v in texts) or not _loopback(state.endpoint):
        return None
    if type(state.pid) is not int or state.pid <= 1:
        return None
    return state


def _serve_command(directory: Path) -> list[str]:
    return [sys.executable, "-m", "aiominio.testing", "serve", "--state", str(directory)]


def _is_ours(state: KeptState, directory: Path) -> bool:
    """Whether ``state.pid`` is the ``serve`` that keeps the server of ``directory``: on Linux,
    its command line says so; elsewhere the server answers with the state's secret key (only
    the process that wrote the file knows it). A process of another user never is."""
    try:
        os.kill(state.pid, 0)
    except OSError:  # gone, or another user's
        return False
    cmdline = Path(f"/proc/{state.pid}/cmdline")
    if Path("/proc/self/cmdline").exists():
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            return False
        wanted = [os.fsencode(a) for a in _serve_command(directory)[1:]]
        return argv[1 : 1 + len(wanted)] == wanted
    try:
        probe_ready(state.server(), time.monotonic() + PROBE_TIMEOUT)
    except TimeoutError:
        return False
    return True


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[Path]:
    """One test run at a time decides whether to start the server (another waits)."""
    _check_posix()
    private_dir(directory)
    fd = os.open(directory / ".lock", os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield directory
    finally:
        os.close(fd)


def _answering(state: KeptState, timeout: float) -> bool:
    try:
        probe_ready(state.server(), time.monotonic() + timeout)
    except TimeoutError:
        return False
    return True


def kept_server(timeout: float = 60.0) -> tuple[LocalServer, bool]:
    """The kept server, started first when none runs; and whether this call started it. One
    that runs but is slow to answer (a loaded machine) gets some time; one that still does not
    answer is stopped before another is started, so that none is left behind.

    Raises:
        RuntimeError: not on a POSIX system; an unsafe state directory; the server did not
            start within ``timeout`` seconds (with the end of its log).
    """
    with _locked(state_dir()) as directory:
        state = read_state(directory)
        if state is not None and _is_ours(state, directory):
            if _answering(state, SLOW_TIMEOUT):
                return state.server(), False
            if not _stop(state, directory):
                raise RuntimeError(
                    f"the kept SeaweedFS (process {state.pid}) neither answers nor stops: "
                    "stop it (python -m aiominio.testing stop) and try again"
                )
        (directory / STATE_FILE).unlink(missing_ok=True)
        log = directory / LOG_FILE
        pid = _spawn_detached(_serve_command(directory), log)
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
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)  # it stops its SeaweedFS first; not left a zombie
        raise RuntimeError(f"the kept SeaweedFS did not start in {timeout:g} s; see {log}")


def _spawn_detached(argv: list[str], log: Path) -> int:
    """Start ``argv`` in a session of its own (not stopped with this process, nor by its
    Ctrl-C), with the default handling of SIGINT and SIGTERM and no signal blocked, its stderr
    to ``log``; its process id. Not a :class:`subprocess.Popen`: the process is meant to
    outlive this one, which Popen reports as a leak."""
    os.close(_open_new(log))  # a new file of our own, never a planted link
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, str(log), os.O_WRONLY | _NOFOLLOW, 0o600),
    ]
    return os.posix_spawn(
        argv[0],
        argv,
        dict(os.environ),
        file_actions=actions,
        setsid=True,
        setsigmask=(),
        setsigdef=(signal.SIGINT, signal.SIGTERM),
    )


def _stop(state: KeptState, directory: Path, timeout: float = 15.0) -> bool:
    """SIGTERM the ``serve`` of ``state`` (it stops its SeaweedFS and removes the state file)
    and wait; whether it ended within ``timeout`` seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(state.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):  # reap it, when it is this process's child
            os.waitpid(state.pid, os.WNOHANG)
        if not _is_ours(state, directory):
            return True
        time.sleep(0.05)
    return False


def stop_kept(timeout: float = 15.0) -> KeptState | None:
    """Stop the kept server, if one runs; what it was (``None``: none was running).

    Raises:
        RuntimeError: it did not stop within ``timeout`` seconds (the state file is kept, so
            that a later ``stop`` finds it); not on a POSIX system; an unsafe state directory.
    """
    with _locked(state_dir()) as directory:
        state = read_state(directory)
        if state is None or not _is_ours(state, directory):
            (directory / STATE_FILE).unlink(missing_ok=True)  # (a link itself, not its target)
            return None
        if not _stop(state, directory, timeout):
            raise RuntimeError(
                f"the kept SeaweedFS (process {state.pid}) did not stop within {timeout:g} s"
            )
        (directory / STATE_FILE).unlink(missing_ok=True)
        return state
