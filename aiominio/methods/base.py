"""What every group of client methods reads from the client."""

from __future__ import annotations

from aiominio.core.checksums import Integrity
from aiominio.requester import Requester


class MethodsBase:
    """The client's state the methods delegate with (provided by :class:`~aiominio.Client`)."""

    @property
    def requester(self) -> Requester:
        """The request pipeline behind this client; the functions of :mod:`aiominio.ops` take
        it, for requests this client has no method for."""
        raise NotImplementedError

    @property
    def multipart_threshold(self) -> int:
        """Bodies larger than this many bytes are uploaded in parts."""
        raise NotImplementedError

    @property
    def integrity(self) -> Integrity:
        """How uploads are verified: ``"crc32"`` or ``"md5"``."""
        raise NotImplementedError
