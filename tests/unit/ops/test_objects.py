"""Object operations against a fake requester: what they send."""

from __future__ import annotations

from collections.abc import Mapping

from aiominio.ops import objects
from tests.unit.fakes import FakeRequester, as_requester


async def test_remove_objects_deletes_in_batches_of_a_thousand() -> None:
    fake = FakeRequester(body=b"<DeleteResult></DeleteResult>")
    keys = [f"k{i}" for i in range(2500)]
    assert await objects.remove_objects(as_requester(fake), "b", keys=keys) == []
    bodies = [c["body"] for c in fake.calls]
    assert [b.count(b"<Object>") for b in bodies] == [1000, 1000, 500]
    headers: list[Mapping[str, str]] = [c["headers"] for c in fake.calls]
    assert all("Content-MD5" in h for h in headers)
