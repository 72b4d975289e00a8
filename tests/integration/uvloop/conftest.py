"""The tests of this directory run on uvloop (pytest-asyncio's loop factories)."""

from __future__ import annotations

from asyncio import AbstractEventLoop
from collections.abc import Callable, Mapping

import pytest

try:
    import uvloop
except ImportError:  # not built for every platform (none for Windows)
    uvloop = None


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, Callable[[], AbstractEventLoop]] | None:
    if uvloop is None:
        return None
    return {"uvloop": uvloop.new_event_loop}
