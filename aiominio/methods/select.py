"""The client's S3 Select method: SQL over one CSV, JSON or Parquet object."""

from __future__ import annotations

from aiominio.core.select import SelectRequest, check_select_request
from aiominio.core.validation import check_bucket_name, check_object_key
from aiominio.methods.base import MethodsBase
from aiominio.ops.select import SelectResult


class SelectMethods(MethodsBase):
    """Filter an object on the server with S3 Select and read back only the records that match."""

    def select_object_content(self, bucket: str, key: str, request: SelectRequest) -> SelectResult:
        """Run ``request`` (a :class:`~aiominio.SelectRequest`) over the object; use the result
        with ``async with`` and iterate it for chunks of records (bytes).

        Example::

            request = SelectRequest(
                "SELECT * FROM S3Object s WHERE s.city = 'Paris'",
                CSVInput(file_header_info="USE"),
                CSVOutput(),
            )
            async with client.select_object_content("b", "people.csv", request) as result:
                async for chunk in result:
                    print(chunk.decode(), end="")
            print(result.stats)

        The answer's event-stream framing is checked message by message (both CRC32s); see
        :class:`~aiominio.SelectResult`.

        Raises:
            TypeError: ``request`` is not a SelectRequest (on the call).
            NoSuchKey: there is no such object (on entering the ``async with`` block).
            S3Error: the server refused the query, or sent an error event while streaming.
            InvalidResponseError: a corrupted answer, or one that ended before its End event.
        """
        check_bucket_name(bucket)
        check_object_key(key)
        checked = check_select_request(request)
        return SelectResult(self.requester, bucket, key, checked)
