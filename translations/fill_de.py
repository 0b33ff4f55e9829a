#!/usr/bin/env python3
"""Keep translations/pairlens_de.ts complete: update it from the sources and fill in the German.

The German texts live in translations/pairlens_de.json ({context: {source: translation}}; a plural
message has a list [singular, plural]). The .ts is generated: lupdate extracts the source strings,
this script then

  1. moves messages to the context they are looked up in at run time. Files such as app/cli/*.cpp
     or core/export/*.cpp call a file-local helper `QString tr(const char *s) { return
     QCoreApplication::translate("cli", s); }`; lupdate cannot see that and files those strings under
     the enclosing namespace or class ("pairlens::cli", "pairlens::exporting::Exporter", ...), where
     the translator would never find them. A second lupdate run with locations tells which file each
     message comes from, and the helper in that file (or in a header it includes) gives the real
     context.
  2. fills every message from the dictionary (same context first, else the same source text in any
     context, so a term is translated once) and checks that the placeholders (%1..%99, %n, %L1)
     are kept,
  3. writes the .ts in lupdate's layout and runs lrelease on it as a check.

Translations someone made in Qt Linguist (finished messages missing from the dictionary) are
copied into the dictionary, so they survive the next run.

Usage (from anywhere):  python3 translations/fill_de.py [--no-lupdate] [--check] [--prune]
  --no-lupdate  don't run lupdate first (use the .ts as it is)
  --check       change nothing (lupdate runs on a copy); exit 1 when a message would stay
                untranslated, a placeholder differs, lrelease complains or the .ts in the tree is
                not what this script would write (the ctest translations_current)
  --prune       drop dictionary entries that no longer match any source string
Exit code 0 when every message is translated, 1 otherwise. LUPDATE / LRELEASE override the tools.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "translations" / "pairlens_de.ts"
DICTIONARY = ROOT / "translations" / "pairlens_de.json"
SOURCE_DIRS = ["app", "core", "ui"]
LANGUAGE = "de_DE"

HELPER = re.compile(
    r"(?:QString\s+tr\s*\(\s*const\s+char\s*\*\s*\w+\s*\)"
    r"|auto\s+tr\s*=\s*\[[^\]]*\]\s*\(\s*const\s+char\s*\*\s*\w+\s*\)(?:\s*->\s*QString)?)"
    r"\s*\{\s*return\s+QCoreApplication::translate\(\s*\"([^\"]+)\"")
LITERAL_CONTEXT = re.compile(r"(?:translate|QT_TRANSLATE_NOOP3?|QT_TRANSLATE_N_NOOP3?)\(\s*\"([^\"]+)\"")
TR_FUNCTIONS = re.compile(r"Q_DECLARE_TR_FUNCTIONS\(\s*(\w+)\s*\)")
CLASS = re.compile(r"\b(?:class|struct)\s+(?:\w+\s+)?(\w+)\s*(?:final\s*)?(?::[^;{]*)?\{")
PLACEHOLDER = re.compile(r"%(?:L?[1-9][0-9]?|n)")


def tool(env, name):
    for candidate in (os.environ.get(env), f"/usr/lib/qt6/bin/{name}", shutil.which(name)):
        if candidate and Path(candidate).exists():
            return candidate
    sys.exit(f"fill_de.py: cannot find {name}; set {env}.")


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text or ""))


def run_lupdate(ts, locations):
    cmd = [tool("LUPDATE", "lupdate"), "-no-obsolete", "-locations", locations, *SOURCE_DIRS, "-ts", str(ts)]
    if locations != "none":
        cmd[1:1] = ["-target-language", LANGUAGE]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"fill_de.py: lupdate failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def message_key(context, message):
    comment = message.find("comment")
    return (context, message.findtext("source") or "", comment.text if comment is not None else "")


def locate_messages():
    """(lupdate context, source, comment) -> [(file relative to ROOT, line), ...]."""
    with tempfile.TemporaryDirectory() as tmp:
        ts = Path(tmp) / "located.ts"
        run_lupdate(ts, "absolute")
        located = {}
        for context in ET.parse(ts).getroot().iter("context"):
            name = context.findtext("name")
            for message in context.iter("message"):
                located[message_key(name, message)] = sorted(
                    (os.path.relpath((ts.parent / loc.get("filename")).resolve(), ROOT), int(loc.get("line", 0)))
                    for loc in message.findall("location"))
        return located


def source_facts():
    """Per file: the context of the file-local tr() helper it defines or gets from a header it
    includes, and the literal contexts it uses; overall: the classes that have their own tr()
    (Q_OBJECT, Q_DECLARE_TR_FUNCTIONS)."""
    texts, helpers, literals, tr_classes = {}, {}, {}, set()
    for directory in SOURCE_DIRS:
        for path in sorted((ROOT / directory).rglob("*")):
            if path.suffix in (".cpp", ".h"):
                texts[path.resolve()] = path.read_text(encoding="utf-8", errors="replace")
    own = {path: set(HELPER.findall(text)) for path, text in texts.items()}
    for path, text in texts.items():
        rel = str(path.relative_to(ROOT))
        found = set(own[path])
        if not found:  # a helper shared through a header
            for include in re.findall(r'#\s*include\s+"([^"]+)"', text):
                for candidate in [path.parent / include] + [ROOT / d / include for d in SOURCE_DIRS]:
                    if candidate.resolve() in own:
                        found |= own[candidate.resolve()]
                        break
        if len(found) > 1:
            print(f"warning: {rel} sees tr() helpers for several contexts {sorted(found)}; not remapped")
        elif found:
            helpers[rel] = found.pop()
        literals[rel] = set(LITERAL_CONTEXT.findall(text))
        tr_classes.update(TR_FUNCTIONS.findall(text))
        for match in re.finditer(r"\bQ_OBJECT\b", text):
            classes = list(CLASS.finditer(text, 0, match.start()))
            if classes:
                tr_classes.add(classes[-1].group(1))
    return helpers, literals, tr_classes


def runtime_contexts(context, files, facts):
    """The contexts a message extracted under `context` from `files` is looked up in."""
    helpers, literals, tr_classes = facts
    targets = []
    for rel in sorted(files) or [None]:
        target = context
        if rel in helpers and context not in literals.get(rel, set()) \
                and context.split("::")[-1] not in tr_classes:
            target = helpers[rel]
        if target not in targets:
            targets.append(target)
    return targets


def translation_text(message):
    translation = message.find("translation")
    if message.get("numerus") == "yes":
        return [form.text or "" for form in translation.findall("numerusform")]
    return translation.text or ""


def is_finished(message):
    translation = message.find("translation")
    return translation is not None and translation.get("type") not in ("unfinished", "vanished", "obsolete")


def set_translation(message, value):
    translation = message.find("translation")
    for child in list(translation):
        translation.remove(child)
    translation.attrib.pop("type", None)
    if message.get("numerus") == "yes":
        translation.text = None
        for form in value:
            ET.SubElement(translation, "numerusform").text = form
    else:
        translation.text = value


def check_value(message, value):
    """A problem with `value` as the translation of `message`, or None."""
    source = message.findtext("source") or ""
    numerus = message.get("numerus") == "yes"
    forms = value if isinstance(value, list) else [value]
    if numerus != isinstance(value, list):
        return "needs a list [singular, plural]" if numerus else "is not a plural message; give one string"
    if numerus and len(forms) != 2:
        return "German needs exactly two plural forms"
    if any(not form for form in forms):
        return "has an empty translation"
    for form in forms:
        got, want = placeholders(form), placeholders(source)
        if got != want:
            return f"placeholders {got} differ from the source's {want}: {form!r}"
    return None


def escape(text):
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&apos;"))


def write_ts(root, path):
    """The layout lupdate writes, so an lupdate run right after changes nothing but what it must."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<!DOCTYPE TS>",
             f'<TS version="{root.get("version", "2.1")}" language="{root.get("language", LANGUAGE)}">']
    for context in root.findall("context"):
        lines += ["<context>", f"    <name>{escape(context.findtext('name'))}</name>"]
        for message in context.findall("message"):
            attrs = ' numerus="yes"' if message.get("numerus") == "yes" else ""
            if message.get("id"):
                attrs = f' id="{escape(message.get("id"))}"' + attrs
            lines.append(f"    <message{attrs}>")
            for child in message:
                if child.tag == "location":
                    loc = " ".join(f'{k}="{escape(v)}"' for k, v in child.attrib.items())
                    lines.append(f"        <location {loc}/>")
                elif child.tag == "translation":
                    kind = f' type="{child.get("type")}"' if child.get("type") else ""
                    if message.get("numerus") == "yes":
                        lines.append(f"        <translation{kind}>")
                        for form in child.findall("numerusform"):
                            lines.append(f"            <numerusform>{escape(form.text or '')}</numerusform>")
                        lines.append("        </translation>")
                    else:
                        lines.append(f"        <translation{kind}>{escape(child.text or '')}</translation>")
                else:
                    lines.append(f"        <{child.tag}>{escape(child.text or '')}</{child.tag}>")
            lines.append("    </message>")
        lines.append("</context>")
    lines.append("</TS>")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def remap(root, located, facts):
    """Move messages into their run-time contexts and order every context by where its messages
    are in the sources, so the result doesn't depend on the order of earlier runs. Returns how many
    messages moved."""
    position = {}
    for (name, source, comment), places in located.items():
        if not places:
            continue
        for target in runtime_contexts(name, {f for f, _ in places}, facts):
            key = (target, source, comment)
            position[key] = min(position.get(key, places[0]), places[0])
    contexts = {c.findtext("name"): c for c in root.findall("context")}
    moves = []
    for name, context in list(contexts.items()):
        for message in context.findall("message"):
            files = {f for f, _ in located.get(message_key(name, message), [])}
            targets = runtime_contexts(name, files, facts)
            if targets != [name]:
                moves.append((name, message, targets))
    for name, message, targets in moves:
        contexts[name].remove(message)
        for target in targets:
            if target not in contexts:
                contexts[target] = ET.Element("context")
                ET.SubElement(contexts[target], "name").text = target
            existing = {message_key(target, m) for m in contexts[target].findall("message")}
            if message_key(target, message) not in existing:
                contexts[target].append(ET.fromstring(ET.tostring(message)))
    for context in root.findall("context"):
        root.remove(context)
    for name in sorted(contexts):
        context = contexts[name]
        messages = context.findall("message")
        if not messages:
            continue
        for message in messages:
            context.remove(message)
        messages.sort(key=lambda m: position.get(message_key(name, m), ("~", 0)))  # stable for unknowns
        context.extend(messages)
        root.append(context)
    return len(moves)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-lupdate", action="store_true")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--prune", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        ts = TS
        if args.check:  # work on a copy, so --check never touches the tree
            ts = Path(tmp) / TS.name
            shutil.copy(TS, ts)
        if not args.no_lupdate:
            for line in run_lupdate(ts, "none").splitlines():
                if "Found" in line or "Removed" in line:
                    print("lupdate: " + line.strip())
        return fill(ts, args, Path(tmp))


def fill(ts, args, tmp):
    dictionary = json.loads(DICTIONARY.read_text(encoding="utf-8")) if DICTIONARY.exists() else {}
    root = ET.parse(ts).getroot()
    moved = remap(root, locate_messages(), source_facts())

    fallback = {}  # source -> (context, translation): the same text in another context
    for context, entries in dictionary.items():
        for source, value in entries.items():
            fallback.setdefault(source, (context, value))

    used, missing, problems, harvested, total = set(), [], [], 0, 0
    for context in root.findall("context"):
        name = context.findtext("name")
        for message in context.findall("message"):
            total += 1
            source = message.findtext("source") or ""
            origin = (name, source)
            value = dictionary.get(name, {}).get(source)
            if value is None and is_finished(message) and check_value(message, translation_text(message)) is None \
                    and translation_text(message) != fallback.get(source, (None, None))[1]:
                # Translated in the .ts (Qt Linguist) and not just the same text as elsewhere: keep it.
                value = dictionary.setdefault(name, {})[source] = translation_text(message)
                harvested += 1
            if value is None and source in fallback:
                origin = (fallback[source][0], source)
                value = fallback[source][1]
            if value is None:
                missing.append(f"[{name}] {source!r}")
                continue
            problem = check_value(message, value)
            if problem:
                problems.append(f"[{origin[0]}] {source!r} {problem}")
                continue
            used.add(origin)
            set_translation(message, value)

    stale = [(c, s) for c, entries in dictionary.items() for s in entries if (c, s) not in used]
    if args.prune:
        for context, source in stale:
            del dictionary[context][source]
        dictionary = {c: e for c, e in dictionary.items() if e}

    write_ts(root, ts)
    if args.check and ts.read_bytes() != TS.read_bytes():
        # The window loads the .ts's translations: a new or changed message is German only once
        # the .ts is written again.
        problems.append(f"{TS.name} is not what this script writes from the sources and the dictionary: "
                        "run python3 translations/fill_de.py and commit it")
    if not args.check and (harvested or (args.prune and stale)):
        DICTIONARY.write_text(json.dumps(dictionary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    result = subprocess.run([tool("LRELEASE", "lrelease"), str(ts), "-qm", str(tmp / "check.qm")],
                            capture_output=True, text=True)
    noise = [line for line in (result.stdout + result.stderr).splitlines()
             if line.strip() and not re.match(r"^\s*(Updating|Generated|Ignored) ", line)]
    if result.returncode != 0 or noise:
        problems.append("lrelease: " + "\n".join(noise))

    translated = total - len(missing) - len(problems)
    print(f"{total} messages, {translated} translated; {moved} moved to their run-time context; "
          f"{harvested} taken over from the .ts; {len(stale)} unused dictionary entries"
          + (" pruned" if args.prune and stale else " (--prune drops them)" if stale else ""))
    for text in missing:
        print(f"untranslated: {text}")
    for text in problems:
        print(f"problem: {text}")
    return 1 if missing or problems else 0


if __name__ == "__main__":
    sys.exit(main())
