"""The CLI speaks its locale's language: Dutch with a Dutch LANG or LC_MESSAGES, English otherwise;
`--language` stays the language of the cards."""

from __future__ import annotations

import pytest

from tests.conftest import DUTCH, run


def test_a_dutch_locale_gets_dutch_messages_naming_the_option():
    result = run("build", "--appointment", "31-02-2027 10:00", "--out", "unused", env=DUTCH)
    assert result.exit_code == 2
    assert result.stderr.strip() == "fout: --appointment: deze datum bestaat niet (zoals 31 februari); " \
                                    "controleer de dag en de maand"


@pytest.mark.parametrize("env", [{"LANG": "C.UTF-8"}, {"LANG": "en_GB.UTF-8"}, {**DUTCH, "LC_MESSAGES": "en_US.UTF-8"}])
def test_other_locales_get_english(env):
    result = run("build", "--appointment", "31-02-2027 10:00", "--out", "unused", env={"LC_ALL": "", **env})
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --appointment: this date does not exist")


def test_lc_all_wins_over_lang():
    result = run("build", "--appointment", "x", "--out", "unused", env={"LC_ALL": "nl_BE.UTF-8", "LANG": "en_US.UTF-8"})
    assert result.stderr.startswith("fout: --appointment:")


def test_the_card_language_does_not_change_the_message_language():
    result = run("build", "--language", "en", "--appointment", "x", "--out", "unused", env=DUTCH)
    assert result.stderr.startswith("fout: ")


@pytest.mark.parametrize(("command", "expected"), [
    (["build", "--format", "pdf"], "error: --format: unknown format 'pdf'; the templates define: cards, digital, html, office, shop"),
    (["batch", "{clients}", "--format", "pdf"], "error: --format: unknown format 'pdf'; a batch makes printed packs in: "
                                                "cards, office, shop"),
    (["batch", "{clients}", "--format", "html"], "error: --format: the format html is for one client at a time; a batch "
                                                 "makes printed packs: use office, cards or shop"),
])
def test_an_unknown_format_lists_the_formats_the_command_makes_before_any_row_is_read(tmp_path, command, expected):
    clients = tmp_path / "c.csv"
    clients.write_text("id,name,street,postcode,city\nk1,Zoë,Dorpsstraat 1,1234 AB,Utrecht\n", encoding="utf-8")
    result = run(*[c.format(clients=clients) for c in command], "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and result.stderr.strip() == expected
    assert not (tmp_path / "o").exists()
