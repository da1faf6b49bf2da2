"""``run.py bench``: the ensemble engine measured side by side with ``mesa.batch_run`` (see ``docs/performance.md``).

Modules: :mod:`~benchmarks.bench` (command line and phases), :mod:`~benchmarks.modes`
(what runs, how much per mode), :mod:`~benchmarks.timing` (interleaved rounds, medians),
:mod:`~benchmarks.report` (figures, ratios, output), :mod:`~benchmarks.pools` (pool start-up
by start method), :mod:`~benchmarks.throughput` (engine vs ``mesa.batch_run``),
:mod:`~benchmarks.chunk_sizes` (chunk-size curve), :mod:`~benchmarks.cli` (the CLI end to end),
:mod:`~benchmarks.memory` (peak memory), :mod:`~benchmarks.proctree` (a process tree from
``/proc``), :mod:`~benchmarks.profiling` (where a chunk's time goes).

Kept light: pool workers import :mod:`benchmarks.pools` to run its trivial task.
"""
