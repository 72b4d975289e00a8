"""The request value: what an operation asks the pipeline (:mod:`aiominio.requester`) to send.

A :class:`Request` says what to send (method, bucket, key, query, headers, body) and how to read
the answer (a document that may carry an error, how much of it to read, whether it resumes a
body that broke off); the requester decides everything that changes per attempt: the region,
the signature, the connection.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple, TypedDict

from aiominio.core import xml
from aiominio.transport import Response, StreamingResponse

#: A query string as sent, in order: ``(("uploads", ""),)``, ``(("prefix", "a/"), ...)``.
Query = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Resume:
    """A streamed body that broke off, to be requested again from where it stopped.

    Attributes:
        failure: how the body broke off.
        attempt: how many times this body has been resumed, this time included; all resumes of
            one body share one retry budget.
        since: when the body first broke off (on the transport's clock): the retry time budget of
            every resume counts from then.
        deadline: the deadline of the body's first request, which its resumes keep.
    """

    failure: BaseException
    attempt: int
    since: float
    #: When (``loop.time()``) the body's first request had to end (``Timeouts.deadline``).
    deadline: float | None = None


#: The bodies requests carry: buffered bytes, so that every attempt sends the same ones.
RequestBody = bytes | bytearray | memoryview


class Request(NamedTuple):
    """One S3 request, as an operation describes it: :meth:`Requester.send` signs each attempt
    of it afresh (the region and the credentials are the requester's business, not the
    request's), sends it, retries it, and turns an error answer into its exception.

    An immutable value (a named tuple, the cheapest to build: one is built per request, and a
    small request costs the client microseconds); ``request._replace(...)`` derives another.

    Attributes:
        method: ``GET``, ``PUT``, ...
        bucket: the bucket addressed, ``None`` for the service (ListBuckets).
        key: the object's key, ``None`` for a bucket request.
        query: the query parameters, in order (sub-resources such as ``("uploads", "")``).
        headers: headers beyond those signing adds.
        body: the body, buffered, so that every attempt sends exactly the same bytes.
        payload_hash: the ``x-amz-content-sha256`` value (default: the body's SHA-256, or that
            of no body; ``UNSIGNED-PAYLOAD`` where the body is covered by a checksum header).
        region: sign for this region (default: the client's, else the bucket's).
        error_document: a 200 may carry an ``<Error>`` document, which is then that error
            (CompleteMultipartUpload, CopyObject, UploadPartCopy).
        limit: the most bytes of a whole answer's body that are read (a longer one is an
            :class:`~aiominio.InvalidResponseError`); an error answer is read up to
            :data:`~aiominio.core.xml.ERROR_DOCUMENT_LIMIT` bytes whatever this says.
        resume: this request continues a streamed body that broke off (a ranged GET from where
            it stopped): the failure is judged and waited for against that body's retry budget
            first, and the body's deadline is kept.
    """

    method: str
    bucket: str | None = None
    key: str | None = None
    query: Query = ()
    headers: Mapping[str, str] | None = None
    body: RequestBody | None = None
    payload_hash: str | None = None
    region: str | None = None
    error_document: bool = False
    limit: int = xml.DOCUMENT_LIMIT
    resume: Resume | None = None


class RequestFields(TypedDict, total=False):
    """The fields of a :class:`Request` beyond its method, bucket and key (the keywords of
    :meth:`Requester.execute`)."""

    query: Query
    headers: Mapping[str, str] | None
    body: RequestBody | None
    payload_hash: str | None
    region: str | None
    error_document: bool
    limit: int
    resume: Resume | None


def check_answer(request: Request, resp: Response) -> None:
    """Raise the error a whole answer carries: an error status, or an ``<Error>`` inside a 200
    where the request may get one."""
    if resp.status >= 300:
        raise xml.parse_error(
            resp.status,
            resp.headers,
            resp.body,
            bucket=request.bucket,
            key=request.key,
            head=request.method == "HEAD",
        )
    if request.error_document:
        xml.raise_if_error_document(
            resp.body, status=resp.status, bucket=request.bucket, key=request.key
        )


async def stream_error(request: Request, streamed: StreamingResponse) -> Exception:
    """The error a streamed answer with an error status carries (its body read, capped, and
    the answer released)."""
    try:
        error_body = await streamed.read_all(xml.ERROR_DOCUMENT_LIMIT)
    finally:
        streamed.release()
    return xml.parse_error(
        streamed.status, streamed.headers, error_body, bucket=request.bucket, key=request.key
    )
