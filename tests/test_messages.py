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
