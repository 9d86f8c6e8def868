"""Every page of kaartgen serve speaks one language: a clerk and a work coach go through the one-client
page (with field errors), a mailing (bad rows, a stop, a restart, every download, a reload), the
answers page and the cards pages, once in Dutch and once in English, in Chromium. On each page the
visible text holds no sentence of the other language's interface texts (templates/web/ui.yaml) or
messages (templates/messages/catalogue.yaml), and does hold its own.

Skipped, with the reason, when Chromium or Playwright is not installed (see test_browser.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.test_browser import server  # noqa: F401 (a fixture; the browser is conftest.py's)

ROOT = Path(__file__).resolve().parent.parent
UI = yaml.safe_load((ROOT / "templates" / "web" / "ui.yaml").read_text(encoding="utf-8"))
CATALOGUE = yaml.safe_load((ROOT / "templates" / "messages" / "catalogue.yaml").read_text(encoding="utf-8"))
SHORTEST = 12  # characters: shorter pieces ("Id", "Mailing") may be the same word in both languages


def _strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return [node] if isinstance(node, str) else []


def phrases(lang: str) -> set[str]:
    """The fixed pieces of every interface text and message in `lang`, between their parameters."""
    texts = _strings(UI[lang]) + [entry[lang] for code, entry in CATALOGUE.items() if not code.startswith("cli.")]
    return {piece.strip(" .,:;()") for text in texts for piece in re.split(r"\{[^}]*\}", text)}


def foreign(text: str, lang: str) -> list[str]:
    """Pieces of the other language's texts on a page in `lang` (pieces both languages share are fine)."""
    other = "en" if lang == "nl" else "nl"
    own = phrases(lang)
    return sorted(p for p in phrases(other) - own if len(p) >= SHORTEST and p in text
                  and not any(p in mine for mine in own))


def check(page, lang: str, where: str, seen: dict[str, int]) -> None:
    text = page.locator("body").inner_text()
    assert page.locator("html").get_attribute("lang") == lang, where
    wrong = foreign(text, lang)
    assert not wrong, f"{where} ({lang}) shows the other language: {wrong}"
    seen[where] = len(text)


LIST = ("id,name,street,postcode,city\nB1,,Weg 1,1000 AB,Zwolle\nB2,Piet Klaas,Weg 2,12345,Zwolle\n"
        + "".join(f"L{i:03d},Klant {i},Weg {i},{1000 + i} AB,Zwolle\n" for i in range(240)))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_page_speaks_only_its_own_language(browser, server, tmp_path, lang):  # noqa: F811
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    seen: dict[str, int] = {}
    t = UI[lang]
    page.goto(server + "/")
    if lang == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_url(server + "/")
    check(page, lang, "one client", seen)

    page.fill("#name", "Anna " * 80)  # too long for card 1
    page.fill("#reference", "Zoë de Wit")  # could be a name
    page.locator("#name-error").wait_for(state="visible")
    page.locator("#reference-error").wait_for(state="visible")
    assert page.locator("#preview").is_visible()  # the last good card stays while the errors are shown
    assert page.evaluate("() => document.getElementById('preview').naturalWidth") > 300
    check(page, lang, "one client with two field errors", seen)

    clients = tmp_path / "list.csv"
    clients.write_text(LIST, encoding="utf-8")
    page.goto(server + "/mailing")
    check(page, lang, "mailing", seen)
    page.set_input_files("#clients", str(clients))
    page.get_by_role("button", name=t["mailing"]["check"]).click()
    page.get_by_role("button", name=t["mailing"]["start_anyway"]).wait_for(timeout=60_000)
    assert page.locator("tbody tr").count() == 2
    check(page, lang, "mailing checked, with two bad rows", seen)
    page.get_by_role("button", name=t["mailing"]["start_anyway"]).click()
    page.wait_for_selector("#progress:not([value='0'])", timeout=60_000)
    check(page, lang, "mailing running", seen)
    page.get_by_role("button", name=t["mailing"]["cancel"]).click()
    page.get_by_role("heading", name=t["mailing"]["stopped"]).wait_for()
    check(page, lang, "mailing stopped", seen)
    page.get_by_role("button", name=t["mailing"]["restart"]).click()
    page.get_by_role("heading", name=t["mailing"]["done"]).wait_for(timeout=120_000)
    for link in page.locator("ul.files a").all():
        with page.expect_download():
            link.click()
    page.reload()
    assert page.locator("ul.files a").count() == 4  # every file can be fetched again after a printer jam
    check(page, lang, "mailing done, after every download and a reload", seen)

    set_name = f"{lang}/standaard"
    domains = ["gezondheid", "geldzaken", "familie", "omgeving"]
    saved = tmp_path / "answers.json"
    saved.write_text(json.dumps({"kaartgen": "answers", "set": set_name, "reference": "K-0042",
                                 "answers": {f"belemmeringen.belemmerend.{d}": True for d in domains}}))
    page.goto(server + "/antwoorden")
    check(page, lang, "answers", seen)
    page.set_input_files("#answers", str(saved))
    page.get_by_role("button", name=t["answers"]["read"]).click()
    page.get_by_role("heading", name=t["answers"]["summary"]).wait_for()
    check(page, lang, "answers read", seen)

    page.goto(server + "/kaarten")
    check(page, lang, "cards", seen)
    page.goto(server + f"/kaarten/{set_name}")
    check(page, lang, "one set's cards", seen)
    page.goto(server + "/bestaat-niet")
    check(page, lang, "page not found", seen)
    context.close()
    assert len(seen) == 12


def test_the_language_check_finds_the_other_language():
    """The check itself: a Dutch message on an English page is found, a shared word is not."""
    dutch = CATALOGUE["row.required"]["nl"]
    assert foreign(f"Row 3: name: {dutch}", "en") == [dutch.strip(" .,:;()")]
    assert foreign("Mailing · Id · English · Nederlands", "en") == []
    assert foreign(UI["nl"]["mailing"]["stopped"], "nl") == []
