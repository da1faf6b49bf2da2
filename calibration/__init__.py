"""Calibration as inference: a posterior over a scenario's uncertainties.

``targets`` reads the calibration targets (2021–2022 to fit, 2023–2024 held
back); ``simulator`` turns parameter sets into the targets' statistics on the
ensemble engine, a batch at a time; ``fit`` runs ABC-SMC (pyabc) with a sampler
that hands each generation's proposals to the engine in batches; ``posterior``
writes, reads and draws from the result; ``predictive`` runs the posterior
forward and checks it against every target, the held-back ones included.
"""
