"""The S3 operations, by responsibility: functions over a :class:`~aiominio.requester.Requester`.

The bodies of uploads and downloads are moved by the transfer engine, :mod:`aiominio.transfer`.

==============  ================================================================================
buckets         create, list, probe and remove buckets
listing         object listings, incomplete multipart uploads and their parts
objects         stat and remove objects
copy            server-side copy, in parts above 5 GiB
versions        bucket versioning and the listing of object versions
compose         ``compose_object``: a new object from ranges of others, copied server-side
attributes      GetObjectAttributes
bucketconfig    bucket policy and notification configuration
bucketrules     lifecycle, default encryption, CORS and replication configuration
tagging         object (and version) tags and bucket tags
presigning      presigned URLs and POST policies with the client's keys and the bucket's region
objectlock      a bucket's object lock configuration, a version's retention and legal hold
select          ``SelectResult``: the records of an S3 Select as they stream
listen          ``BucketEventStream``: MinIO's bucket events as they happen, reconnecting
acl             an object's canned ACL, read and set; the restore of an archived object
==============  ================================================================================

:class:`~aiominio.Client` checks the arguments before it calls these.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from collections.abc import Sequence
from types import ModuleType

#: Modules of the transfer engine that lived here before it had a package of its own: importing
#: them from their old place still works, with a DeprecationWarning naming the new one.
MOVED = {
    f"aiominio.ops.{name}": f"aiominio.transfer.{name}"
    for name in ("files", "integrity", "multipart", "partial", "ranged", "reader", "uploads")
}


class _MovedModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds an old name of :data:`MOVED` and hands out the module at its new place (whose
    ``__spec__``, which the import system overwrites with the old name's, is put back)."""

    def __init__(self) -> None:
        self._specs: dict[str, importlib.machinery.ModuleSpec | None] = {}

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        warnings.warn(
            f"{spec.name} moved to {MOVED[spec.name]}; import the public names from aiominio",
            DeprecationWarning,
            stacklevel=2,
        )
        module = importlib.import_module(MOVED[spec.name])
        self._specs[spec.name] = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The module at its new place is complete already: only its own spec goes back.
        alias = module.__spec__
        if alias is not None and alias.name in self._specs:
            module.__spec__ = self._specs.pop(alias.name)


if not any(isinstance(finder, _MovedModules) for finder in sys.meta_path):
    sys.meta_path.append(_MovedModules())
