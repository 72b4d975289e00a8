"""File uploads against a fake requester: a resumed upload keeps only a part size the file
could have. (Existing tests, to be folded into test_files.py.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiominio.transfer import files
from aiominio.transport import Response
from tests.unit.fakes import MultipartRequester, as_requester

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
    await files.upload_file(
        as_requester(fake),
        "b",
        "k",
        path=str(path),
        headers={},
        part_size=None,
        concurrency=2,
        threshold=5 * MiB,
        integrity="crc32",
    )
    # Parts run concurrently: order them by number, not by when their request went out.
    sizes = {
        dict(c["query"])["partNumber"]: len(c["body"]) for c in fake.calls if c["method"] == "PUT"
    }
    assert sizes == {"1": 16 * MiB, "2": 1 * MiB}  # the planned part size
