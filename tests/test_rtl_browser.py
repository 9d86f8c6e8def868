"""The Arabic web-page pack in a real browser (Debian's Chromium, driven by Playwright): it reads from
the right, nothing runs out of the page at desktop or phone width, axe-core finds no WCAG 2.1 AA
violation, and an answer typed in Arabic with a Latin name is saved and read back exactly.

Skipped, with the reason, when Chromium or Playwright is not installed; `.ci/run` installs both.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from pathlib import Path

import pytest

from tests.conftest import AXE_TAGS, need_browser, run

need_browser()

ANSWER = "أريد أن أعمل ثلاثة أيام في الأسبوع مع José de Vries.\nالسطر الثاني، 20 ساعة."


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    """The Arabic web-page pack served over HTTP on a free loopback port, as a client opens it."""
    folder = tmp_path_factory.mktemp("ar-site")
    result = run("build", "--language", "ar", "--format", "html", "--reference", "K-0042", "--out", str(folder / "b"))
    assert result.exit_code == 0, result.output
    Path(result.output.split()[-1]).rename(folder / "ar.html")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/ar.html"
    httpd.shutdown()



@pytest.mark.parametrize("width", [1280, 375])
def test_the_arabic_page_reads_from_the_right_and_nothing_runs_out(browser, site: str, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(site)
    assert page.evaluate("() => [document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    outside = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => {
        const r = e.getBoundingClientRect();
        return r.width > 1 && getComputedStyle(e).position !== 'absolute' && (r.left < -1 || r.right > innerWidth + 1);
    }).map(e => e.tagName)""")
    assert outside == []
    # a card's heading text starts at the right of its card, the card's number stands at the left
    sides = page.evaluate("""() => {
        const card = document.querySelector('main section'), h = card.querySelector('h2, h3');
        const text = document.createRange();
        text.selectNodeContents(h.lastChild);
        const c = card.getBoundingClientRect(), t = text.getBoundingClientRect();
        const n = h.querySelector('.number').getBoundingClientRect();
        return [c.left, c.right, t.left, t.right, n.left, n.right];
    }""")
    left, right, text_left, text_right, number_left, number_right = sides
    assert right - text_right < 40 and text_left - left > 40, sides
    assert number_left - left < 40 and right - number_right > 40, sides
    assert page.evaluate("() => getComputedStyle(document.querySelector('main section p')).direction") == "rtl"
    page.close()


def test_the_arabic_page_has_no_wcag_violations(browser, site: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    page.goto(site)
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert [f"{v['id']}: {v['help']}" for v in result.response["violations"]] == []
    page.close()


def test_an_arabic_answer_is_saved_and_read_back_exactly(browser, site: str, tmp_path: Path) -> None:
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(site)
    page.fill("#verder\\.doel", ANSWER)
    page.locator('input[name="beeld.beschrijving"][value="C"]').check()
    page.reload()  # kept in the browser
    assert page.input_value("#verder\\.doel") == ANSWER
    with page.expect_download() as info:
        page.locator("#save").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert json.loads(saved.read_text(encoding="utf-8"))["set"] == "ar/standaard"
    result = run("read", str(saved), "--out", str(tmp_path / "s"))
    assert result.exit_code == 0, result.output
    summary = json.loads(next((tmp_path / "s").glob("*.json")).read_text(encoding="utf-8"))
    answers = {a["field"]: a for card in summary["cards"] for a in card["answers"]}
    assert answers["verder.doel"]["answer"] == ANSWER
    assert answers["beeld.beschrijving"]["answer"].startswith("C")
    context.close()
