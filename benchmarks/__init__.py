"""Benchmarks of Multivector's batch runner against Mesa's ``batch_run``, memory and scaling (see ``docs/performance.md``)."""
