"""kaartgen evaluate: a few hundred fictional clients' filled packs (PDF, filled with pypdf as a viewer
saves them), saved web-page answers (JSON) and reflectiekaarten, with known choices, some read twice,
some with the same reference, and files that are not kaartgen answers. Every published count is
checked against what was made, every hidden cell against the rules (engine/suppress.py), and no
client's name, free text or reference may be found in any byte of any output (also inside the PDF's
compressed streams)."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import os
import random
import re
import shutil
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import StreamObject

from kaartgen.engine.edition import Library
from kaartgen.engine.evaluate import KEY_CONTEXT, EvaluateOptions, evaluate
from kaartgen.engine.tally import benefit_choice, descriptions
from kaartgen.model.answers import answer_name, choice_value, tick_name
from kaartgen.model.builtin import DEFAULT_CONTENT, DEFAULT_TEMPLATES
from kaartgen.model.content import Choice, DomainChoice, WriteIn
from kaartgen.model.text import Personal
from tests.conftest import DUTCH, run

KEY = "een-geheime-sleutel-van-het-team"
NAMES = ["Zoë Testnaam-Vermeulen", "Mohamed Proefpersoon", "İlknur Voorbeeldklant"]  # on card 1 of the PDF packs
BENEFITS = {"wga_35_80": 95, "wga_80_100": 60, "wajong": 45, "ziektewet": 7, "anders": 3}  # clients in the groups CSV
CSV_NAMES = {"wga_35_80": "WGA 35-80", "wga_80_100": "WGA 80-100", "wajong": "Wajong", "ziektewet": "ZW",
             "anders": "anders"}
TEAMS = {"G1": 120, "G2": 84, "G3": 6}  # G3 is too small to be shown
SETS = ["nl/standaard", "nl/eenvoudig", "en/standaard"]


@dataclass
class Client:
    ref: str
    channel: str  # pdf or web
    set: str
    letter: str | None
    hinder: list[str]
    helps: list[str]
    written: dict[str, str]  # free text, by answer name
    when: datetime
    benefit: str | None = None
    team: str | None = None


@dataclass
class Corpus:
    folder: Path
    groups: Path
    clients: list[Client]  # the ones that count, each once
    reflections: list[dict[str, str]]  # option chosen, by answer name
    secrets: list[str] = field(default_factory=list)  # must appear in no output
    duplicates: int = 0
    skipped: int = 0
    files: int = 0


def card_set(name: str = "nl/standaard"):
    return Library(DEFAULT_CONTENT, DEFAULT_TEMPLATES).card_set(*name.split("/")).model


def pack_names(cs):
    """The answer names a test fills, read from the content (no id written here)."""
    _, card, block = descriptions(cs)
    chooses = [(c, b) for c in cs.cards for _, b, _ in c.walk() if isinstance(b, DomainChoice)]
    writes = [answer_name(c, b) for c in cs.cards for _, b, _ in c.walk() if isinstance(b, WriteIn)]
    return answer_name(card, block), [answer_name(c, b) for c, b in chooses], writes


def _answers(cs, client: Client) -> dict[str, object]:
    letters, (hinder, helps), _ = pack_names(cs)
    answers: dict[str, object] = dict(client.written)
    if client.letter:
        answers[letters] = client.letter
    for stem, ticked in ((hinder, client.hinder), (helps, client.helps)):
        for d in ticked:
            answers[tick_name(stem, d)] = True
    return answers


def _fill_pdf(base: bytes, client: Client, cs, dest: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(base)))
    values: dict[str, str] = {"kaartgen.reference": client.ref}
    for name, value in _answers(cs, client).items():
        values[name] = "/Yes" if value is True else (f"/{value}" if name == pack_names(cs)[0] else str(value))
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    writer.add_metadata({"/ModDate": client.when.strftime("D:%Y%m%d%H%M%S+00'00'")})
    with open(dest, "wb") as f:
        writer.write(f)


def _stamp(path: Path, when: datetime) -> None:
    seconds = (when - datetime(1970, 1, 1)).total_seconds()
    os.utime(path, (seconds, seconds))


def make_corpus(root: Path, pdfs: int = 70, webs: int = 150) -> Corpus:
    rng = random.Random(30)
    library = Library(DEFAULT_CONTENT, DEFAULT_TEMPLATES)
    folder = root / "antwoorden"
    (folder / "pdf").mkdir(parents=True)
    (folder / "web").mkdir()
    sets = {name: library.card_set(*name.split("/")).model for name in SETS}
    nl = sets["nl/standaard"]
    domains = [d.id for d in nl.domains]
    letters = [o.letter for o in descriptions(nl)[2].options]
    bases = [library.edition("nl", "standaard", False, "digital").pack(Personal(name=n, reference="REF00000X"))
             for n in NAMES]
    benefit_pool = [b for b, n in BENEFITS.items() for _ in range(n)]
    team_pool = [t for t, n in TEAMS.items() for _ in range(n)]
    rng.shuffle(benefit_pool)
    rng.shuffle(team_pool)
    corpus = Corpus(folder, root / "groepen.csv", [], [])
    corpus.secrets += NAMES

    def client(i: int, channel: str) -> Client:
        month = 9 + i % 3
        letter = rng.choices([*letters, None], weights=[30, 25, 20, 12, 10, 3])[0]
        secret = f"GEHEIM-{i:04d}-verhaal"
        written = {pack_names(nl)[2][0]: f"{secret}: ik ben {NAMES[i % 3]} en het gaat niet goed",
                   pack_names(nl)[2][-1]: f"NOTITIE-{i:04d} weer werken"}
        corpus.secrets += [secret, f"NOTITIE-{i:04d}"]
        return Client(f"REF{i:05d}X", channel, "nl/standaard" if channel == "pdf" else SETS[i % 3], letter,
                      rng.sample(domains, rng.choice([0, 1, 2, 2, 3, 3])), rng.sample(domains, rng.choice([0, 1, 2])),
                      written, datetime(2026, month, 1 + i % 27, 10, 0), benefit_pool.pop() if benefit_pool else None,
                      team_pool.pop() if team_pool else None)

    for i in range(pdfs):
        c = client(i, "pdf")
        _fill_pdf(bases[i % 3], c, nl, folder / "pdf" / f"ingevuld-{c.ref}.pdf")
        corpus.clients.append(c)
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(pdfs, pdfs + webs):
            c = client(i, "web")
            data = json.dumps({"kaartgen": "answers", "set": c.set, "answers": _answers(sets[c.set], c),
                               "reference": c.ref}, ensure_ascii=False, indent=2).encode()
            if i % 5 == 0:  # a fifth of the web-page answers come in a zip
                z.writestr(zipfile.ZipInfo(f"week/antwoorden-{c.ref}.json", c.when.timetuple()[:6]), data)
            else:
                path = folder / "web" / f"antwoorden-{c.ref}.json"
                path.write_bytes(data)
                _stamp(path, c.when)
            corpus.clients.append(c)
        # not kaartgen answers, inside the zip: a broken member, a path trick, a zip in the zip
        z.writestr("week/kapot.json", b'{"kaartgen": "answers", "set": "nl/stan')
        z.writestr("../../buiten.json", b"{}")
        z.writestr("week/binnen.zip", b"PK\x05\x06" + b"\x00" * 18)
    (folder / "week.zip").write_bytes(zipped.getvalue())
    corpus.files += 3
    corpus.skipped += 3
    # the same file read twice: a copy of six web-page answers in another folder
    (folder / "kopie").mkdir()
    for path in sorted((folder / "web").glob("*.json"))[:6]:
        shutil.copy2(path, folder / "kopie" / path.name)
    corpus.duplicates += 6
    # the same client twice: an older PDF with other answers and the same reference as five web answers
    for c in [c for c in corpus.clients if c.channel == "web" and c.set == "nl/standaard"][:5]:
        old = Client(c.ref, "pdf", "nl/standaard", "A", ["werk"], [], {pack_names(nl)[2][0]: "OUDER-antwoord"},
                     datetime(2026, 8, 1, 9, 0))
        _fill_pdf(bases[0], old, nl, folder / "pdf" / f"eerder-{c.ref}.pdf")
        corpus.secrets.append("OUDER-antwoord")
        corpus.duplicates += 1
    # files that are not kaartgen answers
    (folder / "notulen.txt").write_text("Notulen van het teamoverleg\n", encoding="utf-8")
    (folder / "leeg.json").write_bytes(b"")
    (folder / "ander.json").write_text('{"a": 1}', encoding="utf-8")
    from reportlab.pdfgen.canvas import Canvas

    other = io.BytesIO()
    canvas = Canvas(other)
    canvas.drawString(100, 700, "Een willekeurige PDF")
    canvas.save()
    (folder / "willekeurig.pdf").write_bytes(other.getvalue())
    corpus.skipped += 4
    # reflectiekaarten, filled by the professionals
    reflection = next(f for f in library.guide("nl", "standaard") if f.kind == "reflection-digital").data
    card = nl.reflection
    benefit = benefit_choice(nl, list(BENEFITS))
    choices = [b for _, b, _ in card.walk() if isinstance(b, Choice)]
    (folder / "reflectie").mkdir()
    plan = ["wga_35_80"] * 16 + ["wajong"] * 11 + ["ziektewet"] * 6 + [None] * 4
    for i, chosen in enumerate(plan):
        values: dict[str, str] = {}
        picked: dict[str, str] = {}
        for block in choices:
            option = chosen if block is benefit else rng.choice([o.id for o in block.options] + [None])
            if option is not None:
                values[answer_name(card, block)] = f"/{choice_value(option)}"  # the export value, as a viewer saves it
                picked[answer_name(card, block)] = option
        text = next(b for _, b, _ in card.walk() if isinstance(b, WriteIn) and b.lines > 1)
        values[answer_name(card, text)] = f"REFLECTIE-{i:03d} de cliënt huilde"
        day = next(b for _, b, _ in card.walk() if isinstance(b, WriteIn) and b.lines == 1)  # the date
        values[answer_name(card, day)] = f"{1 + i % 28}-10-2026"
        corpus.secrets.append(f"REFLECTIE-{i:03d}")
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(reflection)))
        for page in writer.pages:
            writer.update_page_form_field_values(page, values, auto_regenerate=False)
        writer.write(folder / "reflectie" / f"reflectie-{i:03d}.pdf")
        corpus.reflections.append(picked)
    # the groups CSV, as a team's spreadsheet saves it: most references, some missing
    lines = ["Kenmerk;Uitkering;Team"]
    for c in corpus.clients:
        if c.benefit is not None or c.team is not None:
            lines.append(f"{c.ref};{CSV_NAMES.get(c.benefit or '', '')};{c.team or ''}")
    corpus.groups.write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus.secrets += [c.ref for c in corpus.clients]
    corpus.files += pdfs + webs + 6 + 5 + 4 + len(plan)
    return corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Corpus:
    return make_corpus(tmp_path_factory.mktemp("evaluate"))


@pytest.fixture(scope="module")
def outputs(corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out") / "evaluatie"
    result = run("evaluate", str(corpus.folder), "--groups", str(corpus.groups), "--out", str(out), "--jobs", "2",
                 env={"KAARTGEN_EVALUATION_KEY": KEY})
    assert result.exit_code == 0, result.output + result.stderr
    return out


@pytest.fixture(scope="module")
def published(outputs) -> dict:
    return json.loads((outputs / "evaluation.json").read_text(encoding="utf-8"))


def tables(published: dict) -> dict[str, dict]:
    return {t["id"]: t for t in published["tables"]}


# -- what was counted -------------------------------------------------------------------------------

def test_every_file_is_counted_once_and_the_rest_is_listed(corpus, outputs, published):
    read = published["read"]
    assert read["packs"] == len(corpus.clients)
    assert read["reflections"] == len(corpus.reflections)
    assert read["duplicates"] == corpus.duplicates
    assert read["skipped"] == corpus.skipped
    assert read["files"] == corpus.files
    assert published["period"] == {"first": "september 2026", "last": "november 2026"}  # the older duplicates: August


def check_table(table: dict, truth: Counter, rows: list[str], columns_truth: Counter | None = None,
                sizes: Counter | None = None) -> None:
    """Every published number of `table` against the truth: shown counts equal, "<5" is 1 to 4, "×" at
    least 5; and the columns shown are exactly the groups of at least 10."""
    assert not table["withheld"], table["id"]
    group_sizes = sizes if sizes is not None else Counter()
    if sizes is None:
        for (_, c), n in truth.items():
            group_sizes[c] += n
    shown = [c["id"] for c in table["columns"]]
    if shown:
        assert sorted(shown) == sorted(g for g, n in group_sizes.items() if n >= 10), (table["id"], shown, group_sizes)
        assert table["hidden_groups"] == sum(1 for g, n in group_sizes.items() if 0 < n < 10)

    def same(cell: dict, value: int, where: str) -> None:
        if cell["status"] == "shown":
            assert cell["count"] == value, where
        elif cell["status"] == "primary":
            assert 1 <= value <= 4, where
        else:
            assert cell["status"] == "secondary" and value >= 5, where

    assert [r["id"] for r in table["rows"]] == rows, table["id"]
    for row in table["rows"]:
        for column, cell in zip(shown, row["cells"]):
            same(cell, truth[(row["id"], column)], f"{table['id']} {row['id']} {column}")
        same(row["total"], sum(n for (r, _), n in truth.items() if r == row["id"]), f"{table['id']} {row['id']}")
    if table["column_totals"] is not None:
        for column, cell in zip(shown, table["column_totals"]):
            same(cell, (columns_truth or group_sizes)[column], f"{table['id']} total {column}")


def stagnation_of(cs, letter: str | None) -> str:
    return next((o.stagnation for o in descriptions(cs)[2].options if o.letter == letter), "-")


def test_card_3_by_benefit_as_in_bijlage_6(corpus, published):
    cs = card_set()
    truth = Counter((stagnation_of(cs, c.letter), c.benefit or "?") for c in corpus.clients)
    table = tables(published)["card3"]
    check_table(table, truth, [o.stagnation for o in descriptions(cs)[2].options] + ["-"])
    assert [c["id"] for c in table["columns"]] == ["wga_35_80", "wga_80_100", "wajong", "?"]  # bijlage 6's order
    assert table["hidden_groups"] == 2  # ZW (7) and anders (3)
    assert table["total"] == {"count": len(corpus.clients), "status": "shown"}
    labels = [r["label"] for r in table["rows"]]
    assert labels[0] == f"A · {cs.stagnation(descriptions(cs)[2].options[0].stagnation).name}"


def test_teams_by_benefit_hide_the_small_team(corpus, published):
    truth = Counter((c.team or "?", c.benefit or "?") for c in corpus.clients)
    teams = Counter(c.team or "?" for c in corpus.clients)
    table = tables(published)["teams"]
    rows = [t for t in sorted(teams) if t != "?" and teams[t] >= 10] + (["?"] if teams["?"] >= 10 else [])
    check_table(table, truth, rows)
    assert "G3" not in json.dumps(table)


def test_domains_by_stagnation(corpus, published):
    cs = card_set()
    _, (hinder, helps), _ = pack_names(cs)
    for stem, attribute in ((hinder, "hinder"), (helps, "helps")):
        table = tables(published)[f"domains-{stem.split('.')[0]}"]
        truth = Counter((d, stagnation_of(cs, c.letter)) for c in corpus.clients for d in getattr(c, attribute))
        sizes = Counter(stagnation_of(cs, c.letter) for c in corpus.clients)
        check_table(table, truth, [d.id for d in cs.domains], sizes=sizes)
        assert [c["label"] for c in table["columns"]] == [o.letter for o in descriptions(cs)[2].options
                                                          if sizes[o.stagnation] >= 10]


def test_how_far_clients_got_by_channel(corpus, published):
    cs = card_set()
    letters, (hinder, helps), _ = pack_names(cs)
    table = tables(published)["progress"]
    answered = Counter()
    for c in corpus.clients:
        names = set(c.written) | ({letters} if c.letter else set()) | ({hinder} if c.hinder else set()) \
            | ({helps} if c.helps else set())
        for card in {n.split(".")[0] for n in names}:  # an answer's name starts with its card's id
            answered[(card, c.channel)] += 1
    channels = Counter(c.channel for c in corpus.clients)
    check_table(table, answered, [card.id for card in cs.cards], sizes=channels)
    sizes = table["group_sizes"]
    assert [s["count"] for s in sizes["cells"]] == [channels["pdf"], channels["web"]]
    assert sizes["total"]["count"] == len(corpus.clients)


def test_reflectiekaart_by_benefit(corpus, published):
    cs = card_set()
    card = cs.reflection
    benefit = benefit_choice(cs, list(BENEFITS))
    of = [r.get(answer_name(card, benefit), "?") for r in corpus.reflections]
    for _, block, _ in card.walk():
        if not isinstance(block, Choice) or block is benefit:
            continue
        name = answer_name(card, block)
        truth = Counter((r.get(name, "-"), b) for r, b in zip(corpus.reflections, of))
        table = tables(published)[f"reflection-{block.id}"]
        check_table(table, truth, [o.id for o in block.options] + ["-"])
        assert [c["id"] for c in table["columns"]] == ["wga_35_80", "wajong"]  # ZW: 6, none: 4


def test_months(corpus, published):
    table = tables(published)["months"]
    truth = Counter((f"{c.when.year}-{c.when.month:02d}", "") for c in corpus.clients)
    check_table(table, truth, sorted(m for m, _ in truth))


# -- nothing that finds a client ----------------------------------------------------------------------------

def _pdf_strings(path: Path) -> list[bytes]:
    """The PDF's text as extracted, and every stream decompressed."""
    reader = PdfReader(path)
    found = [page.extract_text().encode("utf-8") for page in reader.pages]
    for number in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(number)
        if isinstance(obj, StreamObject):
            found.append(obj.get_data())
        elif obj is not None:
            found.append(repr(obj).encode("utf-8", "replace"))
    return found


def test_no_output_holds_a_name_a_free_text_or_a_reference(corpus, outputs):
    files = sorted(p for p in outputs.rglob("*") if p.is_file())
    assert {p.name for p in files} >= {"evaluation.pdf", "evaluation.html", "evaluation.json",
                                       "evaluation.schema.json", "card3.csv", "teams.csv"}
    for path in files:
        blobs = [path.read_bytes()] + (_pdf_strings(path) if path.suffix == ".pdf" else [])
        for secret in corpus.secrets:
            needle = secret.encode("utf-8")
            assert not any(needle in blob for blob in blobs), (path.name, secret)
        for name in ("ingevuld-", "antwoorden-REF", "notulen", "week.zip"):  # no file name either
            assert not any(name.encode() in blob for blob in blobs), (path.name, name)


def test_pseudonyms_with_a_key_are_stable_and_absent_without(corpus, published, tmp_path):
    expected = sorted(hmac.new(KEY.encode(), KEY_CONTEXT + c.ref.encode(), hashlib.sha256).hexdigest()[:24]
                      for c in corpus.clients)
    assert published["pseudonyms"] == expected
    again = evaluate(Library(), EvaluateOptions(paths=(corpus.folder / "web",), key=KEY)).data()["pseudonyms"]
    assert set(again) <= set(expected) and again
    other = evaluate(Library(), EvaluateOptions(paths=(corpus.folder / "web",), key=KEY + "!")).data()["pseudonyms"]
    assert not set(other) & set(expected)
    result = run("evaluate", str(corpus.folder / "web"), "--out", str(tmp_path), env={"KAARTGEN_EVALUATION_KEY": ""})
    assert result.exit_code == 0, result.stderr
    assert "pseudonyms" not in json.loads((tmp_path / "evaluation.json").read_text())
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.suffix != ".pdf":
            assert not re.search(rb"\b[0-9a-f]{24}\b", path.read_bytes()), path.name


def test_the_same_inputs_give_the_same_bytes(corpus, outputs, tmp_path):
    result = run("evaluate", str(corpus.folder), "--groups", str(corpus.groups), "--out", str(tmp_path),
                 "--jobs", "1", env={"KAARTGEN_EVALUATION_KEY": KEY})
    assert result.exit_code == 0
    for path in sorted(p for p in outputs.rglob("*") if p.is_file()):
        assert (tmp_path / path.relative_to(outputs)).read_bytes() == path.read_bytes(), path.name


def test_csv_and_json_agree_and_follow_the_schema(outputs, published):
    from jsonschema import Draft202012Validator

    schema = json.loads((outputs / "evaluation.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert list(Draft202012Validator(schema).iter_errors(published)) == []
    for table in published["tables"]:
        path = outputs / "tables" / f"{table['id']}.csv"
        if table["withheld"]:
            assert not path.exists()
            continue
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        assert rows[0][1:-1] == [c["label"] for c in table["columns"]]
        body = rows[2:] if table["group_sizes"] else rows[1:]
        for row, line in zip(table["rows"], body):
            texts = [c["count"] if c["status"] == "shown" else {"primary": "<5", "secondary": "×"}[c["status"]]
                     for c in [*row["cells"], row["total"]]]
            assert line == [row["label"], *map(str, texts)]


# -- the rules, checked from what is published -------------------------------------------------------

def _relations(table: dict) -> tuple[list[tuple[list, object]], dict]:
    """What a reader of `table` knows: sums of its cells (unknowns named, knowns as values). A hidden
    group is one unknown a row (and a column), as the reader cannot tell the small groups apart."""
    tid = table["id"]

    def value(cell: dict, name: object) -> object:
        return cell["count"] if cell["status"] == "shown" else name

    kinds: dict = {}
    relations = []
    pooled = table["hidden_groups"] > 0
    columns = [c["id"] for c in table["columns"]]
    for row in table["rows"]:
        parts = [value(cell, (tid, row["id"], c)) for c, cell in zip(columns, row["cells"])]
        for c, cell in zip(columns, row["cells"]):
            kinds[(tid, row["id"], c)] = cell["status"]
        if pooled:
            parts.append((tid, row["id"], "~"))
            empty = row["total"]["status"] == "shown" and row["total"]["count"] == 0  # 0, as anyone can tell
            kinds[(tid, row["id"], "~")] = "pool of none" if empty else "pool"
        total = value(row["total"], (tid, row["id"], "total"))
        kinds[(tid, row["id"], "total")] = row["total"]["status"]
        relations.append((parts, total))
    if tid == "teams":  # the small teams: their cells are protected; their size (6) may be worked out
        kinds |= {(tid, "~rows", c): "pool" for c in columns} | {(tid, "~rows", "total"): "pool size"}
    if table["column_totals"] is not None:
        for i, c in enumerate(columns):
            relations.append(([value(r["cells"][i], (tid, r["id"], c)) for r in table["rows"]] +
                              ([(tid, "~rows", c)] if tid == "teams" else []),
                              value(table["column_totals"][i], ("size", c))))
        relations.append(([value(r["total"], (tid, r["id"], "total")) for r in table["rows"]] +
                          ([(tid, "~rows", "total")] if tid == "teams" else []), table["total"]["count"]))
    return relations, kinds


def _determined(relations: list[tuple[list, object]]) -> set:
    """Unknowns whose value follows from the sums (exact, with fractions)."""
    names = sorted({x for parts, total in relations for x in [*parts, total] if not isinstance(x, int)}, key=repr)
    index = {n: i for i, n in enumerate(names)}
    rows = []
    for parts, total in relations:
        row = [Fraction(0)] * len(names)
        for x in parts:
            if not isinstance(x, int):
                row[index[x]] += 1
        if not isinstance(total, int):
            row[index[total]] -= 1
        if any(row):
            rows.append(row)
    pivots: list[int] = []
    r = 0
    for col in range(len(names)):
        pick = next((i for i in range(r, len(rows)) if rows[i][col]), None)
        if pick is None:
            continue
        rows[r], rows[pick] = rows[pick], rows[r]
        rows[r] = [v / rows[r][col] for v in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][col]:
                rows[i] = [a - rows[i][col] * b for a, b in zip(rows[i], rows[r])]
        pivots.append(col)
        r += 1
    return {names[col] for i, col in enumerate(pivots) if sum(1 for v in rows[i] if v) == 1}


def test_no_sum_gives_a_hidden_number_back(published):
    """From the published tables alone, no "<5" and no hidden group's cell can be worked out; the
    tables that share the benefit groups' sizes (card 3 and teams) are read together."""
    relations, kinds = [], {}
    for table in published["tables"]:
        if table["withheld"]:
            continue
        more, found = _relations(table)
        relations += more
        kinds |= found
    assert sum(k == "primary" for k in kinds.values()) >= 5 and sum(k == "secondary" for k in kinds.values()) >= 3
    given_back = {x for x in _determined(relations) if kinds.get(x) in ("primary", "pool")}
    assert given_back == set()


def test_no_tight_sum_pins_a_small_count(published):
    """In every sum, each "<5" can still take two values, given the others' bounds."""
    for table in published["tables"]:
        if table["withheld"]:
            continue
        relations, kinds = _relations(table)
        for parts, total in relations:
            if isinstance(total, int):
                known = sum(p for p in parts if isinstance(p, int))
                hidden = [p for p in parts if not isinstance(p, int)]
                low = {p: 1 if kinds[p] == "primary" else 5 if kinds[p] == "secondary" else 0 for p in hidden}
                high = {p: 4 if kinds[p] == "primary" else total for p in hidden}
                for p in hidden:
                    if kinds[p] != "primary":
                        continue
                    rest = total - known
                    top = min(high[p], rest - sum(low[q] for q in hidden if q != p))
                    bottom = max(low[p], rest - sum(high[q] for q in hidden if q != p))
                    assert top - bottom >= 1, (table["id"], p)


# -- the report ---------------------------------------------------------------------------------------

def test_the_report_pdf_is_tagged(outputs, published):
    from tests.test_tagged import check_document, check_marked_content, elements, outline, pdfua_findings

    path = outputs / "evaluation.pdf"
    reader = check_document(path, "nl", "werken aan een nieuw verhaal: evaluatie")
    check_marked_content(path)
    assert pdfua_findings(path) == []
    tree = outline(path)[0]["kids"]
    assert tree[0]["role"] == "H1"
    sects = [n for n in tree if n["role"] == "Sect"]
    assert [s["kids"][0]["text"] for s in sects] == [t["title"] for t in published["tables"]]
    shown = [t for t in published["tables"] if not t["withheld"]]
    figures = [str(e["/Alt"]) for e in elements(reader) if e["/S"] == "/Figure"]
    assert len(figures) == len(shown)
    card3 = next(f for f in figures if f.startswith("Staafdiagram, Kaart 3"))
    assert "A · " in card3
    tables_ = [n for s in sects for n in s["kids"] if n["role"] == "Table"]
    assert len(tables_) == len(shown)
    assert all(c["role"] == "TH" for c in tables_[0]["kids"][0]["kids"])


def test_the_web_page_report_has_a_chart_and_its_table_for_each_figure(outputs, published):
    html = (outputs / "evaluation.html").read_text(encoding="utf-8")
    shown = [t for t in published["tables"] if not t["withheld"]]
    assert html.count('<svg class="chart"') == len(shown) == html.count("<table ")
    assert html.count('role="img"') == len(shown)
    assert "<script" not in html and "http" not in html.split("<body>")[1]  # loads nothing


def test_a_handful_of_clients_shows_no_figure(corpus):
    """Fewer than 10 clients: every figure is withheld, with the sentence that says why; only how many
    files were read is published."""
    seven = sorted((corpus.folder / "web").glob("*.json"))[:7]
    result = evaluate(Library(), EvaluateOptions(paths=tuple(seven)))
    data = result.data()
    assert data["read"]["packs"] == 7
    assert data["tables"] and all(t["withheld"] and t["rows"] == [] and t["total"] is None for t in data["tables"])
    assert result.csv_files() == []
    assert result.html.count("Deze figuur staat er niet in") == len(data["tables"])


# -- the command line ------------------------------------------------------------------------------------

def test_bad_input_exits_2_and_names_the_option_or_line(corpus, tmp_path):
    result = run("evaluate", str(tmp_path / "nergens"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "file not found" in result.stderr
    short = run("evaluate", str(corpus.folder / "web"), "--out", str(tmp_path / "o"), "--key", "kort")
    assert short.exit_code == 2 and short.stderr.startswith("error: --key: ") and "kort" not in short.stderr
    groups = tmp_path / "groepen.csv"
    groups.write_text("kenmerk,uitkering\nREF00001X,WGA 35-80\nREF00002X,bijstand\n", encoding="utf-8")
    bad = run("evaluate", str(corpus.folder / "web"), "--groups", str(groups), "--out", str(tmp_path / "o"), env=DUTCH)
    assert bad.exit_code == 2
    assert bad.stderr.strip() == f"{groups}:3: onbekende uitkering 'bijstand'; gebruik een van: " \
                                 "wga_35_80, wga_80_100, wajong, ziektewet, anders"
    turkish = run("evaluate", str(corpus.folder / "web"), "--language", "tr", "--out", str(tmp_path / "o"))
    assert turkish.exit_code == 2 and turkish.stderr.startswith("error: --language: the report is worded in en, nl")
    nothing = tmp_path / "niets"
    nothing.mkdir()
    (nothing / "a.txt").write_text("x", encoding="utf-8")
    empty = run("evaluate", str(nothing), "--out", str(tmp_path / "o"))
    assert empty.exit_code == 2 and "holds no kaartgen answers" in empty.stderr
    assert not (tmp_path / "o").exists()


def test_notes_name_files_and_never_a_reference(corpus, tmp_path):
    result = run("evaluate", str(corpus.folder), "--out", str(tmp_path))
    assert result.exit_code == 0
    assert "notulen.txt: is not a readable answers file" in result.stderr
    assert "kopie/antwoorden-" in result.stderr and "is the same file as" in result.stderr
    assert "week.zip/week/binnen.zip: is a zip inside a zip" in result.stderr
    assert "a file in the zip has a name that points outside the zip" in result.stderr
    assert "has the same reference as" in result.stderr
    for line in result.stderr.splitlines():
        named = re.sub(r"\S*REF\d{5}X\S*", "", line)  # a file's name may hold a reference; the message itself not
        assert not re.search(r"REF\d{5}X", named), line


# -- zips that try something ------------------------------------------------------------------------------

def test_a_zip_bomb_too_many_members_and_links_are_refused_not_fatal(corpus, tmp_path, monkeypatch):
    bomb = tmp_path / "bom.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("nullen.json", b"0" * (8 * 1024 * 1024))
    link = tmp_path / "link.zip"
    with zipfile.ZipFile(link, "w") as z:
        info = zipfile.ZipInfo("wijzer.json")
        info.external_attr = (0o120777 << 16)
        z.writestr(info, "/etc/passwd")
        z.writestr("/absoluut.json", "{}")
    good = sorted((corpus.folder / "web").glob("*.json"))[:12]
    result = evaluate(Library(), EvaluateOptions(paths=(bomb, link, *good)))
    codes = sorted(n.code for n in result.notes)
    assert codes == ["evaluate.zip_bomb", "evaluate.zip_link", "evaluate.zip_unsafe_name"]
    assert result.packs == 12
    import kaartgen.engine.evaluate as module

    monkeypatch.setattr(module, "MAX_MEMBERS", 3)
    many = evaluate(Library(), EvaluateOptions(paths=(corpus.folder / "week.zip", *good)))
    assert [n.code for n in many.notes] == ["evaluate.zip_too_many"]


# -- the web page --------------------------------------------------------------------------------------

def test_the_evaluatie_page_reads_uploads_in_memory_and_offers_pdf_and_csv(corpus, tmp_path, monkeypatch):
    import tempfile

    from starlette.testclient import TestClient

    from kaartgen.web.app import create_app

    def to_disk(self):
        raise AssertionError("an upload was written to a temporary file")

    monkeypatch.setattr(tempfile.SpooledTemporaryFile, "rollover", to_disk)  # an upload stays in memory

    jobs = tmp_path / "jobs"
    with TestClient(create_app(Library(), jobs_root=jobs, workers=1), base_url="http://127.0.0.1:8000") as client:
        page = client.get("/evaluatie")
        assert page.status_code == 200 and 'aria-current="page">Evaluatie<' in page.text
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        files = [("files", (p.name, p.read_bytes(), "application/json"))
                 for p in sorted((corpus.folder / "web").glob("*.json"))[:40]]
        files.append(("files", ("week.zip", (corpus.folder / "week.zip").read_bytes(), "application/zip")))
        files.append(("groups", ("groepen.csv", corpus.groups.read_bytes(), "text/csv")))
        done = client.post("/evaluatie", data={"csrf": token}, files=files)
        assert done.status_code == 200
        assert "Kaart 3: gekozen beschrijving, per uitkering" in done.text and '<svg class="chart"' in done.text
        assert "binnen.zip" in done.text  # the skipped files are listed, on the page only
        key = re.search(r'href="/evaluatie/([^"/.]+)\.pdf"', done.text).group(1)
        pdf = client.get(f"/evaluatie/{key}.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        tables_zip = zipfile.ZipFile(io.BytesIO(client.get(f"/evaluatie/{key}.zip").content))
        assert "tables/card3.csv" in tables_zip.namelist() and "evaluation.json" in tables_zip.namelist()
        assert client.get("/evaluatie/onbekend.pdf").status_code == 404
        refused = client.post("/evaluatie", data={"csrf": "fout"}, files=files[:1])
        assert refused.status_code == 403
        none = client.post("/evaluatie", data={"csrf": token}, files=[("files", ("", b"", "application/json"))])
        assert none.status_code == 422
        big = client.post("/evaluatie", data={"csrf": token},
                          files=[("files", ("groot.json", b" " * (20 * 1024 * 1024 + 16 * 1024), "application/json"))])
        assert big.status_code == 413 and "20 MB" in big.text
        edge = client.post("/evaluatie", data={"csrf": token},  # just under the request's limit: still in memory
                           files=[("files", ("groot.json", b" " * (20 * 1024 * 1024 + 1), "application/json"))])
        assert edge.status_code == 422
        assert big.status_code == 413 and "20 MB" in big.text
        import kaartgen.web.app as app

        monkeypatch.setattr(app, "MAX_EVALUATED", 3)
        many = client.post("/evaluatie", data={"csrf": token}, files=files[:5])
        assert many.status_code == 413 and "meer dan 3 bestanden" in many.text
