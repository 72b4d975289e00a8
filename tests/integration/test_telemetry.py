"""OpenTelemetry against SeaweedFS: a put/get round trip, a multipart upload and a missing key,
read with the SDK's in-memory exporters."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader, NumberDataPoint
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

import aiominio
from aiominio import testing
from tests.integration.conftest import empty_and_remove, unique_bucket

MiB = 1024 * 1024


@dataclass
class Exporters:
    spans: InMemorySpanExporter
    metrics: InMemoryMetricReader
    tracer_provider: TracerProvider
    meter_provider: MeterProvider

    def client(self, server: testing.LocalServer, **options: bool | int) -> aiominio.Client:
        """A client of ``server`` whose spans and metrics go here."""
        return server.client(
            region="us-east-1",
            telemetry=True,
            tracer_provider=self.tracer_provider,
            meter_provider=self.meter_provider,
            telemetry_keys=bool(options.get("telemetry_keys")),
            multipart_threshold=int(options.get("multipart_threshold", 64 * MiB)),
        )

    def total(self, name: str) -> float:
        """The sum of metric ``name``'s data points."""
        data = self.metrics.get_metrics_data()
        assert data is not None
        return sum(
            point.value
            for resource in data.resource_metrics
            for scope in resource.scope_metrics
            for metric in scope.metrics
            if metric.name == name
            for point in metric.data.data_points
            if isinstance(point, NumberDataPoint)
        )


@pytest.fixture
def exporters() -> Iterator[Exporters]:
    spans, reader = InMemorySpanExporter(), InMemoryMetricReader()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    meter_provider = MeterProvider(metric_readers=[reader])
    yield Exporters(spans, reader, tracer_provider, meter_provider)
    tracer_provider.shutdown()
    meter_provider.shutdown()


def by_start(spans: InMemorySpanExporter) -> list[ReadableSpan]:
    return sorted(spans.get_finished_spans(), key=lambda s: s.start_time or 0)


async def test_a_round_trip_is_a_span_per_request(
    seaweedfs_server: testing.LocalServer,
    exporters: Exporters,
) -> None:
    spans = exporters.spans
    bucket = unique_bucket("otel")
    data = b"telemetry " * 1000
    async with exporters.client(seaweedfs_server) as client:
        await client.make_bucket(bucket)
        try:
            spans.clear()
            await client.put_object(bucket, "a/b.txt", data)
            async with client.get_object(bucket, "a/b.txt") as obj:
                assert await obj.read() == data
            with pytest.raises(aiominio.NoSuchKey):
                await client.stat_object(bucket, "missing")
            found = by_start(spans)
        finally:
            await empty_and_remove(client, bucket)
    # A HEAD's 404 has no body to tell a missing key from a missing bucket: a HeadBucket does.
    names = ["S3.PutObject", "S3.GetObject", "S3.HeadObject", "S3.HeadBucket"]
    assert [s.name for s in found] == names
    put, get, head, _ = found
    for span in found:
        attributes = span.attributes or {}
        assert span.kind is SpanKind.CLIENT
        assert attributes["rpc.system"] == "aws-api"
        assert attributes["aws.s3.bucket"] == bucket
        assert "aws.s3.key" not in attributes
        assert attributes["server.address"] == "127.0.0.1"
        assert attributes["aiominio.attempts"] == 1
        assert attributes["aws.request_id"]  # SeaweedFS sends one
    assert (put.attributes or {})["http.request.body.size"] == len(data)
    assert (put.attributes or {})["http.response.status_code"] == 200
    assert (get.attributes or {})["http.response.body.size"] == len(data)
    assert put.status.status_code is get.status.status_code is StatusCode.UNSET
    assert head.status.status_code is StatusCode.ERROR
    assert (head.attributes or {})["error.type"] == "NoSuchKey"
    assert (head.attributes or {})["http.response.status_code"] == 404
    assert exporters.total("aiominio.bytes.sent") >= len(data)
    assert exporters.total("aiominio.bytes.received") >= len(data)


async def test_a_multipart_upload_is_a_span_per_part(
    seaweedfs_server: testing.LocalServer,
    exporters: Exporters,
) -> None:
    spans = exporters.spans
    bucket = unique_bucket("otel")
    client = exporters.client(seaweedfs_server, telemetry_keys=True, multipart_threshold=5 * MiB)
    async with client:
        await client.make_bucket(bucket)
        try:
            spans.clear()
            await client.put_object(bucket, "big.bin", b"\1" * (6 * MiB), part_size=5 * MiB)
            found = by_start(spans)
        finally:
            await empty_and_remove(client, bucket)
    names = [s.name for s in found]
    assert names[0] == "S3.CreateMultipartUpload"
    assert sorted(names[1:3]) == ["S3.UploadPart", "S3.UploadPart"]
    assert names[3:] == ["S3.CompleteMultipartUpload"]
    assert {(s.attributes or {})["aws.s3.part_number"] for s in found[1:3]} == {1, 2}
    assert all((s.attributes or {})["aws.s3.key"] == "big.bin" for s in found)
    upload_ids = {(s.attributes or {}).get("aws.s3.upload_id") for s in found[1:]}
    assert len(upload_ids) == 1 and None not in upload_ids
