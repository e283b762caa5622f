"""Benchmark Solr geometry search for plan dossiers; writes bench/results/spatial.md.

Generates dossiers with realistic polygons: province-sized to ward-sized, 10
to 5,000 vertices, centres inside Vietnam's bounding box. Indexes them straight
into a Solr core of its own, as documents shaped like CKAN's, with the geometry
prepared by ckanext.quyhoach.spatial.index. Measures:

* latency of a bbox query, a point query and the same text query without
  geometry (median and 95th percentile, client-side, over HTTP on 127.0.0.1);
* full reindex throughput with and without geometries;
* index size with and without geometries.

Usage (Solr running; the core is created if missing and emptied first):

    .venv/bin/python bench/bench_spatial.py --sizes 10000
    .venv/bin/python bench/bench_spatial.py --sizes 10000 100000

Nothing here is part of the test run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests
from shapely.geometry import Polygon, shape

from ckanext.quyhoach.spatial.index import index_geojson

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "spatial.md"
VIETNAM = (102.14, 8.38, 109.46, 23.39)
WORDS = ["quy hoạch", "tỉnh", "vùng", "đô thị", "giao thông", "năng lượng", "thủy lợi", "du lịch"]
BATCH = 500
QUERIES = 200
INDEX_MAX_VERTICES = 1000


def make_polygon(rng: random.Random) -> Polygon:
    """Return a star-shaped simple polygon: province (about 0.8 degree) to ward (0.01 degree) radius."""
    radius = math.exp(rng.uniform(math.log(0.01), math.log(0.8)))
    vertices = int(math.exp(rng.uniform(math.log(10), math.log(5000))))
    lon = rng.uniform(VIETNAM[0] + radius, VIETNAM[2] - radius)
    lat = rng.uniform(VIETNAM[1] + radius, VIETNAM[3] - radius)
    points = []
    for i in range(vertices):
        angle = 2 * math.pi * i / vertices
        r = radius * rng.uniform(0.6, 1.0)
        points.append((lon + r * math.cos(angle), lat + r * math.sin(angle)))
    return Polygon(points)


def make_doc(i: int, rng: random.Random, with_geometry: bool) -> tuple[dict, int]:
    polygon = make_polygon(rng)
    words = " ".join(rng.sample(WORDS, 3))
    doc = {
        "id": f"bench-{i}",
        "index_id": f"bench-{i}",
        "site_id": "bench",
        "entity_type": "package",
        "dataset_type": "ho-so-quy-hoach",
        "type": "ho-so-quy-hoach",
        "name": f"ho-so-bench-{i}",
        "title": f"Hồ sơ {i}: {words}",
        "text": [words, f"Quyết định {i}/QĐ-TTg"],
        "notes": words,
        "capacity": "public",
        "state": "active",
        "plan_level": rng.choice(["national", "regional", "provincial", "urban", "rural"]),
        "metadata_created": "2025-01-01T00:00:00Z",
        "metadata_modified": "2025-01-01T00:00:00Z",
    }
    if with_geometry:
        geojson = index_geojson(json.dumps(polygon.__geo_interface__), INDEX_MAX_VERTICES)
        doc["spatial_geom"] = shape(json.loads(geojson)).wkt
    return doc, len(polygon.exterior.coords)


def solr_post(core_url: str, path: str, body) -> None:
    response = requests.post(f"{core_url}/{path}", json=body, timeout=600)
    response.raise_for_status()


def index_size(solr_url: str, core: str) -> int:
    response = requests.get(
        f"{solr_url}/admin/cores", params={"action": "STATUS", "core": core, "wt": "json"}, timeout=60
    )
    return response.json()["status"][core]["index"]["sizeInBytes"]


def reindex(core_url: str, n: int, with_geometry: bool, seed: int) -> dict:
    rng = random.Random(seed)
    solr_post(core_url, "update?commit=true", {"delete": {"query": "*:*"}})
    prepare_seconds = post_seconds = 0.0
    vertices = []
    batch = []
    for i in range(n):
        started = time.perf_counter()
        doc, count = make_doc(i, rng, with_geometry)
        prepare_seconds += time.perf_counter() - started
        vertices.append(count)
        batch.append(doc)
        if len(batch) == BATCH or i == n - 1:
            started = time.perf_counter()
            solr_post(core_url, "update", batch)
            post_seconds += time.perf_counter() - started
            batch = []
    started = time.perf_counter()
    solr_post(core_url, "update?commit=true", {"commit": {}})
    post_seconds += time.perf_counter() - started
    return {
        "prepare_s": prepare_seconds,
        "solr_s": post_seconds,
        "docs_per_s": n / (prepare_seconds + post_seconds),
        "solr_docs_per_s": n / post_seconds,
        "median_vertices": statistics.median(vertices),
    }


def timed_queries(core_url: str, params_list: list[dict]) -> dict:
    session = requests.Session()
    latencies, hits = [], []
    for params in params_list:
        started = time.perf_counter()
        response = session.get(f"{core_url}/select", params=params, timeout=60)
        latencies.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        hits.append(response.json()["response"]["numFound"])
    latencies.sort()
    return {
        "median_ms": statistics.median(latencies),
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))],
        "median_hits": statistics.median(hits),
    }


def query_sets(seed: int) -> dict[str, list[dict]]:
    rng = random.Random(seed)
    base = {"fl": "id", "rows": 20, "wt": "json", "fq": "+capacity:public +state:active"}
    bbox, point, text = [], [], []
    for _ in range(QUERIES):
        west = rng.uniform(VIETNAM[0], VIETNAM[2] - 1)
        south = rng.uniform(VIETNAM[1], VIETNAM[3] - 1)
        lon, lat = rng.uniform(VIETNAM[0], VIETNAM[2]), rng.uniform(VIETNAM[1], VIETNAM[3])
        word = rng.choice(WORDS)
        envelope = f"ENVELOPE({west}, {west + 0.5}, {south + 0.5}, {south})"
        text.append(dict(base, q=word, defType="edismax", qf="text"))
        bbox.append(dict(base, q=word, defType="edismax", qf="text",
                         fq=[base["fq"], f"{{!field f=spatial_geom}}Intersects({envelope})"]))
        point.append(dict(base, q=word, defType="edismax", qf="text",
                          fq=[base["fq"], f"{{!field f=spatial_geom}}Intersects(POINT({lon} {lat}))"]))
    return {"bbox": bbox, "point": point, "text": text}


def run_size(solr_url: str, core: str, n: int) -> dict:
    core_url = f"{solr_url}/{core}"
    print(f"{n}: indexing without geometry", flush=True)
    without = reindex(core_url, n, False, seed=n)
    without["size"] = index_size(solr_url, core)
    print(f"{n}: indexing with geometry", flush=True)
    with_geometry = reindex(core_url, n, True, seed=n)
    with_geometry["size"] = index_size(solr_url, core)
    print(f"{n}: querying", flush=True)
    sets = query_sets(seed=7)
    timed_queries(core_url, sets["text"][:20])  # warm the caches and the JIT
    latency = {name: timed_queries(core_url, params) for name, params in sets.items()}
    return {"n": n, "without": without, "with": with_geometry, "latency": latency}


def render(results: list[dict], started: str) -> str:
    lines = [
        "# Spatial search benchmark",
        "",
        f"Run {started} by `bench/bench_spatial.py` on {platform.machine()}, "
        f"{os.cpu_count()} cores shared with other work, Solr 9.10.1 (launcher in "
        "config/solr, 512 MB heap) on 127.0.0.1, core `bench_spatial`.",
        "",
        "Documents have CKAN's index fields; `spatial_geom` holds the geometry prepared by "
        f"`ckanext.quyhoach.spatial.index` (simplified to at most {INDEX_MAX_VERTICES} vertices). "
        "Polygons are star-shaped, 10 to 5,000 vertices (log-uniform), radius 0.01 to 0.8 degree "
        "(ward to province), centres in Vietnam's bounding box. Queries: the same text query "
        "(`q=<word>`), plus a 0.5 x 0.5 degree bbox Intersects filter, or a point Intersects "
        f"filter; {QUERIES} queries of each kind, latency measured by the client over HTTP.",
        "",
        "| dossiers | query | median ms | p95 ms | median hits |",
        "| ---: | --- | ---: | ---: | ---: |",
    ]
    for result in results:
        for name in ("text", "bbox", "point"):
            row = result["latency"][name]
            lines.append(
                f"| {result['n']:,} | {name} | {row['median_ms']:.1f} | {row['p95_ms']:.1f} "
                f"| {row['median_hits']:.0f} |"
            )
    lines += [
        "",
        "| dossiers | geometry | prepare s | Solr s | docs/s (total) | docs/s (Solr only) | index MB |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        for label, key in (("without", "without"), ("with", "with")):
            row = result[key]
            lines.append(
                f"| {result['n']:,} | {label} | {row['prepare_s']:.1f} | {row['solr_s']:.1f} "
                f"| {row['docs_per_s']:.0f} | {row['solr_docs_per_s']:.0f} | {row['size'] / 1e6:.1f} |"
            )
    lines += ["", "Ratios (with geometry / without, or geometry query / text query):", ""]
    for result in results:
        latency, with_g, without = result["latency"], result["with"], result["without"]
        lines.append(
            f"- {result['n']:,} dossiers: bbox/text median latency "
            f"{latency['bbox']['median_ms'] / latency['text']['median_ms']:.2f}, point/text "
            f"{latency['point']['median_ms'] / latency['text']['median_ms']:.2f}; reindex throughput "
            f"{with_g['docs_per_s'] / without['docs_per_s']:.2f}; index size "
            f"{with_g['size'] / without['size']:.1f}x."
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--solr", default="http://127.0.0.1:8983/solr")
    parser.add_argument("--core", default="bench_spatial")
    args = parser.parse_args()

    subprocess.run([str(REPO / "scripts" / "solr.sh"), "create-core", args.core], check=True)
    started = dt.datetime.now().isoformat(timespec="minutes")
    results = [run_size(args.solr, args.core, n) for n in args.sizes]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(render(results, started), encoding="utf-8")
    print(RESULTS.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
