"""Compiled counting kernels (Cython, built by ``pip install``), shared by the subpackages.

Tight C loops without the GIL for the per-pixel work of the overlay engine; the Python side
(:mod:`geo_revival.overlay`) plans blocks, checks inputs and labels the tables.
"""

from geo_revival._kernels._coverage import coverage_rows

__all__ = ["coverage_rows"]
