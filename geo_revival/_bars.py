r"""Progress bars that draw only where someone watches: a terminal, or Jupyter with ipywidgets.

Piped or logged output gets no bar at all (tqdm's ``\\r`` redraws would fill a log with one long
line), and a notebook without ipywidgets gets none either (``tqdm.auto`` would show a red
"IProgress not found" warning and fall back to stderr text, shown as an error box).
"""

from __future__ import annotations

import sys
from typing import Any

from tqdm.std import tqdm

__all__ = ["progress_bar"]


def _in_notebook() -> bool:
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    return type(shell).__name__ == "ZMQInteractiveShell"


def progress_bar(*, total: int, desc: str, unit: str, enabled: bool = True) -> Any:
    """Return a tqdm bar for ``total`` steps, disabled unless it can be drawn.

    Examples
    --------
    >>> bar = progress_bar(total=2, desc="demo", unit="step")
    >>> bar.update(); bar.close()  # under doctest stderr is no terminal: nothing is drawn
    >>> bar.disable
    True
    """
    if enabled and _in_notebook():
        try:
            import ipywidgets  # noqa: F401
            from tqdm.notebook import tqdm as notebook_tqdm
        except ImportError:
            return tqdm(total=total, desc=desc, unit=unit, disable=True)
        return notebook_tqdm(total=total, desc=desc, unit=unit)
    drawable = enabled and hasattr(sys.stderr, "isatty") and sys.stderr.isatty()
    return tqdm(total=total, desc=desc, unit=unit, disable=not drawable)
