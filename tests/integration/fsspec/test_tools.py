"""The data tools on ``aiominio://`` URLs, on the real servers, written the way their users write
them: pandas (parquet, CSV), a partitioned pyarrow dataset, Dask on worker processes, Zarr v3,
DuckDB, and random reads through ``open()`` checked byte for byte.

URLs and ``storage_options`` are what a user passes (``{"endpoint_url", "key", "secret"}``);
nothing here reaches for the Client.
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import fsspec
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pytest
from pandas.testing import assert_frame_equal

from aiominio import testing
from aiominio.fsspec import AiominioFileSystem
from tests.integration.conftest import unique_bucket
from tests.integration.fsspec.conftest import MakeFs, options_for

MiB = 2**20
GUIDE = Path(__file__).resolve().parents[3] / "docs" / "guides" / "data-tools.md"
StorageOptions = dict[str, object]


def sample_frame(rows: int = 5_000, seed: int = 26) -> pd.DataFrame:
    """Integers, floats, strings with a missing value, booleans and timestamps."""
    rng = np.random.default_rng(seed)
    names = np.array(["ada", "grace", "édouard", "zoë", "🐍"], dtype=object)
    frame = pd.DataFrame(
        {
            "id": np.arange(rows, dtype="int64"),
            "value": rng.normal(size=rows),
            "name": names[rng.integers(0, len(names), size=rows)],
            "flag": rng.integers(0, 2, size=rows).astype(bool),
            "at": pd.date_range("2026-01-01", periods=rows, freq="min", unit="us"),
        }
    )
    frame.loc[7, "name"] = None
    return frame


# -- pandas ---------------------------------------------------------------------------------


def test_pandas_parquet_round_trip(
    fs: AiominioFileSystem, fs_bucket: str, storage_options: StorageOptions
) -> None:
    frame = sample_frame()
    url = f"aiominio://{fs_bucket}/tables/sample.parquet"
    frame.to_parquet(url, storage_options=storage_options, row_group_size=1_000)
    assert fs.info(f"{fs_bucket}/tables/sample.parquet")["size"] > 0
    assert_frame_equal(pd.read_parquet(url, storage_options=storage_options), frame)
    # A projection reads some column chunks of some row groups: ranged reads of the file.
    some = pd.read_parquet(url, columns=["id", "name"], storage_options=storage_options)
    assert_frame_equal(some, frame[["id", "name"]])


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz"])
def test_pandas_csv_round_trip(
    fs: AiominioFileSystem, fs_bucket: str, storage_options: StorageOptions, suffix: str
) -> None:
    frame = sample_frame(rows=2_000)
    url = f"aiominio://{fs_bucket}/tables/sample{suffix}"
    frame.to_csv(url, index=False, storage_options=storage_options)
    stored = fs.cat_file(f"{fs_bucket}/tables/sample{suffix}")
    # The compression is inferred from the name on both sides.
    assert stored.startswith(b"\x1f\x8b") == suffix.endswith(".gz")
    back = pd.read_csv(url, parse_dates=["at"], storage_options=storage_options)
    assert_frame_equal(back, frame, check_dtype=False)
    assert back["at"].tolist() == frame["at"].tolist()
    assert back["id"].tolist() == frame["id"].tolist()


# -- pyarrow --------------------------------------------------------------------------------


def test_pyarrow_partitioned_dataset(fs: AiominioFileSystem, fs_bucket: str) -> None:
    filesystem = pafs.PyFileSystem(pafs.FSSpecHandler(fs))
    rows = 3_000
    table = pa.table(
        {
            "id": pa.array(range(rows), pa.int64()),
            "amount": pa.array([i * 0.25 for i in range(rows)], pa.float64()),
            "year": pa.array([2024 + i % 3 for i in range(rows)], pa.int32()),
            "country": pa.array([("fr", "de", "jp", "br")[i % 4] for i in range(rows)]),
        }
    )
    root = f"{fs_bucket}/sales"
    ds.write_dataset(
        table,
        root,
        format="parquet",
        filesystem=filesystem,
        partitioning=["year", "country"],
        partitioning_flavor="hive",
        max_rows_per_file=200,
        max_rows_per_group=200,
    )
    files = fs.find(root)
    # 12 (year, country) directories, several files each (250 rows, at most 200 per file).
    directories = {f.rsplit("/", 1)[0] for f in files}
    assert len(directories) == 12
    assert f"{root}/year=2025/country=jp" in directories
    assert len(files) == 24

    dataset = ds.dataset(root, format="parquet", filesystem=filesystem, partitioning="hive")
    back = dataset.to_table().sort_by("id")
    assert back.column("id").to_pylist() == table.column("id").to_pylist()
    assert back.column("amount").equals(table.column("amount"))
    assert back.column("year").cast(pa.int32()).equals(table.column("year"))
    assert back.column("country").to_pylist() == table.column("country").to_pylist()

    # A filter on the partition keys reads only the matching directory's files.
    wanted = (pc.field("year") == 2026) & (pc.field("country") == "fr")
    only = dataset.to_table(filter=wanted).sort_by("id")
    assert only.column("id").to_pylist() == [i for i in range(rows) if i % 12 == 8]
    fragments = [f.path for f in dataset.get_fragments(filter=wanted)]
    assert len(fragments) == 2
    assert all(f.startswith(f"{root}/year=2026/country=fr/") for f in fragments)


# -- Dask on worker processes --------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_client() -> Iterator[object]:
    """Two worker processes, one thread each, for the whole module."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            # Any free port: the default, 8787, is left to the cluster of the guide's test.
            dashboard_address=":0",
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _tag_with_pid(part: pd.DataFrame) -> pd.DataFrame:
    return part.assign(pid=os.getpid())


def test_dask_workers_read_a_glob_and_write_parquet(
    dask_client: object, fs: AiominioFileSystem, fs_bucket: str, storage_options: StorageOptions
) -> None:
    import dask.dataframe as dd
    from distributed import Client

    assert isinstance(dask_client, Client)
    worker_pids = set(dask_client.run(os.getpid).values())
    assert len(worker_pids) == 2
    assert os.getpid() not in worker_pids

    frame = sample_frame(rows=4_000).drop(columns=["at"])
    parts = [frame.iloc[i : i + 1_000] for i in range(0, len(frame), 1_000)]
    for i, part in enumerate(parts):
        part.to_csv(
            f"aiominio://{fs_bucket}/in/{i}.csv", index=False, storage_options=storage_options
        )
    fs.pipe_file(f"{fs_bucket}/in/notes.txt", b"not matched by the glob")

    ddf = dd.read_csv(f"aiominio://{fs_bucket}/in/*.csv", storage_options=storage_options)
    assert ddf.npartitions == 4
    tagged = ddf.map_partitions(_tag_with_pid)
    tagged.to_parquet(
        f"aiominio://{fs_bucket}/out", storage_options=storage_options, write_index=False
    )

    written = fs.find(f"{fs_bucket}/out")
    assert len([f for f in written if f.endswith(".parquet")]) == 4
    back = pd.read_parquet(f"aiominio://{fs_bucket}/out", storage_options=storage_options)
    # Each partition was read and written by a worker process, never by this one.
    assert set(back["pid"]) <= worker_pids
    back = back.drop(columns=["pid"]).sort_values("id").reset_index(drop=True)
    assert_frame_equal(back, frame, check_dtype=False)

    # A sum computed on the workers from the parquet they wrote.
    total = dd.read_parquet(f"aiominio://{fs_bucket}/out", storage_options=storage_options)[
        "id"
    ].sum()
    assert total.compute() == frame["id"].sum()


# -- Zarr v3 --------------------------------------------------------------------------------


def test_zarr_v3_array(
    fs: AiominioFileSystem, fs_bucket: str, storage_options: StorageOptions
) -> None:
    zarr = pytest.importorskip(
        "zarr", minversion="3", reason="Zarr v3 (FsspecStore) needs Python 3.11 or later"
    )
    from zarr.core.sync import sync as on_zarr_loop

    url = f"aiominio://{fs_bucket}/arrays/temperature.zarr"
    data = np.random.default_rng(3).normal(size=(120, 90)).astype("float32")
    store = zarr.storage.FsspecStore.from_url(url, storage_options=storage_options)
    try:
        array = zarr.create_array(store=store, shape=data.shape, chunks=(32, 32), dtype="float32")
        array[:] = data
        array.attrs["units"] = "K"

        stored = fs.find(f"{fs_bucket}/arrays/temperature.zarr")
        assert f"{fs_bucket}/arrays/temperature.zarr/zarr.json" in stored
        assert f"{fs_bucket}/arrays/temperature.zarr/c/3/2" in stored  # 4 x 3 chunks
        assert len(stored) == 1 + 4 * 3

        reading = zarr.storage.FsspecStore.from_url(
            url, storage_options=storage_options, read_only=True
        )
        back = zarr.open_array(store=reading, mode="r")
        assert back.shape == data.shape
        assert back.attrs["units"] == "K"
        np.testing.assert_array_equal(back[:], data)
        np.testing.assert_array_equal(back[40:70, 10:75], data[40:70, 10:75])
    finally:
        # The store's filesystem is asynchronous, its client on Zarr's loop: close it there.
        on_zarr_loop(store.fs._close())


# -- DuckDB ---------------------------------------------------------------------------------


def test_duckdb_reads_and_writes_by_url(
    fs: AiominioFileSystem, fs_bucket: str, storage_options: StorageOptions
) -> None:
    frame = sample_frame(rows=3_000)
    frame.to_parquet(f"aiominio://{fs_bucket}/t.parquet", storage_options=storage_options)
    frame.to_csv(f"aiominio://{fs_bucket}/t.csv", index=False, storage_options=storage_options)
    con = duckdb.connect()
    try:
        con.register_filesystem(fs)
        count, total = con.execute(
            f"SELECT count(*), sum(id) FROM read_parquet('aiominio://{fs_bucket}/t.parquet') "
            "WHERE flag"
        ).fetchone()
        assert (count, total) == (
            int(frame["flag"].sum()),
            int(frame.loc[frame["flag"], "id"].sum()),
        )
        names = con.execute(
            f"SELECT name, count(*) AS n FROM read_csv('aiominio://{fs_bucket}/t.csv') "
            "GROUP BY name ORDER BY name NULLS FIRST"
        ).fetchall()
        # (CSV writes a missing name as an empty field, which reads back as NULL.)
        expected = frame["name"].value_counts(dropna=False)
        assert dict(names) == {(None if pd.isna(n) else n): c for n, c in expected.items()}
        con.execute(
            f"COPY (SELECT id, value FROM read_parquet('aiominio://{fs_bucket}/t.parquet') "
            f"WHERE id < 100) TO 'aiominio://{fs_bucket}/copied.parquet' (FORMAT parquet)"
        )
        copied = pd.read_parquet(
            f"aiominio://{fs_bucket}/copied.parquet", storage_options=storage_options
        )
        assert_frame_equal(copied, frame.loc[:99, ["id", "value"]])
    finally:
        con.close()


# -- random reads through open() ------------------------------------------------------------


def check_random_reads(f: fsspec.spec.AbstractBufferedFile, payload: bytes, seed: str) -> None:
    """200 random (offset, length) reads, steps backwards, seeks to and past the end."""
    rng = random.Random(seed)
    size = len(payload)
    assert f.size == size
    for _ in range(200):
        offset = rng.randrange(size)
        length = rng.choice([1, 7, 4096, rng.randrange(1, 300_000)])
        assert f.seek(offset) == offset
        assert f.read(length) == payload[offset : offset + length]
        assert f.tell() == min(size, offset + length)
        if rng.random() < 0.25:  # now and then a step backwards from where the read ended
            ended = f.tell()
            back = rng.randrange(0, ended + 1)
            f.seek(-back, os.SEEK_CUR)
            assert f.tell() == ended - back
            assert f.read(100) == payload[ended - back : ended - back + 100]
    assert f.seek(0, os.SEEK_END) == size
    assert f.read() == b""
    assert f.read(10) == b""
    f.seek(-10, os.SEEK_END)
    assert f.read() == payload[-10:]
    f.seek(-(size // 2), os.SEEK_CUR)
    assert f.tell() == size - size // 2
    assert f.read(1_000) == payload[size - size // 2 : size - size // 2 + 1_000]
    f.seek(size - 5)
    assert f.read(1_000) == payload[-5:]  # a read past the end stops at the end
    f.seek(0)
    assert f.read() == payload


@pytest.fixture
def random_object(fs: AiominioFileSystem, fs_bucket: str) -> tuple[str, bytes]:
    """A 3 MiB object of random bytes (not a multiple of any block size)."""
    payload = os.urandom(3 * MiB + 12_345)
    fs.pipe_file(f"{fs_bucket}/random.bin", payload)
    return f"{fs_bucket}/random.bin", payload


def test_random_reads_by_url_match_the_source(
    random_object: tuple[str, bytes], storage_options: StorageOptions
) -> None:
    path, payload = random_object
    with fsspec.open(f"aiominio://{path}", "rb", **storage_options) as f:
        check_random_reads(f, payload, "url")


@pytest.mark.parametrize("cache_type", ["adaptive", "readahead", "blockcache", "bytes", "none"])
def test_random_reads_match_the_source(
    fs: AiominioFileSystem, random_object: tuple[str, bytes], cache_type: str
) -> None:
    path, payload = random_object
    # Small blocks: many reads cross a block's end.
    with fs.open(path, "rb", block_size=256 * 1024, cache_type=cache_type) as f:
        check_random_reads(f, payload, cache_type)


# -- the guide ------------------------------------------------------------------------------


def test_the_data_tools_guide_runs(seaweedfs_server: testing.LocalServer, make_fs: MakeFs) -> None:
    """docs/guides/data-tools.md's Python blocks, in order, as one script against SeaweedFS
    (its options line and bucket name replaced by the server's and a fresh bucket)."""
    from fsspec.registry import _registry

    text = GUIDE.read_text()
    blocks = re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)
    assert len(blocks) >= 7
    script = "\n".join(blocks)
    options_line = (
        'options = {"endpoint_url": "http://127.0.0.1:9000", "key": "minioadmin", '
        '"secret": "minioadmin"}'
    )
    assert script.count(options_line) == 1
    bucket = unique_bucket("guide")
    script = script.replace(options_line, f"options = {options_for(seaweedfs_server)!r}")
    script = script.replace("mybucket", bucket)
    # The guide's cluster takes the default dashboard port, 8787; two runs of the suite at once
    # (a busy machine) would race for it, and distributed leaks the socket of a failed listen
    # (an unraisable ResourceWarning). Here the cluster takes any free port.
    cluster = "LocalCluster(n_workers=2, threads_per_worker=1)"
    assert script.count(cluster) == 1
    script = script.replace(
        cluster, 'LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0")'
    )
    namespace: dict[str, object] = {"__name__": "__main__"}
    before = _registry.get("s3")
    fs = make_fs(seaweedfs_server)
    try:
        exec(compile(script, str(GUIDE), "exec"), namespace)
        out = namespace["out"]
        assert len(out) == 200  # type: ignore[arg-type]
        assert len(fs.find(f"{bucket}/out")) == 3
        assert fs.exists(f"{bucket}/weather-copy.parquet")
        assert fs.exists(f"{bucket}/sales/year=2025/country=fr")
        assert fs.exists(f"{bucket}/temperature.zarr/c/3/3")
    finally:
        if before is None:
            _registry.pop("s3", None)
        else:
            fsspec.register_implementation("s3", before, clobber=True)
        store = namespace.get("store")
        if store is not None:
            from zarr.core.sync import sync as on_zarr_loop

            on_zarr_loop(store.fs._close())  # type: ignore[attr-defined]
        if fs.exists(bucket):
            fs.rm(bucket, recursive=True)
