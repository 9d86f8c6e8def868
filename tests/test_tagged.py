"""The digital pack as a tagged PDF (PDF/UA-1 aims), checked without a commercial validator.

Two independent readers: poppler's `pdfinfo -struct-text` (Debian package poppler-utils) prints
the structure tree with each element's text, as a screen reader would meet it; pypdf reads the
raw objects and content streams, to check that every piece of page text sits in exactly one
marked-content sequence that is either tagged (an MCID its structure element claims) or an
Artifact, and the catalog, page, widget and font entries PDF/UA asks for.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject

from kaartgen.model.answers import answer_name, note_name, tick_name
from kaartgen.model.builtin import DEFAULT_CONTENT
from kaartgen.model.content import Choice, Descriptions, DomainChoice, Heading, WriteIn
from kaartgen.model.loading import load_card_set
from kaartgen.model.text import render
from tests.conftest import NASTY_NAME, build_pack, fill, run

NAME = "Zoë de Wit"
TEXT_SHOWING = {b"Tj", b"TJ", b"'", b'"'}


@pytest.fixture(scope="module", params=["nl", "en"])
def pack(request, tmp_path_factory) -> tuple[str, Path]:
    lang = request.param
    return lang, build_pack(tmp_path_factory.mktemp(f"tagged-{lang}"), "--format", "digital", "--language", lang,
                            "--name", NAME)


def card_set(lang: str):
    return load_card_set(DEFAULT_CONTENT, lang, "standaard").model


# -- the outline, as poppler reads it ---------------------------------------------------------------

def outline(path: Path) -> list[dict]:
    """`pdfinfo -struct-text` as a tree: {"role", "text", "obj", "kids"} per element."""
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (Debian package poppler-utils) is not installed; .ci/run installs it")
    out = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True).stdout
    root: dict = {"role": "", "kids": [], "text": "", "obj": None, "attributes": []}
    stack = [(-1, root)]
    for line in out.splitlines():
        if not line.strip():
            continue
        depth = (len(line) - len(line.lstrip(" "))) // 2
        body = line.strip()
        if body.startswith("/"):  # an attribute of the element above, e.g. "/Scope /Column"
            stack[-1][1]["attributes"].append(body)
            continue
        while stack[-1][0] >= depth:
            stack.pop()
        parent = stack[-1][1]
        if body.startswith('"'):
            parent["text"] += body[1:-1]
        elif body.startswith("Object "):
            parent["obj"] = int(body.split()[1])
        else:
            node = {"role": body.split()[0].rstrip(":"), "kids": [], "text": "", "obj": None, "attributes": []}
            parent["kids"].append(node)
            stack.append((depth, node))
    return root["kids"]


def text_of(node: dict) -> str:
    return node["text"] + "".join(text_of(k) for k in node["kids"])


def walk(node: dict):
    yield node
    for kid in node["kids"]:
        yield from walk(kid)


def field_of(reader: PdfReader, number: int) -> str:
    """A widget's field name, and its option for radio buttons and check boxes: name[=option]."""
    widget = reader.get_object(number)
    field = widget if "/T" in widget else widget["/Parent"].get_object()
    looks = widget["/AP"].get_object().get("/N") if "/AP" in widget else None
    options = [k for k in (looks.get_object() if looks is not None else {}) if k != "/Off"]
    return str(field["/T"]) + (f"={options[0][1:]}" if field.get("/FT") == "/Btn" and "/Parent" in widget else "")


def expected_fields(cs) -> list[list[str]]:
    """Per fill-in card, its fields in reading order, named by the model (model/answers.py)."""
    cards = []
    for card in cs.cards:
        names = []
        for _, block, _ in card.walk():
            if isinstance(block, WriteIn):
                names.append(answer_name(card, block))
            elif isinstance(block, Choice):
                names += [f"{answer_name(card, block)}={o.id}" for o in block.options]
            elif isinstance(block, Descriptions):
                names += [f"{answer_name(card, block)}={o.letter}" for o in block.options]
            elif isinstance(block, DomainChoice):
                stem = answer_name(card, block)
                names += [tick_name(stem, d.id) for d in cs.domains]
                names += [note_name(stem, n + 1) for n in range(block.max)]
        cards.append(names)
    return cards


def test_outline_is_the_cards_in_reading_order(pack):
    lang, path = pack
    cs = card_set(lang)
    tree = outline(path)
    assert [n["role"] for n in tree] == ["Document"]
    sects = tree[0]["kids"]
    assert [n["role"] for n in sects] == ["Sect"] * (len(cs.cards) + len(cs.domains))
    reader = PdfReader(path)
    fills, domains = sects[:len(cs.cards)], sects[len(cs.cards):]
    for sect, card, fields in zip(fills, cs.cards, expected_fields(cs)):
        first = sect["kids"][0]
        title = next(b.text for _, b, _ in card.walk() if isinstance(b, Heading))
        assert first["role"] == "H1"
        assert first["text"] == render(title, {"name": NAME}), card.id
        assert all(n["role"] != "H1" for n in walk(sect) if n is not first)
        forms = [field_of(reader, n["obj"]) for n in walk(sect) if n["role"] == "Form"]
        assert forms == fields, card.id
    for sect, domain in zip(domains, cs.domains):
        roles = [n["role"] for n in sect["kids"]]
        assert roles[:2] == ["H1", "Figure"], (domain.id, roles)
        assert re.sub(r"\s+", " ", sect["kids"][0]["text"]).strip() == domain.title.strip()
        examples = [n for n in sect["kids"] if n["role"] == "L"][-1]
        assert [text_of(li).strip() for li in examples["kids"]] == [e.strip() for e in domain.examples]
        assert all(li["role"] == "LI" and [k["role"] for k in li["kids"]] == ["LBody"] for li in examples["kids"])


def test_every_question_is_next_to_its_field(pack):
    """A Form element's neighbours in the outline say what it asks: a paragraph, heading or label
    just before it, or its list item's body; and its widget's /TU names the question."""
    _, path = pack
    tree = outline(path)
    reader = PdfReader(path)
    count = 0
    for node in walk(tree[0]):
        kids = node["kids"]
        for i, kid in enumerate(kids):
            if kid["role"] != "Form":
                continue
            count += 1
            widget = reader.get_object(kid["obj"])
            field = widget if "/TU" in widget else widget["/Parent"].get_object()
            assert str(field.get("/TU", "")).strip(), field_of(reader, kid["obj"])
            neighbours = kids[:i] + kids[i + 1:]
            assert any(text_of(n).strip() for n in neighbours), (node["role"], field_of(reader, kid["obj"]))
    assert count == len(shown_widgets(reader))


def test_list_items_carry_their_labels(pack):
    _, path = pack
    tree = outline(path)
    labelled = [[k["text"] for k in li["kids"] if k["role"] == "Lbl"] for n in walk(tree[0]) if n["role"] == "L"
                for li in n["kids"] if any(k["role"] == "Lbl" for k in li["kids"])]
    letters = [x[0] for x in labelled]
    assert letters[:5] == ["A", "B", "C", "D", "E"]
    assert letters[5:] == ["1", "2", "3"] * 2


# -- raw objects and content streams ---------------------------------------------------------------

def shown_widgets(reader: PdfReader) -> list[DictionaryObject]:
    """Every widget annotation but hidden ones (the pack's reference, for `read`)."""
    widgets = [a.get_object() for p in reader.pages for a in p.get("/Annots", [])]
    return [w for w in widgets if not int(w.get("/F", 0)) & 2]


def elements(reader: PdfReader):
    """Every structure element, depth first."""
    todo = [reader.trailer["/Root"]["/StructTreeRoot"]["/K"]]
    while todo:
        kids = todo.pop()
        kids = kids.get_object() if hasattr(kids, "get_object") else kids
        for kid in (kids if isinstance(kids, list) else [kids]):
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict) and kid.get("/Type") == "/StructElem":
                yield kid
                todo.append(kid["/K"])


def parent_tree(reader: PdfReader) -> dict[int, object]:
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def claimed(element: DictionaryObject, page_ref) -> set[int]:
    """The MCIDs on `page_ref` that a structure element names as its own content."""
    kids = element["/K"]
    kids = kids if isinstance(kids, list) else [kids]
    out = set()
    for kid in kids:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, int):
            if element.raw_get("/Pg").idnum == page_ref.idnum:
                out.add(int(kid))
        elif isinstance(kid, dict) and kid.get("/Type") == "/MCR" and kid.raw_get("/Pg").idnum == page_ref.idnum:
            out.add(int(kid["/MCID"]))
    return out


def check_marked_content(path: Path) -> None:
    """Every piece of page text is in exactly one marked-content sequence, tagged or an Artifact;
    every path is in one; MCIDs count up per page and each is claimed by its parent-tree element."""
    reader = PdfReader(path)
    parents = parent_tree(reader)
    for index, page in enumerate(reader.pages):
        stack: list[str | int] = []
        seen: list[int] = []
        shown = 0
        content = ContentStream(page["/Contents"].get_object(), reader)
        for operands, op in content.operations:
            if op == b"BDC":
                props = operands[1]
                stack.append(int(props["/MCID"]) if "/MCID" in props else str(operands[0]))
                if "/MCID" in props:
                    seen.append(int(props["/MCID"]))
            elif op == b"BMC":
                stack.append(str(operands[0]))
            elif op == b"EMC":
                stack.pop()
            elif op in TEXT_SHOWING:
                shown += 1
                assert len(stack) == 1, f"page {index + 1}: text inside {stack or 'nothing'}"
                assert isinstance(stack[0], int) or stack[0] == "/Artifact", stack
            elif op in (b"re", b"l", b"c") and not stack:
                raise AssertionError(f"page {index + 1}: a path drawn outside marked content")
        assert not stack and shown
        assert seen == list(range(len(seen))), "MCIDs count up from 0 on each page"
        elements = parents[int(page["/StructParents"])]
        assert len(elements) == len(seen)
        for mcid, element in enumerate(elements):
            assert mcid in claimed(element.get_object(), page.indirect_reference), (index, mcid)


def test_every_piece_of_text_is_tagged_once_or_an_artifact(pack):
    check_marked_content(pack[1])


RULES = {"UA-01-005", "UA-01-002", "UA-01-003", "UA-06-001", "UA-13-004", "UA-15-003", "UA-18-001", "UA-14-001",
         "UA-07-001", "UA-07-002", "UA-28-004"}  # pdfua's checks that apply to kaartgen's files


def pdfua_findings(path: Path) -> list[str]:
    """What the free checker pdfua (PyPI; PDF/UA-1's machine-checkable subset) finds; every
    rule kaartgen relies on must have run, not been skipped."""
    pdfua = pytest.importorskip("pdfua", reason="pdfua is in the test extra: pip install -e '.[test]'")
    report = pdfua.validate(str(path))
    ran = {o.rule_id for o in report.outcomes if o.skipped_reason is None}
    assert ran >= RULES, f"not run: {sorted(RULES - ran)}"
    return [f"{f.rule_id}: {f.message}" for f in report.findings]


def test_the_free_pdfua_checker_finds_nothing(pack):
    assert pdfua_findings(pack[1]) == []


def test_the_free_pdfua_checker_sees_the_office_pack_is_untagged(office_pdf):
    """The printed formats stay untagged (see README); the checker must be able to tell."""
    assert {f.split(":")[0] for f in pdfua_findings(office_pdf)} >= {"UA-01-005", "UA-01-002", "UA-06-001"}


def check_document(path: Path, lang: str, title: str) -> PdfReader:
    """The catalog and page entries of a tagged PDF, and its fonts: embedded, with ToUnicode."""
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == lang
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"]) is True
    assert reader.metadata.title == title
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
    assert f'<rdf:li xml:lang="x-default">{title}</rdf:li>' in xmp
    assert all(p["/Tabs"] == "/S" for p in reader.pages)
    assert [int(p["/StructParents"]) for p in reader.pages] == list(range(len(reader.pages)))
    fonts = {}
    for page in reader.pages:
        for name, font in page["/Resources"]["/Font"].items():
            fonts[name] = font.get_object()
    if "/AcroForm" in root:
        for name, font in root["/AcroForm"]["/DR"]["/Font"].items():
            fonts[name] = font.get_object()
    assert fonts
    for name, font in fonts.items():
        descriptor = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        files = descriptor["/FontDescriptor"].get_object()
        assert any(k in files for k in ("/FontFile", "/FontFile2", "/FontFile3")), f"{name} is not embedded"
        assert "/ToUnicode" in font, f"{name} has no ToUnicode map"
    return reader


def test_catalog_pages_widgets_and_fonts(pack):
    lang, path = pack
    cs = card_set(lang)
    reader = check_document(path, lang, cs.info.title)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert NAME.encode() not in path.read_bytes() and NAME.encode() not in xmp
    parents = parent_tree(reader)
    shown = shown_widgets(reader)
    assert len(shown) > 20
    for widget in shown:
        element = parents[int(widget["/StructParent"])].get_object()
        assert element["/S"] == "/Form"
        kids = element["/K"] if isinstance(element["/K"], list) else [element["/K"]]
        objr = [k.get_object() for k in kids if isinstance(k.get_object(), dict)]
        assert [o["/Obj"].get_object() for o in objr] == [widget]
    figures = [str(e["/Alt"]) for e in elements(reader) if e["/S"] == "/Figure"]
    assert sorted(figures) == sorted(re.sub(r"\s+", " ", d.title).strip() for d in cs.domains)


def test_tagged_pack_is_byte_identical_when_made_again(pack, tmp_path):
    lang, path = pack
    again = build_pack(tmp_path, "--format", "digital", "--language", lang, "--name", NAME)
    assert again.read_bytes() == path.read_bytes()


# -- the summary and the guide -----------------------------------------------------------------------

def test_summary_is_tagged_a_section_a_card_and_a_long_answer_stays_whole(tmp_path):
    cs = card_set("nl")
    pdf = build_pack(tmp_path / "pack", "--format", "digital", "--reference", "K-7")
    lines = [f"regel {n}: wat ik vandaag deed en wat ik morgen wil proberen, in mijn eigen woorden" for n in range(90)]
    filled = fill(pdf, tmp_path / "ingevuld.pdf", {"situatie.situatie": "\n".join(lines), "verder.doel": "Weer werken"})
    result = run("read", str(filled), "--out", str(tmp_path / "s"))
    assert result.exit_code == 0, result.output
    path = tmp_path / "s" / "samenvatting-K-7.pdf"
    reader = check_document(path, "nl", cs.info.summary.title)
    assert len(reader.pages) >= 2
    assert b"regel 1:" not in reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    check_marked_content(path)
    assert pdfua_findings(path) == []
    tree = outline(path)[0]["kids"]
    assert [n["role"] for n in tree[:2]] == ["H1", "P"]
    sects = tree[2:]
    assert {n["role"] for n in sects} == {"Sect"} and all(s["kids"][0]["role"] == "H2" for s in sects)
    situation = next(s for s in sects if "Hoe is mijn huidige situatie?" in s["kids"][0]["text"])
    assert [k["text"] for k in situation["kids"][1:1 + len(lines)]] == lines  # one P a line, across pages
    goal = next(s for s in sects if s["kids"][0]["text"].endswith(cs.cards[-1].title))
    roles = [(k["role"], k["text"]) for k in goal["kids"]]
    assert ("P", "Weer werken") in roles and roles[roles.index(("P", "Weer werken")) - 1][0] == "H3"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_guide_is_tagged_headings_table_and_figures(lang, tmp_path):
    cs = card_set(lang)
    g = cs.guide
    result = run("guide", "--language", lang, "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    guide, _, reflection = [Path(p) for p in result.output.split()]
    reader = check_document(guide, lang, g.title)
    check_marked_content(guide)
    tree = outline(guide)[0]["kids"]
    assert [(n["role"], n["text"]) for n in tree[:2]] == [("P", cs.info.title), ("H1", g.title)]
    sects = [n for n in tree if n["role"] == "Sect"]
    assert [s["kids"][0]["text"] for s in sects] == [s.heading for s in g.sections] + [
        g.cycle.heading, g.table.heading, g.prompts.heading, g.reflection.heading]
    table = next(n for s in sects for n in s["kids"] if n["role"] == "Table")
    descriptions = next(b for c in cs.cards for _, b, _ in c.walk() if isinstance(b, Descriptions))
    assert [[c["role"] for c in row["kids"]] for row in table["kids"]] == \
        [["TH"] * 4] + [["TD"] * 4] * len(descriptions.options)
    assert [c["text"] for c in table["kids"][0]["kids"]] == g.table.columns
    assert all(c["attributes"] == ["/Scope /Column"] for c in table["kids"][0]["kids"])
    figures = sorted(str(e["/Alt"]) for e in elements(reader) if e["/S"] == "/Figure")
    cycle = next(f for f in figures if not f.startswith(g.reflection.heading))
    assert len(figures) == 2
    assert all(f"{s.phase}: {s.name}" in cycle for s in cs.stagnations if s.phase in g.cycle.phases), cycle
    assert sum(s.phase not in g.cycle.phases for s in cs.stagnations) == 1  # one in the centre
    check_document(reflection, lang, g.reflection.heading)
    check_marked_content(reflection)
    assert pdfua_findings(guide) == [] and pdfua_findings(reflection) == []


def test_a_print_format_may_be_tagged_by_its_template(templates_copy, tmp_path):
    """Print formats are untagged by default (tagging costs them about 40 % in bytes and time,
    README); a template owner may still switch it on, and then the write-in areas are lines
    (decoration), not Form elements waiting for fields that print has not got."""
    formats = templates_copy / "formats.yaml"
    formats.write_text(formats.read_text(encoding="utf-8").replace("  office:\n", "  office:\n    tagged: true\n", 1),
                       encoding="utf-8")
    path = build_pack(tmp_path, "--templates", str(templates_copy), "--name", NAME)
    check_document(path, "nl", card_set("nl").info.title)
    check_marked_content(path)
    assert pdfua_findings(path) == []
    tree = outline(path)[0]["kids"]
    assert len(tree) == 11 and not any(n["role"] == "Form" for s in tree for n in walk(s))


@pytest.mark.parametrize("name", [NASTY_NAME, "Γιώργος Παπαδόπουλος", "Ольга Ĳzerman-Öztürk"])
def test_a_name_in_any_script_reads_back_exactly_from_the_structure(name, tmp_path):
    """Names set partly in the fallback font go through the multi-font path; the H1 a screen
    reader meets must still be the name exactly as given, and nothing of it reaches the metadata."""
    path = build_pack(tmp_path, "--format", "digital", "--name", name)
    first = outline(path)[0]["kids"][0]["kids"][0]
    assert (first["role"], first["text"]) == ("H1", f"Beste {name},")
    check_marked_content(path)
    assert pdfua_findings(path) == []
    reader = check_document(path, "nl", card_set("nl").info.title)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert name.split()[0] not in xmp and name.split()[0] not in str(reader.metadata)
