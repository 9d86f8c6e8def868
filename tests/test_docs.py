"""The documentation stays buildable and true: the MkDocs site builds in strict mode, every link in
the README leads to a file, and every option of every command is named on its reference page."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from kaartgen.commands.main import main

ROOT = Path(__file__).resolve().parent.parent

# a command's reference page; guide and preview share one
PAGES = {"guide": "guide", "preview": "guide"}


def test_mkdocs_builds_strict(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs", reason="mkdocs-material is in the test extra")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    assert (tmp_path / "site" / "reference" / "batch" / "index.html").is_file()


def test_readme_links_lead_to_files() -> None:
    readme = (ROOT / "README.md").read_text()
    targets = re.findall(r"\]\(([^)#\s]+)", readme)
    assert targets, "the README links to its documentation"
    missing = [t for t in targets if not t.startswith("http") and not (ROOT / t).exists()]
    assert not missing, missing


def test_readme_keeps_the_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    assert [b.strip() for b in blocks] == [
        "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/kaartgen build",
        ".venv/bin/pytest -n auto --dist loadfile",
    ]
    ci = (ROOT / ".ci" / "run").read_text()
    for block in blocks:
        assert block.strip() in ci, f".ci/run runs the README's command: {block.strip()}"


@pytest.mark.parametrize("name", sorted(main.commands))
def test_reference_page_names_every_option(name: str) -> None:
    page = (ROOT / "docs" / "reference" / f"{PAGES.get(name, name)}.md").read_text()
    command = main.commands[name]
    options = [opt for param in command.params if isinstance(param, click.Option) and not param.hidden
               for opt in param.opts if opt.startswith("--") and opt != "--help"]
    missing = [opt for opt in options if not re.search(re.escape(opt) + r"(?![\w-])", page)]
    assert not missing, f"docs/reference/{PAGES.get(name, name)}.md does not name {missing}"
