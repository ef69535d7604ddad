"""Build the compiled kernels of :mod:`geo_revival._kernels` (Cython, no numpy C API).

Everything else about the package is in pyproject.toml. The kernels count pixels in tight C
loops without the GIL, so block threads run in parallel (the numpy path they replaced spent
most of its time building int64 keys and temporary arrays).
"""

from pathlib import Path

from Cython.Build import cythonize
from setuptools import Extension, setup

extensions = [
    Extension(f"geo_revival._kernels.{pyx.stem}", [str(pyx)], extra_compile_args=["-O3"])
    for pyx in sorted(Path("geo_revival/_kernels").glob("*.pyx"))
]

setup(
    ext_modules=cythonize(
        extensions,
        language_level=3,
        compiler_directives={"boundscheck": False, "wraparound": False, "cdivision": True},
    )
)
