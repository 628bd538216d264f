"""The code uses Django's and psycopg's public interfaces only (issue 11): no private attribute of
their objects, no query-compiler internals, no private module. A Django or psycopg upgrade then
breaks only what their release notes announce."""

import re
from pathlib import Path

import shenpi

PACKAGE = Path(shenpi.__file__).parent
# Model._meta (the Model _meta API) and instance._state (Model.from_db's documented example)
# are Django's documented interfaces despite their underscore.
DOCUMENTED = {"_meta", "_state"}
ATTRIBUTE = re.compile(r"\b(\w+)\.(_[A-Za-z]\w*)")
FORBIDDEN = [
    re.compile(p) for p in (
        r"\bcompiler\.", r"get_compiler\(", r"klass_info", r"annotation_col_map", r"apply_converters",
        r"get_converters", r"_prepared\b", r"_get_tx_start_command", r"from psycopg\._", r"import psycopg\._",
        r"psycopg\.generators", r"from psycopg import generators", r"\bpgconn\b", r"django\.db\.models\.sql\b",
    )
]


def sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, path.read_text(encoding="utf-8")


def own_private_names() -> set[str]:
    """Private names Shenpi itself defines (functions, classes, attributes, module globals)."""
    names = set()
    definition = re.compile(r"(?:def|class)\s+(_\w+)|\b(_\w+)\b[^=\n(]*=(?!=)|[\"'](_\w+)[\"']")
    for _path, text in sources():
        for match in definition.finditer(text):
            names.update(g for g in match.groups() if g)
    return names


def test_no_private_attribute_of_django_or_psycopg():
    own = own_private_names()
    found = []
    for path, text in sources():
        for n, line in enumerate(text.splitlines(), 1):
            for owner, name in ATTRIBUTE.findall(line):
                if name.startswith("__") or name in DOCUMENTED or name in own:
                    continue
                found.append(f"{path.relative_to(PACKAGE.parent)}:{n}: {owner}.{name}")
    assert found == []


def test_no_query_compiler_or_driver_internals():
    found = [f"{path.relative_to(PACKAGE.parent)}:{n}: {line.strip()}"
             for path, text in sources() for n, line in enumerate(text.splitlines(), 1)
             if any(p.search(line) for p in FORBIDDEN) and not line.lstrip().startswith("#")]
    assert found == []


def test_the_check_finds_what_it_looks_for(tmp_path):
    """The patterns catch the accesses the old fast path made."""
    old = ["cache = raw._prepared", "raw._get_tx_start_command()", "compiler.klass_info",
           "from psycopg.generators import send", "conn.pgconn.enter_pipeline_mode()"]
    assert all(any(p.search(line) for p in FORBIDDEN) for line in old)
    assert ATTRIBUTE.findall("raw._prepared") == [("raw", "_prepared")]
    assert "_prepared" not in own_private_names()
