"""Bucket operations against a fake requester: what they send and what they remember."""

from __future__ import annotations

from aiominio.ops import buckets
from tests.unit.fakes import FakeRequester, as_requester


async def test_make_bucket_outside_us_east_1_sends_its_location_and_caches_it() -> None:
    fake = FakeRequester()
    await buckets.make_bucket(as_requester(fake), "photos", region="eu-west-1")
    (call,) = fake.calls
    assert (call["method"], call["bucket"], call["region"]) == ("PUT", "photos", "eu-west-1")
    assert b"<LocationConstraint>eu-west-1</LocationConstraint>" in call["body"]
    assert fake.regions == {"photos": "eu-west-1"}
