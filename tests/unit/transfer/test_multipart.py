"""Multipart uploads through :class:`aiominio.testing.MockTransport`, no server: cancellation at
every request of an upload, a completion whose answer was lost, strays of a lost creation."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import zlib
from collections.abc import AsyncIterator

import pytest

import aiominio
from aiominio.testing import MockRequest, MockResponse, MockTransport

MiB = 1024 * 1024
ETAG = '"0123456789abcdef0123456789abcdef"'
INITIATED = b"<InitiateMultipartUploadResult><UploadId>u</UploadId></InitiateMultipartUploadResult>"
COMPLETED = (
    b"<CompleteMultipartUploadResult><ETag>&quot;e-3&quot;</ETag></CompleteMultipartUploadResult>"
)


def kind(request: MockRequest) -> str:
    """What an upload's request is: create, part, complete, abort, list, head."""
    q = request.query
    if request.method == "POST":
        return "create" if "uploads" in q else "complete"
    if request.method == "PUT":
        return "part"
    if request.method == "DELETE":
        return "abort"
    return "head" if request.method == "HEAD" else "list"


def answer(request: MockRequest) -> MockResponse:
    return {
        "create": MockResponse(200, {}, INITIATED),
        "part": MockResponse(200, {"ETag": ETAG}),
        "complete": MockResponse(200, {}, COMPLETED),
        "abort": MockResponse(204),
    }.get(kind(request), MockResponse(404))


def client_for(transport: MockTransport, attempts: int = 3) -> aiominio.Client:
    return aiominio.Client(
        "http://s3.test",
        access_key="a",
        secret_key="b",
        region="us-east-1",
        retry=aiominio.RetryPolicy(max_attempts=attempts, base_delay=0, max_delay=0),
        transport=transport,
    )


# create, 3 parts, complete: the upload is cancelled while each of them waits for its answer.
@pytest.mark.parametrize("stop_at", range(5))
async def test_cancelled_at_any_request_the_upload_is_aborted(stop_at: int) -> None:
    reached, cancelled = asyncio.Event(), asyncio.Event()
    seen = 0

    async def handler(request: MockRequest) -> MockResponse:
        nonlocal seen
        if kind(request) in ("create", "part", "complete"):
            seen += 1
            if seen == stop_at + 1:
                reached.set()
                await cancelled.wait()  # answers only once the caller was cancelled
        return answer(request)

    transport = MockTransport(handler)
    async with client_for(transport) as client:
        task = asyncio.ensure_future(
            client.put_object("bkt", "k", bytes(11 * MiB), part_size=5 * MiB, concurrency=1)
        )
        await asyncio.wait_for(reached.wait(), 10)
        task.cancel()
        await asyncio.sleep(0)
        cancelled.set()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
    kinds = [kind(r) for r in transport.requests]
    assert kinds.count("abort") == 1, kinds  # even while the creation was in flight
    assert kinds[-1] == "abort"
    assert "complete" not in kinds[:-1] or stop_at == 4


async def test_a_completion_whose_answer_was_lost_is_recovered() -> None:
    """The completion went through but its answer broke off; the retry finds the upload gone:
    the object is there with the ETag these parts make, so the upload succeeded."""
    completions = 0
    part_etags = ["aa" * 16, "bb" * 16, "cc" * 16]
    expected = hashlib.md5(b"".join(bytes.fromhex(e) for e in part_etags)).hexdigest()

    def handler(request: MockRequest) -> MockResponse:
        nonlocal completions
        what = kind(request)
        if what == "part":
            number = int(request.query["partNumber"])
            return MockResponse(200, {"ETag": f'"{part_etags[number - 1]}"'})
        if what == "complete":
            completions += 1
            if completions == 1:
                raise aiominio.ConnectionLostError("the answer broke off")
            return MockResponse(404, {}, b"<Error><Code>NoSuchUpload</Code></Error>")
        if what == "head":
            return MockResponse(
                200,
                {
                    "ETag": f'"{expected}-3"',
                    "Content-Length": str(11 * MiB),
                    "Last-Modified": "Mon, 07 Dec 2026 10:00:00 GMT",
                },
            )
        return answer(request)

    transport = MockTransport(handler)
    async with client_for(transport) as client:
        result = await client.put_object(
            "bkt", "k", bytes(11 * MiB), part_size=5 * MiB, concurrency=1
        )
    assert result.etag == f"{expected}-3"
    assert completions == 2
    assert "abort" not in [kind(r) for r in transport.requests]


async def test_a_part_checksum_the_server_contradicts_fails_the_upload() -> None:
    """The server names another CRC32 than the part's: the upload fails and is aborted."""

    def handler(request: MockRequest) -> MockResponse:
        if kind(request) == "part":
            wrong = base64.b64encode((zlib.crc32(b"other") & 0xFFFFFFFF).to_bytes(4, "big"))
            return MockResponse(200, {"ETag": ETAG, "x-amz-checksum-crc32": wrong.decode()})
        return answer(request)

    transport = MockTransport(handler)
    async with client_for(transport) as client:
        with pytest.raises(aiominio.InvalidResponseError):
            await client.put_object("bkt", "k", bytes(11 * MiB), part_size=5 * MiB)
    assert [kind(r) for r in transport.requests][-1] == "abort"


# -- a part failing ---------------------------------------------------------------------------


def vclient(transport: MockTransport, attempts: int = 3) -> aiominio.Client:
    return aiominio.Client(
        "http://s3.test",
        access_key="a",
        secret_key="b",
        region="us-east-1",
        retry=aiominio.RetryPolicy(max_attempts=attempts, base_delay=0.01, max_delay=0.01),
        transport=transport,
    )


def error(status: int, code: str) -> MockResponse:
    return MockResponse(status, {}, f"<Error><Code>{code}</Code></Error>".encode())


async def test_a_part_that_fails_once_is_sent_again_and_the_upload_completes() -> None:
    failed: set[str] = set()

    def handler(request: MockRequest) -> MockResponse:
        number = request.query.get("partNumber")
        if kind(request) == "part" and number == "2" and number not in failed:
            failed.add(number)
            raise aiominio.ConnectionLostError("reset while sending part 2")
        return answer(request)

    transport = MockTransport(handler, virtual_time=True)
    async with vclient(transport) as client:
        result = await client.put_object("bkt", "k", bytes(11 * MiB), part_size=5 * MiB)
    assert result.etag == "e-3"
    parts = [r for r in transport.requests if kind(r) == "part"]
    assert sorted(r.query["partNumber"] for r in parts) == ["1", "2", "2", "3"]
    twice = [r for r in parts if r.query["partNumber"] == "2"]
    assert twice[0].body == twice[1].body  # the same bytes, the same checksum
    assert twice[0].header("x-amz-checksum-crc32") == twice[1].header("x-amz-checksum-crc32")
    assert "abort" not in [kind(r) for r in transport.requests]


async def test_a_part_that_keeps_failing_surfaces_its_error_and_aborts_the_upload() -> None:
    def handler(request: MockRequest) -> MockResponse:
        if kind(request) == "part" and request.query["partNumber"] == "3":
            return error(500, "InternalError")
        return answer(request)

    transport = MockTransport(handler, virtual_time=True)
    async with vclient(transport, attempts=4) as client:
        with pytest.raises(aiominio.InternalError):
            await client.put_object("bkt", "k", bytes(11 * MiB), part_size=5 * MiB)
    kinds = [kind(r) for r in transport.requests]
    third = [r for r in transport.requests if r.query.get("partNumber") == "3"]
    assert len(third) == 4  # every attempt of the budget, then no more
    assert "complete" not in kinds
    assert kinds.count("abort") == 1
    assert kinds[-1] == "abort"
    assert transport.requests[-1].query == {"uploadId": "u"}


async def test_with_parts_in_flight_one_failure_cancels_the_others_and_aborts_once() -> None:
    release = asyncio.Event()
    first_in_flight = asyncio.Event()
    hung: list[str] = []
    cut_off: list[str] = []

    async def handler(request: MockRequest) -> MockResponse:
        if kind(request) == "part":
            number = request.query["partNumber"]
            if number == "2":
                # Parts are hashed off the loop and may arrive in any order on a busy machine:
                # the failure waits until part 1 is surely in flight.
                await first_in_flight.wait()
                return error(403, "AccessDenied")
            hung.append(number)
            if number == "1":
                first_in_flight.set()
            try:
                await release.wait()  # the other parts hang until they are cancelled
            except asyncio.CancelledError:
                cut_off.append(number)
                raise
        return answer(request)

    transport = MockTransport(handler)
    async with vclient(transport) as client:
        with pytest.raises(aiominio.AccessDenied):
            await asyncio.wait_for(
                client.put_object("bkt", "k", bytes(16 * MiB), part_size=5 * MiB, concurrency=4),
                10,
            )
        release.set()
    kinds = [kind(r) for r in transport.requests]
    assert "1" in hung
    assert sorted(cut_off) == sorted(hung)  # every part still in flight was cancelled
    assert kinds.count("abort") == 1
    assert "complete" not in kinds


async def test_a_part_answer_without_an_etag_fails_the_upload() -> None:
    def handler(request: MockRequest) -> MockResponse:
        if kind(request) == "part":
            return MockResponse(200, {})
        return answer(request)

    transport = MockTransport(handler)
    async with client_for(transport) as client:
        with pytest.raises(aiominio.InvalidResponseError, match="no ETag"):
            await client.put_object("bkt", "k", bytes(11 * MiB), part_size=5 * MiB)
    kinds = [kind(r) for r in transport.requests]
    assert "complete" not in kinds
    assert kinds[-1] == "abort"


async def test_with_md5_integrity_a_part_etag_the_server_contradicts_fails_the_upload() -> None:
    def handler(request: MockRequest) -> MockResponse:
        if kind(request) == "part":
            assert request.header("Content-MD5")
            return MockResponse(200, {"ETag": ETAG})  # not the MD5 of the zeros sent
        return answer(request)

    transport = MockTransport(handler)
    client = aiominio.Client(
        "http://s3.test",
        access_key="a",
        secret_key="b",
        region="us-east-1",
        integrity="md5",
        transport=transport,
    )
    async with client:
        with pytest.raises(aiominio.InvalidResponseError, match="ETag"):
            await client.put_object("bkt", "k", bytes(11 * MiB), part_size=5 * MiB)
    kinds = [kind(r) for r in transport.requests]
    assert "complete" not in kinds
    assert kinds[-1] == "abort"


# -- the completion ---------------------------------------------------------------------------


async def test_a_permanent_error_inside_the_completion_s_200_is_raised_and_aborts() -> None:
    def handler(request: MockRequest) -> MockResponse:
        if kind(request) == "complete":
            return MockResponse(200, {}, b"  <Error><Code>InvalidPart</Code></Error>")
        return answer(request)

    transport = MockTransport(handler, virtual_time=True)
    async with vclient(transport) as client:
        with pytest.raises(aiominio.S3Error) as info:
            await client.put_object("bkt", "k", bytes(11 * MiB), part_size=5 * MiB)
    assert info.value.code == "InvalidPart"
    assert [kind(r) for r in transport.requests][-1] == "abort"


async def test_a_completion_crc32_that_contradicts_the_parts_fails_the_upload() -> None:
    def handler(request: MockRequest) -> MockResponse:
        if kind(request) == "complete":
            return MockResponse(
                200,
                {},
                b"<CompleteMultipartUploadResult><ETag>&quot;e-3&quot;</ETag>"
                b"<ChecksumCRC32>AAAAAA==</ChecksumCRC32><ChecksumType>FULL_OBJECT</ChecksumType>"
                b"</CompleteMultipartUploadResult>",
            )
        return answer(request)

    transport = MockTransport(handler)
    async with client_for(transport) as client:
        with pytest.raises(aiominio.InvalidResponseError, match="CRC32"):
            await client.put_object("bkt", "k", bytes(11 * MiB), part_size=5 * MiB)


async def test_a_lost_completion_of_another_object_is_not_taken_for_ours() -> None:
    """The completion's answer was lost and the upload is gone, but the object there has an
    ETag these parts do not make (another writer's): NoSuchUpload is raised, not success."""
    completions = 0

    def handler(request: MockRequest) -> MockResponse:
        nonlocal completions
        what = kind(request)
        if what == "complete":
            completions += 1
            if completions == 1:
                raise aiominio.ConnectionLostError("the answer broke off")
            return error(404, "NoSuchUpload")
        if what == "head":
            return MockResponse(
                200,
                {"ETag": '"ffffffffffffffffffffffffffffffff-3"', "Content-Length": str(11 * MiB)},
            )
        return answer(request)

    transport = MockTransport(handler)
    async with client_for(transport) as client:
        with pytest.raises(aiominio.NoSuchUpload):
            await client.put_object("bkt", "k", bytes(11 * MiB), part_size=5 * MiB)


async def test_no_such_upload_on_the_first_completion_is_raised_without_a_head() -> None:
    """Nothing was retried, so nothing could have completed the upload: no recovery HEAD."""

    def handler(request: MockRequest) -> MockResponse:
        if kind(request) == "complete":
            return error(404, "NoSuchUpload")
        return answer(request)

    transport = MockTransport(handler)
    async with client_for(transport) as client:
        with pytest.raises(aiominio.NoSuchUpload):
            await client.put_object("bkt", "k", bytes(11 * MiB), part_size=5 * MiB)
    assert "head" not in [kind(r) for r in transport.requests]


# -- cancellation and closing -------------------------------------------------------------------


async def test_cancelled_while_reading_the_source_the_upload_is_aborted() -> None:
    reading, cancelled = asyncio.Event(), asyncio.Event()

    async def body() -> AsyncIterator[bytes]:
        yield bytes(5 * MiB)
        reading.set()
        await cancelled.wait()  # the second part never comes
        yield bytes(5 * MiB)

    transport = MockTransport(answer)
    async with client_for(transport) as client:
        task = asyncio.ensure_future(client.put_object("bkt", "k", body(), part_size=5 * MiB))
        await asyncio.wait_for(reading.wait(), 10)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
    kinds = [kind(r) for r in transport.requests]
    assert kinds[0] == "create"
    assert kinds.count("abort") == 1
    assert "complete" not in kinds


async def test_cancelled_during_a_retry_pause_the_upload_is_aborted() -> None:
    pausing = asyncio.Event()

    class Pausing(MockTransport):
        async def sleep(self, delay: float) -> None:
            pausing.set()
            await asyncio.sleep(3600)  # a long backoff: the caller gives up meanwhile

    def handler(request: MockRequest) -> MockResponse:
        if kind(request) == "part":
            return error(503, "SlowDown")
        return answer(request)

    transport = Pausing(handler)
    async with client_for(transport) as client:
        task = asyncio.ensure_future(
            client.put_object("bkt", "k", bytes(11 * MiB), part_size=5 * MiB, concurrency=1)
        )
        await asyncio.wait_for(pausing.wait(), 10)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
    kinds = [kind(r) for r in transport.requests]
    assert kinds == ["create", "part", "abort"]


async def test_the_abort_runs_to_its_end_even_when_cancelled_again() -> None:
    """The caller is cancelled, then cancelled again while the abort is in flight: the abort is
    shielded, so it still retries its 503 and is sent until it is answered."""
    aborting = asyncio.Event()
    part_reached, aborts = asyncio.Event(), 0

    async def handler(request: MockRequest) -> MockResponse:
        nonlocal aborts
        what = kind(request)
        if what == "part":
            part_reached.set()
            await asyncio.sleep(3600)
        if what == "abort":
            aborts += 1
            if aborts == 1:
                aborting.set()
                await asyncio.sleep(0.01)
                return error(503, "SlowDown")
        return answer(request)

    transport = MockTransport(handler)
    async with client_for(transport) as client:
        task = asyncio.ensure_future(
            client.put_object("bkt", "k", bytes(11 * MiB), part_size=5 * MiB, concurrency=1)
        )
        await asyncio.wait_for(part_reached.wait(), 10)
        task.cancel()
        await asyncio.wait_for(aborting.wait(), 10)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
        for _ in range(100):  # the shielded abort goes on after the caller returned
            if aborts == 2:
                break
            await asyncio.sleep(0.01)
    assert aborts == 2


async def test_closing_the_client_mid_upload_aborts_it_on_a_spare_connection() -> None:
    part_reached = asyncio.Event()

    async def handler(request: MockRequest) -> MockResponse:
        if kind(request) == "part":
            part_reached.set()
            await asyncio.sleep(3600)  # in flight when the client closes
        return answer(request)

    transport = MockTransport(handler)
    client = client_for(transport)
    async with client:
        task = asyncio.ensure_future(
            client.put_object("bkt", "k", bytes(11 * MiB), part_size=5 * MiB, concurrency=1)
        )
        await asyncio.wait_for(part_reached.wait(), 10)
        await client.close()
        task.cancel()  # the mock cannot cut the in-flight part off as a real pool does
        with pytest.raises((asyncio.CancelledError, aiominio.ClientClosedError)):
            await asyncio.wait_for(task, 10)
    kinds = [kind(r) for r in transport.requests]
    assert kinds.count("abort") == 1  # by close(), on the spare pool
    assert transport.requests[-1].query == {"uploadId": "u"}
