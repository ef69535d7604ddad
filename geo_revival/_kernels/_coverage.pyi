import numpy as np
import numpy.typing as npt

def coverage_rows(
    x0: npt.NDArray[np.float64],
    y0: npt.NDArray[np.float64],
    x1: npt.NDArray[np.float64],
    y1: npt.NDArray[np.float64],
    weight: npt.NDArray[np.float64],
    row0: int,
    row1: int,
    ncols: int,
    acc: npt.NDArray[np.float64],
    cells: npt.NDArray[np.int64],
    fractions: npt.NDArray[np.float64],
    cell0: int,
    stride: int,
    tolerance: float,
) -> int: ...
