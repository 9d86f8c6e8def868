"""`kaartgen serve` as a process: the port bound before anything else, a job folder owned by one
running server, and a second server that fails without harming the first."""

from __future__ import annotations

import re
import subprocess
import sys

import httpx2
import pytest

from tests.conftest import ROOT, free_port, start_server

LIST = b"id,name,street,postcode,city\nS1,Anna,Weg 1,1001 AA,Zwolle\nS2,Bram,Weg 2,1002 AA,Zwolle\n"


def upload(base: str) -> httpx2.Response:
    with httpx2.Client(base_url=base, timeout=60) as web:
        token = re.search(r'name="csrf" value="([^"]+)"', web.get("/mailing").text).group(1)
        return web.post("/mailing", data={"csrf": token, "date": "2026-11-23", "format": "office"},
                        files={"clients": ("l.csv", LIST, "text/csv")}, follow_redirects=True)


def second(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kaartgen", "serve", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)


@pytest.fixture
def first(tmp_path):
    port = free_port()
    jobs = tmp_path / "jobs"
    proc = start_server(port, jobs)
    yield port, jobs
    proc.terminate()
    proc.wait(timeout=30)


def test_a_second_server_on_a_port_in_use_fails_first_and_harms_nothing(first, tmp_path):
    port, jobs = first
    base = f"http://127.0.0.1:{port}"
    assert upload(base).status_code == 200
    before = sorted(p.name for p in jobs.iterdir())
    assert len(before) == 2  # the lock file and the job

    result = second("--port", str(port), "--jobs-dir", str(jobs))
    assert result.returncode == 2
    assert result.stderr == f"error: port {port} is in use; is kaartgen serve already running? use --port\n"
    assert "open http" not in result.stdout
    assert sorted(p.name for p in jobs.iterdir()) == before  # nothing of the first server's touched
    assert upload(base).status_code == 200  # and it goes on


def test_a_second_server_on_the_same_job_folder_is_refused(first):
    _, jobs = first
    before = sorted(p.name for p in jobs.iterdir())
    result = second("--port", str(free_port()), "--jobs-dir", str(jobs))
    assert result.returncode == 2 and "belongs to another kaartgen serve that is running" in result.stderr
    assert "open http" not in result.stdout
    assert sorted(p.name for p in jobs.iterdir()) == before


def test_a_server_takes_over_the_job_folder_of_one_that_was_killed(tmp_path):
    jobs = tmp_path / "jobs"
    proc = start_server(port := free_port(), jobs)
    assert upload(f"http://127.0.0.1:{port}").status_code == 200
    proc.kill()  # no time to clean up
    proc.wait()
    assert len(list(jobs.iterdir())) == 2
    again = start_server(port, jobs)
    try:
        assert [p.name for p in jobs.iterdir()] == [".kaartgen-serve.lock"]  # the dead server's job is gone
    finally:
        again.terminate()
        assert again.wait(timeout=30) == 143  # stopped by SIGTERM, cleanly
    assert not jobs.exists()  # a clean stop leaves nothing
