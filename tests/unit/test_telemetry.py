"""OpenTelemetry spans and metrics of a client's requests, read with the SDK's in-memory
exporters through :class:`aiominio.testing.MockTransport`: a GET's span and its attributes, a
retry as an event, a failure's status and exception, keys only when asked, the metrics; and
nothing imported when telemetry is off."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import pytest
from opentelemetry import trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    HistogramDataPoint,
    InMemoryMetricReader,
    NumberDataPoint,
)
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import INVALID_SPAN, SpanKind, StatusCode

import aiominio
from aiominio.testing import MockRequest, MockResponse, MockTransport

ETAG = '"0123456789abcdef0123456789abcdef"'
DATE = "Mon, 07 Dec 2026 10:00:00 GMT"
DATA = b"hello, telemetry"
KEY = "people/alice@example.com.json"


@dataclass
class Otel:
    """A tracer provider and a meter provider whose spans and metrics stay in memory."""

    spans: InMemorySpanExporter
    metrics: InMemoryMetricReader
    tracer_provider: TracerProvider
    meter_provider: MeterProvider

    def finished(self) -> list[ReadableSpan]:
        return list(self.spans.get_finished_spans())

    def points(self, name: str) -> dict[tuple[tuple[str, object], ...], object]:
        """The data points of metric ``name``: sorted attributes -> value (a histogram's
        count)."""
        data = self.metrics.get_metrics_data()
        out: dict[tuple[tuple[str, object], ...], object] = {}
        assert data is not None
        for resource in data.resource_metrics:
            for scope in resource.scope_metrics:
                assert scope.scope.name == "aiominio"
                for metric in scope.metrics:
                    if metric.name != name:
                        continue
                    for point in metric.data.data_points:
                        attributes = tuple(sorted((point.attributes or {}).items()))
                        if isinstance(point, HistogramDataPoint):
                            out[attributes] = point.count
                        elif isinstance(point, NumberDataPoint):
                            out[attributes] = point.value
        return out


@pytest.fixture
def otel() -> Iterator[Otel]:
    spans = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    reader = InMemoryMetricReader()
    meter_provider = MeterProvider(metric_readers=[reader])
    yield Otel(spans, reader, tracer_provider, meter_provider)
    tracer_provider.shutdown()
    meter_provider.shutdown()


def client_for(
    otel: Otel,
    handler: Callable[[MockRequest], MockResponse],
    *,
    attempts: int = 1,
    keys: bool = False,
) -> tuple[aiominio.Client, MockTransport]:
    transport = MockTransport(handler)
    client = aiominio.Client(
        "http://s3.test",
        access_key="AKIDEXAMPLE",
        secret_key="secret",
        region="us-east-1",
        retry=aiominio.RetryPolicy(max_attempts=attempts, base_delay=0, max_delay=0),
        transport=transport,
        telemetry=True,
        telemetry_keys=keys,
        tracer_provider=otel.tracer_provider,
        meter_provider=otel.meter_provider,
    )
    return client, transport


def found(headers: Mapping[str, str] | None = None) -> MockResponse:
    answer = {
        "ETag": ETAG,
        "Last-Modified": DATE,
        "Content-Length": str(len(DATA)),
        "x-amz-request-id": "REQ-OK",
        "x-amz-id-2": "HOST-OK",
    }
    return MockResponse(200, {**answer, **(headers or {})}, DATA)


def error(status: int, code: str, request_id: str = "REQ-ERR") -> MockResponse:
    body = f"<Error><Code>{code}</Code><Message>m</Message></Error>".encode()
    headers = {"Content-Type": "application/xml", "x-amz-request-id": request_id}
    return MockResponse(status, headers, body)


# -- spans -------------------------------------------------------------------------------------


async def test_a_get_is_one_client_span_that_ends_when_its_body_is_released(otel: Otel) -> None:
    client, _ = client_for(otel, lambda request: found())
    async with client:
        obj = await client.get_object("photos", KEY, verify=False)
        assert otel.finished() == []  # the answer is held: its body is still to be read
        assert await obj.read() == DATA  # to its end: the connection is released
        await obj.close()
    [span] = otel.finished()
    assert span.name == "S3.GetObject"
    assert span.kind is SpanKind.CLIENT
    assert span.status.status_code is StatusCode.UNSET
    assert dict(span.attributes or {}) == {
        "rpc.system": "aws-api",
        "rpc.service": "S3",
        "rpc.method": "GetObject",
        "http.request.method": "GET",
        "server.address": "s3.test",
        "server.port": 80,
        "aws.s3.bucket": "photos",
        "http.request.body.size": 0,
        "http.response.status_code": 200,
        "http.response.body.size": len(DATA),
        "aws.request_id": "REQ-OK",
        "aws.extended_request_id": "HOST-OK",
        "aiominio.attempts": 1,
    }
    assert span.events == ()
    assert span.instrumentation_scope is not None
    assert span.instrumentation_scope.name == "aiominio"


async def test_an_answer_closed_before_its_end_ends_its_span_too(otel: Otel) -> None:
    client, _ = client_for(otel, lambda request: found())
    async with client:
        obj = await client.get_object("photos", KEY, verify=False)
        assert await obj.read(5) == DATA[:5]
        assert otel.finished() == []
        await obj.close()
        [span] = otel.finished()
    assert (span.attributes or {})["http.response.body.size"] == 5  # what was read
    assert span.status.status_code is StatusCode.UNSET


async def test_a_put_counts_the_bytes_it_sends(otel: Otel) -> None:
    client, transport = client_for(otel, lambda request: found())
    async with client:
        await client.put_object("photos", KEY, b"x" * 1000)
    [span] = otel.finished()
    assert span.name == "S3.PutObject"
    attributes = span.attributes or {}
    assert attributes["http.request.body.size"] == 1000
    assert attributes["http.response.body.size"] == len(DATA)
    # No header and no URL is an attribute: not the signature, not the query's values.
    text = repr(dict(attributes))
    assert "AKIDEXAMPLE" not in text
    signed = transport.requests[0].header("Authorization")
    assert signed is not None and signed not in text


async def test_the_requests_of_a_multipart_upload_name_their_upload_and_part(otel: Otel) -> None:
    def handler(request: MockRequest) -> MockResponse:
        if "uploads" in request.query:
            body = b"<InitiateMultipartUploadResult><UploadId>UP1</UploadId>"
            return MockResponse(200, {}, body + b"</InitiateMultipartUploadResult>")
        if "partNumber" in request.query:
            return MockResponse(200, {"ETag": ETAG})
        return MockResponse(
            200,
            {},
            b"<CompleteMultipartUploadResult><ETag>e</ETag></CompleteMultipartUploadResult>",
        )

    client, _ = client_for(otel, handler)
    async with client:
        await client.put_object("photos", KEY, b"x" * (6 << 20), part_size=5 << 20)
    spans = sorted(otel.finished(), key=lambda s: s.start_time or 0)
    names = [s.name for s in spans]
    assert names[0] == "S3.CreateMultipartUpload"
    assert names[-1] == "S3.CompleteMultipartUpload"
    parts = [s for s in spans if s.name == "S3.UploadPart"]
    assert {(s.attributes or {})["aws.s3.part_number"] for s in parts} == {1, 2}
    assert all((s.attributes or {})["aws.s3.upload_id"] == "UP1" for s in spans[1:])


async def test_a_retried_request_has_one_event_per_failed_attempt(otel: Otel) -> None:
    answers = [error(503, "SlowDown", "REQ-1"), found()]
    client, _ = client_for(otel, lambda request: answers.pop(0), attempts=3)
    async with client, client.get_object("photos", KEY, verify=False) as obj:
        assert await obj.read() == DATA
    [span] = otel.finished()
    attributes = span.attributes or {}
    assert attributes["aiominio.attempts"] == 2
    assert attributes["http.response.status_code"] == 200
    assert attributes["aws.request_id"] == "REQ-OK"
    assert span.status.status_code is StatusCode.UNSET
    [event] = span.events
    assert event.name == "aiominio.retry"
    assert dict(event.attributes or {}) == {
        "aiominio.attempt": 1,
        "error.type": "SlowDown",
        "exception.message": "SlowDown (503): m",
        "http.response.status_code": 503,
        "aws.request_id": "REQ-1",
    }
    assert span.start_time is not None and span.end_time is not None
    assert span.start_time <= event.timestamp <= span.end_time
    assert otel.points("aiominio.retries") == {
        (("error.type", "SlowDown"), ("rpc.method", "GetObject")): 1
    }


async def test_a_stale_connection_resend_is_an_event_too(otel: Otel) -> None:
    stale = aiominio.ConnectionLostError("closed by the server")
    stale.stale_connection = True
    answers: list[MockResponse | Exception] = [stale, found()]

    def handler(request: MockRequest) -> MockResponse:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    client, _ = client_for(otel, handler, attempts=2)
    async with client:
        await client.put_object("photos", KEY, b"x")
    [span] = otel.finished()
    assert (span.attributes or {})["aiominio.attempts"] == 2
    assert [(e.name, (e.attributes or {})["error.type"]) for e in span.events] == [
        ("aiominio.retry", "ConnectionLostError")
    ]


async def test_a_failure_sets_the_status_and_records_the_typed_exception(otel: Otel) -> None:
    client, _ = client_for(otel, lambda request: error(404, "NoSuchKey"))
    async with client:
        with pytest.raises(aiominio.NoSuchKey):
            await client.get_object("photos", KEY, verify=False)
    [span] = otel.finished()
    assert span.status.status_code is StatusCode.ERROR
    assert span.status.description == "NoSuchKey (404): m"
    attributes = span.attributes or {}
    assert attributes["error.type"] == "NoSuchKey"
    assert attributes["http.response.status_code"] == 404
    assert attributes["aws.request_id"] == "REQ-ERR"
    [event] = span.events
    assert event.name == "exception"
    assert dict(event.attributes or {}) == {
        "exception.type": "aiominio.errors.NoSuchKey",
        "exception.message": "NoSuchKey (404): m",
    }
    assert otel.points("aiominio.requests") == {
        (
            ("error.type", "NoSuchKey"),
            ("http.response.status_code", 404),
            ("rpc.method", "GetObject"),
        ): 1
    }


async def test_the_last_failure_of_retries_is_the_exception_not_a_retry_event(
    otel: Otel,
) -> None:
    client, _ = client_for(otel, lambda request: error(503, "SlowDown"), attempts=3)
    async with client:
        with pytest.raises(aiominio.S3Error):
            await client.put_object("photos", KEY, b"x")
    [span] = otel.finished()
    assert [e.name for e in span.events] == ["aiominio.retry", "aiominio.retry", "exception"]
    assert (span.attributes or {})["aiominio.attempts"] == 3
    assert span.status.status_code is StatusCode.ERROR


async def test_a_failure_on_the_way_names_its_type(otel: Otel) -> None:
    def handler(request: MockRequest) -> MockResponse:
        raise aiominio.ConnectError("cannot connect to s3.test:80: refused")

    client, _ = client_for(otel, handler)
    async with client:
        with pytest.raises(aiominio.ConnectError):
            await client.stat_object("photos", KEY)
    [span] = otel.finished()
    assert span.name == "S3.HeadObject"
    attributes = span.attributes or {}
    assert attributes["error.type"] == "ConnectError"
    assert "http.response.status_code" not in attributes
    assert span.status.description == "cannot connect to s3.test:80: refused"


async def test_a_body_that_breaks_off_ends_its_span_in_error_and_the_resume_has_its_own(
    otel: Otel,
) -> None:
    def handler(request: MockRequest) -> MockResponse:
        headers = {"ETag": ETAG, "Last-Modified": DATE}
        wanted = request.header("Range")
        if wanted is None:
            headers["Content-Length"] = str(len(DATA))
            return MockResponse(200, headers, [DATA[:4], aiominio.ConnectionLostError("reset")])
        headers["Content-Range"] = f"bytes 4-{len(DATA) - 1}/{len(DATA)}"
        headers["Content-Length"] = str(len(DATA) - 4)
        return MockResponse(206, headers, DATA[4:])

    client, _ = client_for(otel, handler, attempts=3)
    async with client, client.get_object("photos", KEY, verify=False) as obj:
        assert await obj.read() == DATA
    first, resumed = sorted(otel.finished(), key=lambda s: s.start_time or 0)
    assert first.status.status_code is StatusCode.ERROR
    assert (first.attributes or {})["error.type"] == "ConnectionLostError"
    assert (first.attributes or {})["http.response.body.size"] == 4
    assert resumed.status.status_code is StatusCode.UNSET
    assert (resumed.attributes or {})["http.response.status_code"] == 206
    assert (resumed.attributes or {})["http.response.body.size"] == len(DATA) - 4


async def test_keys_are_recorded_only_when_asked(otel: Otel) -> None:
    def handler(request: MockRequest) -> MockResponse:
        raise aiominio.ConnectionLostError(f"lost while sending {KEY}")

    client, _ = client_for(otel, handler)
    async with client:
        with pytest.raises(aiominio.ConnectionLostError):
            await client.put_object("photos", KEY, b"x")
    [span] = otel.finished()
    assert "aws.s3.key" not in (span.attributes or {})
    assert KEY not in repr(span.to_json())
    assert span.status.description == "lost while sending <key>"

    otel.spans.clear()
    client, _ = client_for(otel, handler, keys=True)
    async with client:
        with pytest.raises(aiominio.ConnectionLostError):
            await client.put_object("photos", KEY, b"x")
    [span] = otel.finished()
    assert (span.attributes or {})["aws.s3.key"] == KEY
    assert span.status.description == f"lost while sending {KEY}"


async def test_the_span_is_a_child_of_the_caller_s_span(otel: Otel) -> None:
    client, _ = client_for(otel, lambda request: found())
    tracer = otel.tracer_provider.get_tracer("app")
    async with client:
        with tracer.start_as_current_span("sync-photos") as parent:
            await client.put_object("photos", KEY, b"x")
    s3, job = otel.finished()
    assert job.name == "sync-photos"
    assert s3.parent is not None
    assert s3.parent.span_id == parent.get_span_context().span_id


async def test_the_span_is_current_while_the_request_is_on_the_wire(otel: Otel) -> None:
    """What an instrumented HTTP client (aiohttp's) records then is a child of the S3 span."""
    seen = []

    def handler(request: MockRequest) -> MockResponse:
        seen.append(trace.get_current_span().get_span_context().span_id)
        return found()

    client, _ = client_for(otel, handler)
    async with client:
        await client.put_object("photos", KEY, b"x")
        async with client.get_object("photos", KEY, verify=False) as obj:
            assert trace.get_current_span() is INVALID_SPAN  # not current outside the wire
            await obj.read()
    contexts = [span.context for span in otel.finished()]
    assert seen == [c.span_id for c in contexts if c is not None]


async def test_a_view_with_other_options_records_too(otel: Otel) -> None:
    client, _ = client_for(otel, lambda request: found())
    async with client:
        await client.with_options(retry=aiominio.RetryPolicy(2)).put_object("photos", KEY, b"x")
    assert [s.name for s in otel.finished()] == ["S3.PutObject"]


# -- metrics -----------------------------------------------------------------------------------


async def test_requests_bytes_and_durations_are_counted(otel: Otel) -> None:
    client, _ = client_for(otel, lambda request: found())
    async with client:
        await client.put_object("photos", KEY, b"x" * 100)
        await client.put_object("photos", KEY, b"x" * 50)
        async with client.get_object("photos", KEY, verify=False) as obj:
            await obj.read()
    ok_put = (("http.response.status_code", 200), ("rpc.method", "PutObject"))
    ok_get = (("http.response.status_code", 200), ("rpc.method", "GetObject"))
    assert otel.points("aiominio.requests") == {ok_put: 2, ok_get: 1}
    assert otel.points("aiominio.request.duration") == {ok_put: 2, ok_get: 1}
    assert otel.points("aiominio.bytes.sent") == {(("rpc.method", "PutObject"),): 150}
    assert otel.points("aiominio.bytes.received") == {
        (("rpc.method", "PutObject"),): 2 * len(DATA),
        (("rpc.method", "GetObject"),): len(DATA),
    }
    assert otel.points("aiominio.retries") == {}


async def test_every_attempt_s_body_counts_as_sent(otel: Otel) -> None:
    answers = [error(500, "InternalError"), found()]
    client, _ = client_for(otel, lambda request: answers.pop(0), attempts=2)
    async with client:
        await client.put_object("photos", KEY, b"x" * 100)
    assert otel.points("aiominio.bytes.sent") == {(("rpc.method", "PutObject"),): 200}


# -- the switch --------------------------------------------------------------------------------


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=False
    )


def test_without_telemetry_opentelemetry_is_not_imported() -> None:
    code = """
        import aiominio, sys
        c = aiominio.Client("http://h")
        print("opentelemetry" in sys.modules, "aiominio.telemetry" in sys.modules)
    """
    ran = run_python(code)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == "False False\n"


def test_telemetry_without_opentelemetry_says_what_to_install() -> None:
    code = """
        import sys
        sys.modules["opentelemetry"] = None  # as if it were not installed
        import aiominio
        try:
            aiominio.Client("http://h", telemetry=True)
        except ImportError as exc:
            print(exc)
    """
    ran = run_python(code)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == "telemetry=True needs OpenTelemetry: pip install 'aiominio[otel]'\n"


def test_the_global_providers_are_used_when_none_is_given() -> None:
    code = """
        import asyncio
        from opentelemetry import metrics, trace
        from opentelemetry.sdk.metrics import MeterProvider
        from opentelemetry.sdk.metrics.export import InMemoryMetricReader
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
        import aiominio
        from aiominio.testing import MockResponse, MockTransport

        spans, reader = InMemorySpanExporter(), InMemoryMetricReader()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(spans))
        trace.set_tracer_provider(provider)
        metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))

        async def main():
            transport = MockTransport(lambda r: MockResponse(200, {"ETag": '"e"'}))
            async with aiominio.Client("http://h", access_key="a", secret_key="s",
                                       region="us-east-1", transport=transport,
                                       telemetry=True) as c:
                await c.put_object("bkt", "k", b"x")

        asyncio.run(main())
        names = [m.name for rm in reader.get_metrics_data().resource_metrics
                 for sm in rm.scope_metrics for m in sm.metrics]
        print([s.name for s in spans.get_finished_spans()], "aiominio.requests" in names)
    """
    ran = run_python(code)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == "['S3.PutObject'] True\n"


def test_telemetry_options_without_telemetry_are_refused() -> None:
    with pytest.raises(aiominio.InvalidArgument, match="need telemetry=True"):
        aiominio.Client("http://h", telemetry_keys=True)
    with pytest.raises(aiominio.InvalidArgument, match="need telemetry=True"):
        aiominio.Client("http://h", tracer_provider=TracerProvider())
