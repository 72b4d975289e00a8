"""What the requester sends requests through (:mod:`aiominio.transport.interface`): the
:class:`Response` it gets, the refusal of an answer over its cap, and that both transports,
aiohttp's pool and the mock one, provide every member of the :class:`BaseTransport` and
:class:`StreamingResponse` protocols with the protocol's parameters."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from aiominio.errors import InvalidResponseError
from aiominio.testing import MockResponse, MockTransport
from aiominio.testing.mock import MockStream
from aiominio.transport import (
    AiohttpStreamingResponse,
    BaseTransport,
    Response,
    StreamingResponse,
    Transport,
    answer_too_large,
)


def test_a_response_is_a_frozen_value() -> None:
    response = Response(200, {"etag": '"e"'}, b"body")
    assert response == Response(200, {"etag": '"e"'}, b"body")
    assert response != Response(200, {"etag": '"e"'}, b"other")
    with pytest.raises(dataclasses.FrozenInstanceError):
        response.status = 500  # type: ignore[misc]


def test_an_answer_over_its_cap_is_refused_with_its_status_and_sizes() -> None:
    failure = answer_too_large(200, "more than 65,536 bytes", 65536)
    assert isinstance(failure, InvalidResponseError)
    assert failure.status == 200
    assert str(failure) == (
        "an HTTP 200 answer of more than 65,536 bytes, more than an answer of its kind can be "
        "(at most 65,536 bytes are read): refused"
    )


def members(protocol: type) -> dict[str, object]:
    """The members a protocol declares: its methods, properties and annotated attributes."""
    declared = {
        name: value
        for name, value in vars(protocol).items()
        if not name.startswith("_") and (callable(value) or isinstance(value, property))
    }
    declared.update({name: None for name in protocol.__annotations__})
    return declared


def parameters(function: object) -> list[tuple[str, object, object]]:
    """The parameters of a method, without ``self`` (names, kinds, defaults)."""
    signature = inspect.signature(function)  # type: ignore[arg-type]
    return [(p.name, p.kind, p.default) for p in signature.parameters.values()][1:]


@pytest.mark.parametrize("transport_type", [Transport, MockTransport])
def test_each_transport_provides_every_member_of_the_protocol(transport_type: type) -> None:
    transport = (
        Transport() if transport_type is Transport else MockTransport(lambda r: MockResponse(200))
    )
    declared = members(BaseTransport)
    assert {"request", "stream", "sleep", "clock", "close", "spare", "timeouts"} <= set(declared)
    for name, member in declared.items():
        assert hasattr(transport, name), f"{transport_type.__name__} has no {name}"
        if inspect.isfunction(member):
            implemented = getattr(transport_type, name)
            assert parameters(implemented) == parameters(member), f"{name}'s parameters"
            assert inspect.iscoroutinefunction(implemented) == inspect.iscoroutinefunction(
                member
            ), f"{name} is async in one and not the other"


@pytest.mark.parametrize("stream_type", [AiohttpStreamingResponse, MockStream])
def test_each_streamed_answer_provides_every_member_of_the_protocol(stream_type: type) -> None:
    declared = members(StreamingResponse)
    assert {"read_any", "read_some", "read_all", "release", "deadline"} <= set(declared)
    for name, member in declared.items():
        if inspect.isfunction(member):
            implemented = getattr(stream_type, name)
            assert parameters(implemented) == parameters(member), f"{name}'s parameters"
            assert inspect.iscoroutinefunction(implemented) == inspect.iscoroutinefunction(
                member
            ), f"{name} is async in one and not the other"


async def test_a_streamed_mock_answer_has_the_attributes_the_requester_sets_and_reads() -> None:
    transport = MockTransport(lambda request: MockResponse(206, {"ETag": '"e"'}, b"abc"))
    stream = await transport.stream("GET", "http://localhost:9000/bkt/k", {})
    assert (stream.status, stream.deadline) == (206, None)
    assert stream.headers["etag"] == '"e"'
    stream.deadline = 12.5
    assert await stream.read_all() == b"abc"
    stream.release()
