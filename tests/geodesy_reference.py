"""Independent reference for pixel areas: quadrature of the ellipsoid's area element."""

from __future__ import annotations

import math

import numpy as np

WGS84_A, WGS84_F = 6378137.0, 1 / 298.257223563


def gauss_legendre_cell(
    lat1: float, lat2: float, dlon: float, a: float = WGS84_A, f: float = WGS84_F
) -> float:
    """Area (m²) of the cell between latitudes ``lat1``-``lat2`` and ``dlon`` degrees wide.

    Gauss-Legendre quadrature (50 nodes) of ``a² (1 - e²) cos φ / (1 - e² sin² φ)²`` over φ,
    times the width in radians: a method independent of the closed form in ``pixel_area``.
    """
    e2 = f * (2 - f)
    x, w = np.polynomial.legendre.leggauss(50)
    p1, p2 = math.radians(lat1), math.radians(lat2)
    p = (p2 - p1) / 2 * x + (p1 + p2) / 2
    integrand = a * a * (1 - e2) * np.cos(p) / (1 - e2 * np.sin(p) ** 2) ** 2
    return float((p2 - p1) / 2 * np.sum(w * integrand) * math.radians(dlon))
