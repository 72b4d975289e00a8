"""The SeaweedFS cluster's argument checks, made before any process starts."""

from __future__ import annotations

import pytest

import aiominio
from aiominio.testing import seaweedfs_cluster


@pytest.mark.parametrize(
    ("servers", "replication", "message"),
    [
        (0, "000", "volume_servers must be between 1 and 16"),
        (17, "000", "volume_servers must be between 1 and 16"),
        (3, "1", "replication must be three digits, not '1'"),
        (3, "010", "replication 010 needs other data centres or racks"),
        (1, "001", "replication 001 needs more than 1 servers"),
    ],
)
def test_a_cluster_that_cannot_be_is_refused_before_it_starts(
    servers: int, replication: str, message: str
) -> None:
    with (
        pytest.raises(aiominio.InvalidArgument, match=message),
        seaweedfs_cluster(servers, replication),
    ):
        pass
