"""Analysis of model runs: results on disk, statistics, plots, checks on the scenarios' inputs, and the seminar page.

Which modules run models:

* ``analysis.inert`` — perturbation sweeps of every numeric parameter on paired
  seeds, the probe scenario and the distributional checks of draw-only parameters;
* ``analysis.replicates`` — several runs of one scenario, stacked (the
  stylized-fact checks of ``analysis.facts`` read them);
* ``analysis.uncertain`` — paired comparisons of two scenarios over a Latin
  hypercube of their uncertainties;
* ``analysis.seminar`` — the interactive page, which steps a model for the class
  through the model's public API.

The other modules (``compare``, ``facts``, ``plots``, ``paired_figures``, ``report``,
``results``, ``sensitivity``, ``style``) take runs already made or results already on
disk and run no model.

No module of ``analysis`` writes files of its own accord: results folders
(``ensemble.results``), figures (all through ``analysis.style.save_figure``) and
the report page (``analysis.report``) are written only when an entry point — the
command line ``run.py`` (the ``commands`` package), or the benchmarks, into a
temporary folder — calls them; every other function returns values.
"""
