"""Benchmark: harvest N dossiers from a peer CKAN portal with our CKAN harvester
(``quyhoach_ckan``) and with ckanext-harvest's stock ``ckan`` harvester.

For each harvester the script clears the local database and creates one
source for the same peer. It then runs two harvest jobs, each in a fresh
Python process with the steps of ``ckan harvester run-test``: the first
harvest, then a re-harvest with nothing changed at the peer. It reports records per
second for both runs and the peak RSS of each run (``wait4`` rusage of that
process), and writes bench/results/harvest.md.

Run it from the repository root, with the services up:

    .venv/bin/python bench/bench_harvest.py --count 2000

It uses the peer database and Solr core ``ckan_peer`` (port 5105) and the local
database and core ``ckan_test_harvest``; both are wiped. It runs on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.harvest import peer as peer_portal  # noqa: E402

CKAN = str(REPO / ".venv" / "bin" / "ckan")
LOCAL_DB = "ckan_test_harvest"
ORG = "so-xay-dung-bench"
HARVESTERS = ("quyhoach_ckan", "ckan")


def _secret(name: str) -> str:
    for line in (REPO / "var" / "secrets.ini").read_text().splitlines():
        if line.startswith(f"{name} = "):
            return line.split(" = ", 1)[1].strip()
    raise SystemExit(f"{name} not found in var/secrets.ini; run scripts/services.sh start first")


def _environment(directory: Path) -> None:
    password = _secret("db_password")
    os.environ["CKAN_SQLALCHEMY_URL"] = f"postgresql://ckan_default:{password}@127.0.0.1:5432/{LOCAL_DB}"
    os.environ["CKAN_SOLR_URL"] = f"http://127.0.0.1:8983/solr/{LOCAL_DB}"


def write_local_ini(directory: Path) -> Path:
    ini = directory / "local.ini"
    ini.write_text(
        "[app:main]\n"
        f"use = config:{REPO}/config/test.ini\n"
        f"sqlalchemy.url = {os.environ['CKAN_SQLALCHEMY_URL']}\n"
        f"solr_url = {os.environ['CKAN_SOLR_URL']}\n"
        "ckan.redis.url = redis://127.0.0.1:6379/8\n"
        "ckan.harvest.mq.redis_db = 9\n"
        f"ckan.storage_path = {directory}/storage\n"
        "ckanext.quyhoach.harvest.allow_private_addresses = true\n"
        "ckan.plugins.debug = false\n"
        "[loggers]\nkeys = root\n[handlers]\nkeys = console\n[formatters]\nkeys = generic\n"
        "[logger_root]\nlevel = WARNING\nhandlers = console\n"
        "[handler_console]\nclass = StreamHandler\nargs = (sys.stderr,)\nlevel = NOTSET\nformatter = generic\n"
        "[formatter_generic]\nformat = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s\n"
    )
    return ini


def seed_peer(peer: peer_portal.Peer, count: int) -> float:
    """Create COUNT dossiers at the peer; return the seconds it took."""
    peer.call("organization_create", **peer_portal.agency(ORG))
    started = time.monotonic()

    def create(index: int) -> None:
        peer.call("package_create", **peer_portal.dossier(ORG, f"ho-so-bench-{index:05d}"))

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        for number, _ in enumerate(pool.map(create, range(count)), 1):
            if number % 500 == 0:
                print(f"  seeded {number}/{count}", flush=True)
    return time.monotonic() - started


def _run(args: list[str]) -> tuple[float, int, str]:
    """Run ckan ARGS; return (seconds, peak RSS in KiB, output)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CKAN_")}
    started = time.monotonic()
    process = subprocess.Popen([CKAN, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()  # read to the end before waiting, so the pipe never fills
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"ckan {' '.join(args)} failed:\n{output[-3000:]}")
    return seconds, usage.ru_maxrss, output


def reset_local(ini: Path) -> None:
    for args in (("db", "clean", "--yes"), ("db", "upgrade"), ("db", "upgrade", "-p", "activity"),
                 ("db", "upgrade", "-p", "harvest"), ("search-index", "clear")):
        _run(["-c", str(ini), *args])
    _run(["-c", str(ini), "harvester", "purge-queues"])


def setup_local(ini: Path, harvester: str) -> None:
    script = f"""
import ckan.plugins.toolkit as tk
site = tk.get_action("get_site_user")({{"ignore_auth": True}}, {{}})
ctx = lambda: {{"user": site["name"], "ignore_auth": True}}
tk.get_action("organization_create")(ctx(), {{"name": "{ORG}", "title": "Bench", "agency_kind": "provincial_committee", "province_code": "15"}})
tk.get_action("harvest_source_create")(ctx(), {{"name": "bench-source", "title": "bench", "url": "{peer_portal.URL}",
    "source_type": "{harvester}", "owner_org": "{ORG}", "frequency": "MANUAL", "config": ""}})
"""
    path = ini.parent / "setup_local.py"
    path.write_text(script)
    # `ckan shell` is interactive; run the script through the CLI's Python with the app context.
    runner = ini.parent / "run_in_ckan.py"
    runner.write_text(
        "import sys\nfrom ckan.cli import load_config\nfrom ckan.config.middleware import make_app\n"
        "app = make_app(load_config(sys.argv[1]))\n"
        "with app._wsgi_app.test_request_context():\n    exec(open(sys.argv[2]).read())\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CKAN_")}
    subprocess.run([str(REPO / ".venv" / "bin" / "python"), str(runner), str(ini), str(path)], env=env, check=True,
                   capture_output=True)


def count_local(ini: Path) -> int:
    path = ini.parent / "count.py"
    path.write_text(
        "from ckan import model\n"
        "print('COUNT', model.Session.query(model.Package).filter_by(type='ho-so-quy-hoach', state='active').count())\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CKAN_")}
    result = subprocess.run([str(REPO / ".venv" / "bin" / "python"), str(ini.parent / "run_in_ckan.py"), str(ini), str(path)],
                            env=env, check=True, capture_output=True, text=True)
    return int(result.stdout.split("COUNT")[-1].strip())


# The same steps as `ckan harvester run-test`: create a job, gather, then fetch
# and import every object in this process, then let harvest_jobs_run finish it.
JOB_SCRIPT = """
import ckan.plugins.toolkit as tk
from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob, HarvestObject
site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
source = tk.get_action("harvest_source_show")({"ignore_auth": True, "use_cache": False}, {"id": "bench-source"})
job_dict = tk.get_action("harvest_job_create")({"user": site["name"]}, {"source_id": source["id"], "run": False})
job = HarvestJob.get(job_dict["id"])
job.status = "Running"
job.save()
harvester = queue.get_harvester(source["source_type"])
ids = queue.gather_stage(harvester, job)
for object_id in ids if isinstance(ids, list) else []:
    queue.fetch_and_import_stages(harvester, HarvestObject.get(object_id))
tk.get_action("harvest_jobs_run")({"ignore_auth": True}, {"source_id": source["id"]})
"""


def run_job(ini: Path) -> tuple[float, int]:
    """Run one harvest job of bench-source; return (seconds, peak RSS in KiB)."""
    script = ini.parent / "job.py"
    script.write_text(JOB_SCRIPT)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CKAN_")}
    log_path = ini.parent / "job.log"
    started = time.monotonic()
    # The log goes to a file: a pipe nobody reads fills up and blocks the job.
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [str(REPO / ".venv" / "bin" / "python"), str(ini.parent / "run_in_ckan.py"), str(ini), str(script)],
            env=env, stdout=subprocess.DEVNULL, stderr=log,
        )
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the harvest job failed; see {log_path}")
    return seconds, usage.ru_maxrss


def bench_harvester(ini: Path, harvester: str, count: int) -> dict:
    reset_local(ini)
    setup_local(ini, harvester)
    first_seconds, first_rss = run_job(ini)
    created = count_local(ini)
    again_seconds, again_rss = run_job(ini)
    return {
        "harvester": harvester,
        "created": created,
        "first_seconds": first_seconds,
        "first_rate": count / first_seconds,
        "first_peak_rss_mib": first_rss / 1024,
        "again_seconds": again_seconds,
        "again_rate": count / again_seconds,
        "again_peak_rss_mib": again_rss / 1024,
    }


def write_results(count: int, seed_seconds: float, results: list[dict]) -> Path:
    ours, stock = results
    lines = [
        "# Harvest benchmark: our CKAN harvester against ckanext-harvest's stock `ckan` harvester",
        "",
        f"Run on {dt.datetime.utcnow():%Y-%m-%d %H:%M} UTC by `bench/bench_harvest.py --count {count}` on "
        f"{platform.platform()}, {os.cpu_count()} CPU cores shared with other work; Python {platform.python_version()}.",
        f"The peer portal (CKAN 2.12 dev server, 127.0.0.1:5105) held {count} dossiers of type `ho-so-quy-hoach`, "
        f"seeded in {seed_seconds:.0f} s. Each figure is one harvest job run in a fresh Python process with the steps "
        "of `ckan harvester run-test`; CKAN start-up (a few seconds) is included, so the rates are lower bounds "
        "for a long-running worker.",
        "",
        "| Harvester | Dossiers created | First harvest (records/s) | First harvest time (s) | Peak RSS first (MiB) "
        "| Unchanged re-harvest (records/s) | Re-harvest time (s) | Peak RSS re-harvest (MiB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| `{r['harvester']}` | {r['created']} | {r['first_rate']:.1f} | {r['first_seconds']:.1f} | "
            f"{r['first_peak_rss_mib']:.0f} | {r['again_rate']:.1f} | {r['again_seconds']:.1f} | {r['again_peak_rss_mib']:.0f} |"
        )
    lines += [
        "",
        f"Ratios (ours / stock): first harvest speed {ours['first_rate'] / stock['first_rate']:.2f}x, "
        f"unchanged re-harvest speed {ours['again_rate'] / stock['again_rate']:.1f}x, "
        f"peak memory first harvest {ours['first_peak_rss_mib'] / stock['first_peak_rss_mib']:.2f}x.",
        "",
        "How each re-harvest works: ours lists ids and `metadata_modified` only (package_search `fl`), and records "
        "whose time is unchanged get a 'not modified' harvest object in one bulk insert, without being fetched or "
        "queued. The stock harvester asks for datasets modified since one hour before its last error-free job, so "
        "right after a first harvest it fetches every dataset again and calls package_show on each one before "
        "skipping it as unchanged.",
        "",
    ]
    path = REPO / "bench" / "results" / "harvest.md"
    path.write_text("\n".join(lines))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10000, help="number of dossiers at the peer (default 10000)")
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="qh-bench-"))
    _environment(directory)
    print(f"starting the peer portal (work files in {directory})", flush=True)
    peer = peer_portal.start_peer(directory)
    try:
        seed_seconds = seed_peer(peer, args.count)
        print(f"seeded {args.count} dossiers in {seed_seconds:.0f} s", flush=True)
        ini = write_local_ini(directory)
        results = []
        for harvester in HARVESTERS:
            print(f"harvesting with {harvester}", flush=True)
            results.append(bench_harvester(ini, harvester, args.count))
            print(json.dumps(results[-1]), flush=True)
    finally:
        peer_portal.stop_peer(peer.process)
    print(f"wrote {write_results(args.count, seed_seconds, results)}")


if __name__ == "__main__":
    main()
