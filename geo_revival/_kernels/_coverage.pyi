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
    col0: int,
    out: npt.NDArray[np.float64],
) -> None: ...
