from typing import Any

import numpy as np
import numpy.typing as npt

MAX_LAYERS: int
N_CLASSES: int

_Tables = tuple[
    npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]
]
_Weights = tuple[
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
]

def count_window(
    layers: list[npt.NDArray[Any]],
    mask: npt.NDArray[np.uint8] | None,
    fraction: npt.NDArray[np.float64] | None,
    area: npt.NDArray[np.float64] | None,
    lut: npt.NDArray[np.uint16],
    K: int,
    pairs: npt.NDArray[np.intp],
    lone: npt.NDArray[np.intp],
    states: npt.NDArray[np.uint8] | None,
    persistence: int,
    flip: bool,
    nodata: npt.NDArray[np.uint8],
    tol: float,
) -> tuple[_Tables, _Weights]: ...
def filter_flips(stack: npt.NDArray[Any], nodata: npt.NDArray[np.uint8]) -> npt.NDArray[Any]: ...
def trajectory_pixels(
    states: npt.NDArray[np.uint8], persistence: int
) -> tuple[
    npt.NDArray[np.int16], npt.NDArray[np.int16], npt.NDArray[np.uint8], npt.NDArray[np.uint8]
]: ...
