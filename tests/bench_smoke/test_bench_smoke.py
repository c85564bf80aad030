"""The engine benchmark (bench/engine.py) runs by hand; this runs it tiny so that it cannot rot.
No timing is asserted: only that it still sets its scenario up through the services and
produces every figure."""
from __future__ import annotations

import io


def test_the_engine_benchmark_produces_every_figure(bench, bench_database):
    """Does the engine benchmark still run end to end and print the transition, bare-write and
    trigger-listing figures for an administrator, an owner and an evaluator?"""
    out = io.StringIO()
    results = bench.main([*bench_database, "--n", "6", "--objects", "24", "--repeat", "2"],
                         out=out)

    assert len(results) == 1
    result = results[0]
    assert result.transition.n == result.fire_only.n == result.bare.n == 6
    assert 0 < result.transition.median_ms <= result.transition.p95_ms
    assert 0 < result.fire_only.median_ms <= result.fire_only.p95_ms
    assert 0 < result.bare.median_ms <= result.bare.p95_ms
    assert result.ratio == result.transition.median_ms / result.bare.median_ms
    assert set(result.triggers) == {"admin", "owner", "evaluator"}
    for figures in result.triggers.values():
        assert figures.objects == 24
        assert figures.triggers.n == 2 and figures.with_load.n == 2
        assert figures.load_queries >= 1
    # The scenario has applications at every stage: each actor sees what the workflow allows.
    assert result.triggers["admin"].with_triggers > 0
    assert result.triggers["owner"].with_triggers > 0
    report = out.getvalue()
    for heading in ("engine: get + fire()", "bare:   UPDATE + INSERT", "ratio of medians",
                    "available_triggers, 24 objects", "admin", "owner", "evaluator"):
        assert heading in report


def test_listing_triggers_costs_the_same_queries_for_more_objects(bench, bench_database):
    """Does listing the triggers of a page of applications run as many queries for 40 rows as
    for 20 (the guards load for the whole page, not one query per row)?"""
    out = io.StringIO()
    small = bench.main([*bench_database, "--n", "1", "--objects", "20", "--repeat", "1"], out=out)
    if bench_database[1].startswith("sqlite"):
        bench_database[1] = bench_database[1].replace("bench.sqlite3", "bench-40.sqlite3")
    large = bench.main([*bench_database, "--n", "1", "--objects", "40", "--repeat", "1"], out=out)

    for actor in ("admin", "owner", "evaluator"):
        assert large[0].triggers[actor].queries == small[0].triggers[actor].queries, actor
        assert large[0].triggers[actor].load_queries == small[0].triggers[actor].load_queries
    assert small[0].triggers["admin"].queries > 0  # the evaluation guards did read
