"""``python -m aiominio.testing serve``: the arguments of one server are refused for a cluster."""

from __future__ import annotations

import pytest

import aiominio
from aiominio.testing._serve import serve


@pytest.mark.parametrize("single", [{"port": 9000}, {"data_dir": "/tmp/x"}])
def test_a_cluster_takes_no_port_or_data_dir(single: dict[str, object]) -> None:
    with pytest.raises(aiominio.InvalidArgument, match="for the single server, not the cluster"):
        serve(cluster=True, **single)  # type: ignore[arg-type]
