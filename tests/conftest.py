from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

import aiominio
from aiominio import testing


def pytest_configure(config: object) -> None:
    """Keep the suite hermetic: no credentials of the machine's user leak into a test."""
    import os

    for name in list(os.environ):
        if name.startswith(("AWS_", "MINIO_")) and name != "AWS_CA_BUNDLE":
            del os.environ[name]
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/aiominio/credentials"
    os.environ["AWS_CONFIG_FILE"] = "/nonexistent/aiominio/config"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-slow",
        action="store_true",
        help="also run the tests marked slow (nox -s tests and CI pass it)",
    )

    parser.addoption(
        "--run-cluster",
        action="store_true",
        help="also run the object and listing tests against a SeaweedFS cluster (--run-slow does)",
    )


#: The test modules whose ``server`` tests also run against the SeaweedFS cluster.
CLUSTER_MODULES = frozenset(
    {"test_objects.py", "test_listing.py", "test_transfers.py", "test_multipart_api.py"}
)


def _on_cluster(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    return callspec is not None and callspec.params.get("server") == "cluster"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The cluster is a third ``server`` for the object and listing tests only: the rest of the
    # suite does not run against it at all.
    elsewhere = [i for i in items if _on_cluster(i) and i.path.name not in CLUSTER_MODULES]
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        items[:] = [i for i in items if not (_on_cluster(i) and i.path.name not in CLUSTER_MODULES)]
    run_slow = config.getoption("--run-slow")
    run_cluster = run_slow or config.getoption("--run-cluster")
    skip_slow = pytest.mark.skip(reason="slow: run with --run-slow (nox -s tests and CI do)")
    skip_cluster = pytest.mark.skip(
        reason="cluster: run with --run-cluster or --run-slow (nox -s tests and CI do)"
    )
    for item in items:
        if _on_cluster(item):
            item.add_marker(pytest.mark.cluster)
        if "cluster" in item.keywords and not run_cluster:
            item.add_marker(skip_cluster)
        elif "slow" in item.keywords and not run_slow:
            item.add_marker(skip_slow)


@dataclass(frozen=True)
class Sent:
    """One request a traced client sent."""

    method: str
    url: str
    headers: dict[str, str]


class RequestLog:
    """Every request a traced client sent, in order, and the most that were in flight at once."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.in_flight = 0
        self.peak = 0
        self.trace = aiohttp.TraceConfig()
        #: The HTTP status of every answer received, and the exception class of every request
        #: that got none (retried ones included): what the server did, not what the caller saw.
        self.statuses: Counter[int] = Counter()
        self.exceptions: Counter[str] = Counter()
        self.trace.on_request_start.append(self._start)
        self.trace.on_request_end.append(self._answered)
        self.trace.on_request_exception.append(self._failed)

    async def _start(
        self, session: aiohttp.ClientSession, ctx: object, params: aiohttp.TraceRequestStartParams
    ) -> None:
        self.sent.append(Sent(params.method, str(params.url), dict(params.headers)))
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)

    async def _answered(
        self, session: aiohttp.ClientSession, ctx: object, params: aiohttp.TraceRequestEndParams
    ) -> None:
        self.statuses[params.response.status] += 1
        self.in_flight -= 1

    async def _failed(
        self,
        session: aiohttp.ClientSession,
        ctx: object,
        params: aiohttp.TraceRequestExceptionParams,
    ) -> None:
        self.exceptions[type(params.exception).__name__] += 1
        self.in_flight -= 1

    def of(self, method: str, url_contains: str = "") -> list[Sent]:
        """The requests with this method whose URL contains ``url_contains``."""
        return [s for s in self.sent if s.method == method and url_contains in s.url]


Traced = Callable[..., tuple[aiominio.Client, RequestLog]]


@pytest.fixture
async def traced() -> AsyncIterator[Traced]:
    """Clients that log their requests: ``client, log = traced(target, **kwargs)``.

    ``target`` is a :class:`aiominio.testing.LocalServer` (the client gets its keys) or an
    endpoint URL; ``kwargs`` go to the client. Each client has its own session and
    :class:`RequestLog`; clients and sessions are closed at teardown.
    """
    made: list[tuple[aiominio.Client | None, aiohttp.ClientSession]] = []

    def make(
        target: testing.LocalServer | str, **kwargs: Any
    ) -> tuple[aiominio.Client, RequestLog]:
        log = RequestLog()
        session = aiohttp.ClientSession(trace_configs=[log.trace])
        made.append((None, session))
        if isinstance(target, str):
            client = aiominio.Client(target, session=session, **kwargs)
        else:
            client = target.client(session=session, **kwargs)
        made[-1] = (client, session)
        return client, log

    yield make
    for client, session in made:
        if client is not None:
            await client.close()
        await session.close()
