"""The local side of the command line's transfers: the tree walked, partial downloads left out."""

from __future__ import annotations

from pathlib import Path

from aiominio.cli.transfer import library_progress, local_tree, walk_local


def test_local_tree_names_files_by_their_relative_key(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "b.txt").write_bytes(b"12")
    (tmp_path / "a.txt").write_bytes(b"1")
    tree = local_tree(str(tmp_path))
    assert sorted(tree) == ["a.txt", "d/b.txt"]
    assert tree["d/b.txt"].size == 2


def test_a_partial_download_is_not_part_of_the_tree(tmp_path: Path) -> None:
    (tmp_path / "k").write_bytes(b"x")
    (tmp_path / "k.0123456789abcdef.part").write_bytes(b"half")
    assert sorted(local_tree(str(tmp_path))) == ["k"]
    assert [key for _, key in walk_local(str(tmp_path))] == ["k"]


def test_library_progress_turns_bytes_done_into_bytes_added() -> None:
    moved: list[int] = []
    progress = library_progress(moved.append)
    progress(4, 10)
    progress(10, 10)
    assert moved == [4, 6]
