"""open_landcover_stac on a small static STAC catalogue built offline over the shared files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
from shapely.geometry import box, mapping

pystac = pytest.importorskip("pystac")  # the [stac] extra; installed in CI
pytest.importorskip("odc.stac")

from pystac.extensions.projection import ProjectionExtension  # noqa: E402

from geo_revival.exceptions import LegendError, ProductVersionWarning, SchemaError  # noqa: E402
from geo_revival.landcover.io import open_landcover  # noqa: E402
from geo_revival.landcover.stac import open_landcover_stac  # noqa: E402

FILES = {
    2020: ("v100", "ESA_WorldCover_10m_2020_v100_N00E006_Map.tif"),
    2021: ("v200", "ESA_WorldCover_10m_2021_v200_N00E006_Map.tif"),
}
WINDOW = dict(y=slice(31_000, 31_600), x=slice(8_000, 8_600))  # on Sao Tome island


def make_item(path: Path, year: int, version: str, item_id: str) -> pystac.Item:
    with rasterio.open(path) as src:
        bounds, shape, transform = src.bounds, [src.height, src.width], list(src.transform)[:6]
    item = pystac.Item(
        id=item_id,
        geometry=mapping(box(*bounds)),
        bbox=list(bounds),
        datetime=None,
        properties={
            "start_datetime": f"{year}-01-01T00:00:00Z",
            "end_datetime": f"{year}-12-31T23:59:59Z",
            "esa_worldcover:product_version": version,
        },
    )
    item.add_asset("map", pystac.Asset(href=str(path), media_type=pystac.MediaType.COG,
                                       roles=["data"]))  # fmt: skip
    proj = ProjectionExtension.ext(item, add_if_missing=True)
    proj.epsg, proj.shape, proj.transform = 4326, shape, transform
    return item


@pytest.fixture
def catalog(tmp_path: Path, shared_data: Path) -> Path:
    folder = shared_data / "esa-worldcover-n00e006"
    cat = pystac.Catalog(id="worldcover-test", description="offline test catalogue")
    for year, (version, name) in FILES.items():
        cat.add_item(make_item(folder / name, year, version, f"ESA_WorldCover_{year}_N00E006"))
    cat.normalize_hrefs(str(tmp_path / "stac"))
    cat.save(catalog_type=pystac.CatalogType.SELF_CONTAINED)
    return tmp_path / "stac" / "catalog.json"


def test_files_method_matches_open_landcover(catalog: Path, shared_data: Path) -> None:
    with pytest.warns(ProductVersionWarning, match="v100.*v200"):
        da = open_landcover_stac(catalog, legend="esa_worldcover")
    assert da["year"].values.tolist() == [2020, 2021]
    assert da.attrs["version"] == ["v100", "v200"]
    folder = shared_data / "esa-worldcover-n00e006"
    assert [Path(s).resolve() for s in da.attrs["source"]] == [
        (folder / FILES[y][1]).resolve() for y in (2020, 2021)
    ]
    with pytest.warns(ProductVersionWarning):
        direct = open_landcover(str(folder / "ESA_WorldCover_10m_20*_Map.tif"),
                                legend="esa_worldcover")  # fmt: skip
    np.testing.assert_array_equal(da.isel(**WINDOW).values, direct.isel(**WINDOW).values)
    assert da.rio.crs == direct.rio.crs and da.rio.transform() == direct.rio.transform()


def test_odc_method_same_pixels_on_a_bbox(catalog: Path, shared_data: Path) -> None:
    folder = shared_data / "esa-worldcover-n00e006"
    with pytest.warns(ProductVersionWarning):
        direct = open_landcover(str(folder / "ESA_WorldCover_10m_20*_Map.tif"),
                                legend="esa_worldcover")  # fmt: skip
    ref = direct.isel(**WINDOW)
    left, bottom, right, top = ref.rio.bounds()
    with pytest.warns(ProductVersionWarning):
        da = open_landcover_stac(catalog, legend="esa_worldcover", method="odc",
                                 bbox=(left, bottom, right, top))  # fmt: skip
    assert da.dims == ("year", "y", "x") and da.dtype == np.uint8
    assert da["year"].values.tolist() == [2020, 2021]
    assert da.rio.nodata == 0
    assert da.attrs["version"] == ["v100", "v200"]
    assert np.count_nonzero(ref.values[0] != ref.values[1]) > 1000  # so year order matters
    np.testing.assert_array_equal(da.values, ref.values)


def test_wrong_legend_detected_from_stac(catalog: Path) -> None:
    with pytest.warns(ProductVersionWarning):
        da = open_landcover_stac(catalog, legend="clcd", method="odc",
                                 bbox=(6.7, 0.3, 6.71, 0.31))  # fmt: skip
    with pytest.raises(LegendError, match="not in legend 'clcd'"):
        da.compute()


def test_bad_asset_and_crowded_years(catalog: Path, shared_data: Path) -> None:
    with pytest.raises(SchemaError, match="has no asset 'data'"):
        open_landcover_stac(catalog, legend="esa_worldcover", asset="data")
    path = shared_data / "esa-worldcover-n00e006" / FILES[2020][1]
    twins = [make_item(path, 2020, "v100", "a"), make_item(path, 2020, "v100", "b")]
    with pytest.raises(SchemaError, match="several items per year"):
        open_landcover_stac(twins, legend="esa_worldcover")


def test_odc_only_grid_options_are_refused_with_files(catalog: Path) -> None:
    with pytest.raises(SchemaError, match="apply to method='odc' only"):
        open_landcover_stac(catalog, legend="esa_worldcover", bbox=(6.7, 0.3, 6.71, 0.31))
    with pytest.raises(SchemaError, match="apply to method='odc' only"):
        open_landcover_stac(catalog, legend="esa_worldcover", resolution=0.001)


def test_odc_without_any_nodata_code_raises(shared_data: Path) -> None:
    # dynamic_world has no nodata code and 0 means water: odc-stac's 0 fill would invent water.
    path = shared_data / "esa-worldcover-n00e006" / FILES[2020][1]
    item = make_item(path, 2020, "v100", "declared_without_nodata")
    item.assets["map"].extra_fields["raster:bands"] = [{"data_type": "uint8"}]
    with pytest.raises(SchemaError, match="method='odc' needs a nodata code"):
        open_landcover_stac([item], legend="dynamic_world", method="odc",
                            bbox=(6.7, 0.3, 6.71, 0.31))  # fmt: skip
