"""Bad land-cover rasters and legends (``open_landcover``, ``write_landcover``, legends)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from affine import Affine
from shapely.geometry import box

from geo_revival.exceptions import (
    GridMismatchError,
    LegendError,
    MissingCRSError,
    NoOverlapError,
    OptionError,
    OutputExistsError,
    ReadError,
    SchemaError,
)
from geo_revival.landcover import (
    Legend,
    check_codes,
    get_legend,
    legend_from_csv,
    open_landcover,
    pixel_area,
    read_zone_windows,
    register_legend,
    write_landcover,
)
from geo_revival.overlay import class_areas
from tests.bad_inputs._build import CODES, TRANSFORM, landcover, tif, zones
from tests.bad_inputs.case import Case

HEADER = "code,name_en,name_zh,color,generic_class\n"


def _truncated(tmp: Path, name: str = "lc_2020.tif") -> Path:
    """A tiled GeoTIFF cut in half after an intact header (an interrupted download)."""
    data = np.random.default_rng(0).choice([1, 2, 5], size=(256, 256)).astype("uint8")
    path = tif(tmp / name, data, tiled=True, blockxsize=64, blockysize=64)
    with open(path, "r+b") as f:
        f.truncate(os.path.getsize(path) // 2)
    return path


def _truncated_lazy_overlay(tmp: Path) -> None:
    lc = open_landcover(_truncated(tmp), legend="clcd", code_check="lazy", chunks=64)
    # opening reads nothing; the overlay reads every 64 x 64 block (the lower ones are gone)
    class_areas(zones([box(500_000, 3_792_440, 507_680, 3_800_120)]), lc)


def _legend_csv(tmp: Path, body: str, header: str = HEADER) -> Path:
    path = tmp / "my_legend.csv"
    path.write_text(header + body, encoding="utf-8")
    return legend_from_csv(path)


def _two_years(tmp: Path, second: Path) -> None:
    open_landcover([tif(tmp / "lc_2020.tif"), second], legend="clcd")


def _float_fraction(tmp: Path) -> None:
    data = CODES.astype("float32")
    data[1, 1] = 2.5
    open_landcover(tif(tmp / "lc_2020.tif", data, nodata=float("nan")), legend="clcd")


CASES = [
    Case("raster-missing-file", "a land-cover path that does not exist",
         lambda t: open_landcover(t / "lc_2020.tif", legend="clcd"), ReadError,
         "land-cover file not found"),
    Case("raster-not-a-raster", "a text file named .tif",
         lambda t: open_landcover((t / "lc_2020.tif").write_text("x") and t / "lc_2020.tif",
                                  legend="clcd"),
         ReadError, "is not a readable raster"),
    Case("raster-empty-pattern", "a glob that matches nothing",
         lambda t: open_landcover(str(t / "*.tif"), legend="clcd"), ReadError,
         "no file matches the pattern"),
    Case("raster-url-pattern", "a glob pattern in a URL (nothing lists the files)",
         lambda t: open_landcover("https://127.0.0.1:9/lc/CLCD_*.tif", legend="clcd"),
         ReadError, "cannot be expanded over HTTP"),
    Case("raster-empty-folder", "a folder without rasters",
         lambda t: open_landcover(t, legend="clcd"), ReadError, "holds no raster files"),
    Case("raster-truncated-at-open", "a GeoTIFF truncated after an intact header",
         lambda t: open_landcover(_truncated(t), legend="clcd"), ReadError,
         r"could not read .*lc_2020\.tif.*truncated or damaged",
         "GDAL's 'Read failed' named neither the file nor the cause"),
    Case("raster-truncated-in-overlay", "a truncated GeoTIFF opened lazily, overlaid later",
         _truncated_lazy_overlay, ReadError, r"could not read rows .* of the raster .*lc_2020"),
    Case("raster-no-year", "a file name without a year and no years=",
         lambda t: open_landcover(tif(t / "landcover.tif"), legend="clcd"), SchemaError,
         "cannot find a year in the file name"),
    Case("raster-two-years-in-name", "a file name holding two years",
         lambda t: open_landcover(tif(t / "lc_2020_2021.tif"), legend="clcd"), SchemaError,
         r"contains several years \[2020, 2021\]"),
    Case("raster-duplicate-year", "two files of the same year",
         lambda t: open_landcover([tif(t / "a_2020.tif"), tif(t / "b_2020.tif")],
                                  legend="clcd"),
         SchemaError, "year 2020 appears twice"),
    Case("raster-years-count", "years= with a different count than files",
         lambda t: open_landcover([tif(t / "a.tif")], legend="clcd", years=[2020, 2021]),
         SchemaError, "2 years given for 1 files"),
    Case("raster-years-with-mapping", "years= together with a {year: path} mapping",
         lambda t: open_landcover({2020: tif(t / "a.tif")}, legend="clcd", years=[2020]),
         SchemaError, "cannot be combined"),
    Case("raster-multiband-no-band-years", "a multi-band file without band_years=",
         lambda t: open_landcover(tif(t / "lc_2020.tif", np.stack([CODES, CODES])),
                                  legend="clcd"),
         SchemaError, "has 2 bands; if they are years"),
    Case("raster-band-years-count", "band_years= with the wrong number of bands",
         lambda t: open_landcover(tif(t / "lc.tif", np.stack([CODES, CODES])), legend="clcd",
                                  band_years=[2020, 2021, 2022]),
         SchemaError, "has 2 bands but band_years"),
    Case("raster-band-years-same-band", "band_years= giving one band to two years",
         lambda t: open_landcover(tif(t / "lc.tif", np.stack([CODES, CODES])), legend="clcd",
                                  band_years={2020: 1, 2021: 1}),
         SchemaError, "gives one band to several years"),
    Case("raster-no-crs", "a raster without CRS and no crs=",
         lambda t: open_landcover(tif(t / "lc_2020.tif", crs=None), legend="clcd"),
         MissingCRSError, "has no CRS; pass crs="),
    Case("raster-unknown-legend", "legend= names no registered legend",
         lambda t: open_landcover(tif(t / "lc_2020.tif"), legend="nope"), LegendError,
         "unknown legend 'nope'"),
    Case("raster-unknown-codes", "codes the legend does not have (wrong product)",
         lambda t: open_landcover(tif(t / "lc_2020.tif", CODES + 40), legend="clcd"),
         LegendError, r"codes \[41, 42, 45, 47, 48\] are not in legend 'clcd'"),
    Case("raster-unset-nodata-255", "nodata pixels coded 255 but no nodata value set",
         lambda t: open_landcover(tif(t / "lc_2020.tif", np.where(CODES == 8, 255, CODES)
                                      .astype("uint8"), nodata=None), legend="clcd"),
         LegendError, r"255 is a typical nodata value.*nodata value is probably unset"),
    Case("raster-nodata-is-a-class", "a Dynamic World export with nodata 0 (= water)",
         lambda t: open_landcover(tif(t / "lc_2020.tif", CODES % 9, nodata=0),
                                  legend="dynamic_world"),
         SchemaError, r"declares nodata 0, but 0 is the class 'Water'.*pass nodata=None",
         "the class would have been dropped without a word"),
    Case("raster-nodata-not-whole", "nodata= 2.5",
         lambda t: open_landcover(tif(t / "lc_2020.tif"), legend="clcd", nodata=2.5),
         SchemaError, "nodata= 2.5 is not a whole number"),
    Case("raster-float-fractions", "a float raster of interpolated (non-integral) values",
         _float_fraction, SchemaError, r"non-integral values such as \[2\.5\]"),
    Case("raster-grid-mismatch", "years on different grids with align='error'",
         lambda t: _two_years(t, tif(t / "lc_2021.tif",
                                     transform=TRANSFORM * Affine.translation(1, 0))),
         GridMismatchError, r"extent differs.*align='reproject'"),
    Case("raster-crs-mismatch", "years in different CRSs",
         lambda t: _two_years(t, tif(t / "lc_2021.tif", crs="EPSG:32650")),
         GridMismatchError, "CRS differs"),
    Case("raster-resolution-mismatch", "years at different resolutions",
         lambda t: _two_years(t, tif(t / "lc_2021.tif",
                                     transform=Affine(10, 0, 500000, 0, -10, 3800120))),
         GridMismatchError, "resolution differs"),
    Case("raster-intersect-misaligned", "align='intersect' with half-pixel shifted grids",
         lambda t: open_landcover([tif(t / "lc_2020.tif"), tif(
             t / "lc_2021.tif", transform=TRANSFORM * Affine.translation(0.5, 0))],
             legend="clcd", align="intersect"),
         GridMismatchError, "pixels are not aligned"),
    Case("raster-intersect-disjoint", "align='intersect' with rasters that do not overlap",
         lambda t: open_landcover([tif(t / "lc_2020.tif"), tif(
             t / "lc_2021.tif", transform=TRANSFORM * Affine.translation(10, 0))],
             legend="clcd", align="intersect"),
         NoOverlapError, "share no common extent"),
    Case("raster-reproject-without-nodata", "align='reproject' with no nodata code at all",
         lambda t: open_landcover([tif(t / "lc_2020.tif", CODES % 9, nodata=None), tif(
             t / "lc_2021.tif", CODES % 9, nodata=None,
             transform=TRANSFORM * Affine.translation(1, 0))],
             legend="dynamic_world", align="reproject"),
         SchemaError, "align='reproject' needs a nodata code"),
    Case("raster-bad-align", "align= misspelt",
         lambda t: open_landcover(tif(t / "lc_2020.tif"), legend="clcd", align="snap"),
         OptionError, "align must be one of 'error', 'reproject', 'intersect'"),
    Case("raster-bad-code-check", "code_check= misspelt",
         lambda t: open_landcover(tif(t / "lc_2020.tif"), legend="clcd", code_check="never"),
         OptionError, "code_check must be one of 'auto', 'eager', 'lazy'"),
    Case("raster-bad-chunks", "chunks= misspelt",
         lambda t: open_landcover(tif(t / "lc_2020.tif"), legend="clcd", chunks="big"),
         OptionError, r"chunks \(or an int or a dict\) must be one of 'auto', 'blocks'"),
    Case("check-codes-no-legend", "check_codes on an array without legend",
         lambda t: check_codes(landcover(legend=None)), LegendError, "no legend given"),
    Case("pixel-area-no-crs", "pixel_area of an array without CRS",
         lambda t: pixel_area(landcover(crs=None)), MissingCRSError, "pixel area is unknown"),
    Case("pixel-area-rotated", "pixel_area of a rotated lon/lat grid",
         lambda t: pixel_area(landcover(crs="EPSG:4326").rio.write_transform(
             Affine(0.1, 0.01, 117, 0.01, -0.1, 35))),
         GridMismatchError, "rotated"),
    Case("write-float", "write_landcover of a float array",
         lambda t: write_landcover(landcover().astype("float32"), t / "lc_{year}.tif"),
         SchemaError, "must be integer codes"),
    Case("write-no-crs", "write_landcover of an array without CRS",
         lambda t: write_landcover(landcover(crs=None), t / "lc_{year}.tif"),
         MissingCRSError, "the array has no CRS"),
    Case("write-exists", "write_landcover over existing files",
         lambda t: [write_landcover(landcover(), t / "lc_{year}.tif") for _ in range(2)],
         OutputExistsError, "pass force=True"),
    Case("zone-windows-no-crs", "read_zone_windows on an array without CRS",
         lambda t: list(read_zone_windows(landcover(crs=None), zones())), MissingCRSError,
         "no CRS"),
    Case("legend-unknown-code", "class_name of a code outside the legend",
         lambda t: get_legend("clcd").class_name(42), LegendError,
         "code 42 is not in legend 'clcd'"),
    Case("legend-not-generic", "codes_of a generic class that does not exist",
         lambda t: get_legend("clcd").codes_of("trees"), LegendError,
         "'trees' is not a generic class"),
    Case("legend-file-missing", "legend_from_csv of a missing file",
         lambda t: legend_from_csv(t / "absent.csv"), ReadError, "cannot read legend file"),
    Case("legend-no-table", "a legend file with only comments",
         lambda t: _legend_csv(t, "", header="# name: x\n"), LegendError, "has no table"),
    Case("legend-missing-columns", "a legend file without the colour column",
         lambda t: _legend_csv(t, "1,A,甲,cropland\n", header="code,name_en,name_zh,"
                               "generic_class\n"),
         LegendError, r"lacks columns \['color'\]"),
    Case("legend-code-not-integer", "a legend code 'one'",
         lambda t: _legend_csv(t, "one,A,甲,#ffffff,cropland\n"), LegendError,
         "code 'one' is not an integer"),
    Case("legend-duplicate-codes", "two legend rows with code 1",
         lambda t: _legend_csv(t, "1,A,甲,#ffffff,cropland\n1,B,乙,#000000,forest\n"),
         LegendError, r"duplicate codes \[1\]"),
    Case("legend-bad-colour", "a colour that is not #rrggbb",
         lambda t: _legend_csv(t, "1,A,甲,red,cropland\n"), LegendError,
         "colour 'red' is not '#rrggbb'"),
    Case("legend-bad-generic-class", "a generic class outside the shared list",
         lambda t: _legend_csv(t, "1,A,甲,#ffffff,trees\n"), LegendError,
         "generic class 'trees' is not one of"),
    Case("legend-no-english-name", "a class without English name",
         lambda t: _legend_csv(t, "1,,甲,#ffffff,cropland\n"), LegendError,
         "has no English name"),
    Case("legend-class-and-nodata", "a code that is both a class and nodata",
         lambda t: legend_from_csv((t / "l.csv").write_text(
             HEADER + "0,A,甲,#ffffff,cropland\n", encoding="utf-8") and t / "l.csv",
             nodata=0),
         LegendError, "both classes and nodata"),
    Case("legend-empty", "a Legend with no classes",
         lambda t: Legend("empty", "t", "p", (), "s", (), ()), LegendError, "no classes"),
    Case("legend-name-taken", "registering another legend under a shipped name",
         lambda t: register_legend(Legend("clcd", "t", "p", (), "s", (), get_legend(
             "esa_worldcover").classes)),
         LegendError, "already registered"),
]
