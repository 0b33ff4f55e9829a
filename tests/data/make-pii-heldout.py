#!/usr/bin/env python3
"""Writes tests/data/pii_heldout.jsonl: a HELD-OUT evaluation set for the anonymizer's detectors.

The detectors are never tuned on these cases: the set only measures (bench_anonymizer --heldout),
it is not asserted by a test. Values come from @faker-js/faker 10.6.0 (MIT) run with its own seed
(20261203) over two groups of locales:
- "known": locales whose name lists the gazetteer is built from (scripts/make-gazetteers.py), so
  names are in the gazetteer and the rules around them are measured;
- "unseen": locales the gazetteer does not read (Croatian, Hungarian, Slovak, Latvian, Slovenian,
  Irish and Ghanaian English, Afrikaans, Yoruba, Zulu, Vietnamese), so names may be unknown.
The sentence and SQL templates are written for this file (CC0) and differ from those of
make-pii-names.py and make-pii-numbers.py. Each record: {"id", "set", "locale", "field"
("text" or "sql"), "text", "spans": [[start, end, kind], ...]} with code point offsets; a question
and its SQL share the id's prefix. Hard negatives (company names, cities, dates, amounts, order
numbers) have no spans.

Usage:
  cd /tmp && npm pack @faker-js/faker && tar xzf faker-js-faker-*.tgz    # gives /tmp/package
  python3 tests/data/make-pii-heldout.py /tmp/package
  python3 tests/data/make-pii-heldout.py /tmp/package --dev /tmp/pii_dev.jsonl
--dev writes a development set instead (another seed, the same templates and locales): rules may be
tuned on that one, never on pii_heldout.jsonl.
"""
import json
import os
import random
import subprocess
import sys

SEED = 20261203
KNOWN = ["en_US", "en_GB", "de", "fr", "es", "it", "nl", "pt_BR", "pl", "sv"]
UNSEEN = ["hr", "hu", "sk", "lv", "sl_SI", "en_IE", "en_GH", "af_ZA", "yo_NG", "zu_ZA", "vi"]
PER_LOCALE = 60

DUMP = r"""
import * as f from '%s/dist/index.js';
const out = {};
for (const l of %s) {
  const fk = f['faker' + l.toUpperCase()];
  fk.seed(%d);
  const rows = [];
  for (let i = 0; i < %d; ++i) {
    rows.push({
      first: fk.person.firstName(), last: fk.person.lastName(),
      street: fk.location.streetAddress(), streetFull: fk.location.streetAddress(true),
      phone: fk.phone.number(), iban: fk.finance.iban(i %% 2 === 0), card: fk.finance.creditCardNumber(),
      email: fk.internet.email(), ip4: fk.internet.ipv4(), ip6: fk.internet.ipv6(),
      company: fk.company.name(), city: fk.location.city(), product: fk.commerce.productName(),
    });
  }
  out[l] = rows;
}
console.log(JSON.stringify(out));
"""

# Free text: support tickets, notes, questions people ask of a database. [kind:slot] marks a
# labelled value; {slot} an unlabelled one.
TEXT = """
Please update the shipping address of [name:name] to [address:street].
[name:name] called from [phone:phone] about the late delivery.
Can you check why [name:name]'s card [credit_card:card] was declined?
Refund the last payment to IBAN [iban:iban] for [name:name].
Login attempts from [ip_address:ip4] for the account of [name:name].
Our customer [name:name] ([email:email]) wants to cancel.
Send the contract to [name:name], [address:streetFull].
Hi [name:first], your package is on its way to [address:street].
The technician will visit [name:name] at [address:street] on Monday.
Reach me at [phone:phone] or [email:email]. Regards, [name:name]
Employee [name:name] changed the bank account to [iban:iban].
Dr. [name:name] asked for the lab results of patient [name:name2].
Ms. [name:last] left a voicemail; call back on [phone:phone].
Which orders went to [address:street] last month?
How many tickets did [name:name] open this year?
Show the invoices of [name:name] that are still unpaid.
Who approved the expense report of [name:name]?
Block traffic from [ip_address:ip6] immediately.
SSN [ssn:ssn] belongs to [name:name], please verify.
Card number [credit_card:card], holder [name:name], expires next year.
My name is [name:name] and I live at [address:streetFull].
Forward all mail for [name:name] to [email:email].
Contact person: [name:name], phone [phone:phone].
[name:name] and [name:name2] share the flat at [address:street].
The delivery for [name:name] was left at [address:street].
Emails from [email:email] end up in spam.
Account holder [name:name], IBAN [iban:iban].
Set the phone number of user [name:first] to [phone:phone].
what is the email of [name:lname]?
list orders shipped to [address:street]
"""

NEGATIVE = """
{company} signed the contract on 2024-03-15.
Ship 40 units of {product} to the {city} warehouse.
Total revenue in {city} was 1,250,000 EUR in Q3.
Order 88412 for {product} is delayed by three days.
Compare the sales of {company} with last year.
Which stores in {city} sold more than 500 {product} items?
The {city} office moves to a new building in June.
Invoice INV-2024-0042 from {company} is due on 30.06.2024.
List the top 10 products by revenue in {city}.
How many employees does {company} have?
"""

# Questions with their SQL: (question, sql); slots as above, in both.
PAIRS = [
    ("Show all orders of [name:name].",
     "SELECT o.* FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.full_name = '[name:name]';"),
    ("What is the phone number of [name:name]?",
     "SELECT phone FROM contacts WHERE first_name = '[name:first]' AND last_name = '[name:last]';"),
    ("Find the customer with email [email:email]",
     "SELECT id, name FROM customers WHERE email = '[email:email]';"),
    ("Which account uses the IBAN [iban:iban]?",
     "SELECT account_id FROM bank_accounts WHERE iban = '[iban:iban]';"),
    ("Update the address of [name:name] to [address:street]",
     "UPDATE customers SET street = '[address:street]' WHERE full_name = '[name:name]';"),
    ("Who called from [phone:phone]?",
     "SELECT caller FROM calls WHERE caller_phone = '[phone:phone]';"),
    ("Add the employee [name:name] with email [email:email]",
     "INSERT INTO employees (full_name, email) VALUES ('[name:name]', '[email:email]');"),
    ("List the sessions from IP [ip_address:ip4]",
     "SELECT * FROM sessions WHERE client_ip = '[ip_address:ip4]';"),
    ("How much did [name:name] spend with card [credit_card:card]?",
     "SELECT SUM(amount) FROM payments WHERE card_number = '[credit_card:card]';"),
    ("How many customers live in {city}?",
     "SELECT COUNT(*) FROM customers WHERE city = '{city}';"),
    ("What did {company} order in 2023?",
     "SELECT * FROM orders WHERE company = '{company}' AND year = 2023;"),
    ("Show the price of {product}",
     "SELECT price FROM products WHERE product_name = '{product}';"),
]


def ssn(rng):
    while True:
        area = rng.randint(1, 899)
        if area != 666:
            break
    return "%03d-%02d-%04d" % (area, rng.randint(1, 99), rng.randint(1, 9999))


def values(row, rng):
    v = dict(row)
    v["name"] = row["first"] + " " + row["last"]
    v["lname"] = v["name"].lower()
    v["ssn"] = ssn(rng)
    return v


def fill(template, v, v2, sql=False):
    """The text of a template and its spans ([start, end, kind], code points); in SQL a quote in a
    value is doubled, as the literal needs it."""
    out, spans, i = "", [], 0
    while i < len(template):
        c = template[i]
        if c == "[":
            j = template.index("]", i)
            kind, slot = template[i + 1:j].split(":")
            value = v2["name"] if slot == "name2" else v[slot]
            if sql:
                value = value.replace("'", "''")
            spans.append([len(out), len(out) + len(value), kind])
            out += value
            i = j + 1
        elif c == "{":
            j = template.index("}", i)
            out += v[template[i + 1:j]].replace("'", "''") if sql else v[template[i + 1:j]]
            i = j + 1
        else:
            out += c
            i += 1
    return out, spans


def main():
    package = sys.argv[1] if len(sys.argv) > 1 else "/tmp/package"
    dev = sys.argv[sys.argv.index("--dev") + 1] if "--dev" in sys.argv else None
    seed = SEED + 1 if dev else SEED
    script = DUMP % (os.path.abspath(package), json.dumps(KNOWN + UNSEEN), seed, PER_LOCALE)
    data = json.loads(subprocess.run(["node", "--input-type=module", "-e", script], check=True,
                                     capture_output=True, text=True).stdout)
    rng = random.Random(seed)
    text = [t for t in TEXT.strip().splitlines() if t]
    negative = [t for t in NEGATIVE.strip().splitlines() if t]
    records = []
    for group, locales in (("known", KNOWN), ("unseen", UNSEEN)):
        for loc in locales:
            rows = data[loc]
            for k, row in enumerate(rows):
                v = values(row, rng)
                v2 = values(rows[(k + 1) % len(rows)], rng)
                rid = "%s-%03d" % (loc, k)
                if k % 3 == 0:
                    q, s = PAIRS[rng.randrange(len(PAIRS))]
                    for field, tpl in (("text", q), ("sql", s)):
                        t, spans = fill(tpl, v, v2, field == "sql")
                        records.append({"id": rid + "-" + field, "set": group, "locale": loc, "field": field,
                                        "text": t, "spans": spans})
                tpl = negative[rng.randrange(len(negative))] if k % 5 == 4 else text[rng.randrange(len(text))]
                t, spans = fill(tpl, v, v2)
                records.append({"id": rid, "set": group, "locale": loc, "field": "text", "text": t,
                                "spans": spans})
    out = dev or os.path.join(os.path.dirname(os.path.abspath(__file__)), "pii_heldout.jsonl")
    with open(out, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print("%d records -> %s" % (len(records), out))


if __name__ == "__main__":
    main()
