"""Many runs at once: chunks of runs on the engine, executors, batches, results on disk.

``chunks`` steps a chunk of runs as one engine; ``executors`` runs chunks here,
in worker processes or on Dask; ``batch`` splits one root seed into run seeds
and drives executors; ``results`` is the layout of a results folder; ``api``
is ``simulate()``, the model function other tools call.
"""
