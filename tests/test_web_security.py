"""kaartgen serve attacked from a web page or a script: Host and Origin rules, signed CSRF cookies,
access codes, failed-login limits, slow bodies, capped mailings, and GETs that change nothing."""

from __future__ import annotations

import asyncio
import re

import pytest
from starlette.exceptions import HTTPException
from starlette.testclient import TestClient

import kaartgen.web.jobs
import kaartgen.web.security
from kaartgen.engine.edition import Library
from kaartgen.web.app import create_app
from kaartgen.web.security import Signer, bounded
from tests.conftest import run

BASE = "http://127.0.0.1:8000"
TOKEN = "a-long-enough-access-code"
LIST = b"id,name,street,postcode,city\nS1,Anna,Weg 1,1001 AA,Zwolle\n"


@pytest.fixture(scope="module")
def library() -> Library:
    return Library()


@pytest.fixture
def app(library, tmp_path):
    return create_app(library, jobs_root=tmp_path / "jobs", workers=1, hosts=("kaartgen.example.nl",))


def csrf(client: TestClient, path: str = "/") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).text).group(1)


def test_only_the_host_names_it_was_started_for_are_answered(app):
    with TestClient(app, base_url=BASE) as c:
        assert c.get("/").status_code == 200
        for name in ("localhost:8000", "[::1]:8000", "kaartgen.example.nl", "KAARTGEN.example.nl:443"):
            assert c.get("/", headers={"host": name}).status_code == 200, name
        for name in ("evil.example:8000", "127.0.0.1.evil.example", "", "kaartgen.example.nl.evil.example"):
            page = c.get("/", headers={"host": name})
            assert page.status_code == 400 and "Zoë" not in page.text, name  # a rebound name drives nothing


def test_a_post_from_another_site_is_refused(app):
    with TestClient(app, base_url=BASE) as c:
        token = csrf(c)
        form = {"csrf": token, "name": "Anna"}
        assert c.post("/preview", data=form, headers={"origin": "http://evil.example"}).status_code == 403
        assert c.post("/preview", data=form, headers={"origin": "null"}).status_code == 403
        assert c.post("/preview", data=form, headers={"origin": "http://127.0.0.1:8000"}).status_code == 200
        assert c.post("/preview", data=form).status_code == 200  # no Origin (a script): the token decides


def test_the_csrf_cookie_must_be_one_the_server_signed(app):
    with TestClient(app, base_url=BASE) as c:
        c.cookies.set("kaartgen_csrf", "x" * 40)
        page = c.get("/")
        issued = page.cookies.get("kaartgen_csrf")
        assert issued and issued != "x" * 40  # a made-up cookie is replaced
        c.cookies.clear()
        c.cookies.set("kaartgen_csrf", "y" * 40)
        assert c.post("/preview", data={"csrf": "y" * 40, "name": "Anna"}).status_code == 403
        other = Signer().issue()  # signed, but with another server's key
        c.cookies.set("kaartgen_csrf", other)
        assert c.post("/preview", data={"csrf": other, "name": "Anna"}).status_code == 403


def test_a_short_access_code_is_refused(library, tmp_path):
    result = run("serve", "--token", "a", "--port", "0", "--jobs-dir", str(tmp_path / "j"))
    assert result.exit_code == 2 and "at least 16 characters" in result.stderr
    with pytest.raises(Exception, match="at least 16 characters"):
        create_app(library, token="short", jobs_root=tmp_path / "jobs")


def test_a_forged_session_cookie_or_wrong_bearer_is_401(library, tmp_path):
    app = create_app(library, token=TOKEN, jobs_root=tmp_path / "jobs", workers=1)
    with TestClient(app, base_url=BASE) as c:
        c.cookies.set("kaartgen_token", "not-the-access-code-at-all")
        assert c.get("/").status_code == 401
        assert c.get("/mailing").status_code == 401
        c.cookies.clear()
        assert c.get("/", headers={"authorization": "Bearer " + TOKEN[:-1]}).status_code == 401
        assert c.get("/", headers={"authorization": "Bearer " + TOKEN}).status_code == 200
        c.cookies.set("kaartgen_token", TOKEN)
        assert c.get("/").status_code == 200


def test_ten_failed_logins_a_minute_then_429_with_retry_after(library, tmp_path):
    app = create_app(library, token=TOKEN, jobs_root=tmp_path / "jobs", workers=1)
    with TestClient(app, base_url=BASE) as c:
        token = csrf(c, "/login")
        for _ in range(10):
            assert c.post("/login", data={"csrf": token, "token": "wrong"}).status_code == 401
        refused = c.post("/login", data={"csrf": token, "token": TOKEN})  # even the right one, for now
        assert refused.status_code == 429 and 1 <= int(refused.headers["retry-after"]) <= 61
        assert c.get("/", headers={"authorization": "Bearer wrong"}).status_code == 429


def test_wrong_bearer_tokens_count_as_failed_logins(library, tmp_path):
    app = create_app(library, token=TOKEN, jobs_root=tmp_path / "jobs", workers=1)
    with TestClient(app, base_url=BASE) as c:
        for _ in range(10):
            assert c.get("/", headers={"authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/", headers={"authorization": "Bearer wrong"}).status_code == 429


def test_a_body_that_trickles_in_is_cut(monkeypatch):
    monkeypatch.setattr(kaartgen.web.security, "BODY_PAUSE", 0.2)
    chunks = [{"type": "http.request", "body": b"a", "more_body": True}]

    async def slow():
        if chunks:
            return chunks.pop()
        await asyncio.sleep(5)  # the next byte never comes in time

    async def main():
        receive = bounded(slow)
        await receive()
        with pytest.raises(HTTPException) as cut:
            await receive()
        return cut.value.status_code

    assert asyncio.run(main()) == 408


def test_a_get_never_changes_state(app):
    with TestClient(app, base_url=BASE) as c:
        assert c.get("/taal/en").status_code == 405
        assert 'lang="nl"' in c.get("/").text


@pytest.mark.parametrize("cap, value, message", [
    ("MAX_JOBS", 0, "mailings op de server"),
    ("MAX_BUSY", 0, "mailings tegelijk"),
    ("MAX_DISK", 10, "toegestane ruimte"),
])
def test_mailings_are_capped_with_a_message(app, monkeypatch, cap, value, message):
    monkeypatch.setattr(kaartgen.web.jobs, cap, value)
    with TestClient(app, base_url=BASE) as c:
        page = c.post("/mailing", data={"csrf": csrf(c, "/mailing"), "date": "2026-11-23", "format": "office"},
                      files={"clients": ("l.csv", LIST, "text/csv")})
        assert page.status_code == 503 and message in page.text
