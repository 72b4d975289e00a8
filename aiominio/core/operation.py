"""The S3 API operation a request is (``GetObject``, ``UploadPart``, ``ListObjectsV2``, ...), told
from its method, the sub-resource its query names and whether it addresses the service, a bucket
or an object: what telemetry names its spans and metrics by (see :mod:`aiominio.telemetry`).

One dictionary look-up per query parameter, and no parsing: a request's query holds its
sub-resource first, and the parameters that are not sub-resources (``prefix``, ``versionId``,
``response-content-type``, ...) are not in the tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

#: Sub-resource -> operation, by method, of requests that address a bucket.
_BUCKET: dict[str, dict[str, str]] = {
    "GET": {
        "list-type": "ListObjectsV2",
        "location": "GetBucketLocation",
        "versions": "ListObjectVersions",
        "uploads": "ListMultipartUploads",
        "policy": "GetBucketPolicy",
        "policyStatus": "GetBucketPolicyStatus",
        "lifecycle": "GetBucketLifecycleConfiguration",
        "notification": "GetBucketNotificationConfiguration",
        "tagging": "GetBucketTagging",
        "versioning": "GetBucketVersioning",
        "encryption": "GetBucketEncryption",
        "replication": "GetBucketReplication",
        "object-lock": "GetObjectLockConfiguration",
        "cors": "GetBucketCors",
        "acl": "GetBucketAcl",
        "website": "GetBucketWebsite",
        "logging": "GetBucketLogging",
        "accelerate": "GetBucketAccelerateConfiguration",
        "requestPayment": "GetBucketRequestPayment",
        "ownershipControls": "GetBucketOwnershipControls",
        "publicAccessBlock": "GetPublicAccessBlock",
        "events": "ListenBucketNotification",  # MinIO's extension
    },
    "PUT": {
        "policy": "PutBucketPolicy",
        "lifecycle": "PutBucketLifecycleConfiguration",
        "notification": "PutBucketNotificationConfiguration",
        "tagging": "PutBucketTagging",
        "versioning": "PutBucketVersioning",
        "encryption": "PutBucketEncryption",
        "replication": "PutBucketReplication",
        "object-lock": "PutObjectLockConfiguration",
        "cors": "PutBucketCors",
        "acl": "PutBucketAcl",
        "website": "PutBucketWebsite",
        "logging": "PutBucketLogging",
        "accelerate": "PutBucketAccelerateConfiguration",
        "requestPayment": "PutBucketRequestPayment",
        "ownershipControls": "PutBucketOwnershipControls",
        "publicAccessBlock": "PutPublicAccessBlock",
    },
    "DELETE": {
        "policy": "DeleteBucketPolicy",
        "lifecycle": "DeleteBucketLifecycle",
        "tagging": "DeleteBucketTagging",
        "encryption": "DeleteBucketEncryption",
        "replication": "DeleteBucketReplication",
        "cors": "DeleteBucketCors",
        "website": "DeleteBucketWebsite",
        "ownershipControls": "DeleteBucketOwnershipControls",
        "publicAccessBlock": "DeletePublicAccessBlock",
    },
    "POST": {"delete": "DeleteObjects"},
    "HEAD": {},
}
#: The operation of a bucket request whose query names none of its method's sub-resources.
_BUCKET_PLAIN = {
    "GET": "ListObjects",
    "PUT": "CreateBucket",
    "DELETE": "DeleteBucket",
    "HEAD": "HeadBucket",
}
#: Sub-resource -> operation, by method, of requests that address an object.
_OBJECT: dict[str, dict[str, str]] = {
    "GET": {
        "uploadId": "ListParts",
        "tagging": "GetObjectTagging",
        "acl": "GetObjectAcl",
        "retention": "GetObjectRetention",
        "legal-hold": "GetObjectLegalHold",
        "attributes": "GetObjectAttributes",
        "torrent": "GetObjectTorrent",
    },
    "PUT": {
        "partNumber": "UploadPart",
        "tagging": "PutObjectTagging",
        "acl": "PutObjectAcl",
        "retention": "PutObjectRetention",
        "legal-hold": "PutObjectLegalHold",
    },
    "POST": {
        "uploads": "CreateMultipartUpload",
        "uploadId": "CompleteMultipartUpload",
        "restore": "RestoreObject",
        "select": "SelectObjectContent",
    },
    "DELETE": {"uploadId": "AbortMultipartUpload", "tagging": "DeleteObjectTagging"},
    "HEAD": {},
}
_OBJECT_PLAIN = {
    "GET": "GetObject",
    "PUT": "PutObject",
    "DELETE": "DeleteObject",
    "HEAD": "HeadObject",
}
#: A copy is a PUT that names its source in this header (as aiominio spells it, lower-case).
_COPY_SOURCE = "x-amz-copy-source"


def operation_name(
    method: str,
    bucket: str | None,
    key: str | None,
    query: Iterable[tuple[str, str]] = (),
    headers: Mapping[str, str] | None = None,
) -> str | None:
    """The name of the S3 API operation a request is, as the AWS SDKs name it (``GetObject``,
    ``PutObject``, ``UploadPart``, ``CopyObject``, ``CreateMultipartUpload``, ``ListObjectsV2``,
    ``DeleteObjects``, ...); ``None`` when it is none that these tables know.

    Args:
        method: ``GET``, ``PUT``, ...
        bucket: the bucket addressed, ``None`` for the service.
        key: the object's key, ``None`` for a bucket request.
        query: the query parameters (their names are what counts).
        headers: the request's headers (``x-amz-copy-source`` makes a PUT a copy).
    """
    if bucket is None:
        return "ListBuckets" if method == "GET" and key is None else None
    tables, plain = (_BUCKET, _BUCKET_PLAIN) if key is None else (_OBJECT, _OBJECT_PLAIN)
    subresources = tables.get(method)
    if subresources is None:
        return None
    for name, _ in query:
        found = subresources.get(name)
        if found is not None:
            break
    else:
        found = plain.get(method)
    if key is not None and method == "PUT" and headers and _COPY_SOURCE in headers:
        if found == "PutObject":
            return "CopyObject"
        if found == "UploadPart":
            return "UploadPartCopy"
    return found
