"""The bucket rule operations (lifecycle, encryption, CORS, replication) against a fake
requester: each sends its document with its MD5, and only the error code of a missing
configuration reads as "no configuration"."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest

from aiominio import (
    LifecycleConfig,
    SseConfig,
)
from aiominio.errors import S3Error
from aiominio.ops import bucketrules
from aiominio.transport import Response
from tests.unit.core.test_cors import AWS_CORS
from tests.unit.core.test_lifecycle import ONE
from tests.unit.core.test_replication import AWS_REPLICATION
from tests.unit.fakes import FakeRequester, as_requester


class MissingConfigRequester(FakeRequester):
    """Answers every GET with the S3 error ``code`` (the bucket has no such configuration)."""

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code

    async def execute(
        self, method: str, bucket: str | None, key: str | None = None, **kwargs: Any
    ) -> Response:
        if method == "GET":
            raise S3Error(self.code, "none", status=404, bucket=bucket)
        return await super().execute(method, bucket, key, **kwargs)


DOCUMENTS: list[tuple[str, Any, str]] = [
    ("lifecycle", LifecycleConfig(rules=ONE), "NoSuchLifecycleConfiguration"),
    ("encryption", SseConfig.sse_s3(), "ServerSideEncryptionConfigurationNotFoundError"),
    ("cors", AWS_CORS, "NoSuchCORSConfiguration"),
    ("replication", AWS_REPLICATION, "ReplicationConfigurationNotFoundError"),
]


@pytest.mark.parametrize(("name", "config", "missing"), DOCUMENTS)
async def test_operations_send_the_document_with_its_md5(
    name: str, config: Any, missing: str
) -> None:
    fake = MissingConfigRequester(missing)
    req = as_requester(fake)
    await getattr(bucketrules, f"set_{name}")(req, "b", config=config)
    assert await getattr(bucketrules, f"get_{name}")(req, "b") is None
    await getattr(bucketrules, f"delete_{name}")(req, "b")
    put, delete = fake.calls
    body = config.to_xml()
    assert (put["method"], put["bucket"], put["query"], put["body"]) == (
        "PUT",
        "b",
        ((name, ""),),
        body,
    )
    assert put["headers"] == {
        "Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode(),
        "Content-Type": "application/xml",
    }
    assert (delete["method"], delete["query"]) == ("DELETE", ((name, ""),))


@pytest.mark.parametrize(("name", "config", "missing"), DOCUMENTS)
async def test_other_errors_are_not_read_as_no_configuration(
    name: str, config: Any, missing: str
) -> None:
    with pytest.raises(S3Error) as info:
        await getattr(bucketrules, f"get_{name}")(
            as_requester(MissingConfigRequester("NoSuchBucket")), "b"
        )
    assert info.value.code == "NoSuchBucket"
