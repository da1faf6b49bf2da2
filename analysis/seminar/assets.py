"""The seminar page's JavaScript and styles served with no network: Vega-Lite charts and Solara's Markdown offline.

Solara's server answers ``/_solara/cdn/<package>@<version>/<file>`` from a folder of
bundled assets (the ``solara-assets`` package, installed under the environment's
``share/solara/cdn``) and asks the public CDN for anything that folder lacks. Offline,
two things the page needs are not in it, and the browser gets a 404:

* **Vega-Lite** (``solara.FigureAltair``): the component asks for ``vega@5``,
  ``vega-lite@5`` and ``vega-embed@6`` (major versions only), while the folder holds
  exact versions (``vega@5.21.0``, ``vega-lite@5.2.0``, ``vega-embed@6.20.2``), so every
  chart stays blank.
* **KaTeX** (every ``solara.Markdown``): on mounting, the component loads
  ``katex@0.16.9/dist/katex.min.css`` and ``katex@0.16.9/dist/contrib/auto-render.min.js``
  to typeset ``$…$`` as mathematics; Solara's bundled assets carry no KaTeX at all.

:func:`install_offline_assets` points Solara's asset folder (the documented setting
``SOLARA_ASSETS_PROXY_CACHE_DIR``, read on every request) at a folder this module
makes once per process: a link to every entry of the bundled folder, the three
major-version names linked to the newest bundled version of each package, and, for
KaTeX, a stand-in that typesets nothing. The page shows no mathematics, and its text
has dollar signs (US$ bn a year) that KaTeX would typeset as formulas, so leaving
Markdown text as it is, online as well as offline, is also what the page wants.
Anything else still goes through Solara's own lookup (bundled file, else the CDN).
With Solara's asset proxy off (``SOLARA_ASSETS_PROXY=false``, the default inside
VS Code, Colab and Voilà), the browser asks the public CDN itself and this has no
effect.

Call it once, when the page module is imported, before the first page is served::

    from multivector.analysis.seminar.assets import install_offline_assets

    install_offline_assets()
"""

from __future__ import annotations

import atexit
import logging
import re
import shutil
import tempfile
import threading
from pathlib import Path

logger = logging.getLogger(__name__)

ALIASES: dict[str, str] = {"vega@5": "vega", "vega-lite@5": "vega-lite", "vega-embed@6": "vega-embed"}
"""Name the Vega-Lite component asks for → package whose newest bundled version of that major version it gets."""

KATEX = "katex@0.16.9"
"""The KaTeX release Solara's Markdown component loads."""

KATEX_FILES: dict[str, str] = {
    "dist/katex.min.css": "/* No KaTeX on this page: Markdown text is shown as written (see analysis/seminar/assets.py). */\n",
    "dist/contrib/auto-render.min.js": (
        "/* Stand-in for KaTeX's auto-render: the page typesets no mathematics and its text has dollar signs\n"
        "   (US$), so Markdown is left as written (see analysis/seminar/assets.py). */\n"
        "define([], function () { return function renderMathInElement() {}; });\n"
    ),
    "dist/katex.min.js": "/* No KaTeX on this page (see analysis/seminar/assets.py). */\ndefine([], function () { return {}; });\n",
}
"""Path inside :data:`KATEX` → content of the stand-in served there."""

_lock = threading.Lock()
_installed: Path | None = None
_bundled: Path | None = None


def bundled_folder() -> Path:
    """Solara's asset folder as configured before :func:`install_offline_assets` (by default ``share/solara/cdn``)."""
    import solara.server.settings

    return _bundled or Path(solara.server.settings.assets.proxy_cache_dir)


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", name.rpartition("@")[2]))


def newest_bundled(folder: Path, alias: str) -> Path | None:
    """The bundled folder serving a major-version name, e.g. ``vega@5`` → ``vega@5.21.0``.

    Args:
        folder: Solara's bundled asset folder.
        alias: ``<package>@<major>`` as the browser asks for it.

    Returns:
        The folder of the newest bundled version of that major version, or ``None`` if there is none.
    """
    package, _, major = alias.rpartition("@")
    candidates = [path for path in folder.glob(f"{package}@{major}.*") if path.is_dir()]
    return max(candidates, key=lambda path: _version_key(path.name), default=None)


def make_offline_folder(bundled: Path, target: Path) -> Path:
    """Fill ``target`` with links to every entry of ``bundled``, the Vega aliases and the KaTeX stand-in.

    Args:
        bundled: Solara's bundled asset folder.
        target: The folder to fill: new, or empty (made if missing).

    Returns:
        ``target``.

    Raises:
        OSError: If links cannot be made here (e.g. a file system without symbolic links).
    """
    target.mkdir(parents=True, exist_ok=True)
    for entry in bundled.iterdir():
        (target / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    for alias, package in ALIASES.items():
        found = newest_bundled(bundled, alias)
        if found is None:
            logger.warning("no bundled %s in %s: Vega-Lite charts will stay blank offline", package, bundled)
        elif not (target / alias).exists():
            (target / alias).symlink_to(found, target_is_directory=True)
    if not (target / KATEX).exists():
        for name, text in KATEX_FILES.items():
            path = target / KATEX / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return target


def install_offline_assets() -> Path:
    """Serve Vega-Lite under the names the chart component asks for, and a KaTeX stand-in, from local files.

    Makes the folder described in the module docstring (once per process; later calls
    return it again) and sets Solara's ``assets.proxy_cache_dir`` to it. The folder
    is a temporary one, removed when the process exits. The page module calls this
    at import time; calling it outside a server only changes the setting.

    Returns:
        The folder now served under ``/_solara/cdn``; Solara's own folder if links cannot be made here
        (then a warning is logged and the charts need the network, as before).
    """
    global _installed, _bundled
    import solara.server.settings

    with _lock:
        if _installed is not None:
            return _installed
        bundled = Path(solara.server.settings.assets.proxy_cache_dir)
        target = Path(tempfile.mkdtemp(prefix="multivector-solara-assets-"))
        try:
            make_offline_folder(bundled, target)
        except OSError as problem:
            shutil.rmtree(target, ignore_errors=True)
            logger.warning("cannot serve the page's assets offline (%s); Vega-Lite charts and Markdown need the network", problem)
            return bundled
        atexit.register(shutil.rmtree, target, ignore_errors=True)
        _bundled, _installed = bundled, target
        solara.server.settings.assets.proxy_cache_dir = target
        logger.info("serving Solara's assets from %s (bundled: %s)", target, bundled)
        return target
