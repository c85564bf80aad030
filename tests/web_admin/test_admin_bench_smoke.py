"""bench/web_lists.py, run tiny so that it cannot rot (the real run is by hand)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "web_lists.py"


def test_the_list_benchmark_runs(tmp_path, capsys):
    """Does the benchmark load its scenario, sign in and time every page it names?"""
    spec = importlib.util.spec_from_file_location("hankeflow_bench_web_lists", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    module.main(["--database-url", f"sqlite:///{tmp_path / 'bench.sqlite3'}",
                 "--submissions", "60", "--requests", "2"])
    out = capsys.readouterr().out
    assert "60 submissions loaded" in out
    for name in module.PAGES:
        assert name in out
