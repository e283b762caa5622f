"""Benchmark: harvest N dossiers from a peer CKAN portal with our CKAN harvester
(``quyhoach_ckan``) and with ckanext-harvest's stock ``ckan`` harvester.

The script starts a peer portal of ours and seeds it with N dossiers. For
each harvester it then clears the local database and creates one source for
the same peer. It runs two harvest jobs, each in a fresh Python process with
the steps of ``ckan harvester run-test``: the first harvest, then a re-harvest
with nothing changed at the peer. Inside the job process it times the gather
stage and the fetch and import stages with ``time.monotonic``, so the main
rate leaves out CKAN start-up, and the process wall time is reported beside
it. Peak RSS is the ``wait4`` rusage of the job process. After each job it
counts the job's harvest objects by report status, which shows what the
re-harvest fetched and compared. It writes bench/results/harvest.md and the
same figures as JSON beside it.

Run it from the repository root, with the services up:

    .venv/bin/python bench/bench_harvest.py --count 10000

It starts the peer on 127.0.0.1:5125 with the database and Solr core
``ckan_peer_bench``, and harvests into the database and core
``ckan_bench_harvest`` with Redis databases 10 and 11; the databases and
cores must exist (scripts/solr.sh create-core NAME) and are wiped. It runs on
127.0.0.1 only.
"""

from __future__ import annotations

import argparse
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

# The peer module reads these when it is imported. They keep the benchmark
# apart from the harvest tests, which use port 5105 and ckan_peer.
os.environ["QUYHOACH_PEER_PORT"] = "5125"
os.environ["QUYHOACH_PEER_DB"] = "ckan_peer_bench"

from tests.harvest import peer as peer_portal  # noqa: E402

PYTHON = str(REPO / ".venv" / "bin" / "python")
CKAN = str(REPO / ".venv" / "bin" / "ckan")
LOCAL_DB = "ckan_bench_harvest"
LOCAL_REDIS_DB = 10
LOCAL_HARVEST_REDIS_DB = 11
ORG = "so-xay-dung-bench"
HARVESTERS = ("quyhoach_ckan", "ckan")
JOB_MARKER = "BENCH-JOB "


def _secret(name: str) -> str:
    for line in (REPO / "var" / "secrets.ini").read_text().splitlines():
        if line.startswith(f"{name} = "):
            return line.split(" = ", 1)[1].strip()
    raise SystemExit(f"{name} not found in var/secrets.ini; run scripts/services.sh start first")


def _set_environment() -> None:
    # peer.write_ini derives the peer's URLs from these two variables.
    password = _secret("db_password")
    os.environ["CKAN_SQLALCHEMY_URL"] = f"postgresql://ckan_default:{password}@127.0.0.1:5432/{LOCAL_DB}"
    os.environ["CKAN_SOLR_URL"] = f"http://127.0.0.1:8983/solr/{LOCAL_DB}"


def _child_environment() -> dict[str, str]:
    # CKAN_* variables override every ini; each child must read its own ini.
    return {k: v for k, v in os.environ.items() if not k.startswith("CKAN_")}


LOGGING = (
    "[loggers]\nkeys = root\n[handlers]\nkeys = console\n[formatters]\nkeys = generic\n"
    "[logger_root]\nlevel = WARNING\nhandlers = console\n"
    "[handler_console]\nclass = StreamHandler\nargs = (sys.stderr,)\nlevel = NOTSET\nformatter = generic\n"
    "[formatter_generic]\nformat = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s\n"
)


def write_local_ini(directory: Path) -> Path:
    ini = directory / "local.ini"
    ini.write_text(
        "[app:main]\n"
        f"use = config:{REPO}/config/test.ini\n"
        f"sqlalchemy.url = {os.environ['CKAN_SQLALCHEMY_URL']}\n"
        f"solr_url = {os.environ['CKAN_SOLR_URL']}\n"
        f"ckan.redis.url = redis://127.0.0.1:6379/{LOCAL_REDIS_DB}\n"
        f"ckan.harvest.mq.redis_db = {LOCAL_HARVEST_REDIS_DB}\n"
        f"ckan.storage_path = {directory}/storage\n"
        "ckanext.quyhoach.harvest.allow_private_addresses = true\n"
        "ckan.plugins.debug = false\n" + LOGGING
    )
    return ini


def write_runner(directory: Path) -> Path:
    """Write a script that runs a Python file inside a CKAN app context: run_in_ckan.py INI SCRIPT."""
    # `ckan shell` is interactive, so the scripts run through this runner.
    runner = directory / "run_in_ckan.py"
    runner.write_text(
        "import sys\nfrom ckan.cli import load_config\nfrom ckan.config.middleware import make_app\n"
        "app = make_app(load_config(sys.argv[1]))\n"
        "with app._wsgi_app.test_request_context():\n    exec(open(sys.argv[2]).read())\n"
    )
    return runner


def run_script(ini: Path, name: str, text: str) -> str:
    """Run TEXT as a Python script in a CKAN app context of INI; return its standard output."""
    script = ini.parent / name
    script.write_text(text)
    result = subprocess.run(
        [PYTHON, str(ini.parent / "run_in_ckan.py"), str(ini), str(script)],
        env=_child_environment(), capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"{name} failed:\n{result.stderr[-3000:]}")
    return result.stdout


# Seeding goes through package_create in SEED_PROCESSES processes with the
# peer's config, so every dossier is validated by the peer's schema and indexed
# as usual, but each process commits Solr once at the end
# (ckan.search.solr_commit = false) instead of once per dossier. The first
# process creates the agency, and the others wait for it.
SEED_PROCESSES = 2
SEED_SCRIPT = """
import json, time
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import search
site = tk.get_action("get_site_user")({{"ignore_auth": True}}, {{}})
context = lambda: {{"user": site["name"], "ignore_auth": True}}
agency = json.loads({agency!r})
if {first}:
    tk.get_action("organization_create")(context(), agency)
while not model.Group.by_name(agency["name"]):
    time.sleep(0.5)
    model.Session.remove()
for index in range({start}, {stop}):
    name = f"ho-so-bench-{{index:05d}}"
    tk.get_action("package_create")(context(), json.loads({dossier!r}.replace("@NAME@", name)))
    if (index + 1 - {start}) % 1000 == 0:
        print(f"  seeded {{index + 1 - {start}}} of {{{stop} - {start}}} in this process", flush=True)
search.commit()
"""


def seed_peer(peer: peer_portal.Peer, directory: Path, count: int) -> float:
    """Create COUNT dossiers at the peer; return the seconds it took."""
    ini = directory / "peer-seed.ini"
    ini.write_text(f"[app:main]\nuse = config:{directory}/peer.ini\nckan.search.solr_commit = false\n" + LOGGING)
    bounds = [count * part // SEED_PROCESSES for part in range(SEED_PROCESSES + 1)]
    processes = []
    started = time.monotonic()
    for part in range(SEED_PROCESSES):
        script = directory / f"seed-{part}.py"
        script.write_text(SEED_SCRIPT.format(
            agency=json.dumps(peer_portal.agency(ORG)),
            dossier=json.dumps(peer_portal.dossier(ORG, "@NAME@"), ensure_ascii=False),
            first=part == 0, start=bounds[part], stop=bounds[part + 1],
        ))
        log = open(directory / f"seed-{part}.log", "wb")
        processes.append(subprocess.Popen(
            [PYTHON, str(directory / "run_in_ckan.py"), str(ini), str(script)],
            env=_child_environment(), stdout=log, stderr=subprocess.STDOUT,
        ))
    for part, process in enumerate(processes):
        if process.wait() != 0:
            raise SystemExit(f"seeding failed; see {directory / f'seed-{part}.log'}")
    seconds = time.monotonic() - started
    listed = peer.call("package_search", fq=f"organization:{ORG}", rows=0)["count"]
    if listed != count:
        raise SystemExit(f"the peer lists {listed} dossiers after seeding, expected {count}")
    return seconds


def _run_ckan(ini: Path, *args: str) -> None:
    result = subprocess.run([CKAN, "-c", str(ini), *args], env=_child_environment(), capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"ckan {' '.join(args)} failed:\n{result.stderr[-3000:]}")


def reset_local(ini: Path) -> None:
    for args in (("db", "clean", "--yes"), ("db", "upgrade"), ("db", "upgrade", "-p", "activity"),
                 ("db", "upgrade", "-p", "harvest"), ("search-index", "clear"), ("harvester", "purge-queues")):
        _run_ckan(ini, *args)


SETUP_SCRIPT = """
import ckan.plugins.toolkit as tk
site = tk.get_action("get_site_user")({{"ignore_auth": True}}, {{}})
context = lambda: {{"user": site["name"], "ignore_auth": True}}
tk.get_action("organization_create")(context(), {{"name": "{org}", "title": "Bench", "agency_kind": "provincial_committee", "province_code": "15"}})
tk.get_action("harvest_source_create")(context(), {{"name": "bench-source", "title": "bench", "url": "{url}",
    "source_type": "{harvester}", "owner_org": "{org}", "frequency": "MANUAL", "config": ""}})
"""


def setup_local(ini: Path, harvester: str) -> None:
    run_script(ini, "setup_local.py", SETUP_SCRIPT.format(org=ORG, url=peer_portal.URL, harvester=harvester))


COUNT_SCRIPT = """
from ckan import model
from ckan.lib import search
active = model.Session.query(model.Package).filter_by(type="ho-so-quy-hoach", state="active").count()
indexed = search.query_for(model.Package).run({"q": "*:*", "fq": "+dataset_type:ho-so-quy-hoach", "rows": 0})["count"]
print("COUNT", active, indexed)
"""


def count_local(ini: Path) -> tuple[int, int]:
    """Return (active dossiers in the database, dossiers in the search index)."""
    words = run_script(ini, "count.py", COUNT_SCRIPT).split("COUNT")[-1].split()
    return int(words[0]), int(words[1])


# The same steps as `ckan harvester run-test`: create a job, gather, then fetch
# and import every object in this process, then let harvest_jobs_run finish it.
# Each stage is timed in the process, so CKAN start-up is not counted.
JOB_SCRIPT = """
import cProfile, json, time
from sqlalchemy import func
import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob, HarvestObject
PROFILE = {profile!r}
site = tk.get_action("get_site_user")({{"ignore_auth": True}}, {{}})
source = tk.get_action("harvest_source_show")({{"ignore_auth": True, "use_cache": False}}, {{"id": "bench-source"}})
profiler = cProfile.Profile() if PROFILE else None
started = time.monotonic()
if profiler:
    profiler.enable()
job_dict = tk.get_action("harvest_job_create")({{"user": site["name"]}}, {{"source_id": source["id"], "run": False}})
job = HarvestJob.get(job_dict["id"])
job.status = "Running"
job.save()
harvester = queue.get_harvester(source["source_type"])
ids = queue.gather_stage(harvester, job)
gathered = time.monotonic()
queued = ids if isinstance(ids, list) else []
for object_id in queued:
    queue.fetch_and_import_stages(harvester, HarvestObject.get(object_id))
imported = time.monotonic()
tk.get_action("harvest_jobs_run")({{"ignore_auth": True}}, {{"source_id": source["id"]}})
finished = time.monotonic()
if profiler:
    profiler.disable()
    profiler.dump_stats(PROFILE)
rows = (
    model.Session.query(HarvestObject.report_status, HarvestObject.state, func.count())
    .filter(HarvestObject.harvest_job_id == job.id)
    .group_by(HarvestObject.report_status, HarvestObject.state)
    .all()
)
with_content = (
    model.Session.query(func.count())
    .select_from(HarvestObject)
    .filter(HarvestObject.harvest_job_id == job.id, HarvestObject.content != None)
    .scalar()
)
print({marker!r} + json.dumps({{
    "gather_seconds": gathered - started,
    "fetch_import_seconds": imported - gathered,
    "finish_seconds": finished - imported,
    "job_seconds": finished - started,
    "queued": len(queued),
    "objects_with_content": with_content,
    "objects": {{f"{{status or 'none'}}/{{state}}": count for status, state, count in rows}},
    "job_status": HarvestJob.get(job.id).status,
}}), flush=True)
"""


def run_job(ini: Path, label: str, profile: Path | None) -> dict:
    """Run one harvest job of bench-source in a fresh process; return its timings and counts."""
    script = ini.parent / f"job-{label}.py"
    script.write_text(JOB_SCRIPT.format(profile=str(profile) if profile else "", marker=JOB_MARKER))
    log_path = ini.parent / f"job-{label}.log"
    out_path = ini.parent / f"job-{label}.out"
    started = time.monotonic()
    # Output goes to files, because a pipe that is not read fills up and blocks the job.
    with open(log_path, "wb") as log, open(out_path, "wb") as out:
        process = subprocess.Popen(
            [PYTHON, str(ini.parent / "run_in_ckan.py"), str(ini), str(script)],
            env=_child_environment(), stdout=out, stderr=log,
        )
        _, status, usage = os.wait4(process.pid, 0)
    wall_seconds = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the harvest job failed; see {log_path}")
    lines = [line for line in out_path.read_text().splitlines() if line.startswith(JOB_MARKER)]
    if not lines:
        raise SystemExit(f"the harvest job printed no timings; see {out_path} and {log_path}")
    result = json.loads(lines[-1][len(JOB_MARKER):])
    result.update(wall_seconds=wall_seconds, peak_rss_mib=usage.ru_maxrss / 1024)
    return result


def bench_harvester(ini: Path, harvester: str, count: int, profile: bool) -> dict:
    reset_local(ini)
    setup_local(ini, harvester)
    first = run_job(ini, f"{harvester}-first", ini.parent / f"{harvester}-first.prof" if profile else None)
    created, indexed = count_local(ini)
    again = run_job(ini, f"{harvester}-again", ini.parent / f"{harvester}-again.prof" if profile else None)
    for run in (first, again):
        run["rate"] = count / run["job_seconds"]
        run["wall_rate"] = count / run["wall_seconds"]
    return {"harvester": harvester, "created": created, "indexed": indexed, "first": first, "again": again}


def _describe_objects(run: dict) -> str:
    parts = [f"{count} {key.replace('/', ', state ')}" for key, count in sorted(run["objects"].items())]
    return "; ".join(parts) or "none"


def write_results(path: Path, raw: dict) -> None:
    """Write the Markdown results of RAW, the record that main saves as JSON beside them."""
    count, seed_seconds, results = raw["count"], raw["seed_seconds"], raw["results"]
    ours, stock = results
    lines = [
        "# Harvest benchmark: our CKAN harvester against ckanext-harvest's stock `ckan` harvester",
        "",
        f"Run on {raw['finished_utc']} UTC by `bench/bench_harvest.py --count {count}` on "
        f"{raw['platform']}, {raw['cpu_count']} CPU cores; Python {raw['python']}. {raw['shared_note']}",
        "",
        f"The peer portal (CKAN 2.12 dev server, {peer_portal.URL}, database and Solr core "
        f"`{peer_portal.DATABASE}`) held {count} dossiers of type `ho-so-quy-hoach`, created in {seed_seconds:.0f} s "
        f"by package_create in {SEED_PROCESSES} processes with the peer's config, each with one Solr commit at the end.",
        "",
        "Each job runs in a fresh Python process with the steps of `ckan harvester run-test` (create the job, "
        "gather, fetch and import every queued object, then `harvest_jobs_run`). The job time is measured "
        "inside that process from job creation to the end of `harvest_jobs_run`, so it leaves out CKAN start-up; "
        "records/s is the dossier count divided by it. The process wall time, which includes start-up, is "
        "beside it. Peak RSS is the job process's `wait4` maximum resident set size.",
        "",
        "| Harvester | Run | Records/s (job) | Job time (s) | Gather (s) | Fetch + import (s) | Process wall time (s) "
        "| Records/s (wall) | Peak RSS (MiB) | Objects fetched and compared one by one |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        for label, run in (("first harvest", r["first"]), ("unchanged re-harvest", r["again"])):
            lines.append(
                f"| `{r['harvester']}` | {label} | {run['rate']:.1f} | {run['job_seconds']:.1f} | "
                f"{run['gather_seconds']:.1f} | {run['fetch_import_seconds']:.1f} | {run['wall_seconds']:.1f} | "
                f"{run['wall_rate']:.1f} | {run['peak_rss_mib']:.0f} | {run['queued']} |"
            )
    lines += [
        "",
        "Ratios (ours / stock): "
        f"first harvest speed {ours['first']['rate'] / stock['first']['rate']:.2f}x, "
        f"unchanged re-harvest speed {ours['again']['rate'] / stock['again']['rate']:.1f}x "
        f"({ours['again']['wall_rate'] / stock['again']['wall_rate']:.1f}x by process wall time), "
        f"peak memory first harvest {ours['first']['peak_rss_mib'] / stock['first']['peak_rss_mib']:.2f}x, "
        f"peak memory re-harvest {ours['again']['peak_rss_mib'] / stock['again']['peak_rss_mib']:.2f}x.",
        "",
        "Dossiers after the first harvest (active in the database / in the search index): "
        + ", ".join(f"`{r['harvester']}` {r['created']} / {r['indexed']}" for r in results) + ".",
        "",
        "Harvest objects of each job, by report status and state:",
        "",
    ]
    for r in results:
        for label, run in (("first harvest", r["first"]), ("re-harvest", r["again"])):
            lines.append(f"- `{r['harvester']}` {label}: {_describe_objects(run)}; "
                         f"{run['objects_with_content']} objects carry fetched content; job status {run['job_status']}.")
    lines += ["", *_reharvest_paragraph(ours, stock, count), ""]
    path.write_text("\n".join(lines))


def _reharvest_paragraph(ours: dict, stock: dict, count: int) -> list[str]:
    return [
        "What each unchanged re-harvest did: ours listed the ids, names and `metadata_modified` of all "
        f"{count} dossiers through package_search with `fl` and found every modification time unchanged. "
        "It wrote one 'not modified' harvest object per record in a bulk insert and queued "
        f"{ours['again']['queued']} objects for fetch and import. The stock harvester asked the peer for "
        "the full dicts of every dataset modified since one hour before the start of its last error-free job. "
        "The peer's dossiers had been created less than an hour before that job started, so the filter matched "
        f"them all. It downloaded {stock['again']['objects_with_content']} full dicts in the gather stage and "
        f"queued {stock['again']['queued']} objects. Its import stage then called package_show on each local "
        "dataset and compared `metadata_modified` before skipping it as unchanged. Had the previous job started "
        "more than an hour after the peer's last change, the stock re-harvest would have downloaded no dataset.",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10000, help="number of dossiers at the peer (default 10000)")
    parser.add_argument("--profile", action="store_true", help="write a cProfile file of each job to the work folder")
    parser.add_argument("--harvesters", nargs="+", default=list(HARVESTERS), choices=HARVESTERS,
                        help="harvesters to run (default: both). The results file is written only when both run.")
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "results" / "harvest.md",
                        help="Markdown file to write (default bench/results/harvest.md)")
    parser.add_argument("--render", type=Path, metavar="JSON",
                        help="only rewrite the Markdown results from the JSON record of an earlier run")
    parser.add_argument("--shared-note", default="The machine was shared with other work during the run.",
                        help="sentence on other load on the machine, written into the results")
    args = parser.parse_args()
    if args.render:
        write_results(args.results, json.loads(args.render.read_text()))
        print(f"wrote {args.results}")
        return
    directory = Path(tempfile.mkdtemp(prefix="qh-bench-"))
    _set_environment()
    write_runner(directory)
    print(f"starting the peer portal on {peer_portal.URL} (work files in {directory})", flush=True)
    peer = peer_portal.start_peer(directory)
    try:
        seed_seconds = seed_peer(peer, directory, args.count)
        print(f"seeded {args.count} dossiers in {seed_seconds:.0f} s", flush=True)
        ini = write_local_ini(directory)
        results = []
        for harvester in args.harvesters:
            print(f"harvesting with {harvester}", flush=True)
            results.append(bench_harvester(ini, harvester, args.count, args.profile))
            print(json.dumps(results[-1]), flush=True)
    finally:
        peer_portal.stop_peer(peer.process)
    if len(results) == len(HARVESTERS):
        raw = {
            "count": args.count, "seed_seconds": seed_seconds, "results": results,
            "finished_utc": f"{dt.datetime.utcnow():%Y-%m-%d %H:%M}", "platform": platform.platform(),
            "cpu_count": os.cpu_count(), "python": platform.python_version(), "shared_note": args.shared_note,
        }
        args.results.with_suffix(".json").write_text(json.dumps(raw, indent=1))
        write_results(args.results, raw)
        print(f"wrote {args.results}")


if __name__ == "__main__":
    main()
