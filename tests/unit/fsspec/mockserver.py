"""A tiny in-memory S3 for the unit tests of aiominio/fsspec: enough of PUT, GET (ranges),
HEAD, ListObjectsV2, DeleteObjects and multipart uploads, answered through MockTransport."""

from __future__ import annotations

import re
from urllib.parse import unquote

from aiominio import Client
from aiominio.testing import MockRequest, MockResponse, MockTransport

NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
WHEN = "2026-01-01T00:00:00.000Z"


class FakeS3:
    """One bucket ``bkt``; every request is kept in ``requests``."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        self.requests: list[MockRequest] = []
        self.uploads: dict[str, dict[int, bytes]] = {}
        self.created: list[str] = []
        self.aborted: list[str] = []

    def client(self) -> Client:
        return Client(
            "http://s3.test",
            access_key="a",
            secret_key="b",
            region="us-east-1",
            transport=MockTransport(self.answer),
        )

    def of(self, method: str) -> list[MockRequest]:
        return [r for r in self.requests if r.method == method]

    def answer(self, request: MockRequest) -> MockResponse:
        self.requests.append(request)
        _, bucket, *rest = request.path.split("/", 2)
        key = unquote(rest[0]) if rest else ""
        q = request.query
        if bucket != "bkt":
            return _error(404, "NoSuchBucket")
        if request.method == "HEAD" and not key:
            return MockResponse(200)
        if request.method == "GET" and not key:
            return self._list(
                q.get("prefix", ""), q.get("delimiter"), int(q.get("max-keys", "1000"))
            )
        if request.method == "POST" and "delete" in q:
            keys = re.findall(r"<Key>(.*?)</Key>", request.body.decode())
            for k in keys:
                self.objects.pop(k, None)
            deleted = "".join(f"<Deleted><Key>{k}</Key></Deleted>" for k in keys)
            return MockResponse(200, {}, f"<DeleteResult {NS}>{deleted}</DeleteResult>".encode())
        if request.method == "POST" and "uploads" in q:
            upload_id = f"u{len(self.uploads)}"
            self.uploads[upload_id] = {}
            self.created.append(upload_id)
            body = (
                f"<InitiateMultipartUploadResult {NS}><Bucket>b</Bucket><Key>{key}</Key>"
                f"<UploadId>{upload_id}</UploadId></InitiateMultipartUploadResult>"
            )
            return MockResponse(200, {}, body.encode())
        if request.method == "PUT" and "partNumber" in q:
            self.uploads[q["uploadId"]][int(q["partNumber"])] = request.body
            return MockResponse(200, {"ETag": f'"p{q["partNumber"]}"'})
        if request.method == "POST" and "uploadId" in q:
            parts = self.uploads.pop(q["uploadId"])
            if request.header("If-None-Match") == "*" and key in self.objects:
                return _error(412, "PreconditionFailed")
            self.objects[key] = b"".join(parts[n] for n in sorted(parts))
            body = (
                f"<CompleteMultipartUploadResult {NS}><Bucket>b</Bucket><Key>{key}</Key>"
                f'<ETag>"m-{len(parts)}"</ETag></CompleteMultipartUploadResult>'
            )
            return MockResponse(200, {}, body.encode())
        if request.method == "DELETE" and "uploadId" in q:
            self.uploads.pop(q["uploadId"], None)
            self.aborted.append(q["uploadId"])
            return MockResponse(204)
        if request.method == "PUT":
            if request.header("If-None-Match") == "*" and key in self.objects:
                return _error(412, "PreconditionFailed")
            self.objects[key] = request.body
            return MockResponse(200, {"ETag": '"e"'})
        data = self.objects.get(key)
        if data is None:
            return _error(404, "NoSuchKey") if request.method == "GET" else MockResponse(404)
        headers = {
            "ETag": '"e"',
            "Last-Modified": "Thu, 01 Jan 2026 00:00:00 GMT",
            "Content-Type": "application/octet-stream",
        }
        if request.method == "HEAD":
            return MockResponse(200, {**headers, "Content-Length": str(len(data))})
        wanted = request.header("Range")
        if wanted:
            first, last = (int(x) for x in wanted.removeprefix("bytes=").split("-"))
            last = min(last, len(data) - 1)
            part = data[first : last + 1]
            return MockResponse(
                206,
                {
                    **headers,
                    "Content-Length": str(len(part)),
                    "Content-Range": f"bytes {first}-{last}/{len(data)}",
                },
                part,
            )
        return MockResponse(200, {**headers, "Content-Length": str(len(data))}, data)

    def _list(self, prefix: str, delimiter: str | None, most: int) -> MockResponse:
        keys = sorted(k for k in self.objects if k.startswith(prefix))
        contents, prefixes = [], []
        for k in keys:
            rest = k[len(prefix) :]
            if delimiter and delimiter in rest:
                p = prefix + rest.split(delimiter)[0] + delimiter
                if p not in prefixes:
                    prefixes.append(p)
            else:
                contents.append(k)
        contents = contents[:most]
        body = "".join(
            f'<Contents><Key>{k}</Key><Size>{len(self.objects[k])}</Size><ETag>"e"</ETag>'
            f"<LastModified>{WHEN}</LastModified></Contents>"
            for k in contents
        ) + "".join(f"<CommonPrefixes><Prefix>{p}</Prefix></CommonPrefixes>" for p in prefixes)
        doc = (
            f"<ListBucketResult {NS}><Name>b</Name><Prefix>{prefix}</Prefix>"
            f"<KeyCount>{len(contents)}</KeyCount><MaxKeys>{most}</MaxKeys>"
            f"<IsTruncated>false</IsTruncated>{body}</ListBucketResult>"
        )
        return MockResponse(200, {}, doc.encode())


def _error(status: int, code: str) -> MockResponse:
    body = f"<Error><Code>{code}</Code><Message>{code}</Message></Error>".encode()
    return MockResponse(status, {"Content-Type": "application/xml"}, body)
