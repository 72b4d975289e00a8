"""The sans-IO core of aiominio.

Everything in this package is plain functions over plain values: request signing, URL building,
XML parsing and building, argument validation. Nothing here imports aiohttp, asyncio or aiofiles,
so every piece can be tested with published vectors and no event loop.
"""
