"""SITE_URL, the base of the links in emails, follows the port the service runs on."""

import os
import subprocess
from pathlib import Path

import pytest

from tests.processes import ROOT, child_env, settings_of

# Each test starts a process of its own, with the environment it checks.
pytestmark = pytest.mark.slow


def test_it_defaults_site_url_to_the_port_of_the_web_server(tmp_path):
    assert settings_of("SITE_URL", VAR_DIR=str(tmp_path))["SITE_URL"] == "http://127.0.0.1:8000"
    assert settings_of("SITE_URL", PORT="8101", VAR_DIR=str(tmp_path)) == {
        "SITE_URL": "http://127.0.0.1:8101"
    }


def test_it_prefers_a_site_url_that_is_set_over_the_port(tmp_path):
    values = settings_of(
        "SITE_URL", PORT="8101", SITE_URL="https://advisor.example.org/", VAR_DIR=str(tmp_path)
    )
    assert values["SITE_URL"] == "https://advisor.example.org"


def make_run(tmp_path: Path, **env: str) -> str:
    """``make run`` with stand-ins for the venv's python and honcho (and for uv): what honcho
    was started with, and the SITE_URL its processes (web, worker and beat) inherit."""
    venv, tools = tmp_path / "venv", tmp_path / "tools"
    (venv / "bin").mkdir(parents=True)
    tools.mkdir()
    report = tmp_path / "honcho.txt"
    stand_ins = {
        venv / "bin" / "python": "exit 0",
        venv / "bin" / "honcho": f'echo "$SITE_URL $*" > {report}',
        tools / "uv": "exit 0",
    }
    for path, body in stand_ins.items():
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)
    (venv / ".synced").touch()  # newer than pyproject.toml and uv.lock: nothing to install
    subprocess.run(
        ["make", "--no-print-directory", "run", f"VENV={venv}"],
        cwd=ROOT,
        env=child_env(PATH=f"{tools}{os.pathsep}{os.environ['PATH']}", **env),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return report.read_text().strip()


def test_it_gives_every_process_of_make_run_the_web_servers_address(tmp_path):
    assert make_run(tmp_path, PORT="8101") == "http://127.0.0.1:8101 start --port 8101"


def test_it_keeps_a_site_url_given_to_make_run(tmp_path):
    started = make_run(tmp_path, PORT="8101", SITE_URL="https://advisor.example.org")
    assert started == "https://advisor.example.org start --port 8101"
