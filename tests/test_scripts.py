"""The start scripts stop with one clear message when the machine is not ready."""

import os
import socket
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.without_plugins

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = REPO / "scripts"


@pytest.fixture
def taken_port():
    """Listen on a free loopback port for the duration of one test."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def _run(command, **env):
    return subprocess.run(
        command,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_up_rejects_taken_ckan_port(taken_port, tmp_path):
    result = _run([SCRIPTS / "up.sh"], CKAN_PORT=str(taken_port), QUYHOACH_VAR=str(tmp_path))

    assert result.returncode == 1
    assert f"port {taken_port} is already used" in result.stderr
    assert "CKAN_PORT" in result.stderr


def test_solr_start_rejects_taken_port(taken_port, tmp_path):
    result = _run(
        [SCRIPTS / "solr.sh", "start"],
        SOLR_PORT=str(taken_port),
        SOLR_HOME=str(tmp_path / "solr"),
        QUYHOACH_LOG_DIR=str(tmp_path / "log"),
    )

    assert result.returncode == 1
    assert str(taken_port) in result.stderr


def test_services_reject_taken_redis_port(taken_port):
    result = _run([SCRIPTS / "services.sh", "start"], REDIS_PORT=str(taken_port))

    assert result.returncode == 1
    assert f"port {taken_port} is already used" in result.stderr


def test_solr_start_without_java_names_fix(tmp_path):
    # A PATH with every tool of /usr/bin except java, javac and mvn.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in Path("/usr/bin").iterdir():
        if tool.name not in {"java", "javac", "mvn"}:
            (bin_dir / tool.name).symlink_to(tool)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]

    result = _run(
        [SCRIPTS / "solr.sh", "start"],
        PATH=str(bin_dir),
        SOLR_PORT=str(free_port),
        SOLR_HOME=str(tmp_path / "solr"),
        QUYHOACH_LOG_DIR=str(tmp_path / "log"),
    )

    assert result.returncode == 1
    assert "java not found" in result.stderr
    assert "apt-get install openjdk-17-jdk-headless maven" in result.stderr
