"""Benchmark the one-pass multi-year accounting at the extent of Jiangsu (SIMULATED data).

Generates, deterministically (fixed seed) into ``--workdir`` (a temp dir by default; nothing is
stored in the repository), an annual SIMULATED land-cover stack: ``--years`` years (default 20,
2004-2023) of ``--size`` x ``--size`` pixels at 30 m (default 11 000^2 = 121 M pixels a year,
108 900 km^2, the area of Jiangsu, ~107 000 km^2; the extent is a square, not the province's
shape), CLCD codes in smooth patches, subsidence that turns land into water or barren ground in
a simulated year and is reclaimed to cropland some years later (or never), and 0.2 % per-year
classification flicker (one-year flips), written as tiled DEFLATE GeoTIFFs (512 px tiles,
EPSG:4549). Zones: 96 SIMULATED "counties" (Voronoi cells of random points clipped to an
irregular outline covering ~85 % of the raster; planned use cropland for most, none or water
for some). Then times, each in a fresh subprocess (wall time of the work, peak RSS):

* raw decode of the whole stack, 1 and 2 threads (the floor);
* ``restoration_series`` (class areas of every year + consecutive transitions + trajectories
  and the accounting on them) on local threads;
* the same call on a ``dask.distributed.LocalCluster`` with 1 worker process and with 2 worker
  processes (1 thread each; cluster start-up not timed). Worker peak RSS is collected from the
  workers. The tables of all three must be identical.

``--large-zones`` adds the overlay memory case of issue 17: ``class_areas`` and ``transitions``
of two years at 30 000^2 (bench_overlay's simulated rasters, cached in the workdir) with 200
Voronoi zones covering ~90 % of the raster, against the raw decode.

Usage::

    python benchmarks/bench_series.py --out /tmp/series.md            # Jiangsu extent
    python benchmarks/bench_series.py --size 2000 --years 8 --out /tmp/small.md  # quick check
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_overlay import _coarse_field, _decode, _peak_rss, _upsample, machine, versions  # noqa: E402

PIXEL = 30.0
CRS = "EPSG:4549"  # CGCS2000 / 3-degree Gauss-Kruger CM 120E (central Jiangsu)
ORIGIN = (340_000.0, 3_900_000.0)
SEED = 20_261_203
N_ZONES = 96
TILE = 512
FIRST_YEAR = 2004


# -- deterministic data ---------------------------------------------------------------------------
def _paths(size: int, years: int, workdir: Path, texture: float = 0.0) -> list[Path]:
    tag = f"textured{texture:g}_" if texture else ""
    return [
        workdir / f"jiangsu_simulated_{tag}{size}_{FIRST_YEAR + i}_seed{SEED}.tif"
        for i in range(years)
    ]


def make_stack(size: int, years: int, workdir: Path, texture: float = 0.0) -> list[Path]:
    """Write the simulated annual stack (cached by size, years, texture and seed).

    ``texture``: share of pixels given a random class of the mix, the same one every year
    (the salt-and-pepper of a real 30 m classification, which is what makes real files larger
    and slower to decode than smooth patches); 0 for the smooth stack.
    """
    import rasterio
    from rasterio.transform import from_origin

    paths = _paths(size, years, workdir, texture)
    if all(p.exists() for p in paths):
        return paths
    rng = np.random.default_rng(SEED)
    cover = [(_coarse_field(rng, size, c), c, w) for c, w in ((300, 1.0), (60, 0.5), (15, 0.25))]
    subsidence = _coarse_field(rng, size, 80)
    onset, delay, kind = (_coarse_field(rng, size, c) for c in (40, 25, 20))
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
        "blockxsize": TILE,
        "blockysize": TILE,
        "compress": "deflate",
    }
    tmp = [p.with_suffix(".tmp.tif") for p in paths]
    # Cropland-dominated mix like the plain of Jiangsu: code per quantile band of a smooth field.
    bands = np.array([8, 8, 1, 1, 1, 1, 1, 1, 1, 2, 4, 5, 5, 9], np.uint8)
    edges = np.linspace(-1.6, 1.6, len(bands) - 1)
    files = [rasterio.open(t, "w", **profile) for t in tmp]
    try:
        step = 2048
        for r0 in range(0, size, step):
            r1 = min(size, r0 + step)
            for c0 in range(0, size, step):
                c1 = min(size, c0 + step)
                noise = sum(w * _upsample(f, c, r0, r1, c0, c1) for f, c, w in cover)
                base = bands[np.digitize(noise, edges)]
                if texture:
                    trng = np.random.default_rng([SEED, 7, r0, c0])
                    speck = trng.random(base.shape) < texture
                    base = np.where(speck, bands[trng.integers(0, len(bands), base.shape)], base)
                sub = _upsample(subsidence, 80, r0, r1, c0, c1) > 1.2  # ~8 % subsides
                start = np.clip((_upsample(onset, 40, r0, r1, c0, c1) + 2) * years / 4, 0, years)
                start = start.astype(np.int16)
                lag = 2 + np.clip((_upsample(delay, 25, r0, r1, c0, c1) + 1.5) * 5, 0, 40)
                end = start + lag.astype(np.int16)  # beyond the series: never reclaimed
                damage = np.where(_upsample(kind, 20, r0, r1, c0, c1) > 0.8, 7, 5).astype(np.uint8)
                wrng = np.random.default_rng([SEED, r0, c0])
                for t, dst in enumerate(files):
                    codes = np.where(sub & (t >= start), np.where(t >= end, 1, damage), base)
                    flick = wrng.random(codes.shape) < 0.002  # one-year classification noise
                    codes = np.where(flick, np.where(codes == 1, 5, 1), codes).astype(np.uint8)
                    dst.write(codes, 1, window=((r0, r1), (c0, c1)))
    finally:
        for f in files:
            f.close()
    for t, p in zip(tmp, paths, strict=True):
        t.rename(p)
    return paths


def make_zones(size: int, n: int, share: float, workdir: Path, crs: str, origin, pixel) -> Path:  # type: ignore[no-untyped-def]
    """``n`` simulated zones: Voronoi cells of random points, clipped to a jagged outline."""
    import geopandas as gpd
    import shapely

    path = workdir / f"simulated_counties_{size}_{n}_seed{SEED}.gpkg"
    if path.exists():
        return path
    rng = np.random.default_rng(SEED + n)
    extent = size * pixel
    x0, y1 = origin
    cx, cy = x0 + extent / 2, y1 - extent / 2
    angles = np.linspace(0, 2 * np.pi, 400, endpoint=False)
    # A jagged outline whose area is ~share of the raster.
    radius = np.sqrt(share * extent**2 / np.pi) * np.exp(
        0.04 * np.cumsum(rng.standard_normal(400)) / 4
    )
    radius = np.minimum(
        radius, 0.5 * extent / np.maximum(np.abs(np.cos(angles)), np.abs(np.sin(angles)))
    )
    outline = shapely.Polygon(np.c_[cx + radius * np.cos(angles), cy + radius * np.sin(angles)])
    outline = outline.buffer(0)
    outline = shapely.affinity.scale(
        outline,
        np.sqrt(share * extent**2 / outline.area),
        np.sqrt(share * extent**2 / outline.area),
    )
    outline = outline.intersection(shapely.box(x0, y1 - extent, x0 + extent, y1))
    points = []
    while len(points) < n:
        p = shapely.Point(rng.uniform(x0, x0 + extent), rng.uniform(y1 - extent, y1))
        if outline.contains(p):
            points.append(p)
    cells = shapely.voronoi_polygons(shapely.MultiPoint(points), extend_to=outline)
    geoms = [c.intersection(outline) for c in shapely.get_parts(cells)]
    uses = rng.choice(["cropland", "", "water"], size=n, p=[0.7, 0.2, 0.1])
    zones = gpd.GeoDataFrame(
        {"zone_id": [f"C{i:03d}" for i in range(n)], "planned_use": uses, "simulated": True},
        geometry=geoms,
        crs=crs,
    )
    zones.to_file(path)
    return path


# -- one method per subprocess --------------------------------------------------------------------
def _tables(result) -> dict[str, pd.DataFrame]:  # type: ignore[no-untyped-def]
    names = ("class_areas", "transitions", "status", "flows", "trajectories", "reclaimed_by_year")
    return {n: getattr(result, n) for n in names}


def child(method: str, paths: list[str], zones_path: str, out: str) -> None:
    import geopandas as gpd

    from geo_revival.landcover.io import open_landcover

    stats: dict[str, object] = {}
    zones = gpd.read_file(zones_path)
    if "planned_use" in zones:
        zones["planned_use"] = zones["planned_use"].fillna("")
    chunk = int(os.environ.get("BENCH_CHUNK", "2048"))
    start_rss = _peak_rss()
    if method.startswith("decode"):
        start = time.perf_counter()
        _decode(paths, 1 if method == "decode_1thread" else 2)
        wall = time.perf_counter() - start
    elif method in ("large_class_areas", "large_transitions"):
        from geo_revival.overlay import class_areas, transitions

        lc = open_landcover(paths, legend="clcd", years=[2020, 2021], chunks="auto")
        start = time.perf_counter()
        df = (class_areas if method == "large_class_areas" else transitions)(zones, lc)
        wall = time.perf_counter() - start
        stats["zone_pixels"] = int(df["pixels"].sum())
    else:
        from geo_revival.restoration import restoration_series

        years = [FIRST_YEAR + i for i in range(len(paths))]
        lc = open_landcover(paths, legend="clcd", years=years, chunks=chunk)
        client = None
        if method.startswith("ours_cluster"):
            import dask
            from distributed import Client, LocalCluster

            workers = int(method[-1])
            # dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which switches off
            # glibc's dynamic mmap threshold: every temporary over 128 kB is then a fresh mmap
            # (page faults, zeroing) - measured 1.3-4x slower counting. docs/cluster.md
            # recommends leaving it unset; BENCH_DASK_TRIM=1 keeps dask's default.
            env = dict(dask.config.get("distributed.nanny.pre-spawn-environ"))
            if os.environ.get("BENCH_DASK_TRIM") != "1":
                env.pop("MALLOC_TRIM_THRESHOLD_", None)
            dask.config.set({"distributed.nanny.pre-spawn-environ": env})
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                memory_limit="6GB",
                dashboard_address=None,
            )
            client = Client(cluster)
        start = time.perf_counter()
        result = restoration_series(zones, lc, client=client)
        wall = time.perf_counter() - start
        if client is not None:
            stats["worker_peak_rss"] = max(client.run(_peak_rss).values())
            client.close()
            cluster.close()
        pd.to_pickle(_tables(result), out)
        stats["zone_pixels"] = int(
            result.class_areas.loc[result.class_areas["year"] == years[0], "pixels"].sum()
        )
    stats.update(wall_s=wall, peak_rss=_peak_rss(), start_rss=start_rss)
    print(json.dumps(stats))


def run(method: str, paths: list[Path], zones: Path, workdir: Path) -> dict:
    out = workdir / f"series_{method}.pkl"
    out.unlink(missing_ok=True)
    cmd = [sys.executable, __file__, "_child", method, str(zones), str(out), *map(str, paths)]
    env = {**os.environ, "GDAL_CACHEMAX": "256"}
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=HERE.parent, env=env)
    if proc.returncode != 0:
        return {"method": method, "error": proc.stderr.strip().splitlines()[-1]}
    stats = json.loads(proc.stdout.strip().splitlines()[-1])
    stats["method"] = method
    stats["load"] = os.getloadavg()
    print(method, stats, flush=True)
    return stats


def _same(workdir: Path, a: str, b: str) -> str:
    left = pd.read_pickle(workdir / f"series_{a}.pkl")
    right = pd.read_pickle(workdir / f"series_{b}.pkl")
    for name, table in left.items():
        other = right[name]
        keys = [
            c
            for c in table.columns
            if not c.startswith(
                ("pixels", "area", "reclaimed_area", "newly", "net", "restored_", "damaged_")
            )
        ]
        t1 = table.sort_values(keys).reset_index(drop=True)
        t2 = other.sort_values(keys).reset_index(drop=True)
        try:
            pd.testing.assert_frame_equal(t1, t2, check_exact=False, rtol=1e-12)
        except AssertionError:
            return f"{name} DIFFERS from {a}"
    return f"identical tables to {a}"


def _table(rows: list[dict], floor: str) -> str:
    base = next((r["wall_s"] for r in rows if r["method"] == floor and "wall_s" in r), None)
    lines = [
        "| method | wall time (s) | x raw decode (2 threads) | peak RSS (MiB) | note |",
        "|---|---:|---:|---:|---|",
    ]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['method']} | failed | | | {r['error']} |")
            continue
        rss = r["peak_rss"] / 2**20
        extra = r.get("note", "")
        if "worker_peak_rss" in r:
            extra = f"workers' peak {r['worker_peak_rss'] / 2**20:,.0f} MiB each at most; {extra}"
        ratio = f"{r['wall_s'] / base:.2f}" if base else ""
        lines.append(f"| {r['method']} | {r['wall_s']:.2f} | {ratio} | {rss:,.0f} | {extra} |")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        child(sys.argv[2], sys.argv[5:], sys.argv[3], sys.argv[4])
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--size", type=int, default=11_000)
    ap.add_argument("--years", type=int, default=20)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--methods", nargs="*", default=None)
    ap.add_argument("--large-zones", action="store_true")
    ap.add_argument(
        "--texture",
        type=float,
        default=0.0,
        help="share of pixels with a random class, the same every year (salt-and-pepper of a "
        "real classification; makes the files decode like a real product); default 0 (smooth)",
    )
    args = ap.parse_args()
    workdir = args.workdir or Path(tempfile.gettempdir()) / "geo_revival_bench_series"
    workdir.mkdir(parents=True, exist_ok=True)
    report = [
        f"Machine: {machine()}.",
        "",
        f"Versions: {versions()}.",
        "",
    ]
    t0 = time.perf_counter()
    paths = make_stack(args.size, args.years, workdir, args.texture)
    zones = make_zones(args.size, N_ZONES, 0.85, workdir, CRS, ORIGIN, PIXEL)
    gen = time.perf_counter() - t0
    methods = args.methods or [
        "decode_1thread",
        "decode_2threads",
        "ours_series",
        "ours_cluster1",
        "ours_cluster2",
    ]
    rows = [run(m, paths, zones, workdir) for m in methods]
    done = {r["method"] for r in rows if "error" not in r}
    for r in rows:
        if r["method"].startswith("ours_cluster") and "ours_series" in done and r["method"] in done:
            r["note"] = _same(workdir, "ours_series", r["method"])
    c1 = next((r for r in rows if r["method"] == "ours_cluster1" and "wall_s" in r), None)
    c2 = next((r for r in rows if r["method"] == "ours_cluster2" and "wall_s" in r), None)
    speedup = f"{c1['wall_s'] / c2['wall_s']:.2f}" if c1 and c2 else "n/a"
    pixels = args.size**2
    report += [
        f"## Jiangsu extent: {args.size:,} x {args.size:,} px at 30 m ({pixels / 1e6:,.0f} M px "
        f"a year, {pixels * 900 / 1e6:,.0f} km^2), {args.years} years, "
        f"{N_ZONES} simulated counties"
        + (f", texture {args.texture:g} (static salt-and-pepper)" if args.texture else ""),
        "",
        f"Stack on disk: {sum(p.stat().st_size for p in paths) / 1e6:,.1f} MB "
        f"({sum(p.stat().st_size for p in paths) / (pixels * args.years):.3f} bytes a pixel).",
        "",
        f"Inputs generated in {gen:.0f} s (cached in {workdir}). Load average (1/5/15 min) at "
        f"start of each method in the table's order: "
        + "; ".join(
            f"{r['method']} {r['load'][0]:.2f}/{r['load'][1]:.2f}/{r['load'][2]:.2f}"
            for r in rows
            if "load" in r
        )
        + ".",
        "",
        _table(rows, "decode_2threads"),
        "",
        f"LocalCluster speed-up, 2 worker processes over 1: {speedup} x.",
        "",
    ]
    if args.large_zones:
        from bench_overlay import ORIGIN as O2
        from bench_overlay import make_rasters

        big = list(make_rasters(30_000, workdir))
        zones2 = make_zones(30_000, 200, 0.9, workdir, "EPSG:4548", O2, 10.0)
        rows2 = [
            run(m, big, zones2, workdir)
            for m in ("decode_2threads", "large_class_areas", "large_transitions")
        ]
        report += [
            "## Overlay memory, large zones: 30,000 x 30,000 px, two years, 200 simulated "
            "Voronoi zones covering ~90 % of the raster",
            "",
            _table(rows2, "decode_2threads"),
            "",
        ]
    args.out.write_text("\n".join(report) + "\n", encoding="utf-8")
    print("\n".join(report))


if __name__ == "__main__":
    main()
