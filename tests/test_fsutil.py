"""Writing outputs piece by piece (``fsutil.atomic_write_chunks``): a large report goes to
disk as it is produced, and the file it replaces stays whole until the last piece is
written (the rename)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from suitelint import fsutil


def test_pieces_go_to_a_temp_file_as_they_come_and_the_target_changes_only_at_the_end(
    tmp_path: Path,
):
    target = tmp_path / "report.sarif"
    target.write_text("previous\n")
    seen: list[list[str]] = []

    def pieces():
        for n in range(3):
            yield f"piece {n}\n"
            seen.append(sorted(p.name for p in tmp_path.iterdir()))
            assert target.read_text() == "previous\n"  # untouched while writing

    fsutil.atomic_write_chunks(target, pieces())
    assert target.read_text() == "piece 0\npiece 1\npiece 2\n"
    assert all(len(names) == 2 for names in seen)  # the report and its temp file
    assert [p.name for p in tmp_path.iterdir()] == ["report.sarif"]


def test_a_failure_while_producing_leaves_the_previous_file_whole_and_no_temp_file(
    tmp_path: Path,
):
    target = tmp_path / "report.json"
    target.write_text("previous\n")

    def pieces():
        yield "{\n"
        raise RuntimeError("a bug halfway through the report")

    with pytest.raises(RuntimeError):
        fsutil.atomic_write_chunks(target, pieces())
    assert target.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_text_and_bytes_pieces_mix_and_a_replaced_file_keeps_its_mode(tmp_path: Path):
    target = tmp_path / "out.json"
    target.write_text("old")
    target.chmod(0o640)
    fsutil.atomic_write_chunks(target, ["é", b"\n"])
    assert target.read_bytes() == "é\n".encode()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_fifo_gets_the_pieces_written_through(tmp_path: Path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        fsutil.atomic_write_chunks(fifo, ["a", "b", b"c"])
        assert os.read(reader, 100) == b"abc"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # written through, never replaced


def test_a_run_killed_halfway_through_a_report_leaves_the_previous_file_whole(tmp_path: Path):
    target = tmp_path / "report.sarif"
    target.write_text("previous\n")
    script = textwrap.dedent(
        f"""
        import time
        from suitelint import fsutil
        def pieces():
            yield "{{\\n" * 100000
            print("halfway", flush=True)
            time.sleep(60)
            yield "}}\\n"
        fsutil.atomic_write_chunks({str(target)!r}, pieces())
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "halfway"
        child.kill()
    finally:
        child.wait(timeout=30)
    assert target.read_text() == "previous\n"
