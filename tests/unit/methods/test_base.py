"""What every group of client methods reads from the client: the base class leaves it to the
client, and the client provides it."""

from __future__ import annotations

import pytest

from aiominio.methods.base import MethodsBase
from aiominio.requester import Requester
from tests.unit.mock_client import answer, mock_client


@pytest.mark.parametrize("name", ["requester", "multipart_threshold", "integrity"])
def test_the_base_leaves_the_state_to_the_client(name: str) -> None:
    with pytest.raises(NotImplementedError):
        getattr(MethodsBase(), name)


async def test_the_client_provides_it() -> None:
    client, _ = mock_client(answer())
    async with client:
        assert isinstance(client.requester, Requester)
        assert client.multipart_threshold > 0
        assert client.integrity in ("crc32", "md5")
