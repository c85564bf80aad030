"""The benchmark smoke tests (a package: its module names must not clash with
tests/scheduler/test_bench_smoke.py)."""
