"""Analysis of saved results: writing and loading them, and plotting their distributions.

Nothing here runs the model: every function works on results already on disk
or on data frames loaded from them.
"""
