"""The table of bad inputs geo-revival refuses, and the docs page generated from it.

Run ``python -m tests.bad_inputs.cases > docs/refuses.md`` after changing a case.
"""

from __future__ import annotations

import re

from tests.bad_inputs import (
    cases_analysis,
    cases_estimation,
    cases_landcover,
    cases_output,
    cases_zones,
)
from tests.bad_inputs.case import Case

SECTIONS: list[tuple[str, list[Case]]] = [
    ("Zone layers and coordinates", cases_zones.CASES),
    ("Land-cover rasters and legends", cases_landcover.CASES),
    ("Overlay, restoration accounting and plan", cases_analysis.CASES),
    ("Sampling and area estimation", cases_estimation.CASES),
    ("Output files, the report and the command line", cases_output.CASES),
]
ALL_CASES: list[Case] = [case for _, cases in SECTIONS for case in cases]

_INTRO = """\
# What geo-revival refuses, and why

A wrong figure in a restoration report is worse than no figure: it is copied into plans and
progress reviews. So geo-revival never guesses. When an input cannot give a right answer, it
stops with an error that says what is wrong and how to fix it, before any number is computed;
it never assumes a CRS, a nodata value or a class, never modifies your inputs, and never leaves
a half-written or half-deleted report behind.

Every error is a subclass of `geo_revival.exceptions.GeoRevivalError` *and* of the matching
Python builtin (`ValueError`, `KeyError`, `OSError`...), so `except ValueError` keeps working.

The table below lists each case geo-revival handles, what the user did, the error raised and
the words its message contains (for the command line, also the exit status). Where an input
used to give a wrong number, a crash or a lost file, "before" says what happened. The page is
generated from the test table `tests/bad_inputs/cases*.py`, one test per row (`python -m
tests.bad_inputs.cases > docs/refuses.md` regenerates it), so the list and the behaviour stay
in step.

Some inputs are not refused but corrected, and the correction is recorded:

- GDAL mask bands (internal or `.msk` sidecar, alpha bands) mark nodata, as in rasterio,
  rasterstats and exactextract; float rasters whose values are all whole class codes (or NaN)
  are read as integers. Both are noted in `attrs["value_cast"]` and the overlay provenance.
- `class_areas(coverage="exact")` does not count pixels covered by less than 1e-9 of their
  area (floating-point noise of edges that run along pixel boundaries).
- `report --force` replaces the old report atomically; Ctrl-C and SIGTERM remove the partial
  report, and partial folders left by killed runs are removed by the next run.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _pattern(regex: str) -> str:
    """A readable form of the message regex: literal words, ``…`` for wildcards."""
    text = re.sub(r"\.\*|\.\+", " … ", regex)
    text = re.sub(r"\\(.)", r"\1", text)
    return " ".join(text.split())


def render_markdown() -> str:
    """The docs page: one table per section, one row per case."""
    parts = [_INTRO]
    for title, cases in SECTIONS:
        parts.append(f"\n## {title}\n")
        parts.append("| case | what the user did | error | the message says |")
        parts.append("|---|---|---|---|")
        for c in cases:
            did = c.did + (f" (before: {c.before})" if c.before else "")
            error = f"`{c.error.__name__}`" + (
                f", exit {c.exit_code}" if c.exit_code is not None else ""
            )
            parts.append(
                f"| `{c.id}` | {_cell(did)} | {error} | "
                f"{_cell('`' + _pattern(c.match) + '`')} |"
            )
    parts.append(f"\n{len(ALL_CASES)} cases.\n")
    return "\n".join(parts)


if __name__ == "__main__":
    print(render_markdown(), end="")
