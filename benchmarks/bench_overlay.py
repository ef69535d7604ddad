"""Benchmark the overlay engine against raw decoding and peer tools, in one run.

Generates (deterministically, cached in ``--workdir``) two years of SIMULATED land cover
(uint8 CLCD codes 1-9 in autocorrelated patches, nodata 0, 10 m pixels, EPSG:4548, tiled
512 x 512 deflate COG) and ~200 simulated zones (irregular, some with holes, some overlapping;
1-500 km^2 at 10 000^2 px, scaled with the raster so that they cover ~14 % of it). Then times,
each in a fresh subprocess (wall time of the computation, peak RSS of the process):

* raw decode of both rasters, 1 thread and 2 threads (the physical floor);
* geo-revival ``class_areas`` and ``transitions`` (centre rule) and ``class_areas`` (exact);
* exactextract class coverage (``unique``/``frac``/``count``);
* rasterstats ``zonal_stats(categorical=True)``;
* xarray-spatial ``crosstab`` on a rasterized zone layer (skipped above 10 000^2 px).

Pixel counts are checked for agreement and a markdown table is printed and written to ``--out``.
Exact mode is checked against exactextract twice: our ``coverage_fraction`` sums against its
``frac x count`` (the timed run), and our ``pixels`` (pixels touched) against its
``frac x count`` with ``coverage_weight=none`` (an extra, untimed exactextract run).

Usage::

    python benchmarks/bench_overlay.py --sizes 2000 10000 --out benchmarks/RESULTS.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
PIXEL = 10.0  # m
ORIGIN = (400_000.0, 3_900_000.0)  # EPSG:4548 (CGCS2000 / 3-degree GK CM 117E), near Xuzhou
CRS = "EPSG:4548"
BLOCK = 512
SEED = 20_260_101
N_ZONES = 200
CLASSES = np.arange(1, 10, dtype=np.uint8)  # CLCD codes; 0 = nodata
METHODS = [
    "decode_1thread",
    "decode_2threads",
    "ours_class_areas",
    "ours_transitions",
    "ours_class_areas_exact",
    "exactextract",
    "rasterstats",
    "xrspatial_crosstab",
]


# -- deterministic data ---------------------------------------------------------------------------
def _coarse_field(rng: np.random.Generator, n: int, cell: int) -> np.ndarray:
    return rng.standard_normal((n // cell + 3, n // cell + 3))


def _upsample(coarse: np.ndarray, cell: int, r0: int, r1: int, c0: int, c1: int) -> np.ndarray:
    """Bilinear interpolation of a coarse noise field on a window of the fine grid."""
    ys = (np.arange(r0, r1) + 0.5) / cell
    xs = (np.arange(c0, c1) + 0.5) / cell
    iy, fy = np.floor(ys).astype(int), (ys - np.floor(ys))[:, None]
    ix, fx = np.floor(xs).astype(int), (xs - np.floor(xs))[None, :]
    a = coarse[np.ix_(iy, ix)]
    b = coarse[np.ix_(iy, ix + 1)]
    c = coarse[np.ix_(iy + 1, ix)]
    d = coarse[np.ix_(iy + 1, ix + 1)]
    return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy


def make_rasters(size: int, workdir: Path) -> tuple[Path, Path]:
    """Write the simulated 2020 and 2021 rasters (cached by size and seed)."""
    import rasterio
    import rasterio.shutil
    from rasterio.transform import from_origin

    paths = tuple(workdir / f"simulated_landcover_{size}_{y}_seed{SEED}.tif" for y in (2020, 2021))
    if all(p.exists() for p in paths):
        return paths  # type: ignore[return-value]
    rng = np.random.default_rng(SEED)
    fields = [_coarse_field(rng, size, cell) for cell in (400, 90, 25)]
    change = _coarse_field(rng, size, 60)
    nodata_field = _coarse_field(rng, size, 1500)
    profile = {
        "driver": "GTiff",
        "dtype": "uint8",
        "count": 1,
        "width": size,
        "height": size,
        "crs": CRS,
        "transform": from_origin(*ORIGIN, PIXEL, PIXEL),
        "nodata": 0,
        "tiled": True,
        "blockxsize": BLOCK,
        "blockysize": BLOCK,
        "compress": "deflate",
    }
    tmp = [workdir / f"tmp_{size}_{y}.tif" for y in (2020, 2021)]
    with rasterio.open(tmp[0], "w", **profile) as d0, rasterio.open(tmp[1], "w", **profile) as d1:
        for r0 in range(0, size, 2048):
            r1 = min(size, r0 + 2048)
            for c0 in range(0, size, 2048):
                c1 = min(size, c0 + 2048)
                noise = sum(
                    w * _upsample(f, cell, r0, r1, c0, c1)
                    for f, cell, w in zip(fields, (400, 90, 25), (1.0, 0.5, 0.25), strict=True)
                )
                # Quantiles of a smooth field -> patches of 9 classes.
                cls = np.digitize(noise, np.linspace(-1.4, 1.4, 8)).astype(np.uint8) + 1
                nodata = _upsample(nodata_field, 1500, r0, r1, c0, c1) > 1.6
                y0 = np.where(nodata, 0, cls).astype(np.uint8)
                moved = _upsample(change, 60, r0, r1, c0, c1) > 1.5  # a few % of pixels change
                y1 = np.where(moved & ~nodata, (cls % 9) + 1, y0).astype(np.uint8)
                window = ((r0, r1), (c0, c1))
                d0.write(y0, 1, window=window)
                d1.write(y1, 1, window=window)
    for src, dst in zip(tmp, paths, strict=True):
        rasterio.shutil.copy(
            src,
            dst,
            driver="COG",
            COMPRESS="DEFLATE",
            BLOCKSIZE=str(BLOCK),
            OVERVIEWS="NONE",
            NUM_THREADS="2",
        )
        src.unlink()
    return paths  # type: ignore[return-value]


def make_zones(size: int, workdir: Path) -> Path:
    """~200 simulated irregular zones; ~15 % with a hole, ~15 % placed over another zone."""
    import geopandas as gpd
    from shapely.geometry import Polygon

    path = workdir / f"simulated_zones_{size}_seed{SEED}.gpkg"
    if path.exists():
        return path
    rng = np.random.default_rng(SEED + 1)
    extent = size * PIXEL
    scale = (size / 10_000) ** 2
    # Bounded Pareto (alpha = 1) on [1, 500] km^2: many small zones, a few large ones.
    areas_km2 = scale / (1 - rng.uniform(0, 1, N_ZONES) * (1 - 1 / 500))
    geoms, centres = [], []
    for i, area in enumerate(areas_km2):
        radius = np.sqrt(area * 1e6 / np.pi)
        if i > 0 and rng.uniform() < 0.15:  # overlap an earlier zone
            cx, cy = centres[rng.integers(len(centres))] + rng.uniform(-radius, radius, 2)
        else:
            cx, cy = rng.uniform(radius, extent - radius, 2)
        cx = float(np.clip(cx, radius * 1.3, extent - radius * 1.3))
        cy = float(np.clip(cy, radius * 1.3, extent - radius * 1.3))
        n = int(rng.integers(40, 120))
        angles = np.sort(rng.uniform(0, 2 * np.pi, n))
        radii = radius * np.exp(0.25 * np.cumsum(rng.standard_normal(n)) / np.sqrt(n))
        ring = np.c_[cx + radii * np.cos(angles), cy + radii * np.sin(angles)]
        holes = []
        if rng.uniform() < 0.15:
            holes.append(
                np.c_[cx + 0.3 * radius * np.cos(angles), cy + 0.3 * radius * np.sin(angles)]
            )
        poly = Polygon(ring, holes).buffer(0)
        geoms.append(poly)
        centres.append(np.array([cx, cy]))
    x0, y_top = ORIGIN
    from shapely import affinity

    placed = [affinity.translate(g, x0, y_top - extent) for g in geoms]
    zones = gpd.GeoDataFrame(
        {"zone_id": [f"Z{i:03d}" for i in range(N_ZONES)], "simulated": True},
        geometry=placed,
        crs=CRS,
    )
    zones.to_file(path)
    return path


# -- one method per subprocess --------------------------------------------------------------
def _decode(paths: list[str], threads: int) -> None:
    import concurrent.futures

    import rasterio
    from rasterio.windows import Window

    def read(path: str, part: int) -> None:
        with rasterio.open(path) as src:
            windows = [w for _, w in src.block_windows(1)]
            for w in windows[part::threads]:
                src.read(1, window=Window(*w.flatten()))

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        jobs = [pool.submit(read, p, k) for p in paths for k in range(threads)]
        for j in jobs:
            j.result()


def _open_ours(paths: list[str]):  # type: ignore[no-untyped-def]
    from geo_revival.landcover.io import open_landcover

    chunks = os.environ.get("BENCH_CHUNKS", "auto")
    return open_landcover(
        paths, legend="clcd", years=[2020, 2021], chunks=chunks if chunks == "auto" else int(chunks)
    )


def _counts_from_ours(df: pd.DataFrame, year_cols: tuple[str, str]) -> pd.DataFrame:
    values = ["pixels", *(["coverage_fraction"] if "coverage_fraction" in df else [])]
    return df.rename(columns={year_cols[0]: "year", year_cols[1]: "code"})[
        ["zone_id", "year", "code", *values]
    ]


def _exactextract_counts(paths: list[str], zones, value: str) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """exactextract's per-class ``frac x count``: sums of coverage fractions
    (``value="coverage_fraction"``) or, with ``coverage_weight=none``, pixels touched."""
    from exactextract import exact_extract

    weight = "" if value == "coverage_fraction" else "(coverage_weight=none)"
    ops = ["u=unique", f"f=frac{weight}", f"n=count{weight}"]
    out = []
    for year, path in zip((2020, 2021), paths, strict=True):
        res = exact_extract(path, zones, ops, include_cols=["zone_id"], output="pandas")
        for zid, codes, frac, count in zip(res.zone_id, res.u, res.f, res.n, strict=True):
            out.append(
                pd.DataFrame(
                    {"zone_id": zid, "year": year, "code": codes, value: np.asarray(frac) * count}
                )
            )
    return pd.concat(out, ignore_index=True)


def run_method(method: str, paths: list[str], zones) -> pd.DataFrame | None:  # type: ignore[no-untyped-def]
    """Run one method; return long counts ``zone_id, year, code, pixels`` (or None).

    Exact-mode methods return ``coverage_fraction`` sums as well (exactextract only those).
    """
    years = (2020, 2021)
    if method.startswith("decode"):
        _decode(paths, 1 if method == "decode_1thread" else 2)
        return None
    if method == "ours_class_areas":
        from geo_revival.overlay import class_areas

        return _counts_from_ours(class_areas(zones, _open_ours(paths)), ("year", "class_code"))
    if method == "ours_class_areas_exact":
        from geo_revival.overlay import class_areas

        df = class_areas(zones, _open_ours(paths), coverage="exact")
        return _counts_from_ours(df, ("year", "class_code"))
    if method == "ours_transitions":
        from geo_revival.overlay import transitions

        df = transitions(zones, _open_ours(paths))
        return df[["zone_id", "from_year", "to_year", "from_code", "to_code", "pixels"]]
    if method == "exactextract":
        return _exactextract_counts(paths, zones, "coverage_fraction")
    if method == "rasterstats":
        from rasterstats import zonal_stats

        out = []
        for year, path in zip(years, paths, strict=True):
            stats = zonal_stats(zones, path, categorical=True, nodata=0)
            for zid, s in zip(zones.zone_id, stats, strict=True):
                out.extend(
                    {"zone_id": zid, "year": year, "code": int(k), "pixels": v}
                    for k, v in s.items()
                )
        return pd.DataFrame(out)
    if method == "xrspatial_crosstab":
        import rasterio
        import rioxarray
        import xarray as xr
        from rasterio.features import rasterize
        from xrspatial.zonal import crosstab

        with rasterio.open(paths[0]) as src:
            shape, transform = src.shape, src.transform
        # One zone raster: where zones overlap, the later one wins (crosstab cannot overlap).
        ids = rasterize(
            ((g, i + 1) for i, g in enumerate(zones.geometry)),
            out_shape=shape,
            transform=transform,
            fill=0,
            dtype="int32",
        )
        zone_da = xr.DataArray(ids, dims=("y", "x"))
        out = []
        for year, path in zip(years, paths, strict=True):
            values = rioxarray.open_rasterio(path).squeeze("band", drop=True).load()
            values = xr.DataArray(values.values, dims=("y", "x"))
            table = crosstab(zone_da, values, nodata_values=0).set_index("zone")
            for zone_num, row in table.iterrows():
                if zone_num == 0:
                    continue
                for code, n in row.items():
                    if n and int(code) != 0:
                        out.append(
                            {
                                "zone_id": zones.zone_id.iloc[int(zone_num) - 1],
                                "year": year,
                                "code": int(code),
                                "pixels": n,
                            }
                        )
        return pd.DataFrame(out)
    raise ValueError(method)


PRELOAD = {
    "ours": ["geo_revival.overlay", "geo_revival.landcover.io", "dask.array", "exactextract"],
    "exactextract": ["exactextract"],
    "rasterstats": ["rasterstats"],
    "xrspatial": ["xrspatial.zonal", "rioxarray"],
}


def _peak_rss() -> int:
    """High-water mark of this process's resident set (VmHWM; it restarts at exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def child(method: str, paths: list[str], zones_path: str, result: str) -> None:
    import importlib

    import geopandas as gpd

    # Imports are not part of the timed work.
    for prefix, modules in PRELOAD.items():
        if method.startswith(prefix):
            for m in modules:
                importlib.import_module(m)
    zones = gpd.read_file(zones_path)
    start_rss = _peak_rss()
    start = time.perf_counter()
    counts = run_method(method, paths, zones)
    wall = time.perf_counter() - start
    peak = _peak_rss()
    base = start_rss
    if counts is not None:
        counts.to_pickle(result)
    print(json.dumps({"wall_s": wall, "peak_rss": peak, "start_rss": base}))


# -- orchestration ------------------------------------------------------------------------------
def time_method(
    method: str, paths: tuple[Path, Path], zones: Path, workdir: Path, cachemax_mb: int, chunks: str
) -> dict:
    result = workdir / f"result_{method}.pkl"
    result.unlink(missing_ok=True)
    cmd = [
        sys.executable,
        __file__,
        "_child",
        method,
        str(paths[0]),
        str(paths[1]),
        str(zones),
        str(result),
    ]
    env = {**os.environ, "GDAL_CACHEMAX": str(cachemax_mb), "BENCH_CHUNKS": chunks}
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=HERE.parent, env=env)
    if proc.returncode != 0:
        return {"method": method, "error": proc.stderr.strip().splitlines()[-1]}
    stats = json.loads(proc.stdout.strip().splitlines()[-1])
    stats["method"] = method
    stats["counts"] = pd.read_pickle(result) if result.exists() else None
    return stats


def _median_run(runs: list[dict]) -> dict:
    """The run with the median wall time (first error if any failed), with all wall times."""
    failed = [r for r in runs if "error" in r]
    if failed:
        return failed[0]
    ordered = sorted(runs, key=lambda r: r["wall_s"])
    return {**ordered[(len(ordered) - 1) // 2], "walls": [r["wall_s"] for r in runs]}


def _class_counts(df: pd.DataFrame, value: str = "pixels") -> pd.Series:
    return df.groupby(["zone_id", "year", "code"])[value].sum()


def agreement(results: dict[str, dict], zones_path: Path, paths: list[str]) -> dict[str, str]:
    """Compare every method's pixel counts with ours; return a note per method."""
    import geopandas as gpd

    notes: dict[str, str] = {}
    ours = results.get("ours_class_areas", {}).get("counts")
    if ours is None:
        return notes
    ref = _class_counts(ours)
    notes["ours_class_areas"] = f"reference ({int(ref.sum()):,} zone-pixels)"
    tr = results.get("ours_transitions", {}).get("counts")
    if tr is not None:
        # Transitions exclude pixels that are nodata in either year: compare the marginals with
        # class areas restricted to... both years share one nodata mask here, so they must match.
        start = tr.groupby(["zone_id", "from_code"])["pixels"].sum()
        end = tr.groupby(["zone_id", "to_code"])["pixels"].sum()
        a = ref.xs(2020, level="year").rename_axis(["zone_id", "from_code"])
        b = ref.xs(2021, level="year").rename_axis(["zone_id", "to_code"])
        same = start.sort_index().equals(a.sort_index()) and end.sort_index().equals(b.sort_index())
        notes["ours_transitions"] = "marginals = class areas" if same else "MARGINALS DIFFER"
    for method in ("rasterstats", "xrspatial_crosstab"):
        other = results.get(method, {}).get("counts")
        if other is None:
            continue
        got = _class_counts(other)
        mine = ref
        if method == "xrspatial_crosstab":
            zones = gpd.read_file(zones_path)
            hit = zones.sindex.query(zones.geometry, predicate="intersects")
            overlapping = set(zones.zone_id.iloc[hit[0][hit[0] != hit[1]]])
            keep = ~ref.index.get_level_values("zone_id").isin(overlapping)
            mine = ref[keep]
            got = got[~got.index.get_level_values("zone_id").isin(overlapping)]
        joined = pd.concat([mine, got], axis=1, keys=["ours", "other"]).fillna(0)
        diff = (joined.ours - joined.other).abs()
        scope = "non-overlapping zones: " if method == "xrspatial_crosstab" else ""
        notes[method] = (
            f"{scope}identical counts"
            if diff.max() == 0
            else f"{scope}{int((diff > 0).sum())} of {len(diff)} counts differ, max {diff.max():g}"
        )
    exact = results.get("ours_class_areas_exact", {}).get("counts")
    ee = results.get("exactextract", {}).get("counts")
    if exact is not None and ee is not None:
        value = "coverage_fraction"
        joined = pd.concat(
            [_class_counts(exact, value), _class_counts(ee, value)], axis=1, keys=["ours", "ee"]
        ).fillna(0)
        worst = float((joined.ours - joined.ee).abs().max())
        # Pixels touched, from an untimed exactextract run with coverage_weight=none.
        touched = _class_counts(_exactextract_counts(paths, gpd.read_file(zones_path), "pixels"))
        joined = pd.concat([_class_counts(exact), touched], axis=1, keys=["ours", "ee"]).fillna(0)
        diff = (joined.ours - joined.ee.round()).abs()
        pixels = (
            "identical pixel counts"
            if diff.max() == 0
            else f"{int((diff > 0).sum())} of {len(diff)} pixel counts differ, max {diff.max():g}"
        )
        notes["ours_class_areas_exact"] = (
            f"vs exactextract: coverage_fraction max abs diff {worst:.2e} px; {pixels}"
        )
        notes["exactextract"] = "coverage-weighted counts (frac x count)"
    return notes


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import psutil

    load = os.getloadavg()
    return (
        f"{cpu}; {os.cpu_count()} logical cores; "
        f"{psutil.virtual_memory().total / 2**30:.1f} GiB RAM; {platform.platform()}; "
        f"Python {platform.python_version()}; load average at start "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1/5/15 min)"
    )


def versions() -> str:
    from importlib.metadata import version

    names = [
        "geo-revival",
        "numpy",
        "rasterio",
        "dask",
        "exactextract",
        "rasterstats",
        "xarray-spatial",
        "shapely",
    ]
    out = []
    for n in names:
        try:
            out.append(f"{n} {version(n)}")
        except Exception:
            out.append(f"{n} (not installed)")
    import rasterio

    out.append(f"GDAL {rasterio.__gdal_version__}")
    return ", ".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "geo_revival_bench"
    )
    parser.add_argument("--methods", nargs="+", default=METHODS, choices=METHODS)
    parser.add_argument(
        "--chunks",
        default="auto",
        help="dask chunks for open_landcover in our methods: 'auto' (its default, ~4096 px) "
        "or an edge in pixels",
    )
    parser.add_argument(
        "--gdal-cachemax",
        type=int,
        default=256,
        help="GDAL block cache (MB) for every method; GDAL's default (5 %% of RAM) would "
        "dominate peak RSS although each block is read once",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs per method (round robin over the methods, each in its own process); the "
        "table gives the median wall time and the range. xarray-spatial runs once",
    )
    parser.add_argument(
        "--xrspatial-max",
        type=int,
        default=10_000,
        help="skip xarray-spatial above this size (it is very slow)",
    )
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)

    lines = [
        "# Overlay benchmark (SIMULATED data)",
        "",
        f"Machine: {machine()}.",
        "",
        f"Versions: {versions()}.",
        "",
        "Data: two years of simulated uint8 land cover (CLCD codes, nodata 0, 10 m, EPSG:4548,",
        f"{BLOCK} x {BLOCK} deflate COG) and {N_ZONES} simulated zones (irregular, ~15 % with",
        "holes, ~15 % overlapping another; 1-500 km^2 at 10 000^2, scaled with the raster).",
        "Each method runs in its own process; wall time covers opening the files and the",
        "computation, not imports; peak RSS is the process's maximum resident set.",
        "Ratios are to the 2-thread raw decode of both rasters (the floor on 2 cores).",
        f"Each method ran {args.repeat} time(s), round robin; wall time is the median run's"
        + (" (range in brackets; xarray-spatial once)." if args.repeat > 1 else "."),
        f"Every method runs with GDAL_CACHEMAX={args.gdal_cachemax} MB; ours open the rasters",
        f"with open_landcover(chunks={args.chunks!r}).",
        "",
    ]
    for size in args.sizes:
        t0 = time.perf_counter()
        paths = make_rasters(size, args.workdir)
        zones = make_zones(size, args.workdir)
        print(f"[{size}] data ready in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        load = "/".join(f"{v:.2f}" for v in os.getloadavg())
        runs: dict[str, list[dict]] = {}
        # Round robin, so that a change of load on a shared machine hits every method alike.
        for rep in range(args.repeat):
            for method in args.methods:
                if method == "xrspatial_crosstab" and (size > args.xrspatial_max or rep > 0):
                    continue
                r = time_method(method, paths, zones, args.workdir, args.gdal_cachemax, args.chunks)
                runs.setdefault(method, []).append(r)
                print(f"[{size}] {method}: {r.get('wall_s', r.get('error'))}", file=sys.stderr)
        results = {m: _median_run(rs) for m, rs in runs.items()}
        notes = agreement(results, zones, [str(p) for p in paths])
        floor = results.get("decode_2threads", {}).get("wall_s")
        import geopandas as gpd

        z = gpd.read_file(zones)
        cover = z.union_all().area / (size * PIXEL) ** 2
        lines += [
            f"## {size:,} x {size:,} px, two years ({size * size * 2 / 1e6:,.0f} M pixels); "
            f"zones cover {cover:.1%} of the raster",
            "",
            f"Load average (1/5/15 min) when this size started: {load}.",
            "",
            "| method | wall time (s) | x raw decode (2 threads) | peak RSS (MiB) | RSS after "
            "imports (MiB) | agreement |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for method, r in results.items():
            if "error" in r:
                lines.append(f"| {method} | failed: {r['error']} | | | | |")
                continue
            ratio = f"{r['wall_s'] / floor:.2f}" if floor else ""
            wall = f"{r['wall_s']:.2f}"
            if len(r["walls"]) > 1:
                wall += f" ({min(r['walls']):.2f}-{max(r['walls']):.2f})"
            lines.append(
                f"| {method} | {wall} | {ratio} | {r['peak_rss'] / 2**20:,.0f} | "
                f"{r['start_rss'] / 2**20:,.0f} | {notes.get(method, '')} |"
            )
        lines.append("")
    text = "\n".join(lines)
    print(text)
    args.out.write_text(text)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        _, _, method, p0, p1, zones_path, result = sys.argv
        child(method, [p0, p1], zones_path, result)
    else:
        main()
