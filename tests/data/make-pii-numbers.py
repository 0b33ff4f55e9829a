#!/usr/bin/env python3
"""Writes pii_numbers.jsonl: labelled phone, card and IBAN cases written for PairLens (CC0-1.0).

Each line: {"source": "pairlens/pii_numbers", "group": ..., "text": ..., "spans": [[start, end,
kind], ...]} with code point offsets; a case with no span must have no finding at all. The numbers
follow the national numbering plans (trunk prefixes, lengths, the groupings people write) of the
40 most populous countries and a few more; card numbers are generated here with valid Luhn check
digits for each brand's issuer prefix, IBANs with valid ISO 7064 check digits. About 20 phone
numbers are libphonenumber's example numbers for their region (its metadata, Apache-2.0, publishes
them as fictional valid numbers); the others are made up in the ranges the plans assign.

Usage: make-pii-numbers.py [--check]   (--check: compare with the file instead of writing it)
"""
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "pii_numbers.jsonl"

# Context phrases, one per language; "{}" is the number.
CONTEXT = [
    "Call me on {} after six.",
    "My phone number is {}.",
    "mobile: {}",
    "Fax {} (accounts)",
    "Telefon: {}",
    "Tel. {}",
    "Handy {}, bitte nach 18 Uhr",
    "Rufnummer {}",
    "téléphone : {}",
    "tél. {}",
    "portable {}",
    "Merci d'appeler le {}",
    "teléfono: {}",
    "móvil {}",
    "celular: {}",
    "Puede llamar al {}",
]
# No context word: the number has to speak for itself.
PLAIN = [
    "{}",
    "Omar Johnson, {}, Berlin",
    "Reach Ana at {} for the keys.",
    "Write the form for {} today",
    "Contact person: Li Wei ({})",
    "Which customer has {} on file?",
]

# (country, international forms, national forms that stand alone, national forms that need a
# context word: compact or two-group numbers without a trunk prefix).
PHONES = [
    ("IN", ["+91 98765 43210", "+91-98765-43210"], ["09876543210", "098765 43210"], ["98765 43210"]),
    ("CN", ["+86 139 1234 5678", "+86 10 6552 9988"], ["139 1234 5678", "13912345678", "010 6552 9988"], []),
    ("US", ["+1 415 555 0198", "001-415-555-0198"], ["(415) 555-0198", "415.555.0198", "415-555-0198 x123"], ["467 3395", "4155550198"]),
    ("ID", ["+62 812-3456-789", "+62 21 8350 123"], ["0812-3456-789", "(021) 8350123"], []),
    ("PK", ["+92 321 4567890"], ["0321 4567890", "(021) 23456789"], []),
    ("NG", ["+234 805 321 7788"], ["0805 321 7788", "08053217788"], []),
    ("BR", ["+55 21 98765-4321", "+55 11 3456-7890"], ["(21) 98765-4321", "(11) 3456-7890"], []),
    ("BD", ["+880 1712-987654"], ["01712-987654", "02-7111234"], []),
    ("RU", ["+7 916 123-45-67", "+7 (495) 123-45-67"], ["8 (916) 123-45-67", "8 495 123 45 67"], []),
    ("MX", ["+52 55 5123 4567"], ["55 5123 4567", "222 123 4567"], []),
    ("ET", ["+251 91 234 5678"], ["091 234 5678"], []),
    ("JP", ["+81 90-2345-6789", "+81 3-3456-7890"], ["090-2345-6789", "03-3456-7890"], []),
    ("PH", ["+63 917 234 5678"], ["0917 234 5678", "(02) 8234 5678"], []),
    ("EG", ["+20 101 234 5678"], ["0101 234 5678", "02 34567890"], []),
    ("CD", ["+243 991 234 568"], ["0991 234 568"], []),
    ("VN", ["+84 91 345 67 89"], ["091 345 67 89", "0210 1234 567"], []),
    ("IR", ["+98 912 456 7890"], ["0912 456 7890", "021 2345 6789"], []),
    ("TR", ["+90 532 345 67 89"], ["0532 345 67 89", "(0212) 345 67 89"], []),
    ("DE", ["+49 30 12345678", "+49 (0)30 12345678", "0049 30 12345678", "+49 151 23456789"],
     ["030 12345678", "030/12345678", "0151 23456789", "(030) 1234567"], ["1234567"]),
    ("TH", ["+66 81 345 6789"], ["081 345 6789", "02 123 4567"], []),
    ("GB", ["+44 20 7946 0958", "0044 20 7946 0958", "011 44 20 7946 0958", "+44 7911 123456"],
     ["020 7946 0958", "07911 123456", "0121 234 5678"], []),
    ("TZ", ["+255 754 321 987"], ["0754 321 987"], []),
    ("FR", ["+33 6 12 34 56 78", "+33 (0)1 23 45 67 89", "0033 6 12 34 56 78"],
     ["06 12 34 56 78", "01.23.45.67.89", "01-23-45-67-89"], ["6 12 34 56 78"]),
    ("ZA", ["+27 82 555 1234"], ["082 555 1234", "021 555 1234"], []),
    ("IT", ["+39 312 345 6789", "+39 02 1234 5678"], ["312 345 6789", "02 1234 5678"], []),
    ("KE", ["+254 722 345678"], ["0722 345678", "020 2012345"], []),
    ("MM", ["+95 9 212 3457"], ["09 212 3457"], []),
    ("CO", ["+57 321 1234567", "+57 601 2345678"], ["(601) 2345678", "321 123 4567"], ["321 1234567"]),
    ("KR", ["+82 10-1234-5678", "+82 2-312-3456"], ["010-1234-5678", "02-312-3456"], []),
    ("UG", ["+256 772 123456"], ["0772 123456"], []),
    ("SD", ["+249 91 234 5678"], ["091 234 5678"], []),
    ("ES", ["+34 612 34 56 78", "+34 699 956 915"], ["612 34 56 78", "699 956 915", "91 123 45 67"], ["699956915"]),
    ("DZ", ["+213 555 12 34 56"], ["0555 12 34 56"], []),
    ("AR", ["+54 9 11 2345-6789", "+54 11 2345-6789"], ["011 2345-6789", "011 15-2345-6789"], []),
    ("IQ", ["+964 790 123 4567"], ["0790 123 4567"], []),
    ("AF", ["+93 70 234 5678"], ["070 234 5678"], []),
    ("PL", ["+48 512 345 678"], ["512 345 678", "12 345 67 89"], ["512345678"]),
    ("CA", ["+1 506-234-5678"], ["(506) 234-5678", "1-506-234-5678"], []),
    ("MA", ["+212 661-234567"], ["0661-234567", "0661 23 45 67"], []),
    ("SA", ["+966 50 123 4567"], ["050 123 4567", "011 234 5678"], []),
    ("UA", ["+380 67 123 4567"], ["067 123 4567"], []),
    ("UZ", ["+998 91 234 56 78"], ["8 91 234 56 78"], []),
    ("PE", ["+51 912 345 678"], ["912 345 678", "(01) 1234567"], []),
    ("MY", ["+60 12-345 6789"], ["012-345 6789", "03-2385 6789"], []),
    ("DK", ["+45 32 12 34 56"], ["32 12 34 56", "60-56-85-91"], ["32123456"]),
    ("NL", ["+31 6 12345678", "+31 (0)6 12345678"], ["06 12345678", "010 123 4567", "06-12345678"], []),
    ("SG", ["+65 8123 4567"], [], ["8123 4567", "9472 7916"]),
    ("AU", ["+61 412 345 678"], ["0412 345 678", "(02) 1234 5678"], []),
    ("misc", [], ["(37) 788-063"], []),
]


def luhn_complete(prefix, length):
    """prefix + filler digits + the Luhn check digit, `length` digits in all."""
    body = prefix
    k = 0
    while len(body) < length - 1:
        body += str((7 * k + 3) % 10)
        k += 1
    for check in "0123456789":
        digits = [int(c) for c in body + check]
        total = 0
        for i, d in enumerate(reversed(digits)):
            if i % 2 == 1:
                d *= 2
                if d > 9:
                    d -= 9
            total += d
        if total % 10 == 0:
            return body + check
    raise AssertionError


def groups(number, sizes, sep):
    out, i = [], 0
    for s in sizes:
        out.append(number[i:i + s])
        i += s
    if i < len(number):
        out.append(number[i:])
    return sep.join(out)


# (brand, prefix, length, grouping)
CARDS = [
    ("Visa 16", "4539", 16, [4, 4, 4, 4]),
    ("Visa 13", "4929", 13, [4, 4, 5]),
    ("Visa 19", "4716", 19, [4, 4, 4, 4, 3]),
    ("Mastercard 51", "5105", 16, [4, 4, 4, 4]),
    ("Mastercard 55", "5555", 16, [4, 4, 4, 4]),
    ("Mastercard 2221", "2221", 16, [4, 4, 4, 4]),
    ("Mastercard 2720", "2720", 16, [4, 4, 4, 4]),
    ("Amex 34", "3412", 15, [4, 6, 5]),
    ("Amex 37", "3782", 15, [4, 6, 5]),
    ("Discover 6011", "6011", 16, [4, 4, 4, 4]),
    ("Discover 65", "6512", 16, [4, 4, 4, 4]),
    ("Discover 644", "6445", 19, [4, 4, 4, 4, 3]),
    ("JCB 3528", "3528", 16, [4, 4, 4, 4]),
    ("JCB 3589", "3589", 16, [4, 4, 4, 4]),
    ("JCB 2131", "2131", 15, [4, 6, 5]),
    ("JCB 1800", "1800", 15, [4, 6, 5]),
    ("Diners 300", "3005", 14, [4, 6, 4]),
    ("Diners 36", "3612", 14, [4, 6, 4]),
    ("Diners 38", "3845", 14, [4, 6, 4]),
    ("UnionPay 16", "6212", 16, [4, 4, 4, 4]),
    ("UnionPay 19", "6250", 19, [4, 4, 4, 4, 3]),
    ("Maestro 50", "5018", 16, [4, 4, 4, 4]),
    ("Maestro 63 13", "6304", 13, [4, 4, 5]),
    ("Maestro 67 18", "6759", 18, [4, 4, 4, 6]),
    ("Mir", "2202", 16, [4, 4, 4, 4]),
]
# 12-digit Maestro numbers: grouped or named as a card.
MAESTRO12 = [("Maestro 63 12", "6304"), ("Maestro 50 12", "5020"), ("Maestro 58 12", "5893"), ("Maestro 69 12", "6900")]
CARD_CONTEXT = [
    "Pay with card {} please.",
    "credit card: {}",
    "Visa {} exp 09/27",
    "Kreditkarte {}",
    "Karte Nr. {}",
    "carte bancaire {}",
    "numéro de carte {}",
    "tarjeta {}",
    "tarjeta de crédito {}",
]


def mod97(s):
    r = 0
    for c in s:
        r = (r * 10 + int(c)) % 97 if c.isdigit() else (r * 100 + ord(c) - 55) % 97
    return r


def iban(country, bban):
    check = 98 - mod97(bban + country + "00")
    return f"{country}{check:02d}{bban}"


IBANS = [
    iban("GB", "NAWI04454264788619"), iban("DE", "370400440532013000"), iban("FR", "20041010050500013M02606"),
    iban("ES", "21000418450200051332"), iban("IT", "X0542811101000000123456"), iban("NL", "ABNA0417164300"),
    iban("BE", "539007547034"), iban("CH", "00762011623852957"), iban("AT", "1904300234573201"),
    iban("PL", "109010140000071219812874"), iban("SE", "50000000058398257466"), iban("PT", "000201231234567890154"),
    iban("TR", "0006100519786457841326"), iban("SA", "80000000608010167519"), iban("BR", "00360305000010009795493P1"),
    iban("NO", "86011117947"),
]

NEGATIVES = [
    "SELECT * FROM orders WHERE id = 46733950",
    "SELECT name FROM customers WHERE customer_id = '46733950'",
    "Show the orders placed between 2019-2020",
    "How many films were released in 1999 2000 2001?",
    "List the payments made on 2024-01-15 and 15.01.2024 and 01/15/2024",
    "SELECT * FROM logs WHERE ts > '2024-01-15 10:30:00'",
    "events after 20240115 with code 200",
    "Which customers spent more than 1.234.567,89 EUR?",
    "the population was 1 234 567 in 2010",
    "upgrade from version 10.15.7 to 11.2.3",
    "customers with zip code 90210 or 10115",
    "SELECT * FROM events WHERE created_ms = 1700000000000",
    "order number 123456789012 was shipped",
    "SELECT * FROM invoices WHERE invoice_no = 'INV-2024-000123'",
    "book ISBN 978-3-16-148410-0",
    "What is the phone number of customer 46733950?",
    "How many calls were made in 2019-2020?",
    "Count the calls on 2024-01-15 per agent",
    "Show calls with duration over 3600 seconds and id 4673395",
    "SELECT phone FROM users WHERE user_id = 12345678",
    "total revenue 12345678 and cost 87654321",
    "SELECT * FROM t WHERE amount BETWEEN 1000000 AND 9999999",
    "card-like 4111 1111 1111 1112",
    "Luhn-valid id 630427373398 in the orders table",
    "SELECT * FROM orders WHERE order_id = '630427373398'",
    "hash 4f3c2a1b9e8d7c6b and build 20231104",
    "lower-case look-alike lv80bank0000435195002 and gb29nwbk60161331926818",
    "mixed case LV80 bANK 0000 4351 9500 1",
    "SSN-like 666-12-3456",
    "the range 100-200-300 and 10-20-30-40",
    "coordinates 52.520008, 13.404954",
    "matrix sizes 1024 768 and 1920 1080",
    "SELECT COUNT(*) FROM trips WHERE duration BETWEEN 120 AND 3600",
]


def case(group, text, spans):
    return {"source": "pairlens/pii_numbers", "group": group, "text": text,
            "spans": [[text.index(v), text.index(v) + len(v), kind] for v, kind in spans]}


def build():
    cases = []
    n = 0
    for country, intl, national, needs_context in PHONES:
        for number in intl + national:
            template = PLAIN[n % len(PLAIN)]
            cases.append(case(f"phone {country}", template.format(number), [(number, "phone")]))
            n += 1
        for number in national + needs_context:
            template = CONTEXT[n % len(CONTEXT)]
            cases.append(case(f"phone {country} context", template.format(number), [(number, "phone")]))
            n += 1
    seps = [" ", "-", ".", "  ", " - "]
    for i, (brand, prefix, length, sizes) in enumerate(CARDS):
        number = luhn_complete(prefix, length)
        cases.append(case(f"card {brand}", PLAIN[i % len(PLAIN)].format(number), [(number, "credit_card")]))
        grouped = groups(number, sizes, seps[i % len(seps)])
        cases.append(case(f"card {brand} grouped", CARD_CONTEXT[i % len(CARD_CONTEXT)].format(grouped),
                          [(grouped, "credit_card")]))
    for i, (brand, prefix) in enumerate(MAESTRO12):
        number = luhn_complete(prefix, 12)
        grouped = groups(number, [4, 4, 4], " -"[i % 2])
        cases.append(case(f"card {brand} grouped", PLAIN[i % len(PLAIN)].format(grouped), [(grouped, "credit_card")]))
        cases.append(case(f"card {brand} context", CARD_CONTEXT[i % len(CARD_CONTEXT)].format(number),
                          [(number, "credit_card")]))
    cases.append(case("card issue 15", "card 630427373398 and JCB 213176828496175",
                      [("630427373398", "credit_card"), ("213176828496175", "credit_card")]))
    for i, value in enumerate(IBANS):
        lower = value.lower()
        spaced = " ".join(value[k:k + 4] for k in range(0, len(value), 4))
        forms = [value, lower, spaced, spaced.lower(), spaced.replace(" ", "-"), value[:8] + " " + value[8:],
                 spaced.replace(" ", "  ")]
        for k, form in enumerate(forms[i % 3::3] + [lower]):
            cases.append(case(f"iban {value[:2]}", PLAIN[(i + k) % len(PLAIN)].format(form), [(form, "iban")]))
    cases.append(case("iban issue 15", "IBAN gb42nawi04454264788619 please", [("gb42nawi04454264788619", "iban")]))
    for text in NEGATIVES:
        cases.append(case("negative", text, []))
    return cases


def main():
    text = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in build())
    if "--check" in sys.argv:
        if OUT.read_text(encoding="utf-8") != text:
            sys.exit(f"{OUT.name} differs from what {pathlib.Path(__file__).name} writes")
        print(f"{OUT.name} is up to date")
        return
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.name}: {text.count(chr(10))} cases")


if __name__ == "__main__":
    main()
