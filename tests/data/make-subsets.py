#!/usr/bin/env python3
"""Regenerates the test data of tests/data from the full public files (Python 3 standard library only).

    python3 tests/data/make-subsets.py                  # reads ../shared/data, writes tests/data
    python3 tests/data/make-subsets.py --check          # only checks that tests/data is what it would write
    python3 tests/data/make-subsets.py --source DIR     # the full files are somewhere else
    python3 tests/data/make-subsets.py --count [DIR]    # the figures the tests expect, counted here

tests/data/pg_statements.jsonl is no subset: make-pg-statements.py writes it.

The selection is deterministic: fixed strides over the source lines (counted from the first line of
the file, or of the Advising rows for text2sql_data.jsonl) plus a few required rows. Selected lines
are copied byte for byte, in their original order; nothing inside a row is changed. The rules and
the licences are described in tests/data/README.md; change both together.
"""

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parent.parent.parent / "shared" / "data"

# The full source files the subsets were made from, as described in ../shared/data/README.md:
# records and SHA-256. A different version is still read, with a warning: the rules below then pick
# other rows and the expected figures of the tests must be counted again (see README.md).
SOURCES = {
    "spider.jsonl": (8034, "0c74a1ba911095facb8763661105aff60ac2cc3ecf217cf1e3be308b77578d45"),
    "bird_dev.jsonl": (1534, "666dbf3dde8368c2e494b2bda2cc347edea06daa6696754d6cba5957744d359b"),
    "text2sql_data.jsonl": (12194, "8b9a286412f08611e5a7f1fddb8327068ab644dec001bbc4116f450cffb546d7"),
    "sede.jsonl": (1714, "24b1be850309208ca11416f7cb5f278cdbe8c2ae7db9d772e21548a00c80191f"),
    "pii_cases.jsonl": (1862, "a3711b00170b9b2c4b99d6bc2bb78a10414b1c79667b8cd718109ded88894885"),
}

# SEDE rows (1-based line numbers of sede.jsonl) whose `sql` holds no statement outside bracketed
# identifiers, string literals and comments: seven hold the query's title instead of SQL ("Top 10 of Kadi, Gujarat"),
# one builds its query in a string and runs it with EXEC(@sql). The tests count them as OTHER.
SEDE_REQUIRED_LINES = [525, 708, 771, 917, 1125, 1210, 1352, 1408]

STATEMENT_WORD = re.compile(r"\b(select|insert|update|delete|merge|create|alter|drop|truncate)\b", re.I)


def without_literals_and_comments(sql):
    """The SQL with [bracketed identifiers] replaced by X and '...' literals and comments removed."""
    sql = re.sub(r"\[[^\]\n]*\]", "X", sql)
    sql = re.sub(r"'(?:[^']|'')*'", "''", sql)
    sql = re.sub(r"--[^\n]*", "", sql)
    return re.sub(r"/\*.*?\*/", "", sql, flags=re.S)


def every(k):
    """Lines 1, 1+k, 1+2k, ... of the rows it is given."""
    return lambda rows: [line for i, line in enumerate(rows) if i % k == 0]


def spider(lines):
    return every(8)(lines)  # 1,005 of 8,034: 875 train + 130 dev


def bird_dev(lines):
    return every(5)(lines)  # 307 of 1,534, all eleven databases


def text2sql_data(lines):
    # Only the Advising rows: their licence (CC BY 4.0) is clear; the other domains of
    # text2sql-data were shared "with permission" or are "TBD" upstream, so they are not copied.
    advising = [line for line in lines if json.loads(line)["source"] == "text2sql-data/advising"]
    return every(8)(advising)  # 549 of 4,387


def sede(lines):
    required = set()
    for number in SEDE_REQUIRED_LINES:
        sql = json.loads(lines[number - 1])["sql"]
        if STATEMENT_WORD.search(without_literals_and_comments(sql)):
            sys.exit(f"sede.jsonl line {number} holds a statement; the list of required rows is out of date")
        required.add(number - 1)
    # No other row lacks a statement (the list is complete).
    for i, line in enumerate(lines):
        if i not in required and not STATEMENT_WORD.search(without_literals_and_comments(json.loads(line)["sql"])):
            sys.exit(f"sede.jsonl line {i + 1} holds no statement but is not in SEDE_REQUIRED_LINES")
    # 172 every-10th lines, one of them (771) required, plus the other 7 required: 179
    return [line for i, line in enumerate(lines) if i % 10 == 0 or i in required]


def count_figures(folder):
    """Prints, per file, the figures tst_shareddata, tst_tokenizer and tst_analyzer expect, counted
    with regular expressions over the JSON and nothing from PairLens: records; and, with [bracketed
    identifiers], '...' literals and comments removed from `sql`, the statement type (OTHER when no
    statement keyword is left, SELECT when SELECT is the only one), pairs without a table (no FROM or
    JOIN followed by a name) and pairs where a ';' is followed by more text."""
    table = re.compile(r"\b(from|join)\s+[\"`]?[A-Za-z_#@]", re.I)
    for name in RULES:
        rows = [json.loads(line) for line in (folder / name).read_text(encoding="utf-8").splitlines() if line.strip()]
        print(f"{name}: {len(rows)} records")
        if name == "pii_cases.jsonl":
            continue  # no SQL
        types, no_table, several = {}, 0, 0
        for row in rows:
            sql = without_literals_and_comments(row["sql"])
            words = {w.upper() for w in STATEMENT_WORD.findall(sql)}
            kind = "OTHER" if not words else "SELECT" if words == {"SELECT"} else "+".join(sorted(words))
            types[kind] = types.get(kind, 0) + 1
            no_table += kind == "OTHER" or not table.search(sql)
            several += kind != "OTHER" and re.search(r";\s*\S", sql) is not None
        summary = ",".join(f"{k}={v}" for k, v in sorted(types.items()))
        print(f"    types {summary}; without tables {no_table}; ';' then more text {several}")


def whole(lines):
    return list(lines)


RULES = {
    "spider.jsonl": spider,
    "bird_dev.jsonl": bird_dev,
    "text2sql_data.jsonl": text2sql_data,
    "sede.jsonl": sede,
    "pii_cases.jsonl": whole,  # whole: tst_piicases measures precision and recall over every case
}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="folder of the full files")
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write (default: tests/data)")
    parser.add_argument("--check", action="store_true", help="compare with --out instead of writing")
    parser.add_argument("--count", nargs="?", const=HERE, type=Path, metavar="DIR",
                        help="print the figures the tests expect for the files of DIR (default: tests/data)")
    args = parser.parse_args()
    if args.count:
        count_figures(args.count)
        return

    mismatches = 0
    for name, rule in RULES.items():
        path = args.source / name
        if not path.is_file():
            sys.exit(f"{path} does not exist; pass --source with the folder of the full public files")
        data = path.read_bytes()
        lines = data.splitlines(keepends=True)
        expected_records, expected_sha = SOURCES[name]
        if hashlib.sha256(data).hexdigest() != expected_sha:
            print(f"warning: {path} is not the version the subsets were made from", file=sys.stderr)
        if not data.endswith(b"\n") or any(not line.strip() for line in lines):
            sys.exit(f"{path}: expected one record per newline-terminated line")
        if len(lines) != expected_records:
            print(f"warning: {path} has {len(lines)} records, not {expected_records}", file=sys.stderr)
        subset = b"".join(rule(lines))
        target = args.out / name
        digest = hashlib.sha256(subset).hexdigest()[:16]
        count = subset.count(b"\n")
        if args.check:
            same = target.is_file() and target.read_bytes() == subset
            mismatches += 0 if same else 1
            print(f"{name}: {count} rows, {len(subset)} bytes, sha256 {digest}… {'ok' if same else 'DIFFERS'}")
        else:
            target.write_bytes(subset)
            print(f"{name}: {count} rows, {len(subset)} bytes, sha256 {digest}…")
    if mismatches:
        sys.exit(f"{mismatches} file(s) differ from what make-subsets.py writes")


if __name__ == "__main__":
    main()
