"""``fget_object`` as one stream and ``fput_object`` through
:class:`aiominio.testing.MockTransport`: a download resumed within a call and from the partial
file across calls, a file that fails its check downloaded again once, an object changed under
the download started over; an interrupted file upload left in place and resumed part by part."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

import aiominio
from aiominio.core.options import WriteOptions
from aiominio.testing import MockRequest, MockResponse, MockTransport
from aiominio.transfer import files as files_module
from aiominio.transfer.jobs import Upload
from aiominio.transport import Response
from tests.unit.fakes import MultipartRequester, as_requester
from tests.unit.transfer.objects import (
    DATE,
    ObjectServer,
    broken,
    client_for,
    crc32_b64,
    error,
    md5_hex,
    pattern,
    ranges,
)

DATA = pattern(100_000)
BIG = pattern(3 << 20, seed=2)  # more than the 1 MiB a download gathers before it writes


def spoiled(data: bytes) -> bytes:
    return bytes([data[0] ^ 1]) + data[1:]


def files(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in tmp_path.iterdir())


async def test_a_body_that_breaks_off_is_resumed_into_the_file(tmp_path: Path) -> None:
    server = ObjectServer(DATA)
    once = [True]
    server.tamper = lambda request, answer: (
        broken(answer, 30_000) if request.method == "GET" and once and once.pop() else answer
    )
    transport = server.transport()
    async with client_for(transport) as client:
        await client.fget_object("bkt", "k", tmp_path / "out")
    assert (tmp_path / "out").read_bytes() == DATA
    assert ranges(transport) == [None, "bytes=30000-"]
    assert files(tmp_path) == ["out"]


async def test_an_interrupted_download_is_resumed_by_the_next_call(tmp_path: Path) -> None:
    server = ObjectServer(BIG)
    server.tamper = lambda request, answer: (
        broken(answer, 2_500_000) if request.method == "GET" else answer
    )
    async with client_for(server.transport(), attempts=1) as client:
        with pytest.raises(aiominio.ConnectionLostError):
            await client.fget_object("bkt", "k", tmp_path / "out")
    assert not (tmp_path / "out").exists()
    (partial,) = tmp_path.glob("out.*.part")
    kept = partial.read_bytes()
    assert 1 << 20 <= len(kept) <= 2_500_000  # whole blocks of what arrived
    assert kept == BIG[: len(kept)]

    server.tamper = None
    transport = server.transport()
    async with client_for(transport) as client:
        await client.fget_object("bkt", "k", tmp_path / "out")
    # The first GET describes the object (and is let go: a partial file is there to resume);
    # the body is then asked for from where the file ends.
    assert ranges(transport) == [None, f"bytes={len(kept)}-"]
    assert (tmp_path / "out").read_bytes() == BIG
    assert files(tmp_path) == ["out"]


async def test_a_file_failing_its_check_is_downloaded_again_once(tmp_path: Path) -> None:
    server = ObjectServer(DATA)
    spoil = [True]

    def tamper(request: MockRequest, answer: MockResponse) -> MockResponse:
        if request.method == "GET" and spoil and spoil.pop():
            return MockResponse(200, answer.headers, spoiled(DATA))
        return answer

    server.tamper = tamper
    transport = server.transport()
    async with client_for(transport) as client:
        await client.fget_object("bkt", "k", tmp_path / "out")
    assert (tmp_path / "out").read_bytes() == DATA
    # Checked as it streamed (no HEAD, the file not read back): the second GET starts over.
    assert [r.method for r in transport.requests] == ["GET", "GET"]
    assert [r.header("x-amz-checksum-mode") for r in transport.requests] == ["ENABLED"] * 2


async def test_a_file_failing_its_check_twice_is_raised_and_removed(tmp_path: Path) -> None:
    server = ObjectServer(DATA)
    server.tamper = lambda request, answer: (
        MockResponse(200, answer.headers, spoiled(DATA)) if request.method == "GET" else answer
    )
    async with client_for(server.transport()) as client:
        with pytest.raises(aiominio.InvalidResponseError):
            await client.fget_object("bkt", "k", tmp_path / "out")
    assert files(tmp_path) == []  # no file, and no spoilt partial file to resume


async def test_a_file_is_checked_against_its_multipart_etag(tmp_path: Path) -> None:
    """No checksum, a ``<md5>-2`` ETag: the part size is learnt from ``HEAD ?partNumber=1``
    and the file's part MD5s are combined; a file that does not give that ETag is refused."""
    half = len(DATA) // 2
    digests = b"".join(hashlib.md5(p).digest() for p in (DATA[:half], DATA[half:]))
    server = ObjectServer(DATA, etag=f"{hashlib.md5(digests).hexdigest()}-2", checksum=False)

    def tamper(request: MockRequest, answer: MockResponse) -> MockResponse:
        if request.method == "HEAD" and "partNumber" in request.query:
            return MockResponse(200, {**answer.headers, "Content-Length": str(half)})
        return answer

    server.tamper = tamper
    transport = server.transport()
    async with client_for(transport) as client:
        await client.fget_object("bkt", "k", tmp_path / "out")
    assert (tmp_path / "out").read_bytes() == DATA
    assert any(r.query.get("partNumber") == "1" for r in transport.requests)

    def spoiling(request: MockRequest, answer: MockResponse) -> MockResponse:
        if request.method == "GET":
            return MockResponse(200, answer.headers, DATA[:-1] + b"\x00")
        return tamper(request, answer)

    server.tamper = spoiling
    async with client_for(server.transport()) as client:
        with pytest.raises(aiominio.InvalidResponseError, match="ETag"):
            await client.fget_object("bkt", "k", tmp_path / "again")
    assert not (tmp_path / "again").exists()


async def test_an_object_changed_under_a_resumed_body_is_started_over(tmp_path: Path) -> None:
    """The body breaks off, and the object is overwritten before the resume: the resume,
    pinned by If-Match, gets a 412, and the download starts over with the new object."""
    server = ObjectServer(DATA)
    new = pattern(50_000, seed=3)

    def tamper(request: MockRequest, answer: MockResponse) -> MockResponse:
        if request.method == "GET" and server.data is DATA:
            server.replace(new)  # overwritten while the old body streams
            return broken(answer, 30_000)
        return answer

    server.tamper = tamper
    transport = server.transport()
    async with client_for(transport) as client:
        stat = await client.fget_object("bkt", "k", tmp_path / "out")
    assert stat.size == len(new)
    assert (tmp_path / "out").read_bytes() == new
    assert ranges(transport) == [None, "bytes=30000-", None]
    assert transport.requests[1].header("If-Match") == f'"{md5_hex(DATA)}"'
    assert files(tmp_path) == ["out"]


async def test_a_condition_that_fails_on_the_first_answer_touches_no_file(tmp_path: Path) -> None:
    server = ObjectServer(DATA)
    transport = server.transport()
    async with client_for(transport) as client:
        with pytest.raises(aiominio.PreconditionFailed):
            await client.fget_object("bkt", "k", tmp_path / "out", if_match='"other"')
    assert [r.method for r in transport.requests] == ["GET"]
    assert files(tmp_path) == []


async def test_a_body_read_as_one_stream_comes_from_the_first_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No HEAD before the GET: the one answer describes the object and carries its body,
    checked against its CRC32 as it arrives, and the file is not read back."""

    async def read_back(*args: object) -> None:
        raise AssertionError("the file was read back to be checked")

    monkeypatch.setattr(files_module, "_verify_file", read_back)
    server = ObjectServer(DATA)
    transport = server.transport()
    async with client_for(transport) as client:
        stat = await client.fget_object("bkt", "k", tmp_path / "out")
    assert stat.size == len(DATA) and stat.etag == md5_hex(DATA)
    assert (tmp_path / "out").read_bytes() == DATA
    assert [(r.method, r.header("Range")) for r in transport.requests] == [("GET", None)]


async def test_a_first_answer_without_a_size_falls_back_to_a_head(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A whole-object GET answered chunked (no Content-Length) tells no size: it is let go, a
    HEAD asks the size, and the body is read again, pinned to the ETag; the file, which was not
    checked as it streamed, is read back and checked against the CRC32 the HEAD gave."""
    server = ObjectServer(DATA)

    def chunked(request: MockRequest, answer: MockResponse) -> MockResponse:
        if request.method != "GET" or request.header("Range") is not None:
            return answer
        headers = {k: v for k, v in answer.headers.items() if k.lower() != "content-length"}
        assert isinstance(answer.body, bytes)
        return MockResponse(answer.status, headers, [answer.body[:40_000], answer.body[40_000:]])

    checked: list[str | None] = []
    verify_file = files_module._verify_file

    async def recorded(*args: Any) -> str | None:
        checked.append(await verify_file(*args))
        return checked[-1]

    monkeypatch.setattr(files_module, "_verify_file", recorded)
    server.tamper = chunked
    transport = server.transport()
    async with client_for(transport) as client:
        stat = await client.fget_object("bkt", "k", tmp_path / "out")
    assert stat.size == len(DATA) and stat.etag == md5_hex(DATA)
    assert (tmp_path / "out").read_bytes() == DATA
    assert files(tmp_path) == ["out"]
    asked = [(r.method, r.header("Range"), r.header("If-Match")) for r in transport.requests]
    assert asked == [("GET", None, None), ("HEAD", None, None), ("GET", None, f'"{server.etag}"')]
    assert transport.requests[1].header("x-amz-checksum-mode") == "ENABLED"
    assert checked == ["crc32"]


# -- fput_object ----------------------------------------------------------------------------------

MiB = 1 << 20
FILE = pattern(11 * MiB, seed=1)
PARTS = [FILE[: 5 * MiB], FILE[5 * MiB : 10 * MiB], FILE[10 * MiB :]]


class UploadServer:
    """Multipart uploads of one key: remembers the parts stored, lists them, completes them."""

    def __init__(self) -> None:
        self.stored: dict[int, bytes] = {}
        self.uploads: list[str] = []
        self.fail_part: int | None = None
        self.algorithm = ""  # the ChecksumAlgorithm ListParts names (none when empty)

    def __call__(self, request: MockRequest) -> MockResponse:
        q = request.query
        if request.method == "POST" and "uploads" in q:
            self.uploads.append("u")
            body = b"<InitiateMultipartUploadResult><UploadId>u</UploadId>"
            return MockResponse(200, {}, body + b"</InitiateMultipartUploadResult>")
        if request.method == "GET" and "uploads" in q:
            listed = "".join(
                f"<Upload><Key>k</Key><UploadId>{u}</UploadId>"
                "<Initiated>2026-12-07T10:00:00.000Z</Initiated></Upload>"
                for u in self.uploads
            )
            doc = f"<ListMultipartUploadsResult><IsTruncated>false</IsTruncated>{listed}"
            return MockResponse(200, {}, (doc + "</ListMultipartUploadsResult>").encode())
        if request.method == "GET" and "uploadId" in q:
            listed = "".join(
                f'<Part><PartNumber>{n}</PartNumber><ETag>"{md5_hex(data)}"</ETag>'
                f"<Size>{len(data)}</Size><LastModified>2026-12-07T10:00:00.000Z</LastModified>"
                "</Part>"
                for n, data in sorted(self.stored.items())
            )
            named = f"<ChecksumAlgorithm>{self.algorithm}</ChecksumAlgorithm>"
            doc = (
                f"<ListPartsResult><IsTruncated>false</IsTruncated>"
                f"{named if self.algorithm else ''}{listed}</ListPartsResult>"
            )
            return MockResponse(200, {}, doc.encode())
        if request.method == "PUT" and "partNumber" in q:
            number = int(q["partNumber"])
            if number == self.fail_part:
                return error(403, "AccessDenied")
            self.stored[number] = request.body
            return MockResponse(
                200,
                {
                    "ETag": f'"{md5_hex(request.body)}"',
                    "x-amz-checksum-crc32": crc32_b64(request.body),
                },
            )
        if request.method == "POST" and "uploadId" in q:
            body = b"<CompleteMultipartUploadResult><ETag>&quot;e-3&quot;</ETag>"
            return MockResponse(200, {}, body + b"</CompleteMultipartUploadResult>")
        if request.method == "DELETE":
            self.uploads.clear()
            return MockResponse(204)
        if request.method == "HEAD":
            return MockResponse(200, {"ETag": '"e-3"', "Last-Modified": DATE})
        raise AssertionError(f"unexpected {request.method} {request.url}")


def part_numbers(transport: MockTransport) -> list[str]:
    return sorted(
        r.query["partNumber"]
        for r in transport.requests
        if r.method == "PUT" and "partNumber" in r.query
    )


async def test_a_failed_file_upload_is_left_in_place_and_resumed_by_the_next_call(
    tmp_path: Path,
) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(FILE)
    server = UploadServer()
    server.fail_part = 3
    first = MockTransport(server, virtual_time=True)
    async with client_for(first) as client:
        with pytest.raises(aiominio.AccessDenied):
            await client.fput_object("bkt", "k", path, part_size=5 * MiB, concurrency=1)
    assert "DELETE" not in [r.method for r in first.requests]  # kept, to be resumed
    assert sorted(server.stored) == [1, 2]

    server.fail_part = None
    second = MockTransport(server, virtual_time=True)
    async with client_for(second) as client:
        result = await client.fput_object("bkt", "k", path, part_size=5 * MiB, concurrency=1)
    assert result.etag == "e-3"
    assert part_numbers(second) == ["3"]  # the parts on the server were kept
    assert [r.method for r in second.requests if "uploads" in r.query] == ["GET"]  # no new one


async def test_a_stored_part_that_differs_from_the_file_is_sent_again(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(FILE)
    server = UploadServer()
    server.uploads.append("u")
    server.stored = {1: PARTS[0], 2: b"\x00" * len(PARTS[1])}  # part 2 of another file
    transport = MockTransport(server, virtual_time=True)
    async with client_for(transport) as client:
        await client.fput_object("bkt", "k", path, part_size=5 * MiB, concurrency=1)
    assert part_numbers(transport) == ["2", "3"]
    assert server.stored[2] == PARTS[1]


@pytest.mark.parametrize(
    ("named", "checksum", "resumed"),
    [
        ("CRC32", None, True),  # the client's default
        ("CRC32C", "CRC32C", True),
        ("CRC32C", None, False),  # parts of another checksum type would be refused
        ("CRC32", "SHA256", False),
        ("", "SHA256", True),  # a server that does not say: its parts carry none, no telling
    ],
)
async def test_an_upload_of_another_checksum_algorithm_is_not_resumed(
    tmp_path: Path, named: str, checksum: str | None, resumed: bool
) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(FILE)
    server = UploadServer()
    server.algorithm = named
    server.uploads.append("u")
    server.stored = {1: PARTS[0]}
    transport = MockTransport(server, virtual_time=True)
    async with client_for(transport) as client:
        await client.fput_object(
            "bkt", "k", path, part_size=5 * MiB, concurrency=1, checksum=checksum
        )
    created = [r for r in transport.requests if r.method == "POST" and "uploads" in r.query]
    assert (not created) is resumed
    assert part_numbers(transport) == (["2", "3"] if resumed else ["1", "2", "3"])


# -- with a fake requester -----------------------------------------------------------


MiB = 1 << 20


class ResumingRequester(MultipartRequester):
    """Lists one incomplete upload of ``k`` whose part 1 the server says is 1 TB."""

    async def execute(
        self, method: str, bucket: str | None, key: str | None = None, **kwargs: Any
    ) -> Response:
        query = dict(kwargs.get("query", ()))
        if method == "GET" and "uploads" in query:
            self.calls.append({"method": method, "bucket": bucket, "key": key, **kwargs})
            return Response(
                200,
                {},
                b"<ListMultipartUploadsResult><IsTruncated>false</IsTruncated><Upload>"
                b"<Key>k</Key><UploadId>u</UploadId></Upload></ListMultipartUploadsResult>",
            )
        if method == "GET" and "uploadId" in query:
            self.calls.append({"method": method, "bucket": bucket, "key": key, **kwargs})
            return Response(
                200,
                {},
                b"<ListPartsResult><IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber>"
                b'<ETag>"e"</ETag><Size>1000000000000</Size></Part></ListPartsResult>',
            )
        if method == "POST" and "uploadId" in query:
            self.calls.append({"method": method, "bucket": bucket, "key": key, **kwargs})
            return Response(
                200,
                {},
                b"<CompleteMultipartUploadResult><ETag>x-2</ETag></CompleteMultipartUploadResult>",
            )
        return await super().execute(method, bucket, key, **kwargs)


async def test_a_resumed_upload_takes_no_part_size_no_part_can_have(tmp_path: Path) -> None:
    # A part size from ListParts is kept only when it could be this file's (at most the file,
    # at most 5 GiB): else a server's number would size the buffers of every part.
    path = tmp_path / "f"
    path.write_bytes(bytes(17 * MiB))
    fake = ResumingRequester()
    job = Upload(as_requester(fake), "b", "k", WriteOptions(), None, 2, 5 * MiB, "crc32")
    await files_module.upload_file(job, str(path))
    # Parts run concurrently: order them by number, not by when their request went out.
    sizes = {
        dict(c["query"])["partNumber"]: len(c["body"]) for c in fake.calls if c["method"] == "PUT"
    }
    assert sizes == {"1": 16 * MiB, "2": 1 * MiB}  # the planned part size


async def test_a_download_started_over_reports_progress_from_zero(tmp_path: Path) -> None:
    """The body breaks off and the object is overwritten before the resume: the download
    starts over, and its progress counts again from 0, never past the total."""
    server = ObjectServer(BIG)
    new = pattern(len(BIG), seed=4)

    def tamper(request: MockRequest, answer: MockResponse) -> MockResponse:
        if request.method == "GET" and server.data is BIG:
            server.replace(new)
            return broken(answer, (2 << 20) + 5)
        return answer

    server.tamper = tamper
    told: list[tuple[int, int | None]] = []
    async with client_for(server.transport()) as client:
        await client.fget_object(
            "bkt", "k", tmp_path / "out", progress=lambda d, t: told.append((d, t))
        )
    assert (tmp_path / "out").read_bytes() == new
    assert all(done <= len(BIG) for done, _ in told), told
    assert told[-1] == (len(BIG), len(BIG))
