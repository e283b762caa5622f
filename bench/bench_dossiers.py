"""Compare package_create and package_search of our dossier schema with stock CKAN.

Two portals run one after the other on this machine, each with its own
database and Solr core:

- stock: CKAN 2.12 with only the activity plugin and the default dataset
  schema; the dossier fields go into `extras`;
- ours: config/test.ini's plugins, with the ho-so-quy-hoach scheming schema,
  our validators and index fields, spatial and access plugins.

Both create COUNT generated dossiers whose field values cycle through the real
catalogue (data/plans.csv), then run QUERIES searches of text plus three
facets plus a filter. Run from the repository root:

    .venv/bin/python bench/bench_dossiers.py --count 10000 --queries 200

It (re)creates the databases ckan_bench_stock and ckan_bench_ours and the Solr
cores of the same names, and writes bench/results/dossiers.md. Each variant
runs in a child process because CKAN loads its plugins once per process.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results" / "dossiers.md"
VARIANTS = ("stock", "ours")
SEARCH_TERMS = ["quy hoạch tỉnh", "ha noi", "điện lực", "giao thông", "lào cai",
                "cần thơ", "tầm nhìn 2050", "thủy lợi", "du lịch", "đô thị"]
FACETS = ["plan_level", "plan_type", "legal_status"]
# Fields of the catalogue rows that both variants store.
ROW_FIELDS = ("plan_level", "plan_type", "sector", "region", "decision_number",
              "decision_date", "approving_authority", "period_start", "period_end",
              "vision_year")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def generated_dossier(row: dict[str, str], index: int) -> dict:
    """Return dossier number INDEX, with the values of ROW and a unique name and number."""
    number, _, code = row["decision_number"].partition("/")
    dossier = {
        "name": f"{row['id_slug'][:80]}-{index}",
        "title": f"{row['title_vi']} (bản {index})",
        "legal_status": "in_force",
        "secrecy_level": "public",
        **{key: row[key] for key in ROW_FIELDS if row[key]},
    }
    dossier["decision_number"] = f"{index + 1}/{code}"
    codes = [code for code in row["province_code_at_approval"].split(";") if code]
    if codes:
        dossier["province_codes"] = codes
    return dossier


def as_stock(dossier: dict) -> dict:
    """Move every non-core field of DOSSIER into CKAN's default `extras` list."""
    core = {key: dossier[key] for key in ("name", "title")}
    core["extras"] = [
        {"key": key, "value": json.dumps(value) if isinstance(value, list) else str(value)}
        for key, value in dossier.items()
        if key not in core
    ]
    return core


def write_ini(variant: str, folder: Path) -> Path:
    ini = folder / f"bench-{variant}.ini"
    lines = ["[app:main]", f"use = config:{REPO / 'config' / 'test.ini'}"]
    if variant == "stock":
        lines += ["ckan.plugins = activity", "ckan.search.show_all_types = dataset"]
    ini.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ini


def prepare(variant: str, ini: Path) -> dict[str, str]:
    """Create an empty database and Solr core for VARIANT; return the child's environment."""
    name = f"ckan_bench_{variant}"
    subprocess.run([str(REPO / "scripts" / "solr.sh"), "create-core", name], check=True,
                   stdout=subprocess.DEVNULL)
    password = next(
        line.split("=", 1)[1].strip()
        for line in (REPO / "var" / "secrets.ini").read_text().splitlines()
        if line.startswith("db_password")
    )
    exists = subprocess.run(
        ["su", "postgres", "-c", f"psql -tAc \"SELECT 1 FROM pg_database WHERE datname='{name}'\""],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["su", "postgres", "-c", f"createdb -O ckan_default -E UTF-8 {name}"], check=True)
    env = dict(os.environ, CKAN_INI=str(ini),
               CKAN_SQLALCHEMY_URL=f"postgresql://ckan_default:{password}@127.0.0.1:5432/{name}",
               CKAN_SOLR_URL=f"http://127.0.0.1:8983/solr/{name}")
    ckan = [str(REPO / ".venv" / "bin" / "ckan"), "-c", str(ini)]
    for command in (["db", "clean", "--yes"], ["db", "init"], ["search-index", "clear"]):
        subprocess.run(ckan + command, env=env, check=True, capture_output=True)
    return env


def run_worker(variant: str, count: int, queries: int) -> dict:
    """Create COUNT dossiers and run QUERIES searches in this process; return timings."""
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(os.environ["CKAN_INI"]))
    with app._wsgi_app.test_request_context():
        return _measure(variant, count, queries)


def _setup_owner(variant: str):
    import ckan.plugins.toolkit as tk

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    agency = {"name": "co-quan-thu-nghiem", "title": "Cơ quan thử nghiệm"}
    if variant == "ours":
        agency["agency_kind"] = "other"
    org = tk.get_action("organization_create")(dict(context), agency)
    return context, org


def _measure(variant: str, count: int, queries: int) -> dict:
    import ckan.plugins.toolkit as tk

    rows = list(csv.DictReader((REPO / "data" / "plans.csv").open(encoding="utf-8")))
    context, org = _setup_owner(variant)
    create_ms = []
    for index in range(count):
        dossier = generated_dossier(rows[index % len(rows)], index)
        if variant == "ours":
            dossier["type"] = "ho-so-quy-hoach"
        else:
            dossier = as_stock(dossier)
        dossier["owner_org"] = org["id"]
        start = time.perf_counter()
        tk.get_action("package_create")(dict(context), dossier)
        create_ms.append((time.perf_counter() - start) * 1000)

    search_ms = []
    for index in range(queries):
        params = {"q": SEARCH_TERMS[index % len(SEARCH_TERMS)], "facet.field": FACETS,
                  "fq": f'organization:"{org["name"]}"', "rows": 20}
        start = time.perf_counter()
        tk.get_action("package_search")(dict(context), params)
        search_ms.append((time.perf_counter() - start) * 1000)
    return {"create_ms": create_ms, "search_ms": search_ms}


def summarise(timings: dict[str, list[float]]) -> dict[str, float]:
    return {"median": statistics.median(timings), "p95": percentile(timings, 0.95),
            "mean": statistics.fmean(timings)}


def write_results(results: dict, args: argparse.Namespace, elapsed: float) -> None:
    lines = [
        "# Plan dossiers: our schema against stock CKAN",
        "",
        f"Measured {dt.datetime.now():%Y-%m-%d %H:%M} on {platform.node()} "
        f"({os.cpu_count()} CPUs, Python {platform.python_version()}, shared with other "
        "work while it ran), in one run of:",
        "",
        f"    .venv/bin/python bench/bench_dossiers.py --count {args.count} --queries {args.queries}",
        "",
        "Stock: CKAN 2.12 with the activity plugin only, the dossier fields as extras. "
        "Ours: config/test.ini's plugins and the ho-so-quy-hoach schema. Each variant "
        "has its own empty database and Solr core. package_create is called in process "
        "(no HTTP) as the site user; package_search runs text plus three facets "
        f"({', '.join(FACETS)}) plus an organization filter over the {args.count} dossiers.",
        "",
        "| action | stock median ms | ours median ms | ratio (median) | stock p95 ms | ours p95 ms | ratio (p95) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for action in ("create_ms", "search_ms"):
        stock, ours = results["stock"][action], results["ours"][action]
        lines.append(
            f"| {'package_create' if action == 'create_ms' else 'package_search'} "
            f"| {stock['median']:.1f} | {ours['median']:.1f} | {ours['median'] / stock['median']:.2f} "
            f"| {stock['p95']:.1f} | {ours['p95']:.1f} | {ours['p95'] / stock['p95']:.2f} |"
        )
    lines += ["", f"The whole run took {elapsed / 60:.1f} minutes. The target is a ratio of at most 1.3.", ""]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    # The hand-written analysis under "## Notes" survives a rerun.
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    notes = old[old.index("## Notes"):] if "## Notes" in old else ""
    RESULTS.write_text("\n".join(lines) + ("\n" + notes if notes else ""), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300, help="dossiers to create per variant")
    parser.add_argument("--queries", type=int, default=100, help="searches per variant")
    parser.add_argument("--worker", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_worker(args.worker, args.count, args.queries)))
        return

    started = time.perf_counter()
    results = {}
    folder = REPO / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    for variant in VARIANTS:
        env = prepare(variant, write_ini(variant, folder))
        child = subprocess.run(
            [sys.executable, __file__, "--worker", variant, "--count", str(args.count),
             "--queries", str(args.queries)],
            env=env, capture_output=True, text=True,
        )
        if child.returncode != 0:
            sys.exit(f"{variant} run failed:\n{child.stderr[-3000:]}")
        timings = json.loads(child.stdout.strip().splitlines()[-1])
        results[variant] = {action: summarise(values) for action, values in timings.items()}
        print(variant, json.dumps(results[variant]))
    write_results(results, args, time.perf_counter() - started)
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
