"""Analysis of saved results: writing and loading them, plotting their distributions, and the seminar page.

The loaders, statistics and plots work on results already on disk or on data
frames loaded from them; they run no model. The one exception is
``analysis.seminar``, the interactive page, which steps a model for the class
through the model's public API.
"""
