"""What the groups of client methods read from the client: :class:`MethodsBase`."""

from __future__ import annotations

from typing import Protocol

from aiominio.core.checksums import Integrity
from aiominio.requester import Requester


class MethodsBase(Protocol):
    """The client's state a group of methods delegates with.

    Each group of :mod:`aiominio.methods` subclasses this protocol, so its methods may read these
    attributes from ``self``; :class:`~aiominio.Client` inherits every group and provides them.
    A protocol, not a base class with placeholder bodies: there is nothing here to run, and a
    class that combines the groups without providing these is refused by the type checker.
    """

    @property
    def requester(self) -> Requester: ...

    @property
    def multipart_threshold(self) -> int: ...

    @property
    def integrity(self) -> Integrity: ...
