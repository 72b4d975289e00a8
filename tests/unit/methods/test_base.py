"""What every group of client methods reads from the client: the base class leaves it to the
client, and the client provides it."""

from __future__ import annotations

import pytest

from aiominio.methods.base import MethodsBase
from aiominio.requester import Requester
from tests.unit.mock_client import answer, mock_client


@pytest.mark.parametrize("name", ["requester", "multipart_threshold", "integrity"])
def test_the_base_declares_the_state_and_leaves_it_to_the_client(name: str) -> None:
    # A protocol: it declares what the groups read, and is no object of its own.
    assert isinstance(vars(MethodsBase)[name], property)
    with pytest.raises(TypeError, match="Protocols cannot be instantiated"):
        MethodsBase()  # type: ignore[misc]


async def test_the_client_provides_it() -> None:
    client, _ = mock_client(answer())
    async with client:
        assert isinstance(client.requester, Requester)
        assert client.multipart_threshold > 0
        assert client.integrity in ("crc32", "md5")
