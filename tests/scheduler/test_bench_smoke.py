"""bench/sweep.py runs by hand; here it runs tiny (on a SQLite file of its own) so that it
cannot rot unnoticed."""
from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "sweep.py"


def test_the_sweep_benchmark_runs(tmp_path, capsys):
    """Does the sweep benchmark load its data, sweep, and report its figures?"""
    spec = importlib.util.spec_from_file_location("bench_sweep", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.run(f"sqlite:///{tmp_path / 'bench.sqlite3'}", 200, 2)
    out = capsys.readouterr().out
    assert "200 open drafts" in out and "nothing due: median" in out
    assert "7 d reminder of 21 drafts due" in out and "(21 mails written)" in out
