#!/usr/bin/env python3
"""Writes the generated seed corpora of the fuzz targets (docs/reliability.md, "Fuzzing").

From the JSONL files of tests/data/ and, when present, ../shared/data/: whole lines (JSONL), the
same records as JSON arrays, export envelopes and CSV files, the SQL fields, the questions and the
PII case texts, also written into SQL literals and comments. Deterministic: the same data gives the
same files. Each target gets at most --max files, named by the hash of their content, in
OUT/<target>/. The hand-made hostile seeds stay in fuzz/seeds/<target>/ (committed).

    fuzz/make-seeds.py --out build-fuzz/corpus [--shared ../shared/data] [--max 200]
"""
import argparse
import csv
import hashlib
import io
import json
import pathlib

TARGETS = ["import_jsonl", "import_json", "import_csv", "sql_tokenizer", "sql_analyzer",
           "pii_detectors", "custom_patterns", "anonymizer"]
LINES_PER_FILE = 400  # read at most this many lines of each data file
MAX_TEXT = 4000       # longer texts are left out (libFuzzer's -max_len keeps inputs small)


def read_records(paths):
    """(file name, raw line, parsed object) for the first LINES_PER_FILE lines of each file."""
    out = []
    for path in paths:
        with open(path, "rb") as f:
            for n, raw in enumerate(f):
                if n >= LINES_PER_FILE:
                    break
                raw = raw.rstrip(b"\r\n")
                try:
                    obj = json.loads(raw)
                except ValueError:
                    continue
                if isinstance(obj, dict):
                    out.append((path.name, raw, obj))
    return out


def spread(items, count):
    """`count` items spread evenly over the list (all of them when there are fewer)."""
    if len(items) <= count:
        return list(items)
    step = len(items) / count
    return [items[int(i * step)] for i in range(count)]


def unique(items):
    seen, out = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def text_fields(records, *names):
    values = []
    for _, _, obj in records:
        for name in names:
            v = obj.get(name)
            if isinstance(v, str) and 0 < len(v) <= MAX_TEXT:
                values.append(v)
    return unique(values)


def sql_quote(text):
    return "'" + text.replace("'", "''") + "'"


def write(out, target, blobs, limit):
    folder = out / target
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for blob in spread(unique(blobs), limit):
        data = blob.encode("utf-8", "surrogatepass") if isinstance(blob, str) else blob
        (folder / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)
        written += 1
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, type=pathlib.Path)
    parser.add_argument("--shared", type=pathlib.Path, help="the shared data folder, when present")
    parser.add_argument("--max", type=int, default=200, help="files per target")
    args = parser.parse_args()

    root = pathlib.Path(__file__).resolve().parent.parent
    paths = sorted((root / "tests" / "data").glob("*.jsonl"))
    if args.shared and args.shared.is_dir():
        paths += sorted(args.shared.glob("*.jsonl"))
    records = read_records(paths)
    pairs = [r for r in records if isinstance(r[2].get("question"), str) and isinstance(r[2].get("sql"), str)]
    pii = [r for r in records if r[0] == "pii_cases.jsonl"]

    sqls = text_fields(pairs, "sql")
    questions = text_fields(pairs, "question")
    pii_texts = text_fields(pii, "text")
    corpora = {}

    # Importers: a few consecutive records per file, in each format.
    chunks = [pairs[i:i + 3] for i in range(0, len(pairs), 3)]
    corpora["import_jsonl"] = [b"\n".join(raw for _, raw, _ in c) + b"\n" for c in chunks]
    json_blobs = []
    for k, c in enumerate(chunks):
        objs = [obj for _, _, obj in c]
        if k % 3 == 0:
            json_blobs.append(json.dumps(objs, ensure_ascii=False, indent=1))
        elif k % 3 == 1:
            json_blobs.append(json.dumps({"format": "pairlens", "version": 1, "pairs": objs}, ensure_ascii=False))
        else:
            json_blobs.append(json.dumps(objs[0], ensure_ascii=False))
    corpora["import_json"] = json_blobs
    csv_blobs = []
    for k, c in enumerate(chunks):
        buf = io.StringIO()
        writer = csv.writer(buf, quoting=csv.QUOTE_ALL if k % 2 else csv.QUOTE_MINIMAL,
                            lineterminator="\r\n" if k % 3 == 0 else "\n")
        writer.writerow(["question", "sql", "db_id"])
        for _, _, obj in c:
            writer.writerow([obj.get("question", ""), obj.get("sql", ""), obj.get("db_id", "")])
        csv_blobs.append(buf.getvalue())
    corpora["import_csv"] = csv_blobs

    # SQL: the statements as they are; the anonymizer also gets PII texts inside literals and comments.
    corpora["sql_tokenizer"] = sqls
    corpora["sql_analyzer"] = sqls
    wrapped = []
    for k, text in enumerate(pii_texts):
        form = k % 4
        if form == 0:
            wrapped.append("SELECT * FROM t WHERE note = " + sql_quote(text))
        elif form == 1:
            wrapped.append("SELECT 1 -- " + text.replace("\n", " ") + "\nFROM t")
        elif form == 2:
            wrapped.append("SELECT 1 /* " + text.replace("*/", "* /") + " */")
        else:
            wrapped.append("INSERT INTO t VALUES (E" + sql_quote(text.replace("\\", "\\\\")) + ")")
    corpora["anonymizer"] = spread(sqls, 60) + wrapped + spread(questions, 40)

    # PII: the case texts and questions; custom patterns: a pattern line, then a text.
    corpora["pii_detectors"] = pii_texts + spread(questions, 40)
    patterns = ["EMP-\\d{4,8}", "\\b[A-Z]{2}\\d{6}\\b", "(?i)secret\\S*", "\\w+@\\w+\\.\\w+",
                "\\d{3}-\\d{2}-\\d{4}", "'[^']*'", "[\\p{L}]+\\d+"]
    custom = []
    for k, text in enumerate(spread(pii_texts, 60) + spread(sqls, 40)):
        custom.append(patterns[k % len(patterns)] + "\n" + text)
    corpora["custom_patterns"] = custom

    for target in TARGETS:
        n = write(args.out, target, corpora.get(target, []), args.max)
        print(f"make-seeds: {n:4d} generated seeds for {target}")


if __name__ == "__main__":
    main()
