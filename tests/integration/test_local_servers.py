"""The test servers themselves: a port taken between our check and the server's bind is retried."""

from __future__ import annotations

import socket
import urllib.request

import pytest

from aiominio import testing
from aiominio.testing import _servers


def test_a_port_taken_before_the_server_binds_it_is_replaced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        real = testing.find_free_port
        handed: list[int] = []

        def first_one_taken(**kwargs: object) -> int:
            port = taken if not handed else real(**kwargs)  # type: ignore[arg-type]
            handed.append(port)
            return port

        # The servers look the function up in the module that defines them.
        monkeypatch.setattr(_servers, "find_free_port", first_one_taken)
        with testing.moto() as server:
            assert handed[0] == taken and len(handed) == 2
            assert server.endpoint.endswith(f":{handed[1]}")
            with urllib.request.urlopen(server.endpoint + "/moto-api/", timeout=10) as resp:
                assert resp.status == 200
