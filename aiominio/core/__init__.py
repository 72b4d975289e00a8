"""The sans-IO core of aiominio.

Everything in this package is plain functions over plain values: request signing, endpoint
parsing and URL building, XML parsing and building, object headers and ETags, checksums,
argument validation, part planning, the retry policy, object lock values, the S3 Select
request and its event-stream answer, and MinIO's event lines. Nothing here imports aiohttp, asyncio
or aiofiles (a test checks it), so every piece can be tested with published vectors and no
event loop.
"""
