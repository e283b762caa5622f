"""Benchmark Solr geometry search for plan dossiers; writes bench/results/spatial.md.

Generates dossiers with realistic polygons: province-sized to ward-sized, 10
to 5,000 vertices, centres inside Vietnam's bounding box. Indexes them straight
into a Solr core of its own, as documents shaped like CKAN's, with the geometry
prepared by ckanext.quyhoach.spatial.index. Measures:

* latency of a bbox query, a point query and the same text query without
  geometry (median and 95th percentile, client-side, over HTTP on 127.0.0.1);
* full reindex throughput with and without geometries;
* index size with and without geometries.

Documents are generated and prepared in worker processes (--workers, default
2) while the main process posts the previous batches to Solr, so the reindex
wall time can be less than the sum of the preparation and Solr times.

Usage (Solr running; the core is created if missing and emptied first):

    .venv/bin/python bench/bench_spatial.py --sizes 10000
    .venv/bin/python bench/bench_spatial.py --sizes 10000 100000
    .venv/bin/python bench/bench_spatial.py --sizes 10000 --note "harvest bench ran at the same time"

Nothing here is part of the test run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import multiprocessing
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections import deque
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


def make_batch(task: tuple[int, int, int, int, bool]) -> tuple[list[dict], list[int], float]:
    """Build one batch of documents in a worker: (docs, vertex counts, CPU seconds).

    Each batch has its own random generator, seeded from the run seed and the
    batch number, so the documents do not depend on the number of workers.
    """
    seed, batch_number, first, count, with_geometry = task
    started = time.process_time()
    rng = random.Random(f"{seed}:{batch_number}")
    docs, vertices = [], []
    for i in range(first, first + count):
        doc, vertex_count = make_doc(i, rng, with_geometry)
        docs.append(doc)
        vertices.append(vertex_count)
    return docs, vertices, time.process_time() - started


def solr_post(core_url: str, path: str, body) -> None:
    response = requests.post(f"{core_url}/{path}", json=body, timeout=600)
    response.raise_for_status()


def index_size(solr_url: str, core: str) -> int:
    response = requests.get(
        f"{solr_url}/admin/cores", params={"action": "STATUS", "core": core, "wt": "json"}, timeout=60
    )
    return response.json()["status"][core]["index"]["sizeInBytes"]


def reindex(core_url: str, n: int, with_geometry: bool, seed: int, pool, workers: int) -> dict:
    """Empty the core, index N generated dossiers and return the timings.

    At most two batches per worker are in flight, which bounds the memory
    held by prepared documents that Solr has not taken yet.
    """
    tasks = [
        (seed, number, first, min(BATCH, n - first), with_geometry)
        for number, first in enumerate(range(0, n, BATCH))
    ]
    max_in_flight = 2 * workers
    wall_started = time.perf_counter()
    solr_post(core_url, "update?commit=true", {"delete": {"query": "*:*"}})
    prepare_cpu_seconds = post_seconds = 0.0
    vertices: list[int] = []
    pending: deque = deque()
    next_task = 0
    while next_task < len(tasks) or pending:
        while next_task < len(tasks) and len(pending) < max_in_flight:
            pending.append(pool.apply_async(make_batch, (tasks[next_task],)))
            next_task += 1
        docs, counts, cpu_seconds = pending.popleft().get()
        prepare_cpu_seconds += cpu_seconds
        vertices.extend(counts)
        started = time.perf_counter()
        solr_post(core_url, "update", docs)
        post_seconds += time.perf_counter() - started
    started = time.perf_counter()
    solr_post(core_url, "update?commit=true", {"commit": {}})
    post_seconds += time.perf_counter() - started
    wall_seconds = time.perf_counter() - wall_started
    return {
        "prepare_cpu_s": prepare_cpu_seconds,
        "solr_s": post_seconds,
        "wall_s": wall_seconds,
        "docs_per_s": n / wall_seconds,
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
        "max_hits": max(hits),
        "share_with_hits": sum(1 for count in hits if count) / len(hits),
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


def field_type(core_url: str) -> dict:
    """Return the definition of spatial_geom's field type, read from the core's schema."""
    response = requests.get(f"{core_url}/schema/fields/spatial_geom", timeout=60)
    response.raise_for_status()
    type_name = response.json()["field"]["type"]
    response = requests.get(f"{core_url}/schema/fieldtypes/{type_name}", timeout=60)
    response.raise_for_status()
    return response.json()["fieldType"]


def run_size(solr_url: str, core: str, n: int, pool, workers: int) -> dict:
    core_url = f"{solr_url}/{core}"
    print(f"{n}: indexing without geometry", flush=True)
    without = reindex(core_url, n, False, seed=n, pool=pool, workers=workers)
    without["size"] = index_size(solr_url, core)
    print(f"{n}: indexing with geometry", flush=True)
    with_geometry = reindex(core_url, n, True, seed=n, pool=pool, workers=workers)
    with_geometry["size"] = index_size(solr_url, core)
    print(f"{n}: querying", flush=True)
    # Warm the JIT and the per-segment caches with other queries than the timed
    # ones, so that Solr's filter cache serves no timed query.
    for params in query_sets(seed=8).values():
        timed_queries(core_url, params[:20])
    sets = query_sets(seed=7)
    latency = {name: timed_queries(core_url, params) for name, params in sets.items()}
    return {"n": n, "without": without, "with": with_geometry, "latency": latency}


def solr_heap_mb(solr_url: str) -> float:
    response = requests.get(f"{solr_url}/admin/info/system", params={"wt": "json"}, timeout=60)
    response.raise_for_status()
    return response.json()["jvm"]["memory"]["raw"]["max"] / 2**20


def describe_field_type(definition: dict) -> str:
    attributes = ", ".join(
        f"{key}={value}" for key, value in sorted(definition.items()) if key not in ("name", "class")
    )
    return f"`{definition['class']}` ({attributes})"


def render(results: list[dict], context: dict) -> str:
    lines = [
        "# Spatial search benchmark",
        "",
        f"Run {context['started']} by `bench/bench_spatial.py` on {platform.machine()}, "
        f"{os.cpu_count()} cores shared with other work, Solr 9.10.1 (launcher in config/solr, "
        f"{context['heap_mb']:.0f} MB heap) at {context['solr']}, core `{context['core']}`. "
        f"{context['workers']} worker processes generate and prepare the documents.",
    ]
    if context["note"]:
        lines += ["", f"Note: {context['note']}"]
    lines += [
        "",
        f"`spatial_geom` field type: {describe_field_type(context['field_type'])}.",
        "",
        "Documents have CKAN's index fields; `spatial_geom` holds the geometry prepared by "
        f"`ckanext.quyhoach.spatial.index` (simplified to at most {INDEX_MAX_VERTICES} vertices). "
        "Polygons are star-shaped, 10 to 5,000 vertices (log-uniform), radius 0.01 to 0.8 degree "
        "(ward to province), centres in Vietnam's bounding box. Queries: the same text query "
        "(`q=<word>`), plus a 0.5 x 0.5 degree bbox Intersects filter, or a point Intersects "
        f"filter; {QUERIES} queries of each kind, latency measured by the client over HTTP. "
        "Hits are numFound of each query: the text query matches about 3 in 8 dossiers, and "
        "the spatial filters narrow that down.",
        "",
        "| dossiers | query | median ms | p95 ms | median hits | max hits | queries with hits |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        for name in ("text", "bbox", "point"):
            row = result["latency"][name]
            lines.append(
                f"| {result['n']:,} | {name} | {row['median_ms']:.1f} | {row['p95_ms']:.1f} "
                f"| {row['median_hits']:.0f} | {row['max_hits']} | {row['share_with_hits']:.0%} |"
            )
    lines += [
        "",
        "Reindex: prepare CPU s is the CPU time of generating and preparing the documents, "
        "summed over the workers; Solr s is the time spent in update requests; docs/s is "
        "dossiers over the wall time of the whole reindex.",
        "",
        "| dossiers | geometry | prepare CPU s | Solr s | wall s | docs/s | docs/s (Solr only) | index MB |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        for label in ("without", "with"):
            row = result[label]
            lines.append(
                f"| {result['n']:,} | {label} | {row['prepare_cpu_s']:.1f} | {row['solr_s']:.1f} "
                f"| {row['wall_s']:.1f} | {row['docs_per_s']:.0f} | {row['solr_docs_per_s']:.0f} "
                f"| {row['size'] / 1e6:.1f} |"
            )
    lines += ["", "Ratios (with geometry / without, or geometry query / text query):", ""]
    for result in results:
        latency, with_g, without = result["latency"], result["with"], result["without"]
        lines.append(
            f"- {result['n']:,} dossiers: bbox/text median latency "
            f"{latency['bbox']['median_ms'] / latency['text']['median_ms']:.2f}, p95 "
            f"{latency['bbox']['p95_ms'] / latency['text']['p95_ms']:.2f}; point/text median "
            f"{latency['point']['median_ms'] / latency['text']['median_ms']:.2f}, p95 "
            f"{latency['point']['p95_ms'] / latency['text']['p95_ms']:.2f}; reindex throughput "
            f"{with_g['docs_per_s'] / without['docs_per_s']:.2f} (Solr only "
            f"{with_g['solr_docs_per_s'] / without['solr_docs_per_s']:.2f}); index size "
            f"{with_g['size'] / without['size']:.1f}x."
        )
    missing = [n for n in context["sizes"] if n not in {result["n"] for result in results}]
    if missing:
        lines += ["", f"Not finished: {', '.join(f'{n:,}' for n in missing)} dossiers."]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000], help="numbers of dossiers, one run each")
    parser.add_argument(
        "--solr",
        default="http://127.0.0.1:8983/solr",
        help="Solr base URL; for a server other than the default, also set SOLR_HOME and "
        "SOLR_PORT as for scripts/solr.sh, which creates the core",
    )
    parser.add_argument("--core", default="bench_spatial", help="Solr core to create and fill")
    parser.add_argument("--workers", type=int, default=2, help="processes that generate and prepare documents")
    parser.add_argument("--note", default="", help="sentence added to the result page, e.g. what else ran")
    args = parser.parse_args()
    if args.workers < 1:
        parser.error(f"--workers must be 1 or more, got {args.workers}")

    subprocess.run([str(REPO / "scripts" / "solr.sh"), "create-core", args.core], check=True)
    context = {
        "started": dt.datetime.now().isoformat(timespec="minutes"),
        "solr": args.solr,
        "core": args.core,
        "heap_mb": solr_heap_mb(args.solr),
        "field_type": field_type(f"{args.solr}/{args.core}"),
        "workers": args.workers,
        "note": args.note,
        "sizes": args.sizes,
    }
    results: list[dict] = []
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with multiprocessing.Pool(args.workers) as pool:
        for n in args.sizes:
            results.append(run_size(args.solr, args.core, n, pool, args.workers))
            # Written after each size, so an interrupted run keeps what it measured.
            RESULTS.write_text(render(results, context), encoding="utf-8")
    print(RESULTS.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
