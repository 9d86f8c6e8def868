"""kaartgen serve behind nginx, configured with the lines docs/operations.md gives: uploads at the
limit, downloads, the Host and Origin rules, the password nginx asks, and the user name it passes
on, in the page and in the audit log. Skips when nginx is not installed (.ci/run installs it)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.conftest import free_port

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
if NGINX is None:
    pytest.skip("nginx is not installed; apt-get install -y nginx (CI does)", allow_module_level=True)

ROOT = Path(__file__).resolve().parent.parent
NAME = "kaartgen.example.nl"
USER, PASSWORD = "jdevries", "geheim-wachtwoord"


def documented_lines() -> str:
    """The lines between the markers of the nginx block in docs/operations.md."""
    docs = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    block = re.search(r"# -- kaartgen: begin\n(.*?)\n\s*# -- kaartgen: end", docs, re.S)
    assert block, "docs/operations.md lost its nginx block"
    return block.group(1)


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """(nginx's address, kaartgen's address, the audit log, kaartgen's request log)."""
    work = tmp_path_factory.mktemp("proxy")
    kaartgen_port, nginx_port = free_port(), free_port()
    audit, log = work / "audit.jsonl", work / "requests.log"
    with open(log, "wb") as err:
        server = subprocess.Popen(
            [sys.executable, "-m", "kaartgen", "serve", "--port", str(kaartgen_port), "--jobs-dir", str(work / "jobs"),
             "--allowed-host", NAME, "--trusted-user-header", "X-Remote-User", "--audit-log", str(audit),
             "--log-requests"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
    (work / "htpasswd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    lines = documented_lines().replace("127.0.0.1:8000", f"127.0.0.1:{kaartgen_port}") \
                              .replace("/etc/nginx/kaartgen.htpasswd", str(work / "htpasswd"))
    temp = "\n".join(f"{kind}_temp_path {work / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (work / "nginx.conf").write_text(f"""
{"user root;" if os.getuid() == 0 else ""}
daemon off;
pid {work / "nginx.pid"};
error_log {work / "error.log"};
events {{ worker_connections 64; }}
http {{
    access_log off;
    {temp}
    server {{
        listen 127.0.0.1:{nginx_port};
        server_name {NAME};
{lines}
    }}
}}
""")
    nginx = subprocess.Popen([NGINX, "-p", str(work), "-c", str(work / "nginx.conf"), "-e", str(work / "error.log")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while True:
        try:
            ready = httpx.get(f"http://127.0.0.1:{nginx_port}/readyz", headers={"Host": NAME}, timeout=2)
            if ready.status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if nginx.poll() is not None or server.poll() is not None or time.time() > deadline:
            nginx.kill()
            server.kill()
            raise AssertionError((work / "error.log").read_text() if (work / "error.log").exists() else "no start")
        time.sleep(0.2)
    yield f"http://127.0.0.1:{nginx_port}", f"http://127.0.0.1:{kaartgen_port}", audit, log
    nginx.terminate()
    nginx.wait(timeout=30)
    server.terminate()
    server.wait(timeout=30)


def browser(address: str, **kwargs) -> httpx.Client:
    """A client as a browser on the organisation's network: the proxy's name, its password."""
    host = f"{NAME}:{address.rsplit(':', 1)[1]}"
    return httpx.Client(base_url=address, headers={"Host": host}, auth=(USER, PASSWORD), timeout=120, **kwargs)


def csrf(client: httpx.Client, path: str = "/") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).text).group(1)


def test_the_proxy_asks_for_a_password_and_passes_the_user_name_it_checked(proxied):
    address, _, audit, _ = proxied
    assert httpx.get(address + "/", headers={"Host": NAME}).status_code == 401  # nginx's, not kaartgen's
    with browser(address) as client:
        page = client.get("/", headers={"X-Remote-User": "beheerder"})  # a browser's own header is replaced
        assert page.status_code == 200
        assert f"Ingelogd als <strong>{USER}</strong>" in page.text and "beheerder" not in page.text
        pack = client.post("/pack", data={"csrf": csrf(client), "name": "Zoë de Wit", "reference": "K-88",
                                          "output": "digital"})
        assert pack.status_code == 200 and pack.content.startswith(b"%PDF")
        assert pack.headers["x-request-id"] and re.fullmatch(r"[0-9a-f]{32}", pack.headers["x-request-id"])
    line = [json.loads(line) for line in audit.read_text().splitlines() if '"K-88"' in line][-1]
    assert line["user"] == USER and line["action"] == "pack" and line["format"] == "digital"
    assert "Zoë" not in audit.read_text()


def test_a_download_through_the_proxy_is_the_same_bytes_as_from_kaartgen(proxied):
    address, direct, _, _ = proxied
    form = {"name": "Anna de Vries", "professional": "Jan Jansen", "date": "2027-01-04", "time": "10:30"}
    with browser(address) as client:
        via = client.post("/pack", data={**form, "csrf": csrf(client)})
    with httpx.Client(base_url=direct, timeout=120) as client:
        straight = client.post("/pack", data={**form, "csrf": csrf(client)})
    assert via.status_code == straight.status_code == 200 and via.content == straight.content
    assert via.headers["content-disposition"] == straight.headers["content-disposition"]


def test_an_upload_at_the_limit_reaches_kaartgen_and_one_over_it_is_refused(proxied):
    address, _, _, _ = proxied
    from kaartgen.web.app import MAX_UPLOAD

    with browser(address) as client:
        token = csrf(client, "/antwoorden")
        at_limit = client.post("/antwoorden", data={"csrf": token},
                               files={"answers": ("a.json", b" " * (MAX_UPLOAD - 2) + b"{}", "application/json")})
        assert at_limit.status_code == 422 and "<html" in at_limit.text  # kaartgen's own page about the file
        over = client.post("/antwoorden", data={"csrf": token},
                           files={"answers": ("a.json", b" " * (MAX_UPLOAD + 2 * 1024 * 1024), "application/json")})
        assert over.status_code == 413


def test_the_host_and_origin_rules_hold_through_the_proxy(proxied):
    address, _, _, _ = proxied
    with browser(address) as client:
        assert client.get("/", headers={"Host": "elders.example"}).status_code == 400
        token = csrf(client)
        other_site = client.post("/pack", data={"csrf": token}, headers={"Origin": "https://elders.example"})
        assert other_site.status_code == 403
        same_site = client.post("/pack", data={"csrf": token},
                                headers={"Origin": f"http://{NAME}:{address.rsplit(':', 1)[1]}"})
        assert same_site.status_code == 200


def test_health_answers_the_load_balancer_without_a_password(proxied):
    address, _, _, log = proxied
    assert httpx.get(address + "/healthz", headers={"Host": NAME}).json() == {"status": "ok"}
    assert httpx.get(address + "/readyz", headers={"Host": NAME}).json()["status"] == "ready"
    with browser(address) as client:
        request_id = client.get("/kaarten").headers["x-request-id"]
    time.sleep(0.5)
    records = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    mine = [r for r in records if r["request_id"] == request_id]  # nginx's $request_id, kept by kaartgen
    assert mine and mine[0]["route"] == "/kaarten" and mine[0]["user"] == USER and mine[0]["status"] == 200
