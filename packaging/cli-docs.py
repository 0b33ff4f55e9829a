#!/usr/bin/env python3
"""The man page (pairlens.1) and the bash completion, generated from the CLI's own help.

Runs `pairlens --help` and `pairlens COMMAND --help` (in English) and turns what they print into
roff and into a bash completion function, so both always match the binary they ship with:
commands, their usage lines and descriptions, every option with its value name and text, the
filter options, and the exit status line.

Usage: cli-docs.py PAIRLENS_BINARY --man OUT.1 --bash OUT [--version V]
"""

import argparse
import datetime
import os
import re
import subprocess
import sys


def run_help(binary, *args):
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8", LANGUAGE="en", QT_QPA_PLATFORM="offscreen")
    env.pop("DISPLAY", None)
    result = subprocess.run([binary, *args, "--help"] if args else [binary, "--help"], env=env,
                            capture_output=True, text=True, check=True)
    return result.stdout


def parse_top(text):
    """Commands (name, usage, summary), the FILTER line and the exit status line."""
    lines = text.splitlines()
    commands, filter_line, exit_line = [], "", ""
    in_commands = False
    for i, line in enumerate(lines):
        if line.startswith("Commands:"):
            in_commands = True
            continue
        if in_commands:
            m = re.match(r"^  (\S+) ?(.*)$", line)
            if m and not line.startswith("      "):
                summary = lines[i + 1].strip() if i + 1 < len(lines) else ""
                commands.append((m.group(1), m.group(2).strip(), summary))
            elif not line.strip():
                in_commands = False
        if line.startswith("FILTER:"):
            filter_line = line[len("FILTER:"):].strip()
        if line.startswith("Exit status:"):
            exit_line = line[len("Exit status:"):].strip()
    if not commands:
        sys.exit("cli-docs: found no commands in 'pairlens --help'")
    return commands, filter_line, exit_line


def parse_command(text):
    """Description and options [(short, long, value, description)] of `pairlens CMD --help`."""
    lines = text.splitlines()
    description, options = [], []
    section = "head"
    for line in lines:
        if line.startswith("Usage:"):
            continue
        if line.startswith("Options:"):
            section = "options"
            continue
        if line.startswith("Arguments:"):
            section = "arguments"
            continue
        if section == "head":
            if line.strip():
                description.append(line.strip())
        elif section == "options":
            m = re.match(r"^  (?:-(\w), )?--([\w-]+)(?: <([^>]+)>)?\s{2,}(.*)$", line)
            if m:
                options.append([m.group(1), m.group(2), m.group(3), m.group(4).strip()])
            elif line.startswith("      ") and options:
                options[-1][3] += " " + line.strip()
    options = [o for o in options if o[1] != "help-all"]  # Qt's own options, not PairLens'
    return " ".join(description), options


def roff(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return re.sub(r"^([.'])", r"\\&\1", text)


def option_roff(short, long, value):
    s = (f"\\fB\\-{short}\\fR, " if short else "") + f"\\fB\\-\\-{long}\\fR"
    if value:
        s += f" \\fI{roff(value)}\\fR"
    return s


def write_man(path, version, commands, details, filter_line, exit_line):
    epoch = os.environ.get("SOURCE_DATE_EPOCH")  # reproducible builds set it
    utc = datetime.timezone.utc
    when = datetime.datetime.fromtimestamp(int(epoch), utc) if epoch else datetime.datetime.now(utc)
    date = when.strftime("%Y-%m-%d")
    out = [f'.TH PAIRLENS 1 "{date}" "PairLens {version}" "User Commands"',
           ".SH NAME",
           "pairlens \\- curate natural\\-language to SQL training pairs",
           ".SH SYNOPSIS",
           ".B pairlens",
           "[\\fBgui\\fR] [\\fIDATASET\\fR]",
           ".br",
           ".B pairlens",
           "\\fICOMMAND\\fR \\fIARGUMENTS\\fR...",
           ".SH DESCRIPTION",
           "PairLens opens a dataset of natural\\-language questions and the SQL an agent generated for "
           "them, shows the pairs in a filterable table with a preview of how each pair looks once "
           "anonymized, charts the statistics, lets reviewers delete bad pairs with undo, and exports "
           "the chosen pairs to JSONL, JSON, CSV or fine\\-tuning formats.",
           ".PP",
           "Without a command, or with \\fBgui\\fR, the window opens (on \\fIDATASET\\fR when given). "
           "Every command below runs without a display. Errors are one sentence on standard error "
           "with a non\\-zero exit status.",
           ".SH COMMANDS"]
    filter_names = set(re.findall(r"--([a-z][a-z-]*)", filter_line))
    filter_options = {}
    for name, usage, summary in commands:
        description, options = details[name]
        out += [".SS " + f"\\fB{name}\\fR {roff(usage)}", roff(summary)]
        if description and description != summary:
            out += [".PP", roff(description)]
        own = [o for o in options if o[1] not in filter_names and o[1] != "help"]
        if len(own) < len(options) - 1:
            out += [".PP", "Takes the FILTER options."]
        for short, long, value, text in own:
            out += [".TP", option_roff(short, long, value), roff(text)]
        for o in options:
            if o[1] in filter_names:
                filter_options.setdefault(o[1], o)
    out += [".SH FILTER",
            "Every command that works on the pairs matching a filter takes the same options. They "
            "repeat or take comma lists; an invalid value is a usage error (exit status 2)."]
    for short, long, value, text in filter_options.values():
        out += [".TP", option_roff(short, long, value), roff(text)]
    out += [".PP", "Every command takes \\fB\\-h\\fR, \\fB\\-\\-help\\fR: its options.",
            ".SH EXIT STATUS"]
    for part in re.split(r",\s+(?=\d+ )", exit_line.rstrip(".")):
        m = re.match(r"(\d+) (.*)", part)
        if m:
            out += [".TP", f"\\fB{m.group(1)}\\fR", roff(m.group(2))]
    out += [".SH FILES",
            ".TP", "\\fI~/.config/PairLens/PairLens.conf\\fR",
            "The window's settings (recent datasets, column widths). A dataset keeps its own privacy "
            "settings and key inside the file.",
            ".SH EXAMPLES",
            ".nf",
            "pairlens demo shop.pairlens \\-\\-pairs 5000",
            "pairlens import shop.pairlens pairs.jsonl",
            "pairlens scan shop.pairlens \\-\\-fail\\-on\\-pii",
            "pairlens export shop.pairlens \\-o train.jsonl \\-\\-format openai\\-chat \\-\\-split 0.9 \\-\\-dedupe",
            "pairlens export shop.pairlens \\-o \\- \\-\\-status approved | gzip > approved.jsonl.gz",
            ".fi",
            ".SH SEE ALSO",
            "The documentation in the source tree: docs/cli.md, docs/export\\-formats.md, "
            "docs/anonymization.md, docs/pipelines.md."]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


def value_choices(value, text):
    """The values an option takes, when its help lists them; empty when free-form."""
    if not value or "=" in value or "..." in value and "," not in text:
        return []
    if "|" in value:
        return value.split("|")
    m = re.search(r"(?:One of|The chart|[Kk]inds?):\s*([a-z0-9_-]+(?:,\s*[a-z0-9_-]+){2,})", text)
    if not m:
        m = re.search(r"\(([a-z0-9_-]+(?:,[a-z0-9_-]+){2,})\)", text)
    return [v.strip() for v in m.group(1).split(",")] if m else []


def write_bash(path, commands, details):
    names = " ".join(name for name, _, _ in commands)
    cases = []
    for name, _, _ in commands:
        _, options = details[name]
        words = []
        value_cases = []
        for short, long, value, text in options:
            words.append(f"--{long}")
            if short:
                words.append(f"-{short}")
            if value:
                flags = f"--{long}" + (f"|-{short}" if short else "")
                choices = value_choices(value, text)
                if choices:
                    value_cases.append(f"            {flags}) COMPREPLY=($(compgen -P \"${{cur%\"${{cur##*,}}\"}}\" "
                                       f"-W \"{' '.join(choices)}\" -- \"${{cur##*,}}\")); return ;;")
                elif re.search(r"FILE|DATASET", value):
                    value_cases.append(f"            {flags}) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;")
                else:
                    value_cases.append(f"            {flags}) return ;;")
        cases.append(f"        {name})\n          case \"$prev\" in\n" + "\n".join(value_cases) +
                     ("\n" if value_cases else "") +
                     f"          esac\n          opts=\"{' '.join(words)}\" ;;")
    script = f"""# bash completion for pairlens - generated from `pairlens --help` by packaging/cli-docs.py
_pairlens()
{{
    local cur prev cmd opts
    cur=${{COMP_WORDS[COMP_CWORD]}}
    prev=${{COMP_WORDS[COMP_CWORD-1]}}
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "{names} gui --help --version" -- "$cur") $(compgen -f -- "$cur"))
        return
    fi
    cmd=${{COMP_WORDS[1]}}
    case "$cmd" in
{chr(10).join(cases)}
        *) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}}
complete -o filenames -F _pairlens pairlens
"""
    with open(path, "w", encoding="utf-8") as f:
        f.write(script)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--man", required=True)
    ap.add_argument("--bash", required=True)
    ap.add_argument("--version", default="")
    a = ap.parse_args()
    commands, filter_line, exit_line = parse_top(run_help(a.binary))
    details = {name: parse_command(run_help(a.binary, name)) for name, _, _ in commands}
    write_man(a.man, a.version, commands, details, filter_line, exit_line)
    write_bash(a.bash, commands, details)


if __name__ == "__main__":
    main()
