"""Compare package_search through CKAN's Action API with the same query sent to Solr.

Run against a portal started by scripts/up.sh (the demo catalogue loaded):

    .venv/bin/python bench/bench_search_overhead.py [--queries 200]

It sends each query once to warm both sides, then QUERIES timed requests to
each, alternating, and writes the median and 95th percentile latencies and
their ratio to bench/results/search_overhead.md. The Solr request carries the
parameters CKAN 2.12 builds for a plain-text anonymous query
(ckan/lib/search/query.py): dismax over the same fields, the site, state and
permission filters, and the same stored field list.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import statistics
import time
from pathlib import Path

import requests

TERMS = [
    "quy hoạch", "ha noi", "điện", "giao thông", "tỉnh", "biển", "đất",
    "vùng", "2030", "tầm nhìn", "lào cai", "cần thơ", "thủy lợi", "du lịch",
    "khoáng sản", "cảng biển", "đường sắt", "năng lượng", "rừng", "đô thị",
]
RESULTS = Path(__file__).resolve().parent / "results" / "search_overhead.md"


def solr_params(term: str, site_id: str) -> dict:
    return {
        "q": term,
        "defType": "dismax",
        "tie": "0.1",
        "mm": "2<-1 5<80%",
        "qf": "name^4 title^4 tags^2 groups^2 text",
        "fq": [f'+site_id:"{site_id}"', "+state:active", "+permission_labels:(public)"],
        "fl": "id validated_data_dict",
        "rows": 20,
        "start": 0,
        "sort": "score desc, metadata_modified desc",
        "wt": "json",
    }


def timed(session: requests.Session, url: str, params: dict) -> float:
    start = time.perf_counter()
    response = session.get(url, params=params, timeout=30)
    elapsed = time.perf_counter() - start
    response.raise_for_status()
    return elapsed * 1000


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ckan", default="http://127.0.0.1:5000")
    parser.add_argument("--solr", default="http://127.0.0.1:8983/solr/ckan")
    parser.add_argument("--site-id", default="quyhoach")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()

    session = requests.Session()
    api = f"{args.ckan}/api/3/action/package_search"
    select = f"{args.solr}/select"
    for term in TERMS:
        timed(session, api, {"q": term})
        timed(session, select, solr_params(term, args.site_id))

    ckan_ms, solr_ms = [], []
    for index in range(args.queries):
        term = TERMS[index % len(TERMS)]
        ckan_ms.append(timed(session, api, {"q": term}))
        solr_ms.append(timed(session, select, solr_params(term, args.site_id)))

    ckan_median, solr_median = statistics.median(ckan_ms), statistics.median(solr_ms)
    ckan_p95, solr_p95 = percentile(ckan_ms, 0.95), percentile(solr_ms, 0.95)
    lines = [
        "# package_search through CKAN vs the same query straight to Solr",
        "",
        f"Measured {dt.datetime.now().isoformat(timespec='seconds')} on {platform.node()}"
        f" ({platform.machine()}, 2 cores), {args.queries} queries per side, "
        f"{len(TERMS)} Vietnamese terms in turn, by `bench/bench_search_overhead.py`.",
        "",
        "| | median (ms) | 95th percentile (ms) |",
        "| --- | ---: | ---: |",
        f"| CKAN `package_search` | {ckan_median:.1f} | {ckan_p95:.1f} |",
        f"| Solr `/select` | {solr_median:.1f} | {solr_p95:.1f} |",
        f"| ratio CKAN / Solr | {ckan_median / solr_median:.1f} | {ckan_p95 / solr_p95:.1f} |",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
