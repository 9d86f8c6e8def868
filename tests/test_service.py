"""kaartgen serve as an organisation's service: health and readiness for a load balancer, the user
name from the organisation's proxy (only from the proxy), the audit log, settings from
kaartgen.yaml, the accessibility statement and the page about the application."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kaartgen.engine import DEFAULT_CONTENT, DEFAULT_TEMPLATES, AuditLog, Library, serve_settings
from kaartgen.web.app import ServiceSettings, create_app
from tests.conftest import run

BASE = "http://127.0.0.1:8000"
PROXY = ("127.0.0.1", 50123)  # a request as the proxy on this machine makes it
ELSEWHERE = ("10.9.8.7", 50123)  # one straight from another machine


@pytest.fixture(scope="module")
def library() -> Library:
    return Library(DEFAULT_CONTENT, DEFAULT_TEMPLATES)


def app(library, tmp_path, **kwargs):
    return create_app(library, jobs_root=tmp_path / "jobs", workers=1, **kwargs)


def ready(client: TestClient, seconds: float = 60) -> dict:
    deadline = time.time() + seconds
    while time.time() < deadline:
        answer = client.get("/readyz")
        if answer.status_code == 200:
            return answer.json()
        time.sleep(0.1)
    raise AssertionError(answer.text)


def test_readyz_says_no_until_the_content_is_loaded_and_healthz_answers_any_host_without_the_token(
        library, tmp_path):
    made = app(library, tmp_path, token="t" * 20)
    plain = TestClient(made, base_url="http://10.0.0.5:8000")  # no lifespan: nothing loaded yet
    answer = plain.get("/readyz")
    assert answer.status_code == 503 and answer.json()["checks"]["content"] is False
    assert plain.get("/healthz").json() == {"status": "ok"}  # alive, on an address it names nowhere
    assert plain.get("/").status_code == 400  # the pages themselves keep their Host rule
    with TestClient(made, base_url="http://10.0.0.5:8000") as client:
        assert ready(client) == {"status": "ready", "checks": {"content": True, "workers": True, "jobs_folder": True}}
        made.state.web.pool.close()
        stopped = client.get("/readyz")
        assert stopped.status_code == 503 and stopped.json()["checks"]["workers"] is False


def test_the_proxy_s_user_name_is_shown_and_audited_only_from_the_proxy(library, tmp_path):
    audit = tmp_path / "audit.jsonl"
    made = app(library, tmp_path, audit=AuditLog(audit, library.content_version),
               service=ServiceSettings(trusted_user_header="X-Remote-User"))
    with TestClient(made, base_url=BASE, client=PROXY) as proxy, \
            TestClient(made, base_url=BASE, client=ELSEWHERE) as direct:
        page = proxy.get("/", headers={"X-Remote-User": "jdevries"})
        assert "Ingelogd als <strong>jdevries</strong>" in page.text
        forged = direct.get("/", headers={"X-Remote-User": "jdevries"})
        assert "Ingelogd als" not in forged.text  # anyone can send the header: only the proxy is believed
        markup = proxy.get("/", headers={"X-Remote-User": "<b>x</b>"})
        assert "Ingelogd als" not in markup.text
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        pack = proxy.post("/pack", data={"csrf": token, "name": "Zoë de Wit", "reference": "K-7", "output": "digital"},
                          headers={"X-Remote-User": "jdevries"})
        assert pack.status_code == 200
        direct_token = re.search(r'name="csrf" value="([^"]+)"', forged.text).group(1)
        assert direct.post("/pack", data={"csrf": direct_token}, headers={"X-Remote-User": "jdevries"}).status_code == 200
    lines = [json.loads(line) for line in audit.read_text().splitlines()]
    import hashlib

    assert lines[0] == {"action": "pack", "user": "jdevries", "set": "nl/standaard", "format": "digital",
                        "reference": "K-7", "sha256": hashlib.sha256(pack.content).hexdigest(),
                        "texts": library.content_version, "time": lines[0]["time"]}
    assert lines[1]["user"] == "local" and "reference" not in lines[1]
    assert "Zoë" not in audit.read_text() and "Wit" not in audit.read_text()


def test_an_audit_line_never_holds_a_value_outside_its_field_s_kind(tmp_path):
    log = AuditLog(tmp_path / "a.jsonl", "f" * 64, clock=lambda: datetime(2027, 1, 4, 9, 30, tzinfo=UTC))
    line = log.record("pack", "Jan Jansen", set_name="nl/standaard", fmt="office", reference="Zoë de Wit",
                      job="a b", counts={"packs": 3, "Zoë": 1}, sha256="not a hash")
    assert line == {"time": "2027-01-04T09:30:00Z", "action": "pack", "user": "local", "set": "nl/standaard",
                    "format": "office", "counts": {"packs": 3}, "texts": "f" * 64}
    assert json.loads((tmp_path / "a.jsonl").read_text()) == line
    assert oct((tmp_path / "a.jsonl").stat().st_mode & 0o777) == "0o600"


def test_serve_takes_every_setting_from_kaartgen_yaml_and_names_a_wrong_key(tmp_path):
    config = tmp_path / "kaartgen.yaml"
    config.write_text("serve:\n  port: 8123\n  allowed_hosts: [kaartgen.example.nl]\n  audit_log: logs/audit.jsonl\n"
                      "  trusted_user_header: X-Remote-User\n  trusted_proxies: [10.0.0.0/24]\n"
                      "  log_requests: true\n  keep_hours: 2.5\n", encoding="utf-8")
    assert serve_settings(config) == {"port": 8123, "allowed_hosts": ("kaartgen.example.nl",),
                                      "audit_log": tmp_path / "logs" / "audit.jsonl",
                                      "trusted_user_header": "X-Remote-User", "trusted_proxies": ("10.0.0.0/24",),
                                      "log_requests": True, "keep_hours": 2.5}
    config.write_text("serve:\n  port: 8123\n  audit: audit.jsonl\n", encoding="utf-8")
    result = run("--config", str(config), "serve")
    assert result.exit_code == 2
    assert f"{config}:3: unknown key 'audit'; kaartgen.yaml names host, port, " in result.stderr
    config.write_text("serve:\n  log_requests: sometimes\n", encoding="utf-8")
    assert f"{config}:2: must be true or false" in run("--config", str(config), "serve").stderr
    config.write_text("serve:\n  trusted_proxies: [proxy.example.nl]\n", encoding="utf-8")
    wrong = run("--config", str(config), "serve")
    assert wrong.exit_code == 2 and "--trusted-proxy: must be an IP address or network" in wrong.stderr


def test_the_accessibility_statement_is_the_operator_s_and_a_wrong_one_names_its_line(library, tmp_path):
    statement = tmp_path / "verklaring.yaml"
    text = (DEFAULT_TEMPLATES / "web" / "accessibility.yaml").read_text(encoding="utf-8")
    statement.write_text(text.replace("De organisatie die kaartgen aanbiedt", "Gemeente Voorbeeld")
                         .replace('email: ""', "email: digitoegankelijk@voorbeeld.nl"), encoding="utf-8")
    with TestClient(app(library, tmp_path, accessibility=statement, token="t" * 20), base_url=BASE) as client:
        page = client.get("/toegankelijkheid")  # public: without the token
        assert page.status_code == 200
        headings = re.findall(r"<h[12]>([^<]+)</h[12]>", page.text)
        assert headings == ["Toegankelijkheidsverklaring", "Nalevingsstatus", "Toelichting op de nalevingsstatus",
                            "Aanvullende maatregelen", "Opstellen van deze verklaring", "Feedback en contactgegevens",
                            "Handhavingsprocedure"]
        assert "Gemeente Voorbeeld wil dat iedereen" in page.text and "voldoet gedeeltelijk" in page.text
        assert 'href="mailto:digitoegankelijk@voorbeeld.nl"' in page.text
        assert client.get("/over").status_code == 401  # the rest stays behind the token
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines, 1) if line.startswith("status:"))
    statement.write_text(text.replace("status: B ", "status: F "), encoding="utf-8")
    result = run("serve", "--port", "0", "--accessibility", str(statement))
    assert result.exit_code == 2
    assert f"{statement}:{at}: the compliance status must be one of the letters A, B, C, D and E" in result.stderr


def test_about_names_the_version_the_texts_and_the_licence_and_every_page_links_both(library, tmp_path):
    with TestClient(app(library, tmp_path), base_url=BASE) as client:
        about = client.get("/over").text
        for path in ("/", "/mailing", "/antwoorden", "/kaarten", "/evaluatie", "/over"):
            page = client.get(path).text
            assert '<a href="/toegankelijkheid"' in page and '<a href="/over"' in page, path
    from kaartgen import __version__

    assert f"kaartgen {__version__}" in about and library.content_version in about
    assert "EUPL-1.2" in about and "nl/eenvoudig" in about
    assert re.fullmatch(r"[0-9a-f]{64}", library.content_version)


def test_the_content_version_changes_with_any_text(tmp_path):
    import shutil

    copy = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT, copy)
    before = Library(copy, DEFAULT_TEMPLATES).content_version
    path = copy / "nl" / "standaard" / "letter.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Beste", "Geachte", 1), encoding="utf-8")
    assert Library(copy, DEFAULT_TEMPLATES).content_version != before
    assert Library(Path(DEFAULT_CONTENT), DEFAULT_TEMPLATES).content_version == before
