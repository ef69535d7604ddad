"""One bad-input case: what the user did, how to reproduce it, and what geo-revival answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Case:
    """A row of the bad-input table (``docs/refuses.md`` is generated from these rows)."""

    id: str
    #: What the user did, in their words.
    did: str
    #: Builds the bad input in a temporary folder and calls geo-revival with it.
    run: Callable[[Path], Any]
    #: The error geo-revival raises.
    error: type[BaseException]
    #: Regular expression the message must match: it names the problem.
    match: str
    #: What happened before geo-revival refused this input (issue 16 cases; shown in the docs).
    before: str = ""
    #: For command-line cases: the exit status; ``run`` then returns click's ``Result``, whose
    #: output must match ``match`` (``error`` is what the library raised underneath).
    exit_code: int | None = None
