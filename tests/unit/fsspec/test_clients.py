"""aiominio/fsspec/clients.py: one client per event loop and per process."""

from __future__ import annotations

import asyncio

import pytest

from aiominio import Client
from aiominio.fsspec import clients
from aiominio.fsspec.clients import ClientPool
from aiominio.testing import MockResponse, MockTransport


def make() -> Client:
    return Client(
        "http://s3.test",
        access_key="a",
        secret_key="b",
        transport=MockTransport(lambda r: MockResponse(200)),
    )


def test_one_client_per_loop() -> None:
    pool = ClientPool(make)

    async def twice() -> tuple[Client, Client]:
        return pool.get(), pool.get()

    a1, a2 = asyncio.run(twice())
    b1, _ = asyncio.run(twice())
    assert a1 is a2
    assert b1 is not a1
    assert pool.made == 1  # the first loop is closed: its client is let go


def test_a_forked_child_never_reuses_the_parents_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    pool = ClientPool(make)

    async def body() -> None:
        parent = pool.get()
        monkeypatch.setattr(clients.os, "getpid", lambda: -1)  # as in a child after fork
        child = pool.get()
        assert child is not parent
        assert parent in clients._INHERITED  # kept alive, never closed from here
        assert pool.get() is child

    asyncio.run(body())


def test_a_given_client_is_used_on_every_loop_and_left_open() -> None:
    given = make()
    pool = ClientPool(make, given=given)

    async def body() -> Client:
        await pool.close_current()
        return pool.get()

    assert asyncio.run(body()) is given
    assert asyncio.run(body()) is given
    assert not given.closed


def test_close_current_closes_the_loops_client() -> None:
    pool = ClientPool(make)

    async def body() -> Client:
        client = pool.get()
        await pool.close_current()
        return client

    assert asyncio.run(body()).closed
    assert pool.made == 0
