"""Multivector's command line.

With no arguments it runs the default job: a batch of the baseline scenario,
written to ``results/baseline`` with a few key figures. Verbs (``python run.py VERB --help``
for each one's options; the package :mod:`multivector.commands` (the folder ``commands/``) holds one module per verb):

    python run.py run SCENARIO [--replicates N] [--design D] [--seed S] [--workers N] [--out DIR | --results-root DIR] [--overwrite]
    python run.py plot RESULTS [--indicator NAME]
    python run.py report RESULTS [--out FILE]
    python run.py compare A B [--metric M ...] [--replicates N] [--posterior FILE]
    python run.py ablate SCENARIO [--metric M ...] [--group claim|article]
    python run.py facts [--replicates N] [--write FILE]
    python run.py calibrate SCENARIO [--population N] [--max-runs N] [--out DIR]
    python run.py findings [--points N] [--seeds-per-point N] [--scenario NAME] [--write FILE]
    python run.py viz [--port P] [--host H] [--posterior FILE]
    python run.py bench [--tiny] [--only PHASE ...]
    python run.py validate SCENARIO
    python run.py claims [CLAIM_ID] [--article ID] [--contested] [--scenario NAME]
    python run.py outcomes
    python run.py --version

Installing the package (``pip install -e .``) makes this the ``multivector`` command
(``multivector run baseline``): the same verbs, options and exit codes.

Bad input ends with one line on standard error and a non-zero exit, never a traceback:
exit 2 for bad input, 1 for a failed write, 130 for Ctrl-C.

Default results folders lie under the results root (``results/`` in the working directory,
or ``--results-root``) and are checked to stay inside it; ``--overwrite``
deletes only a folder that a batch of this project wrote (see
:func:`ensemble.results.prepare_results_folder`).
"""

import sys

from multivector.commands.main import main

if __name__ == "__main__":
    sys.exit(main())
