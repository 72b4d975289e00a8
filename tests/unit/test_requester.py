"""The request pipeline through :class:`aiominio.testing.MockTransport`, no server: the retry
budget, what is retried and what is not, an error inside a 200, a region learnt from a refusal,
stale pooled connections, a body resumed where it broke off, an upload aborted."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import pytest

import aiominio
import aiominio.errors
from aiominio.testing import MockRequest, MockResponse, MockTransport

ETAG = '"0123456789abcdef0123456789abcdef"'
DATE = "Mon, 07 Dec 2026 10:00:00 GMT"
INITIATED = b"<InitiateMultipartUploadResult><UploadId>u</UploadId></InitiateMultipartUploadResult>"


def client_for(
    handler: Callable[[MockRequest], MockResponse], *, attempts: int = 3, region: str | None = "r"
) -> tuple[aiominio.Client, MockTransport]:
    transport = MockTransport(handler)
    client = aiominio.Client(
        "http://s3.test",
        access_key="AKIDEXAMPLE",
        secret_key="secret",
        region=region,
        retry=aiominio.RetryPolicy(max_attempts=attempts, base_delay=0, max_delay=0),
        transport=transport,
    )
    return client, transport


def error(status: int, code: str) -> MockResponse:
    body = f"<Error><Code>{code}</Code><Message>m</Message></Error>".encode()
    return MockResponse(status, {"Content-Type": "application/xml"}, body)


async def test_transient_errors_are_retried_within_the_attempts() -> None:
    client, transport = client_for(lambda r: error(503, "SlowDown"), attempts=4)
    async with client:
        with pytest.raises(aiominio.S3Error) as info:
            await client.put_object("bkt", "k", b"x")
    assert info.value.code == "SlowDown"
    assert len(transport.requests) == 4
    assert client.retries == 3


async def test_a_transient_error_then_success() -> None:
    answers = [error(500, "InternalError"), MockResponse(200, {"ETag": ETAG})]
    client, transport = client_for(lambda r: answers.pop(0))
    async with client:
        result = await client.put_object("bkt", "k", b"x")
    assert result.etag == ETAG.strip('"')
    assert len(transport.requests) == 2
    # Every attempt is signed afresh (its own date and signature).
    assert all(r.header("Authorization") for r in transport.requests)


@pytest.mark.parametrize(("status", "code"), [(403, "AccessDenied"), (404, "NoSuchBucket")])
async def test_client_errors_are_not_retried(status: int, code: str) -> None:
    client, transport = client_for(lambda r: error(status, code))
    async with client:
        with pytest.raises(aiominio.S3Error) as info:
            await client.put_object("bkt", "k", b"x")
    assert (info.value.status, info.value.code) == (status, code)
    assert len(transport.requests) == 1


async def test_connection_failures_are_retried_and_typed() -> None:
    def handler(request: MockRequest) -> MockResponse:
        raise aiominio.ConnectionLostError("reset")

    client, transport = client_for(handler, attempts=2)
    async with client:
        with pytest.raises(aiominio.ConnectionLostError):
            await client.stat_object("bkt", "k")
    assert len(transport.requests) == 2


async def test_stale_pooled_connections_are_resent_without_an_attempt() -> None:
    failures = 3  # more than the attempts allow

    def handler(request: MockRequest) -> MockResponse:
        nonlocal failures
        if failures:
            failures -= 1
            stale = aiominio.ConnectionLostError("closed by the server while idle")
            stale.stale_connection = True
            raise stale
        return MockResponse(200, {"ETag": ETAG})

    client, transport = client_for(handler, attempts=2)
    async with client:
        await client.put_object("bkt", "k", b"x")
    assert len(transport.requests) == 4
    assert client.retries == 0


async def test_an_error_inside_a_200_is_that_error_and_retried() -> None:
    """CompleteMultipartUpload may answer 200, then an <Error> after whitespace."""
    completed = (
        b"<CompleteMultipartUploadResult><ETag>&quot;e-2&quot;</ETag>"
        b"</CompleteMultipartUploadResult>"
    )
    completions: list[MockRequest] = []

    def handler(request: MockRequest) -> MockResponse:
        if request.method == "POST" and "uploads" in request.query:
            return MockResponse(200, {}, INITIATED)
        if request.method == "PUT":
            return MockResponse(200, {"ETag": ETAG})
        if request.method == "POST":
            completions.append(request)
            if len(completions) == 1:
                return MockResponse(
                    200, {}, b" " * 100 + b"<Error><Code>InternalError</Code></Error>"
                )
            return MockResponse(200, {}, completed)
        raise AssertionError(request)

    client, _ = client_for(handler)
    async with client:
        result = await client.put_object(
            "bkt", "k", bytes(6 * 1024 * 1024), part_size=5 * 1024 * 1024
        )
    assert result.etag == "e-2"
    assert len(completions) == 2


async def test_a_region_named_by_a_refusal_is_learnt_and_signed_for() -> None:
    def handler(request: MockRequest) -> MockResponse:
        if "location" in request.query:
            return MockResponse(200, {}, b"<LocationConstraint/>")
        if "/us-east-1/" in (request.header("Authorization") or ""):
            body = (
                b"<Error><Code>AuthorizationHeaderMalformed</Code>"
                b"<Region>eu-west-3</Region></Error>"
            )
            return MockResponse(400, {}, body)
        return MockResponse(200, {"ETag": ETAG})

    client, transport = client_for(handler, region=None)
    async with client:
        await client.put_object("bkt", "k", b"x")
        await client.put_object("bkt", "k", b"x")
    signed = [
        re.search(r"/\d{8}/([^/]+)/s3/", r.header("Authorization") or "")
        for r in transport.requests
    ]
    regions = [m.group(1) for m in signed if m]
    # The location, the first PUT for the guessed region, once more for the right one; then
    # the region is known.
    assert regions[-3:] == ["us-east-1", "eu-west-3", "eu-west-3"]


async def test_a_body_that_breaks_off_is_resumed_pinned_to_its_etag() -> None:
    data = b"0123456789"

    def handler(request: MockRequest) -> MockResponse:
        headers = {"ETag": ETAG, "Last-Modified": DATE}
        wanted = request.header("Range")
        if wanted is None:
            headers["Content-Length"] = str(len(data))
            return MockResponse(200, headers, [data[:4], aiominio.ConnectionLostError("reset")])
        start = int(wanted.removeprefix("bytes=").split("-")[0])
        assert request.header("If-Match") == ETAG  # the same object, or nothing
        headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        headers["Content-Length"] = str(len(data) - start)
        return MockResponse(206, headers, data[start:])

    client, transport = client_for(handler)
    async with client, client.get_object("bkt", "k", verify=False) as obj:
        assert await obj.read() == data
    assert [r.header("Range") for r in transport.requests] == [None, "bytes=4-"]


async def test_a_resumed_answer_of_another_range_is_refused() -> None:
    data = b"0123456789"

    def handler(request: MockRequest) -> MockResponse:
        headers = {"ETag": ETAG, "Last-Modified": DATE, "Content-Length": str(len(data))}
        if request.header("Range") is None:
            return MockResponse(200, headers, [data[:4], aiominio.ConnectionLostError("reset")])
        return MockResponse(200, headers, data)  # the whole object again, not the 206 asked

    client, transport = client_for(handler, attempts=3)
    async with client:
        with pytest.raises(aiominio.InvalidResponseError):
            async with client.get_object("bkt", "k", verify=False) as obj:
                await obj.read()
    assert len(transport.requests) == 3  # asked again within the budget, never spliced


async def test_a_failed_part_aborts_the_upload() -> None:
    def handler(request: MockRequest) -> MockResponse:
        if request.method == "POST" and "uploads" in request.query:
            return MockResponse(200, {}, INITIATED)
        if request.method == "PUT":
            return error(403, "AccessDenied")
        return MockResponse(204)

    client, transport = client_for(handler)
    async with client:
        with pytest.raises(aiominio.AccessDenied):
            await client.put_object("bkt", "k", bytes(6 * 1024 * 1024), part_size=5 * 1024 * 1024)
    deletes = [r for r in transport.requests if r.method == "DELETE"]
    assert [r.query for r in deletes] == [{"uploadId": "u"}]
    assert not any(r.method == "POST" and "uploadId" in r.query for r in transport.requests)


async def test_oversized_answers_are_refused_by_the_mock_too() -> None:
    client, _ = client_for(lambda r: MockResponse(200, {}, [b"<x>", b" " * (3 << 20)]))
    async with client:
        with pytest.raises(aiominio.InvalidResponseError, match="more than"):
            await client.get_bucket_tags("bkt")


async def test_a_transport_given_takes_no_session() -> None:
    with pytest.raises(aiominio.InvalidArgument, match="belong to the transport"):
        aiominio.Client(
            "http://s3.test", transport=MockTransport(lambda r: MockResponse()), ssl_context=False
        )


# -- the retry budget, measured on the mock's virtual clock ---------------------------------


class Ceiling(random.Random):
    """A jitter that always waits the whole backoff ceiling, so the pauses can be named."""

    def uniform(self, a: float, b: float) -> float:
        return b


def timed_client(
    handler: Callable[[MockRequest], MockResponse],
    *,
    attempts: int = 10,
    base: float = 0.1,
    cap: float = 10.0,
    budget: float | None = 60.0,
    region: str | None = "r",
    max_connections: int = 64,
) -> tuple[aiominio.Client, MockTransport]:
    transport = MockTransport(handler, virtual_time=True, max_connections=max_connections)
    client = aiominio.Client(
        "http://s3.test",
        access_key="AKIDEXAMPLE",
        secret_key="secret",
        region=region,
        retry=aiominio.RetryPolicy(
            max_attempts=attempts,
            base_delay=base,
            max_delay=cap,
            max_retry_time=budget,
            rng=Ceiling(),
        ),
        transport=transport,
    )
    return client, transport


async def test_attempts_bound_the_retries_and_each_retry_pauses_once() -> None:
    client, transport = timed_client(lambda r: error(503, "SlowDown"), attempts=5, budget=None)
    async with client:
        with pytest.raises(aiominio.SlowDown):
            await client.put_object("bkt", "k", b"x")
    assert len(transport.requests) == 5
    assert len(transport.slept) == 4  # between attempts, none after the last
    assert client.retries == 4


async def test_the_pauses_double_from_the_base_up_to_the_cap() -> None:
    client, transport = timed_client(
        lambda r: error(500, "InternalError"), attempts=7, base=0.1, cap=1.0, budget=None
    )
    async with client:
        with pytest.raises(aiominio.InternalError):
            await client.stat_object("bkt", "k")
    assert transport.slept == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.0, 1.0])
    assert transport.clock() == pytest.approx(sum(transport.slept))


async def test_the_retry_time_budget_ends_the_retries_before_the_attempts_do() -> None:
    client, transport = timed_client(
        lambda r: error(503, "ServiceUnavailable"), attempts=100, base=1.0, cap=1.0, budget=3.5
    )
    async with client:
        with pytest.raises(aiominio.ServiceUnavailable):
            await client.put_object("bkt", "k", b"x")
    # Waits of 1 s, the last one cut short so that the last attempt starts within 3.5 s.
    assert transport.slept == pytest.approx([1.0, 1.0, 1.0, 0.5])
    assert len(transport.requests) == 5
    assert transport.clock() == pytest.approx(3.5)


async def test_the_time_budget_counts_from_each_request_s_own_first_failure() -> None:
    failures = 3

    def handler(request: MockRequest) -> MockResponse:
        nonlocal failures
        if request.header("x-amz-meta-round") == "1" and failures:
            failures -= 1
            return error(503, "SlowDown")
        if request.header("x-amz-meta-round") == "1":
            return MockResponse(200, {"ETag": ETAG})
        return error(503, "SlowDown")

    client, transport = timed_client(handler, attempts=100, base=1.0, cap=1.0, budget=3.5)
    async with client:
        await client.put_object("bkt", "k", b"x", metadata={"round": "1"})
        assert transport.clock() == pytest.approx(3.0)  # three pauses of the first request
        with pytest.raises(aiominio.SlowDown):
            await client.put_object("bkt", "k", b"x", metadata={"round": "2"})
    second = [r for r in transport.requests if r.header("x-amz-meta-round") == "2"]
    assert len(second) == 5  # a whole budget of its own, not what the first one left
    assert transport.clock() == pytest.approx(6.5)


async def test_a_success_within_the_budget_pauses_no_more() -> None:
    answers = [error(503, "SlowDown"), error(500, "InternalError"), MockResponse(200, {})]
    client, transport = timed_client(lambda r: answers.pop(0), base=0.5, cap=10.0)
    async with client:
        await client.stat_object("bkt", "k")
    assert transport.slept == pytest.approx([0.5, 1.0])


def stale_failure() -> aiominio.ConnectionLostError:
    stale = aiominio.ConnectionLostError("closed by the server while idle")
    stale.stale_connection = True
    return stale


def always_stale(request: MockRequest) -> MockResponse:
    raise stale_failure()


async def test_stale_connections_are_resent_at_once() -> None:
    failures = 3

    def handler(request: MockRequest) -> MockResponse:
        nonlocal failures
        if failures:
            failures -= 1
            raise stale_failure()
        return MockResponse(200, {"ETag": ETAG})

    client, transport = timed_client(handler, attempts=2)
    async with client:
        await client.put_object("bkt", "k", b"x")
    assert len(transport.requests) == 4
    assert transport.slept == []  # no backoff: the request never reached the server


async def test_stale_resends_end_when_the_pool_could_hold_no_more_stale_connections() -> None:
    client, transport = timed_client(always_stale, attempts=2, max_connections=3)
    async with client:
        with pytest.raises(aiominio.ConnectionLostError):
            await client.stat_object("bkt", "k")
    # At most one free resend per pooled connection (and the one the pool gave first); after
    # that the failures count as attempts: one pause, then the second and last attempt.
    free = len(transport.requests) - 2
    assert 3 <= free <= 4
    assert len(transport.slept) == 1


async def test_one_attempt_turns_stale_resends_off() -> None:
    client, transport = timed_client(always_stale, attempts=1)
    async with client:
        with pytest.raises(aiominio.ConnectionLostError):
            await client.put_object("bkt", "k", b"x")
    assert len(transport.requests) == 1


async def test_a_lost_connection_that_was_not_stale_costs_an_attempt() -> None:
    def handler(request: MockRequest) -> MockResponse:
        raise aiominio.ConnectionLostError("reset mid-answer")  # stale_connection stays False

    client, transport = timed_client(handler, attempts=3)
    async with client:
        with pytest.raises(aiominio.ConnectionLostError):
            await client.put_object("bkt", "k", b"x")
    assert len(transport.requests) == 3
    assert len(transport.slept) == 2


# -- what is retried ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code", "raised"),
    [
        (500, "InternalError", aiominio.InternalError),
        (503, "ServiceUnavailable", aiominio.ServiceUnavailable),
        (503, "SlowDown", aiominio.SlowDown),
        (502, "BadGateway", aiominio.S3Error),
        (400, "RequestTimeout", aiominio.S3Error),  # a 400, yet transient
    ],
)
async def test_transient_answers_are_retried(
    status: int, code: str, raised: type[Exception]
) -> None:
    client, transport = timed_client(lambda r: error(status, code), attempts=3)
    async with client:
        with pytest.raises(raised) as info:
            await client.put_object("bkt", "k", b"x")
    assert getattr(info.value, "code", None) == code
    assert len(transport.requests) == 3


async def test_a_proxy_page_on_a_5xx_is_retried_then_raised_as_an_invalid_response() -> None:
    page = MockResponse(502, {"Content-Type": "text/html"}, b"<html><body>Bad gateway</body>")
    client, transport = timed_client(lambda r: page, attempts=3)
    async with client:
        with pytest.raises(aiominio.InvalidResponseError) as info:
            await client.put_object("bkt", "k", b"x")
    assert info.value.status == 502
    assert len(transport.requests) == 3


@pytest.mark.parametrize(
    ("status", "code"),
    [(403, "AccessDenied"), (404, "NoSuchKey"), (400, "InvalidArgument"), (409, "Conflict")],
)
async def test_client_errors_are_raised_at_once_for_reads_too(status: int, code: str) -> None:
    client, transport = timed_client(lambda r: error(status, code))
    async with client:
        with pytest.raises(aiominio.S3Error) as info:
            async with client.get_object("bkt", "k") as obj:
                await obj.read()
    assert (info.value.status, info.value.code) == (status, code)
    assert len(transport.requests) == 1
    assert transport.slept == []


async def test_a_corrupted_upload_is_sent_again_byte_for_byte() -> None:
    answers = [error(400, "BadDigest"), MockResponse(200, {"ETag": ETAG})]
    client, transport = timed_client(lambda r: answers.pop(0))
    async with client:
        await client.put_object("bkt", "k", b"payload")
    first, second = transport.requests
    assert first.body == second.body == b"payload"
    assert first.header("x-amz-checksum-crc32") == second.header("x-amz-checksum-crc32")


# -- an <Error> inside a 200 ------------------------------------------------------------------

COPIED = (
    b"<CopyObjectResult><ETag>&quot;c0ffee&quot;</ETag>"
    b"<LastModified>2026-12-07T10:00:00.000Z</LastModified></CopyObjectResult>"
)


def copy_handler(
    copy_answers: list[MockResponse], copies: list[MockRequest]
) -> Callable[[MockRequest], MockResponse]:
    def handler(request: MockRequest) -> MockResponse:
        if request.method == "HEAD":
            return MockResponse(200, {"ETag": ETAG, "Content-Length": "10", "Last-Modified": DATE})
        assert request.method == "PUT" and request.header("x-amz-copy-source")
        copies.append(request)
        return copy_answers.pop(0) if copy_answers else MockResponse(200, {}, COPIED)

    return handler


async def test_a_copy_answered_200_with_a_transient_error_is_retried() -> None:
    copies: list[MockRequest] = []
    failed = MockResponse(200, {}, b"\n  <Error><Code>SlowDown</Code><Message>m</Message></Error>")
    client, _ = timed_client(copy_handler([failed], copies))
    async with client:
        result = await client.copy_object("bkt", "dst", "bkt", "src")
    assert result.etag == "c0ffee"
    assert len(copies) == 2


async def test_a_copy_answered_200_with_errors_throughout_raises_the_typed_error() -> None:
    copies: list[MockRequest] = []
    failed = MockResponse(200, {}, b"<Error><Code>InternalError</Code></Error>")
    client, _ = timed_client(copy_handler([failed] * 3, copies), attempts=3)
    async with client:
        with pytest.raises(aiominio.InternalError):
            await client.copy_object("bkt", "dst", "bkt", "src")
    assert len(copies) == 3


async def test_a_copy_answered_200_with_a_permanent_error_is_not_retried() -> None:
    copies: list[MockRequest] = []
    denied = MockResponse(200, {}, b"<Error><Code>AccessDenied</Code></Error>")
    client, _ = timed_client(copy_handler([denied] * 3, copies), attempts=3)
    async with client:
        with pytest.raises(aiominio.AccessDenied):
            await client.copy_object("bkt", "dst", "bkt", "src")
    assert len(copies) == 1


async def test_a_copy_answered_200_with_a_permanent_error_raises_it_typed() -> None:
    copies: list[MockRequest] = []
    denied = MockResponse(200, {}, b"<Error><Code>AccessDenied</Code></Error>")
    client, _ = timed_client(copy_handler([denied] * 3, copies), attempts=3)
    async with client:
        with pytest.raises(aiominio.AccessDenied):
            await client.copy_object("bkt", "dst", "bkt", "src")


# -- the region named by a refusal --------------------------------------------------------------


def signed_region(request: MockRequest) -> str:
    found = re.search(r"/\d{8}/([^/]+)/s3/", request.header("Authorization") or "")
    assert found is not None
    return found.group(1)


async def test_a_permanent_redirect_naming_the_region_is_followed_once_then_cached() -> None:
    def handler(request: MockRequest) -> MockResponse:
        if "location" in request.query:
            return error(403, "AccessDenied")  # may not ask: the default region is guessed
        if signed_region(request) != "ap-south-1":
            body = b"<Error><Code>PermanentRedirect</Code><Message>m</Message></Error>"
            return MockResponse(301, {"x-amz-bucket-region": "ap-south-1"}, body)
        return MockResponse(200, {"ETag": ETAG})

    client, transport = timed_client(handler, region=None)
    async with client:
        await client.put_object("bkt", "a", b"x")
        await client.put_object("bkt", "b", b"x")
    puts = [signed_region(r) for r in transport.requests if r.method == "PUT"]
    assert puts == ["us-east-1", "ap-south-1", "ap-south-1"]
    assert transport.slept == []  # a correction is no retry


async def test_a_region_correction_is_tried_once_per_request() -> None:
    """A server that names a region and then refuses that one too: signed for it once, then
    the refusal is raised (no loop between regions)."""

    def handler(request: MockRequest) -> MockResponse:
        if "location" in request.query:
            return MockResponse(200, {}, b"<LocationConstraint/>")
        named = "eu-west-3" if signed_region(request) == "us-east-1" else "us-east-1"
        body = (
            f"<Error><Code>AuthorizationHeaderMalformed</Code><Region>{named}</Region></Error>"
        ).encode()
        return MockResponse(400, {"x-amz-bucket-region": named}, body)

    client, transport = timed_client(handler, region=None)
    async with client:
        with pytest.raises(aiominio.errors.AuthorizationHeaderMalformed):
            await client.put_object("bkt", "k", b"x")
    puts = [signed_region(r) for r in transport.requests if r.method == "PUT"]
    assert puts == ["us-east-1", "eu-west-3"]


async def test_a_region_the_client_was_given_is_never_corrected() -> None:
    def handler(request: MockRequest) -> MockResponse:
        body = b"<Error><Code>AuthorizationHeaderMalformed</Code></Error>"
        return MockResponse(400, {"x-amz-bucket-region": "eu-west-3"}, body)

    client, transport = timed_client(handler, region="us-west-2")
    async with client:
        with pytest.raises(aiominio.errors.AuthorizationHeaderMalformed):
            await client.put_object("bkt", "k", b"x")
    assert [signed_region(r) for r in transport.requests] == ["us-west-2"]


# -- transports without a clock; broken error documents ----------------------------------------


class _ClocklessTransport:
    """A transport written before transports had ``clock()``: everything but it."""

    def __init__(self, inner: MockTransport) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> object:
        if name == "clock":
            raise AttributeError(name)
        return getattr(self._inner, name)


async def test_a_transport_without_a_clock_still_retries() -> None:
    answers = iter([error(503, "SlowDown"), MockResponse(200, {"ETag": ETAG})])
    inner = MockTransport(lambda request: next(answers))
    client = aiominio.Client(
        "http://s3.test",
        access_key="a",
        secret_key="b",
        region="r",
        transport=_ClocklessTransport(inner),  # type: ignore[arg-type]
        retry=aiominio.RetryPolicy(base_delay=0.001),
    )
    async with client:
        await client.put_object("bkt", "k", b"x")
    assert len(inner.requests) == 2


async def test_an_error_document_without_a_code_inside_a_200_is_retried() -> None:
    copies: list[MockRequest] = []
    broken = MockResponse(200, {}, b"<Error><Message>half an answer</Message></Error>")
    client, _ = timed_client(copy_handler([broken] * 3, copies), attempts=3)
    async with client:
        with pytest.raises(aiominio.S3Error) as info:
            await client.copy_object("bkt", "dst", "bkt", "src")
    assert info.value.status == 500
    assert len(copies) == 3
