"""fsspec, on aiominio: ``fsspec.filesystem("aiominio", ...)`` and ``aiominio://bucket/key``.

Needs the ``fsspec`` extra (``pip install 'aiominio[fsspec]'``). The ``aiominio`` protocol is
registered through the ``fsspec.specs`` entry point, so no import is needed; :func:`register`
serves ``s3://`` (and ``s3a://``) URLs with it too. pandas, Dask, pyarrow and Zarr then read
and write through aiominio::

    df = pandas.read_parquet("aiominio://bucket/data.parquet",
                             storage_options={"endpoint_url": "http://127.0.0.1:9000",
                                              "key": "...", "secret": "..."})
"""

from __future__ import annotations

import fsspec

from aiominio.fsspec.files import AiominioFile, AiominioStreamedFile
from aiominio.fsspec.filesystem import AiominioFileSystem

__all__ = ["AiominioFile", "AiominioFileSystem", "AiominioStreamedFile", "register"]


def register(*protocols: str) -> None:
    """Serve these URL schemes with :class:`AiominioFileSystem` (default ``"s3"``, ``"s3a"``),
    in place of whatever fsspec had for them (s3fs)."""
    for protocol in protocols or ("s3", "s3a"):
        fsspec.register_implementation(protocol, AiominioFileSystem, clobber=True)
