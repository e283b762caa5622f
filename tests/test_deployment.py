"""docker-compose.yml agrees with config/ and the scripts.

No Docker engine runs here, so these checks read the files instead of
starting the containers.
"""

import configparser
import re
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.without_plugins

REPO = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
# Environment variables that CKAN 2.12 reads in place of ini options
# (ckan/config/environment.py, CONFIG_FROM_ENV_VARS).
CKAN_ENV_NAMES = {
    "CKAN_SQLALCHEMY_URL", "CKAN_SOLR_URL", "CKAN_REDIS_URL", "CKAN_SITE_URL",
    "CKAN_SITE_ID", "CKAN_STORAGE_PATH", "CKAN_INI",
}


def _ini(name):
    parser = configparser.RawConfigParser(strict=False)
    parser.read(REPO / "config" / name)
    return parser


def _published_ports(service):
    return [str(port) for port in SERVICES[service].get("ports", [])]


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_service_has_healthcheck(service):
    assert "test" in SERVICES[service].get("healthcheck", {})


@pytest.mark.parametrize(
    "service,port", [("ckan", 5000), ("solr", 8983), ("db", 5432), ("redis", 6379)]
)
def test_port_bound_to_loopback(service, port):
    assert _published_ports(service) == [f"127.0.0.1:{port}:{port}"]


@pytest.mark.parametrize(
    "option,port",
    [("solr_url", 8983), ("sqlalchemy.url", 5432), ("ckan.redis.url", 6379), ("ckan.site_url", 5000)],
)
def test_base_ini_uses_compose_port(option, port):
    value = _ini("base.ini").get("app:main", option)

    assert f":{port}" in value


def test_ckan_env_names_are_read_by_ckan():
    names = set(SERVICES["ckan"]["environment"]) - {"QUYHOACH_MIGRATE"}

    assert names <= CKAN_ENV_NAMES


def test_env_example_defines_every_compose_variable():
    used = set(re.findall(r"\$\{(\w+)", (REPO / "docker-compose.yml").read_text()))
    example = (REPO / ".env.example").read_text()
    defined = set(re.findall(r"^(\w+)=", example, flags=re.M))

    assert used <= defined


def test_production_ini_keeps_base_plugins():
    production = _ini("production.ini")

    assert not production.has_option("app:main", "ckan.plugins")


def test_production_ini_chains_base_ini():
    assert _ini("production.ini").get("app:main", "use") == "config:base.ini"


@pytest.mark.parametrize("service", ["ckan", "jobs-worker", "harvest-gather", "harvest-fetch"])
def test_ckan_services_share_one_image(service):
    assert SERVICES[service]["image"] == "quyhoach/ckan:latest"


def test_worker_commands_exist():
    commands = [" ".join(SERVICES[name]["command"]) for name in ("harvest-gather", "harvest-fetch")]

    assert commands == ["ckan harvester gather-consumer", "ckan harvester fetch-consumer"]
