#!/usr/bin/env python3
"""Writes tests/data/pii_names.jsonl: person names and street addresses, and hard negatives,
written for PairLens (CC0). Each case is a sentence with its values marked [kind:value]; the
output holds the plain text and the spans ([start, end) in code points, kind).

Usage: python3 tests/data/make-pii-names.py   (Python 3 standard library)
"""
import json
import os
import re

CASES = """
names|Change the email of [name:Omar Johnson] to the new one.
names|Send the invoice to [name:Maria Garcia] before Friday.
names|How many orders did [name:Lucas Martin] place last year?
names|Show all tickets assigned to [name:Priya Sharma].
names|[name:Emma Thompson] moved to the sales team.
names|Dear [name:Hannah Becker], your order has shipped.
names|List the projects led by Dr. [name:Samuel Okafor].
names|Mrs [name:Elena Rossi] asked for a refund.
names|Mr. [name:Kowalski] called about the delivery.
names|Prof. [name:Anna Lindqvist] reviewed the paper.
names|Orders for customer [name:Yusuf] are late.
names|Find the employee named [name:Chloe] in accounting.
names|The user [name:Mateo] reset the password twice.
names|Which courses does [name:J. Smith] teach?
names|Books written by [name:John F. Kennedy] are popular.
names|Contact [name:Anne-Marie Dubois] for the keys.
names|Is [name:Patrick O'Brien] still on the payroll?
names|Update the phone of [name:Jürgen Müller] please.
names|Schedule a call with [name:Sofia Costa] and [name:Noah Brown].
names|Herr [name:Schneider] hat angerufen.
names|Please ask [name:Isabella Moreno] about the contract.
names|The report from [name:Daniel Fischer] is missing.
names|What is the salary of [name:Grace Kim]?
names|Remove [name:Oliver Jensen] from the mailing list.
names|Transactions of [name:Amelia Clarke] in March.
names|Patient [name:Eva Novak] has an appointment.
names|Student [name:Liam Murphy] failed the exam.
names|Tickets opened by [name:Charlotte Evans] this week.
names|[name:Jakub Nowak] and [name:Zofia Wiśniewska] share an account.
names|Add [name:Ahmed Hassan] to the team.
names|Give [name:Lena Hoffmann] access to the dashboard.
names|Mark [name:Victoria Adams] as inactive.
names|Who approved [name:Thomas Wright]'s expenses?
names|Cancel the booking for [name:Giulia Bianchi].
names|The manager [name:Olivia] approved it.
names|Ms. [name:Tanaka] will join later.
names|Orders shipped to [name:Carlos Mendoza] in June.
names|Payments received from [name:Ingrid Johansson].
names|Copy [name:Fatima Zahra] on the thread.
names|Flag the account of [name:Mia Schulz].
addresses|Ship it to [address:221B Baker Street] please.
addresses|She lives at [address:1600 Pennsylvania Ave NW] in Washington.
addresses|Deliver to [address:42 Oak Hill Rd, Apt. 4] before noon.
addresses|The office moved to [address:350 Fifth Avenue].
addresses|Send the letter to [address:12 Elm St.] in Springfield.
addresses|Our store is at [address:7 Maple Lane].
addresses|His address is [address:88 Ocean Drive, Suite 200].
addresses|Meet at [address:5 Kingsway Court].
addresses|Die Firma sitzt in der [address:Hauptstraße 5] in Berlin.
addresses|Bitte an [address:Berliner Straße 12a] liefern.
addresses|Wohnt in der [address:Goethestr. 7] seit Mai.
addresses|Het kantoor is op de [address:Kalverstraat 92].
addresses|Adressen är [address:Storgatan 3] i Stockholm.
addresses|Livraison au [address:12 rue de la Paix] à Paris.
addresses|Consegna in [address:Via Roma 10], Milano.
addresses|Envío a [address:Calle Mayor, 5] en Madrid.
addresses|Entrega na [address:Rua Augusta, 123] em Lisboa.
addresses|Biuro: [address:ul. Marszałkowska 12], Warszawa.
addresses|住所は[address:東京都千代田区丸の内1-2-3]です。
addresses|地址：[address:北京市朝阳区建国路88号]
addresses|주소: [address:서울특별시 강남구 테헤란로 123]
addresses|Return the parcel to [address:19 Victoria Road].
addresses|The warehouse at [address:3100 Industrial Parkway] is closed.
addresses|Pick up at [address:9 Church Lane] at 5 pm.
addresses|Billing address: [address:640 Main St, Unit 3].
addresses|Customer [name:Omar Johnson] lives at [address:14 Park Avenue].
negatives|Will the report be ready in May?
negatives|Bill the customer for the long order.
negatives|What is the price of the Young Adult collection?
negatives|Show the order date and the total price.
negatives|List every street name in the city table.
negatives|How many singers are from France?
negatives|Find flights from Boston to Denver on Monday.
negatives|Which teams played in Paris and London?
negatives|Count the orders placed in April and June.
negatives|Show the name of the singer with the most albums.
negatives|Return the first name and last name of all students.
negatives|What is the average age of employees in Virginia?
negatives|List songs released after 2010 in Georgia.
negatives|Which movies were shot in New York in 1999?
negatives|Show 10 Main results for each query.
negatives|Give me 5 Star ratings only.
negatives|Select the top 3 Street Fighter scores.
negatives|Sort by Date and Order.
negatives|Is the Long Island branch open?
negatives|Will Grant be enough for the project?
negatives|The Rose Bowl is in Pasadena.
negatives|Show stadiums with a capacity above 5000.
negatives|What is the Grand Total for Spring?
negatives|Which Apple products cost more than 100?
negatives|Search the Order Details table for 2024.
negatives|How many Hill Valley residents are there?
negatives|What is the Status of the Mark Twain Prize?
negatives|Find all Price Changes in 2020 Q3.
negatives|Order 66 was executed in 19 BBY.
negatives|Show departments in Building 7 North.
"""


def main():
    out = []
    for line in CASES.strip().splitlines():
        group, marked = line.split("|", 1)
        text, spans, pos = "", [], 0
        for m in re.finditer(r"\[(name|address):([^\]]+)\]", marked):
            text += marked[pos:m.start()]
            start = len(text)
            text += m.group(2)
            spans.append([start, len(text), m.group(1)])
            pos = m.end()
        text += marked[pos:]
        out.append({"source": "pairlens/pii_names", "group": group, "text": text, "spans": spans})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pii_names.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for case in out:
            f.write(json.dumps(case, ensure_ascii=False) + "\n")
    print("%d cases -> %s" % (len(out), path))


if __name__ == "__main__":
    main()
