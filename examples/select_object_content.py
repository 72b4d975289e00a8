"""selectObjectContent: S3 Select runs SQL over a CSV object on the server and sends back only
the matching records.

SeaweedFS (the demo's server) has no S3 Select: there this prints the server's refusal.
"""

import asyncio

from _connect import BUCKET, client

import aiominio
from aiominio import CSVInput, CSVOutput, SelectRequest


async def main() -> None:
    async with client() as c:
        await c.put_object(BUCKET, "people.csv", b"name,city\nann,Paris\nbob,Oslo\n")
        request = SelectRequest(
            "SELECT name FROM S3Object",
            CSVInput(file_header_info="USE"),
            CSVOutput(),
        )
        try:
            async with c.select_object_content(BUCKET, "people.csv", request) as result:
                async for chunk in result:
                    print(chunk.decode(), end="")
            print(f"stats: {result.stats}")
        except aiominio.S3Error as exc:
            print(f"this server does not support S3 Select: {exc.code}")
        finally:
            await c.remove_object(BUCKET, "people.csv")


asyncio.run(main())
