<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>ApiKeys</name>
    <message>
        <source>%1 is read-only.</source>
        <translation>%1 ist schreibgeschützt.</translation>
    </message>
    <message>
        <source>a key needs a name of 1 to 100 characters</source>
        <translation>ein Schlüssel braucht einen Namen mit 1 bis 100 Zeichen</translation>
    </message>
    <message>
        <source>a key named &apos;%1&apos; exists already (revoke it first)</source>
        <translation>ein Schlüssel namens &apos;%1&apos; existiert bereits (widerrufen Sie ihn zuerst)</translation>
    </message>
    <message>
        <source>no key is named &apos;%1&apos;</source>
        <translation>kein Schlüssel heißt &apos;%1&apos;</translation>
    </message>
    <message>
        <source>unknown scope &apos;%1&apos; (use read, write, export, raw or admin)</source>
        <translation>unbekannter Bereich &apos;%1&apos; (read, write, export, raw oder admin verwenden)</translation>
    </message>
    <message>
        <source>no scope given (use read, write, export, raw or admin)</source>
        <translation>kein Bereich angegeben (read, write, export, raw oder admin verwenden)</translation>
    </message>
</context>
<context>
    <name>BulkLoad</name>
    <message>
        <source>another program created it while the pairs were imported; nothing was changed</source>
        <translation>ein anderes Programm hat sie während des Imports angelegt; nichts wurde geändert</translation>
    </message>
    <message>
        <source>Cannot create %1: %2.</source>
        <translation>%1 kann nicht angelegt werden: %2.</translation>
    </message>
</context>
<context>
    <name>ChartFactory</name>
    <message>
        <source>Pairs</source>
        <translation>Paare</translation>
    </message>
    <message>
        <source>%1: %2 pairs (%3)</source>
        <translation>%1: %2 Paare (%3)</translation>
    </message>
    <message>
        <source>day</source>
        <translation>Tag</translation>
    </message>
    <message>
        <source>week</source>
        <translation>Woche</translation>
    </message>
    <message>
        <source>month</source>
        <translation>Monat</translation>
    </message>
    <message>
        <source>Pairs per %1, %2 to %3</source>
        <translation>Paare pro %1, %2 bis %3</translation>
    </message>
    <message>
        <source>Successful</source>
        <translation>Erfolgreich</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>%1: %2 successful of %3 pairs</source>
        <translation>%1: %2 von %3 Paaren erfolgreich</translation>
    </message>
    <message>
        <source>%1: %2 failed of %3 pairs</source>
        <translation>%1: %2 von %3 Paaren fehlgeschlagen</translation>
    </message>
    <message>
        <source>Question and SQL lengths</source>
        <translation>Länge von Fragen und SQL</translation>
    </message>
    <message>
        <source>Question (avg %1)</source>
        <translation>Frage (Ø %1)</translation>
    </message>
    <message>
        <source>SQL (avg %1)</source>
        <translation>SQL (Ø %1)</translation>
    </message>
    <message>
        <source>Questions of %1 characters: %2 pairs (%3)</source>
        <translation>Fragen mit %1 Zeichen: %2 Paare (%3)</translation>
    </message>
    <message>
        <source>SQL of %1 characters: %2 pairs (%3)</source>
        <translation>SQL mit %1 Zeichen: %2 Paare (%3)</translation>
    </message>
    <message>
        <source>Length (characters, from)</source>
        <translation>Länge (Zeichen, ab)</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Phone number</source>
        <translation>Telefonnummer</translation>
    </message>
    <message>
        <source>US SSN</source>
        <translation>US-SSN</translation>
    </message>
    <message>
        <source>Credit card</source>
        <translation>Kreditkarte</translation>
    </message>
    <message>
        <source>IP address</source>
        <translation>IP-Adresse</translation>
    </message>
    <message>
        <source>IBAN</source>
        <translation>IBAN</translation>
    </message>
    <message>
        <source>Person name</source>
        <translation>Personenname</translation>
    </message>
    <message>
        <source>Street address</source>
        <translation>Straßenadresse</translation>
    </message>
    <message>
        <source>Date of birth</source>
        <translation>Geburtsdatum</translation>
    </message>
    <message>
        <source>Custom pattern</source>
        <translation>Eigenes Muster</translation>
    </message>
    <message>
        <source>Statement types</source>
        <translation>Abfragetypen</translation>
    </message>
    <message>
        <source>Successful and failed pairs</source>
        <translation>Erfolgreiche und fehlgeschlagene Paare</translation>
    </message>
    <message>
        <source>Database types</source>
        <translation>Datenbanktypen</translation>
    </message>
    <message>
        <source>Pairs over time</source>
        <translation>Paare im Zeitverlauf</translation>
    </message>
    <message>
        <source>Most used tables</source>
        <translation>Meistgenutzte Tabellen</translation>
    </message>
    <message>
        <source>Personal data found</source>
        <translation>Gefundene personenbezogene Daten</translation>
    </message>
    <message>
        <source>Review progress</source>
        <translation>Prüffortschritt</translation>
    </message>
    <message>
        <source>(no statement)</source>
        <translation>(keine Anweisung)</translation>
    </message>
    <message>
        <source>(not recorded)</source>
        <translation>(nicht erfasst)</translation>
    </message>
    <message>
        <source>Review progress (%1 reviewed)</source>
        <translation>Prüffortschritt (%1 geprüft)</translation>
    </message>
    <message>
        <source>Unreviewed</source>
        <translation>Ungeprüft</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Genehmigt</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Abgelehnt</translation>
    </message>
    <message>
        <source>Most used tables (%1 of %2)</source>
        <translation>Meistgenutzte Tabellen (%1 von %2)</translation>
    </message>
    <message>
        <source>Pairs using the table</source>
        <translation>Paare, die die Tabelle verwenden</translation>
    </message>
    <message>
        <source>Personal data found (%1 of pairs)</source>
        <translation>Gefundene personenbezogene Daten (in %1 der Paare)</translation>
    </message>
    <message>
        <source>Pairs containing it</source>
        <translation>Paare, die sie enthalten</translation>
    </message>
    <message>
        <source>The chart must be at least 100 × 100 pixels.</source>
        <translation>Das Diagramm muss mindestens 100 × 100 Pixel groß sein.</translation>
    </message>
    <message>
        <source>No pairs match the filter</source>
        <translation>Keine Paare entsprechen dem Filter</translation>
    </message>
    <message>
        <source>Created by PairLens</source>
        <translation>Erstellt mit PairLens</translation>
    </message>
    <message>
        <source>Cannot write the chart to %1: %2.</source>
        <translation>Das Diagramm kann nicht nach %1 geschrieben werden: %2.</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>unbekannter Fehler</translation>
    </message>
</context>
<context>
    <name>CsvReader</name>
    <message>
        <source>a quoted field is not closed</source>
        <translation>ein Feld in Anführungszeichen wird nicht geschlossen</translation>
    </message>
    <message>
        <source>a quote inside a quoted field is not doubled</source>
        <translation>ein Anführungszeichen in einem Feld in Anführungszeichen ist nicht verdoppelt</translation>
    </message>
    <message>
        <source>a quoted field goes on past the end of the line</source>
        <translation>ein Feld in Anführungszeichen reicht über das Zeilenende hinaus</translation>
    </message>
    <message>
        <source>a quoted field is not closed within 16 MiB</source>
        <translation>ein Feld in Anführungszeichen wird innerhalb von 16 MiB nicht geschlossen</translation>
    </message>
    <message>
        <source>the record is not valid UTF-8</source>
        <translation>der Eintrag ist kein gültiges UTF-8</translation>
    </message>
    <message>
        <source>%1 (no line after it is a whole record, so the rest of the file was skipped)</source>
        <translation>%1 (keine Zeile danach ist ein vollständiger Eintrag, daher wurde der Rest der Datei übersprungen)</translation>
    </message>
    <message>
        <source>%1 (lines %2 to %3 were skipped; reading went on at line %4)</source>
        <translation>%1 (die Zeilen %2 bis %3 wurden übersprungen; weitergelesen wurde ab Zeile %4)</translation>
    </message>
    <message>
        <source>a field is larger than 1 MiB, or the record larger than 16 MiB or wider than 4096 fields</source>
        <translation>ein Feld ist größer als 1 MiB, oder der Eintrag ist größer als 16 MiB oder hat mehr als 4096 Felder</translation>
    </message>
</context>
<context>
    <name>Dataset</name>
    <message>
        <source>PostgreSQL datasets are not supported by this build yet; use a dataset file.</source>
        <translation>PostgreSQL-Datensätze werden von diesem Build noch nicht unterstützt; verwenden Sie eine Datensatzdatei.</translation>
    </message>
    <message>
        <source>The dataset %1 does not exist.</source>
        <translation>Der Datensatz %1 existiert nicht.</translation>
    </message>
    <message>
        <source>%1 is a folder, not a dataset file.</source>
        <translation>%1 ist ein Ordner, keine Datensatzdatei.</translation>
    </message>
    <message>
        <source>Cannot create %1: the folder %2 does not exist or is not writable.</source>
        <translation>%1 kann nicht erstellt werden: Der Ordner %2 existiert nicht oder ist nicht beschreibbar.</translation>
    </message>
    <message>
        <source>The folder of this dataset is read-only, so it was opened read-only.</source>
        <translation>Der Ordner dieses Datensatzes ist schreibgeschützt, daher wurde er schreibgeschützt geöffnet.</translation>
    </message>
    <message>
        <source>You may not write to this dataset file, so it was opened read-only.</source>
        <translation>Sie dürfen diese Datensatzdatei nicht ändern, daher wurde sie schreibgeschützt geöffnet.</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>%1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>%1 is not a PairLens dataset (it is not an SQLite database file).</source>
        <translation>%1 ist kein PairLens-Datensatz (es ist keine SQLite-Datenbankdatei).</translation>
    </message>
    <message>
        <source>%1 is damaged: SQLite cannot read it, so it cannot be opened; restore it from a backup.</source>
        <translation>%1 ist beschädigt: SQLite kann die Datei nicht lesen, daher kann sie nicht geöffnet werden; stellen Sie sie aus einer Sicherung wieder her.</translation>
    </message>
    <message>
        <source>%1 cannot be read: %2.</source>
        <translation>%1 kann nicht gelesen werden: %2.</translation>
    </message>
    <message>
        <source>%1 is damaged: its list of tables cannot be read, so it cannot be opened; restore it from a backup.</source>
        <translation>%1 ist beschädigt: Die Liste der Tabellen lässt sich nicht lesen, daher kann die Datei nicht geöffnet werden; stellen Sie sie aus einer Sicherung wieder her.</translation>
    </message>
    <message>
        <source>%1 is an SQLite database, but not a PairLens dataset; PairLens leaves it untouched.</source>
        <translation>%1 ist eine SQLite-Datenbank, aber kein PairLens-Datensatz; PairLens lässt sie unverändert.</translation>
    </message>
    <message>
        <source>%1 was written by a newer PairLens (format version %2; this version reads up to %3). Please update PairLens.</source>
        <translation>%1 wurde von einer neueren PairLens-Version geschrieben (Formatversion %2; diese Version liest bis Version %3). Bitte aktualisieren Sie PairLens.</translation>
    </message>
    <message>
        <source>%1 is empty and read-only, so it cannot become a dataset.</source>
        <translation>%1 ist leer und schreibgeschützt und kann daher kein Datensatz werden.</translation>
    </message>
    <message>
        <source>%1 uses an older format (version %2) and is read-only, so it cannot be upgraded.</source>
        <translation>%1 verwendet ein älteres Format (Version %2) und ist schreibgeschützt; es kann daher nicht aktualisiert werden.</translation>
    </message>
    <message>
        <source>%1 is an empty database, not a PairLens dataset.</source>
        <translation>%1 ist eine leere Datenbank, kein PairLens-Datensatz.</translation>
    </message>
    <message>
        <source>Cannot prepare %1 as a dataset: %2</source>
        <translation>%1 kann nicht als Datensatz eingerichtet werden: %2</translation>
    </message>
    <message>
        <source>The dataset is read-only.</source>
        <translation>Der Datensatz ist schreibgeschützt.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Cannot write to %1: %2</source>
        <translation>In %1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>its full-text search index</source>
        <translation>sein Volltext-Suchindex</translation>
    </message>
    <message>
        <source>its table of pairs</source>
        <translation>seine Tabelle der Paare</translation>
    </message>
    <message>
        <source>its table or index &quot;%1&quot;</source>
        <translation>seine Tabelle oder sein Index &quot;%1&quot;</translation>
    </message>
    <message>
        <source>page %1 of %2 cannot be read</source>
        <translation>Seite %1 von %2 kann nicht gelesen werden</translation>
    </message>
    <message>
        <source>%1 cannot be read (page %2)</source>
        <translation>%1 kann nicht gelesen werden (Seite %2)</translation>
    </message>
    <message>
        <source>page %1 of the file cannot be read</source>
        <translation>Seite %1 der Datei kann nicht gelesen werden</translation>
    </message>
    <message>
        <source>%1 cannot be read</source>
        <translation>%1 kann nicht gelesen werden</translation>
    </message>
    <message>
        <source>SQLite found damaged data while reading it</source>
        <translation>SQLite hat beim Lesen beschädigte Daten gefunden</translation>
    </message>
    <message>
        <source>%1 is damaged: %2; restore it from a backup.</source>
        <translation>%1 ist beschädigt: %2; stellen Sie die Datei aus einer Sicherung wieder her.</translation>
    </message>
    <message>
        <source>Cannot write to %1: the disk is full; make room and run it again.</source>
        <translation>In %1 kann nicht geschrieben werden: Der Datenträger ist voll; schaffen Sie Platz und führen Sie den Vorgang erneut aus.</translation>
    </message>
    <message>
        <source>Cannot write to %1: the disk is full (%2 free on %3); make room and run it again.</source>
        <translation>In %1 kann nicht geschrieben werden: Der Datenträger ist voll (%2 frei auf %3); schaffen Sie Platz und führen Sie den Vorgang erneut aus.</translation>
    </message>
    <message>
        <source>%1 is in use by another program; close it there first.</source>
        <translation>%1 wird von einem anderen Programm verwendet; schließen Sie die Datei dort zuerst.</translation>
    </message>
    <message>
        <source>Cannot replace %1: %2</source>
        <translation>%1 kann nicht ersetzt werden: %2</translation>
    </message>
    <message>
        <source>Cannot replace %1.</source>
        <translation>%1 kann nicht ersetzt werden.</translation>
    </message>
</context>
<context>
    <name>DeleteCommand</name>
    <message>
        <source>Delete 1 pair</source>
        <translation>1 Paar löschen</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n pairs</source>
        <translation>
            <numerusform>%n Paar löschen</numerusform>
            <numerusform>%n Paare löschen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Deriver</name>
    <message>
        <source>Cannot read the privacy settings: %1</source>
        <translation>Die Datenschutzeinstellungen können nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>The dataset is read-only.</source>
        <translation>Der Datensatz ist schreibgeschützt.</translation>
    </message>
</context>
<context>
    <name>EditCommand</name>
    <message>
        <source>Edit pair</source>
        <translation>Paar bearbeiten</translation>
    </message>
</context>
<context>
    <name>Export</name>
    <message>
        <source>The value &quot;%1&quot; of %2 can&apos;t be given on the command line.</source>
        <translation>Der Wert „%1“ von %2 lässt sich auf der Kommandozeile nicht angeben.</translation>
    </message>
    <message>
        <source>Rows picked in the table can&apos;t be named on the command line; give their pair ids with --ids.</source>
        <translation>In der Tabelle gewählte Zeilen lassen sich auf der Kommandozeile nicht benennen; geben Sie ihre Paar-IDs mit --ids an.</translation>
    </message>
    <message>
        <source>The command line exports live pairs only, never the trash.</source>
        <translation>Die Kommandozeile exportiert nur vorhandene Paare, nie den Papierkorb.</translation>
    </message>
    <message>
        <source>Cannot read the privacy settings: %1</source>
        <translation>Die Datenschutzeinstellungen können nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Reconnecting to the server</source>
        <translation>Verbindung zum Server wird wiederhergestellt</translation>
    </message>
    <message>
        <source>The connection to %1 was lost during the export; PairLens reconnected and exported again from the start.</source>
        <translation>Die Verbindung zu %1 ist während des Exports abgebrochen; PairLens hat sich neu verbunden und noch einmal von vorn exportiert.</translation>
    </message>
    <message>
        <source>%1 is the dataset itself (or one of its files); choose another export file.</source>
        <translation>%1 ist der Datensatz selbst (oder eine seiner Dateien); wählen Sie eine andere Exportdatei.</translation>
    </message>
    <message>
        <source>%1 is not a regular file; an export only replaces regular files (-o - writes to standard output).</source>
        <translation>%1 ist keine reguläre Datei; ein Export ersetzt nur reguläre Dateien (-o - schreibt auf die Standardausgabe).</translation>
    </message>
    <message>
        <source>Not replacing %1: not an unchanged earlier PairLens %2 export; nothing was written.</source>
        <translation>%1 wird nicht ersetzt: kein unveränderter früherer PairLens-%2-Export; es wurde nichts geschrieben.</translation>
    </message>
    <message>
        <source>Cannot compute the statistics: %1</source>
        <translation>Die Statistik kann nicht berechnet werden: %1</translation>
    </message>
    <message>
        <source>The export was cancelled; no file was written.</source>
        <translation>Der Export wurde abgebrochen; es wurde keine Datei geschrieben.</translation>
    </message>
    <message>
        <source>Exporting</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>The split put %1% of the pairs in the training file (%2% asked for): pairs that share a normalized question or SQL stay on one side, and the dataset&apos;s pairs form %3 such groups.</source>
        <translation>Die Aufteilung hat %1% der Paare in die Trainingsdatei gelegt (%2% verlangt): Paare mit gleicher normalisierter Frage oder gleichem normalisiertem SQL bleiben auf einer Seite, und die Paare des Datensatzes bilden %3 solche Gruppen.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>the dataset is read-only</source>
        <translation>der Datensatz ist schreibgeschützt</translation>
    </message>
    <message>
        <source>The export was not recorded in the audit log: %1</source>
        <translation>Der Export wurde nicht im Audit-Protokoll vermerkt: %1</translation>
    </message>
    <message>
        <source>Unknown field &quot;%1&quot; (known fields: %2).</source>
        <translation>Unbekanntes Feld &quot;%1&quot; (bekannte Felder: %2).</translation>
    </message>
    <message>
        <source>The field &quot;%1&quot; is listed twice.</source>
        <translation>Das Feld &quot;%1&quot; ist doppelt angegeben.</translation>
    </message>
    <message>
        <source>No fields were given.</source>
        <translation>Es wurden keine Felder angegeben.</translation>
    </message>
    <message>
        <source>No output file was given.</source>
        <translation>Es wurde keine Ausgabedatei angegeben.</translation>
    </message>
    <message>
        <source>The %1 format has fixed fields; --fields only applies to jsonl, json and csv.</source>
        <translation>Das Format %1 hat feste Felder; --fields gilt nur für jsonl, json und csv.</translation>
    </message>
    <message>
        <source>The split must be a fraction between 0 and 1 (e.g. 0.9).</source>
        <translation>Die Aufteilung muss ein Anteil zwischen 0 und 1 sein (z. B. 0.9).</translation>
    </message>
    <message>
        <source>A split writes two files, so it cannot go to standard output; give -o FILE.</source>
        <translation>Eine Aufteilung schreibt zwei Dateien und kann daher nicht auf die Standardausgabe gehen; geben Sie -o DATEI an.</translation>
    </message>
    <message>
        <source>The filter asks for pairs that are not approved, but only approved pairs are exported (--approved-only).</source>
        <translation>Der Filter verlangt nicht freigegebene Paare, exportiert werden aber nur freigegebene (--approved-only).</translation>
    </message>
    <message>
        <source>The filter asks for rejected pairs, which exports leave out unless --include-rejected is given.</source>
        <translation>Der Filter verlangt abgelehnte Paare, die Exporte ohne --include-rejected auslassen.</translation>
    </message>
    <message>
        <source>The gzip level must be between 1 and 9.</source>
        <translation>Die gzip-Stufe muss zwischen 1 und 9 liegen.</translation>
    </message>
    <message>
        <source>Templates only apply to the prompt, chat and alpaca formats.</source>
        <translation>Vorlagen gelten nur für die Formate prompt, chat und alpaca.</translation>
    </message>
    <message>
        <source>A system prompt only applies to the openai-chat and anthropic-chat formats.</source>
        <translation>Ein Systemprompt gilt nur für die Formate openai-chat und anthropic-chat.</translation>
    </message>
    <message>
        <source>standard output</source>
        <translation>Standardausgabe</translation>
    </message>
    <message>
        <source>Cannot write %1: the folder %2 does not exist.</source>
        <translation>%1 kann nicht geschrieben werden: Der Ordner %2 existiert nicht.</translation>
    </message>
    <message>
        <source>Cannot compute checksums (OpenSSL SHA-256 is unavailable).</source>
        <translation>Prüfsummen können nicht berechnet werden (OpenSSL SHA-256 ist nicht verfügbar).</translation>
    </message>
    <message>
        <source>Cannot start gzip compression.</source>
        <translation>Die gzip-Komprimierung kann nicht gestartet werden.</translation>
    </message>
    <message>
        <source>gzip compression failed.</source>
        <translation>Die gzip-Komprimierung ist fehlgeschlagen.</translation>
    </message>
    <message>
        <source>Cannot write %1: the file is not open.</source>
        <translation>%1 kann nicht geschrieben werden: Die Datei ist nicht geöffnet.</translation>
    </message>
    <message>
        <source>Exports need an SQLite dataset.</source>
        <translation>Exporte benötigen einen SQLite-Datensatz.</translation>
    </message>
    <message>
        <source>Counting duplicates</source>
        <translation>Duplikate zählen</translation>
    </message>
    <message>
        <source>Grouping</source>
        <translation>Gruppieren</translation>
    </message>
</context>
<context>
    <name>Importer</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 does not start with a JSON array or object.</source>
        <translation>%1 beginnt nicht mit einem JSON-Array oder -Objekt.</translation>
    </message>
    <message>
        <source>Cannot tell the format of %1: expected JSON Lines, JSON or CSV.</source>
        <translation>Das Format von %1 ist nicht erkennbar: erwartet wird JSON Lines, JSON oder CSV.</translation>
    </message>
    <message>
        <source>%1 does not exist or is not a file.</source>
        <translation>%1 existiert nicht oder ist keine Datei.</translation>
    </message>
    <message>
        <source>%1 is the dataset itself (or one of its files); nothing was imported.</source>
        <translation>%1 ist der Datensatz selbst (oder eine seiner Dateien); es wurde nichts importiert.</translation>
    </message>
    <message>
        <source>the record is larger than 16 MiB</source>
        <translation>der Eintrag ist größer als 16 MiB</translation>
    </message>
    <message>
        <source>the record is not a JSON object</source>
        <translation>der Eintrag ist kein JSON-Objekt</translation>
    </message>
    <message>
        <source>%1 is not valid JSON: %2; reading stopped on line %3, after %4 records.</source>
        <translation>%1 ist kein gültiges JSON: %2; das Lesen endete in Zeile %3 nach %4 Einträgen.</translation>
    </message>
    <message>
        <source>The header of %1 cannot be read: %2.</source>
        <translation>Die Kopfzeile von %1 kann nicht gelesen werden: %2.</translation>
    </message>
    <message>
        <source>%1 has no &quot;natural_language_query&quot; or &quot;question&quot; column in its header.</source>
        <translation>%1 hat in der Kopfzeile keine Spalte &quot;natural_language_query&quot; oder &quot;question&quot;.</translation>
    </message>
    <message>
        <source>%1 fields where the header has %2</source>
        <translation>%1 Felder, die Kopfzeile hat aber %2</translation>
    </message>
    <message>
        <source>the line is longer than 16 MiB</source>
        <translation>die Zeile ist länger als 16 MiB</translation>
    </message>
    <message>
        <source>the line is not valid UTF-8</source>
        <translation>die Zeile ist kein gültiges UTF-8</translation>
    </message>
    <message>
        <source>the record is not valid UTF-8</source>
        <translation>der Eintrag ist kein gültiges UTF-8</translation>
    </message>
    <message>
        <source>not valid JSON (%1 at column %2)</source>
        <translation>kein gültiges JSON (%1 in Spalte %2)</translation>
    </message>
    <message>
        <source>the line is not a JSON object</source>
        <translation>die Zeile ist kein JSON-Objekt</translation>
    </message>
    <message>
        <source>the text holds %1, half of a UTF-16 surrogate pair without its other half, which is not a character</source>
        <translation>der Text enthält %1, eine Hälfte eines UTF-16-Surrogatpaars ohne die andere Hälfte, also kein Zeichen</translation>
    </message>
    <message>
        <source>&quot;metadata&quot; is not a JSON object</source>
        <translation>&quot;metadata&quot; ist kein JSON-Objekt</translation>
    </message>
    <message>
        <source>&quot;metadata&quot; is not a JSON object (it is an array)</source>
        <translation>&quot;metadata&quot; ist kein JSON-Objekt (sondern ein Array)</translation>
    </message>
    <message>
        <source>&quot;metadata&quot; is not a JSON object (it is a number)</source>
        <translation>&quot;metadata&quot; ist kein JSON-Objekt (sondern eine Zahl)</translation>
    </message>
    <message>
        <source>&quot;metadata&quot; is not a JSON object (it is true or false)</source>
        <translation>&quot;metadata&quot; ist kein JSON-Objekt (sondern true oder false)</translation>
    </message>
    <message>
        <source>no question (natural_language_query or question)</source>
        <translation>keine Frage (natural_language_query oder question)</translation>
    </message>
    <message>
        <source>the question is empty</source>
        <translation>die Frage ist leer</translation>
    </message>
    <message>
        <source>no SQL (sql_query or sql)</source>
        <translation>kein SQL (sql_query oder sql)</translation>
    </message>
    <message>
        <source>the question is larger than 1 MiB of UTF-8</source>
        <translation>die Frage ist größer als 1 MiB UTF-8</translation>
    </message>
    <message>
        <source>the SQL is larger than 1 MiB of UTF-8</source>
        <translation>das SQL ist größer als 1 MiB UTF-8</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is larger than 1 MiB of UTF-8</source>
        <translation>&quot;%1&quot; ist größer als 1 MiB UTF-8</translation>
    </message>
    <message>
        <source>the timestamp &quot;%1&quot; is not an ISO-8601 date and time</source>
        <translation>der Zeitstempel &quot;%1&quot; ist kein Datum mit Uhrzeit nach ISO 8601</translation>
    </message>
    <message>
        <source>&quot;success&quot; is not true or false</source>
        <translation>&quot;success&quot; ist weder true noch false</translation>
    </message>
    <message>
        <source>&quot;execution_time_ms&quot; is not a number</source>
        <translation>&quot;execution_time_ms&quot; ist keine Zahl</translation>
    </message>
    <message>
        <source>&quot;metadata&quot; (with the other fields the record carries) is larger than 1 MiB of UTF-8</source>
        <translation>&quot;metadata&quot; (mit den übrigen Feldern des Eintrags) ist größer als 1 MiB UTF-8</translation>
    </message>
    <message>
        <source>pair_id &quot;%1&quot; was used on line %2 with another question or SQL; the first record was kept</source>
        <translation>pair_id &quot;%1&quot; wurde in Zeile %2 mit einer anderen Frage oder einem anderen SQL verwendet; der erste Eintrag wurde behalten</translation>
    </message>
    <message>
        <source>pair_id &quot;%1&quot; was used by an earlier record of this file with another question or SQL; the first record was kept</source>
        <translation>pair_id &quot;%1&quot; wurde von einem früheren Eintrag dieser Datei mit einer anderen Frage oder einem anderen SQL verwendet; der erste Eintrag wurde behalten</translation>
    </message>
    <message>
        <source>pair_id &quot;%1&quot; is already in the dataset with another question or SQL; the pair in the dataset was kept</source>
        <translation>pair_id &quot;%1&quot; ist bereits mit einer anderen Frage oder einem anderen SQL im Datensatz; das Paar im Datensatz wurde behalten</translation>
    </message>
</context>
<context>
    <name>JsonRecordReader</name>
    <message>
        <source>the end of the file</source>
        <translation>das Dateiende</translation>
    </message>
    <message>
        <source>the file ends inside a string that starts on line %1</source>
        <translation>die Datei endet in einer Zeichenkette, die in Zeile %1 beginnt</translation>
    </message>
    <message>
        <source>expected a value on line %1 but found %2</source>
        <translation>in Zeile %1 wurde ein Wert erwartet, aber %2 gefunden</translation>
    </message>
    <message>
        <source>the file ends inside a record that starts on line %1</source>
        <translation>die Datei endet in einem Eintrag, der in Zeile %1 beginnt</translation>
    </message>
    <message>
        <source>the record that starts on line %1 is nested more than %2 levels deep</source>
        <translation>der Eintrag, der in Zeile %1 beginnt, ist mehr als %2 Ebenen tief verschachtelt</translation>
    </message>
    <message>
        <source>%1 on line %2 does not close the bracket that is open there</source>
        <translation>%1 in Zeile %2 schließt nicht die dort offene Klammer</translation>
    </message>
    <message>
        <source>a string on line %1 is not closed on its line (lines %2 to %3 were skipped; reading went on at line %4)</source>
        <translation>eine Zeichenkette in Zeile %1 wird in ihrer Zeile nicht geschlossen (die Zeilen %2 bis %3 wurden übersprungen; weitergelesen wurde ab Zeile %4)</translation>
    </message>
    <message>
        <source>a string on line %1 is not closed on its line</source>
        <translation>eine Zeichenkette in Zeile %1 wird in ihrer Zeile nicht geschlossen</translation>
    </message>
    <message>
        <source>there is more after the end of the JSON document, on line %1</source>
        <translation>nach dem Ende des JSON-Dokuments folgt noch etwas, in Zeile %1</translation>
    </message>
    <message>
        <source>it does not start with a JSON array or object</source>
        <translation>es beginnt nicht mit einem JSON-Array oder -Objekt</translation>
    </message>
    <message>
        <source>the file ends inside the array</source>
        <translation>die Datei endet innerhalb des Arrays</translation>
    </message>
    <message>
        <source>expected &apos;,&apos; or &apos;]&apos; after record %1 on line %2 but found %3</source>
        <translation>nach Eintrag %1 in Zeile %2 wurde &apos;,&apos; oder &apos;]&apos; erwartet, aber %3 gefunden</translation>
    </message>
    <message>
        <source>expected a key in quotes on line %1 but found %2</source>
        <translation>in Zeile %1 wurde ein Schlüssel in Anführungszeichen erwartet, aber %2 gefunden</translation>
    </message>
    <message>
        <source>a key on line %1 is not closed on its line</source>
        <translation>ein Schlüssel in Zeile %1 wird in seiner Zeile nicht geschlossen</translation>
    </message>
    <message>
        <source>expected &apos;:&apos; on line %1 but found %2</source>
        <translation>in Zeile %1 wurde &apos;:&apos; erwartet, aber %2 gefunden</translation>
    </message>
    <message>
        <source>expected &apos;,&apos; or &apos;}&apos; on line %1 but found %2</source>
        <translation>in Zeile %1 wurde &apos;,&apos; oder &apos;}&apos; erwartet, aber %2 gefunden</translation>
    </message>
</context>
<context>
    <name>NoteCommand</name>
    <message>
        <source>Edit note</source>
        <translation>Notiz bearbeiten</translation>
    </message>
</context>
<context>
    <name>PairStore</name>
    <message>
        <source>Cannot write to the dataset: %1</source>
        <translation>In den Datensatz kann nicht geschrieben werden: %1</translation>
    </message>
    <message>
        <source>The dataset is read-only; nothing was changed.</source>
        <translation>Der Datensatz ist schreibgeschützt; es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>Cancelled; nothing was changed.</source>
        <translation>Abgebrochen; es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>The change is recorded and is finished when the dataset is next opened for writing.</source>
        <translation>Die Änderung ist vermerkt und wird abgeschlossen, wenn der Datensatz das nächste Mal zum Schreiben geöffnet wird.</translation>
    </message>
    <message>
        <source>The pair no longer exists.</source>
        <translation>Das Paar existiert nicht mehr.</translation>
    </message>
</context>
<context>
    <name>PgStorage</name>
    <message>
        <source>Cannot add pairs to PostgreSQL schema %1: %2</source>
        <translation>Dem PostgreSQL-Schema %1 können keine Paare hinzugefügt werden: %2</translation>
    </message>
    <message>
        <source>Cannot analyse the new pairs in PostgreSQL schema %1: %2</source>
        <translation>Die neuen Paare im PostgreSQL-Schema %1 können nicht analysiert werden: %2</translation>
    </message>
    <message>
        <source>Cannot build the indexes of PostgreSQL schema %1 after the import: %2 (the next open builds them)</source>
        <translation>Die Indizes des PostgreSQL-Schemas %1 können nach dem Import nicht aufgebaut werden: %2 (das nächste Öffnen baut sie auf)</translation>
    </message>
    <message>
        <source>libpq refused PairLens&apos;s connection events.</source>
        <translation>libpq hat die Verbindungsereignisse von PairLens abgelehnt.</translation>
    </message>
    <message>
        <source>The connection to the PostgreSQL server at %1 was lost while the change was being committed, and PairLens could not reconnect (%2): whether the change was made is unknown.</source>
        <translation>Die Verbindung zum PostgreSQL-Server %1 ist abgebrochen, während die Änderung festgeschrieben wurde, und PairLens konnte sich nicht neu verbinden (%2): Ob die Änderung gemacht wurde, ist unbekannt.</translation>
    </message>
    <message>
        <source>The connection to the PostgreSQL server at %1 was lost, and PairLens could not reconnect (%2). Nothing was changed; try again later.</source>
        <translation>Die Verbindung zum PostgreSQL-Server %1 ist abgebrochen, und PairLens konnte sich nicht neu verbinden (%2). Es wurde nichts geändert; versuchen Sie es später erneut.</translation>
    </message>
    <message>
        <source>The connection to the PostgreSQL server at %1 was lost while the change was being committed; PairLens reconnected. Whether the change was made is unknown: look before trying again.</source>
        <translation>Die Verbindung zum PostgreSQL-Server %1 ist abgebrochen, während die Änderung festgeschrieben wurde; PairLens hat sich neu verbunden. Ob die Änderung gemacht wurde, ist unbekannt: Sehen Sie nach, bevor Sie es erneut versuchen.</translation>
    </message>
    <message>
        <source>The connection to the PostgreSQL server at %1 was lost; PairLens reconnected. Nothing was changed; try again.</source>
        <translation>Die Verbindung zum PostgreSQL-Server %1 ist abgebrochen; PairLens hat sich neu verbunden. Es wurde nichts geändert; versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>%1 is read-only for this PostgreSQL role: it may not change pairs in schema %2.</source>
        <translation>%1 ist für diese PostgreSQL-Rolle schreibgeschützt: Sie darf die Paare im Schema %2 nicht ändern.</translation>
    </message>
    <message>
        <source>Cannot change the pairs in PostgreSQL schema %1: %2</source>
        <translation>Die Paare im PostgreSQL-Schema %1 können nicht geändert werden: %2</translation>
    </message>
    <message>
        <source>the connection was lost</source>
        <translation>die Verbindung ist abgebrochen</translation>
    </message>
    <message>
        <source>Cannot read the audit log of PostgreSQL schema %1: %2</source>
        <translation>Das Änderungsprotokoll des PostgreSQL-Schemas %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>The pair no longer exists.</source>
        <translation>Das Paar existiert nicht mehr.</translation>
    </message>
    <message>
        <source>Cannot read the pairs from PostgreSQL: %1</source>
        <translation>Die Paare können nicht aus PostgreSQL gelesen werden: %1</translation>
    </message>
    <message>
        <source>%1 is read-only for this PostgreSQL role: it may not change the settings of schema %2.</source>
        <translation>%1 ist für diese PostgreSQL-Rolle schreibgeschützt: Sie darf die Einstellungen des Schemas %2 nicht ändern.</translation>
    </message>
    <message>
        <source>Cannot change the settings of PostgreSQL schema %1: %2</source>
        <translation>Die Einstellungen des PostgreSQL-Schemas %1 können nicht geändert werden: %2</translation>
    </message>
    <message>
        <source>PostgreSQL schema %1 has format version %2, which does not announce changes; the next open by a role that may change it brings it to version %3.</source>
        <translation>Das PostgreSQL-Schema %1 hat die Formatversion %2, die keine Änderungen meldet; das nächste Öffnen durch eine Rolle, die es ändern darf, bringt es auf Version %3.</translation>
    </message>
    <message>
        <source>Cannot listen for changes in PostgreSQL schema %1: %2</source>
        <translation>Auf Änderungen im PostgreSQL-Schema %1 kann nicht gewartet werden: %2</translation>
    </message>
    <message>
        <source>Cannot read the changes of PostgreSQL schema %1: %2</source>
        <translation>Die Änderungen des PostgreSQL-Schemas %1 können nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Cannot rescan the PII kinds in PostgreSQL schema %1: %2</source>
        <translation>Die PII-Arten im PostgreSQL-Schema %1 können nicht erneut gescannt werden: %2</translation>
    </message>
    <message>
        <source>the pairs kept changing while they were rescanned</source>
        <translation>die Paare änderten sich während der erneuten Prüfung immer wieder</translation>
    </message>
    <message>
        <source>The rescan of the PII kinds was stopped; it is finished when the dataset is next opened.</source>
        <translation>Der erneute Scan der PII-Arten wurde angehalten; er wird beim nächsten Öffnen des Datensatzes abgeschlossen.</translation>
    </message>
    <message>
        <source>The filter %1 needs the duplicate keys of PostgreSQL format version 5: open the schema once with a role that may write to add them.</source>
        <translation>Der Filter %1 braucht die Duplikatschlüssel des PostgreSQL-Formats Version 5: Öffnen Sie das Schema einmal mit einer Rolle, die schreiben darf, um sie anzulegen.</translation>
    </message>
    <message>
        <source>The filter --search needs the search column of PostgreSQL format version 3: open the schema once with a role that may write to add it.</source>
        <translation>Der Filter --search braucht die Suchspalte des PostgreSQL-Formats Version 3: Öffnen Sie das Schema einmal mit einer Rolle, die schreiben darf, um sie anzulegen.</translation>
    </message>
    <message>
        <source>Cannot count the pairs in PostgreSQL: %1</source>
        <translation>Die Paare in PostgreSQL können nicht gezählt werden: %1</translation>
    </message>
    <message>
        <source>the server sent a row PairLens cannot read</source>
        <translation>der Server hat eine Zeile gesendet, die PairLens nicht lesen kann</translation>
    </message>
    <message>
        <source>Cannot compute the statistics in PostgreSQL: %1</source>
        <translation>Die Statistik kann in PostgreSQL nicht berechnet werden: %1</translation>
    </message>
    <message>
        <source>Cannot count the duplicates in PostgreSQL: %1</source>
        <translation>Die Duplikate in PostgreSQL können nicht gezählt werden: %1</translation>
    </message>
    <message>
        <source>Not a PostgreSQL location (postgresql://user@host:port/database).</source>
        <translation>Keine PostgreSQL-Adresse (postgresql://benutzer@host:port/datenbank).</translation>
    </message>
    <message>
        <source>The PostgreSQL location is not a valid URL: postgresql://user[:password]@host:port/database[?schema=NAME].</source>
        <translation>Die PostgreSQL-Adresse ist keine gültige URL: postgresql://benutzer[:passwort]@host:port/datenbank[?schema=NAME].</translation>
    </message>
    <message>
        <source>Cannot connect to PostgreSQL at %1: %2</source>
        <translation>Keine Verbindung zu PostgreSQL unter %1: %2</translation>
    </message>
    <message>
        <source>Cannot read the settings of PostgreSQL schema %1: %2</source>
        <translation>Die Einstellungen des PostgreSQL-Schemas %1 können nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Cannot write the settings of PostgreSQL schema %1: %2</source>
        <translation>Die Einstellungen des PostgreSQL-Schemas %1 können nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>The privacy secret of PostgreSQL schema %1 is damaged.</source>
        <translation>Das Datenschutz-Geheimnis des PostgreSQL-Schemas %1 ist beschädigt.</translation>
    </message>
    <message>
        <source>The PostgreSQL schema %1 has format version %2; this PairLens reads up to version %3.</source>
        <translation>Das PostgreSQL-Schema %1 hat die Formatversion %2; diese PairLens-Version liest bis Version %3.</translation>
    </message>
    <message>
        <source>%1 holds no PairLens dataset: schema %2 has no PairLens tables.</source>
        <translation>%1 enthält keinen PairLens-Datensatz: Schema %2 hat keine PairLens-Tabellen.</translation>
    </message>
    <message>
        <source>Cannot create the PairLens tables in PostgreSQL schema %1: %2</source>
        <translation>Die PairLens-Tabellen können im PostgreSQL-Schema %1 nicht angelegt werden: %2</translation>
    </message>
    <message>
        <source>The PostgreSQL schema %1 has no readable format version.</source>
        <translation>Das PostgreSQL-Schema %1 hat keine lesbare Formatversion.</translation>
    </message>
    <message>
        <source>Cannot read the privileges of PostgreSQL schema %1: %2</source>
        <translation>Die Rechte am PostgreSQL-Schema %1 können nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 is read-only for this PostgreSQL role: it may not add pairs to schema %2.</source>
        <translation>%1 ist für diese PostgreSQL-Rolle schreibgeschützt: Sie darf dem Schema %2 keine Paare hinzufügen.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 does not exist.</source>
        <translation>%1 existiert nicht.</translation>
    </message>
    <message>
        <source>%1 exists; pairlens copy writes a new dataset file (remove it or choose another name). Nothing was written.</source>
        <translation>%1 existiert bereits; pairlens copy schreibt eine neue Datensatzdatei (entfernen Sie sie oder wählen Sie einen anderen Namen). Es wurde nichts geschrieben.</translation>
    </message>
    <message>
        <source>the pair with id %1 holds %2 in %3, more than PostgreSQL&apos;s INTEGER column holds.</source>
        <translation>das Paar mit der ID %1 hat in %3 den Wert %2, mehr als eine INTEGER-Spalte von PostgreSQL fassen kann.</translation>
    </message>
    <message>
        <source>Cannot copy into %1: %2</source>
        <translation>In %1 kann nicht kopiert werden: %2</translation>
    </message>
</context>
<context>
    <name>PiiStyle</name>
    <message>
        <source>E-mail</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>SSN</source>
        <translation>SSN</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>Karte</translation>
    </message>
    <message>
        <source>IP</source>
        <translation>IP</translation>
    </message>
    <message>
        <source>IBAN</source>
        <translation>IBAN</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>Geburtsdatum</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>Eigenes</translation>
    </message>
    <message>
        <source>E-mail address</source>
        <translation>E-Mail-Adresse</translation>
    </message>
    <message>
        <source>Phone number</source>
        <translation>Telefonnummer</translation>
    </message>
    <message>
        <source>US social security number</source>
        <translation>US-Sozialversicherungsnummer</translation>
    </message>
    <message>
        <source>Credit card number</source>
        <translation>Kreditkartennummer</translation>
    </message>
    <message>
        <source>IP address</source>
        <translation>IP-Adresse</translation>
    </message>
    <message>
        <source>IBAN (bank account)</source>
        <translation>IBAN (Bankkonto)</translation>
    </message>
    <message>
        <source>Person name</source>
        <translation>Personenname</translation>
    </message>
    <message>
        <source>Street address</source>
        <translation>Straßenadresse</translation>
    </message>
    <message>
        <source>Date of birth</source>
        <translation>Geburtsdatum</translation>
    </message>
    <message>
        <source>Custom pattern</source>
        <translation>Eigenes Muster</translation>
    </message>
    <message>
        <source>Unreviewed</source>
        <translation>Ungeprüft</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Genehmigt</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Abgelehnt</translation>
    </message>
</context>
<context>
    <name>PrivacySettingsCommand</name>
    <message>
        <source>Change privacy settings</source>
        <translation>Datenschutz-Einstellungen ändern</translation>
    </message>
</context>
<context>
    <name>RestoreCommand</name>
    <message>
        <source>Add pair</source>
        <translation>Paar hinzufügen</translation>
    </message>
    <message>
        <source>Restore 1 pair</source>
        <translation>1 Paar wiederherstellen</translation>
    </message>
    <message numerus="yes">
        <source>Restore %n pairs</source>
        <translation>
            <numerusform>%n Paar wiederherstellen</numerusform>
            <numerusform>%n Paare wiederherstellen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReviewCommand</name>
    <message>
        <source>Approve 1 pair</source>
        <translation>1 Paar freigeben</translation>
    </message>
    <message numerus="yes">
        <source>Approve %n pairs</source>
        <translation>
            <numerusform>%n Paar freigeben</numerusform>
            <numerusform>%n Paare freigeben</numerusform>
        </translation>
    </message>
    <message>
        <source>Reject 1 pair</source>
        <translation>1 Paar ablehnen</translation>
    </message>
    <message numerus="yes">
        <source>Reject %n pairs</source>
        <translation>
            <numerusform>%n Paar ablehnen</numerusform>
            <numerusform>%n Paare ablehnen</numerusform>
        </translation>
    </message>
    <message>
        <source>Mark 1 pair unreviewed</source>
        <translation>1 Paar als ungeprüft markieren</translation>
    </message>
    <message numerus="yes">
        <source>Mark %n pairs unreviewed</source>
        <translation>
            <numerusform>%n Paar als ungeprüft markieren</numerusform>
            <numerusform>%n Paare als ungeprüft markieren</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ServerStore</name>
    <message>
        <source>%1 is read-only (%2).</source>
        <translation>%1 ist schreibgeschützt (%2).</translation>
    </message>
    <message>
        <source>the cursor is not one this server returned</source>
        <translation>der Cursor stammt nicht von diesem Server</translation>
    </message>
</context>
<context>
    <name>SqliteStorage</name>
    <message>
        <source>The dataset is read-only.</source>
        <translation>Der Datensatz ist schreibgeschützt.</translation>
    </message>
    <message>
        <source>Cannot count the pairs: %1</source>
        <translation>Die Paare können nicht gezählt werden: %1</translation>
    </message>
    <message>
        <source>There are no choices for the column %1.</source>
        <translation>Für die Spalte %1 gibt es keine Auswahl.</translation>
    </message>
    <message>
        <source>Cannot compute statistics of %1: %2</source>
        <translation>Die Statistik von %1 kann nicht berechnet werden: %2</translation>
    </message>
    <message>
        <source>Cannot read the audit log: %1</source>
        <translation>Das Prüfprotokoll kann nicht gelesen werden: %1</translation>
    </message>
</context>
<context>
    <name>Statistics</name>
    <message>
        <source>Finding duplicates</source>
        <translation>Duplikate suchen</translation>
    </message>
    <message>
        <source>The statistics were cancelled.</source>
        <translation>Die Statistikberechnung wurde abgebrochen.</translation>
    </message>
    <message>
        <source>Computing statistics</source>
        <translation>Statistik wird berechnet</translation>
    </message>
    <message>
        <source>Pairs</source>
        <translation>Paare</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>Anteil</translation>
    </message>
    <message>
        <source>Dataset statistics</source>
        <translation>Statistik des Datensatzes</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Kennzahl</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Successful</source>
        <translation>Erfolgreich</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>In the trash</source>
        <translation>Im Papierkorb</translation>
    </message>
    <message>
        <source>Unique tables</source>
        <translation>Verschiedene Tabellen</translation>
    </message>
    <message>
        <source>Average question length</source>
        <translation>Durchschnittliche Fragenlänge</translation>
    </message>
    <message>
        <source>Average SQL length</source>
        <translation>Durchschnittliche SQL-Länge</translation>
    </message>
    <message>
        <source>First pair</source>
        <translation>Erstes Paar</translation>
    </message>
    <message>
        <source>Last pair</source>
        <translation>Letztes Paar</translation>
    </message>
    <message>
        <source>Execution time p50 / p90 / p99 (ms)</source>
        <translation>Ausführungszeit p50 / p90 / p99 (ms)</translation>
    </message>
    <message>
        <source>Pairs with PII</source>
        <translation>Paare mit PII</translation>
    </message>
    <message>
        <source>Reviewed</source>
        <translation>Geprüft</translation>
    </message>
    <message>
        <source>Exact duplicates</source>
        <translation>Exakte Duplikate</translation>
    </message>
    <message>
        <source>Normalized duplicates</source>
        <translation>Normalisierte Duplikate</translation>
    </message>
    <message>
        <source>Statement types</source>
        <translation>Abfragetypen</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>Database types</source>
        <translation>Datenbanktypen</translation>
    </message>
    <message>
        <source>(unknown)</source>
        <translation>(unbekannt)</translation>
    </message>
    <message>
        <source>Top tables</source>
        <translation>Häufigste Tabellen</translation>
    </message>
    <message>
        <source>PII kinds</source>
        <translation>PII-Arten</translation>
    </message>
</context>
<context>
    <name>Storage</name>
    <message>
        <source>Editing a pair&apos;s text is not supported by this store.</source>
        <translation>Das Bearbeiten des Textes eines Paares wird von diesem Speicher nicht unterstützt.</translation>
    </message>
    <message>
        <source>Changing the privacy settings is not supported by this store.</source>
        <translation>Das Ändern der Datenschutzeinstellungen wird von diesem Speicher nicht unterstützt.</translation>
    </message>
    <message>
        <source>Rescanning the PII kinds is not supported by this store.</source>
        <translation>Das erneute Scannen der PII-Arten wird von diesem Speicher nicht unterstützt.</translation>
    </message>
</context>
<context>
    <name>StorageCopy</name>
    <message>
        <source>The source and the target are the same dataset; nothing was copied.</source>
        <translation>Quelle und Ziel sind derselbe Datensatz; es wurde nichts kopiert.</translation>
    </message>
    <message>
        <source>Reconnecting to the server</source>
        <translation>Verbindung zum Server wird wiederhergestellt</translation>
    </message>
    <message>
        <source>The connection was lost during the copy (%1); PairLens reconnected and copied again from the start.</source>
        <translation>Die Verbindung ist während des Kopierens abgebrochen (%1); PairLens hat sich neu verbunden und noch einmal von vorn kopiert.</translation>
    </message>
    <message numerus="yes">
        <source>%1 already holds %n pairs; pairlens copy writes only into a new or empty dataset. Nothing was written.</source>
        <translation>
            <numerusform>%1 enthält bereits %n Paar; pairlens copy schreibt nur in einen neuen oder leeren Datensatz. Es wurde nichts geschrieben.</numerusform>
            <numerusform>%1 enthält bereits %n Paare; pairlens copy schreibt nur in einen neuen oder leeren Datensatz. Es wurde nichts geschrieben.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cli</name>
    <message>
        <source>The subcommand.</source>
        <translation>Der Unterbefehl.</translation>
    </message>
    <message>
        <source>Try &apos;pairlens %1 --help&apos;.</source>
        <translation>Weitere Informationen mit &apos;pairlens %1 --help&apos;.</translation>
    </message>
    <message>
        <source>pairlens %1: missing arguments. Try &apos;pairlens %1 --help&apos;.</source>
        <translation>pairlens %1: Argumente fehlen. Weitere Informationen mit &apos;pairlens %1 --help&apos;.</translation>
    </message>
    <message>
        <source>pairlens %1 does not work on PostgreSQL datasets yet; use a dataset file.</source>
        <translation>pairlens %1 funktioniert noch nicht mit PostgreSQL-Datensätzen; verwenden Sie eine Datensatzdatei.</translation>
    </message>
    <message>
        <source>Warning: could not analyse new pairs: %1</source>
        <translation>Warnung: Neue Paare konnten nicht analysiert werden: %1</translation>
    </message>
    <message>
        <source>Cannot read the settings of %1: %2</source>
        <translation>Die Einstellungen von %1 können nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 is damaged; restore it from a backup.</source>
        <translation>%1 ist beschädigt; stellen Sie ihn aus einer Sicherung wieder her.</translation>
    </message>
    <message>
        <source>Renders a statistics chart of the pairs matching the filter to a PNG or SVG file.</source>
        <translation>Zeichnet ein Statistikdiagramm der Paare, die dem Filter entsprechen, in eine PNG- oder SVG-Datei.</translation>
    </message>
    <message>
        <source>Dataset file.</source>
        <translation>Datensatzdatei.</translation>
    </message>
    <message>
        <source>The chart: %1.</source>
        <translation>Das Diagramm: %1.</translation>
    </message>
    <message>
        <source>The image to write (.png or .svg).</source>
        <translation>Die zu schreibende Bilddatei (.png oder .svg).</translation>
    </message>
    <message>
        <source>Width in pixels (default 1200).</source>
        <translation>Breite in Pixeln (Standard: 1200).</translation>
    </message>
    <message>
        <source>Height in pixels (default 720).</source>
        <translation>Höhe in Pixeln (Standard: 720).</translation>
    </message>
    <message>
        <source>pairlens chart: charts need a GUI application object; run it through the pairlens executable.</source>
        <translation>pairlens chart: Diagramme benötigen ein GUI-Anwendungsobjekt; starten Sie den Befehl über das Programm pairlens.</translation>
    </message>
    <message>
        <source>pairlens chart: --kind must be one of %1.</source>
        <translation>pairlens chart: --kind muss eines von %1 sein.</translation>
    </message>
    <message>
        <source>pairlens chart: name the image to write with -o FILE.png or -o FILE.svg.</source>
        <translation>pairlens chart: Geben Sie die zu schreibende Bilddatei mit -o FILE.png oder -o FILE.svg an.</translation>
    </message>
    <message>
        <source>pairlens chart: the output file must end in .png or .svg.</source>
        <translation>pairlens chart: Die Ausgabedatei muss auf .png oder .svg enden.</translation>
    </message>
    <message>
        <source>pairlens chart: --width and --height take a number of pixels between 100 and 10000.</source>
        <translation>pairlens chart: --width und --height erwarten eine Pixelzahl zwischen 100 und 10000.</translation>
    </message>
    <message>
        <source>pairlens chart: %1 is the dataset itself (or one of its files); choose another image file.</source>
        <translation>pairlens chart: %1 ist der Datensatz selbst (oder eine seiner Dateien); wählen Sie eine andere Bilddatei.</translation>
    </message>
    <message>
        <source>Copies a dataset with every pair, its review and trash, the audit log and the settings (including the anonymization key) between a dataset file and PostgreSQL. TARGET must be new or hold no pairs; an interrupted copy leaves no half-written target.</source>
        <translation>Kopiert einen Datensatz mit allen Paaren, ihrer Prüfung und dem Papierkorb, dem Änderungsprotokoll und den Einstellungen (einschließlich des Anonymisierungsschlüssels) zwischen einer Datensatzdatei und PostgreSQL. TARGET muss neu sein oder darf keine Paare enthalten; eine unterbrochene Kopie hinterlässt kein halb geschriebenes Ziel.</translation>
    </message>
    <message>
        <source>Dataset file or postgresql:// URL to copy.</source>
        <translation>Zu kopierende Datensatzdatei oder postgresql://-URL.</translation>
    </message>
    <message>
        <source>New dataset file, or postgresql:// URL of an empty schema.</source>
        <translation>Neue Datensatzdatei oder postgresql://-URL eines leeren Schemas.</translation>
    </message>
    <message>
        <source>Don&apos;t ask for confirmation (copy never replaces pairs, so it asks nothing).</source>
        <translation>Nicht nach einer Bestätigung fragen (copy ersetzt nie Paare und fragt daher nichts).</translation>
    </message>
    <message>
        <source>pairlens copy: give one SOURCE and one TARGET.</source>
        <translation>pairlens copy: Geben Sie eine SOURCE und ein TARGET an.</translation>
    </message>
    <message>
        <source>copy</source>
        <translation>Kopie</translation>
    </message>
    <message>
        <source>Copy cancelled; nothing was written to %1.</source>
        <translation>Kopie abgebrochen; nach %1 wurde nichts geschrieben.</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>Warnung: %1</translation>
    </message>
    <message>
        <source>Copied %1 pairs (%2 in the trash) and %3 audit log entries to %4.</source>
        <translation>%1 Paare (%2 davon im Papierkorb) und %3 Einträge des Änderungsprotokolls nach %4 kopiert.</translation>
    </message>
    <message>
        <source>y</source>
        <comment>the key that answers yes to a [y/N] question</comment>
        <translation>j</translation>
    </message>
    <message>
        <source>No pairs match; nothing was deleted.</source>
        <translation>Keine passenden Paare; es wurde nichts gelöscht.</translation>
    </message>
    <message>
        <source>pairlens delete: %1 pairs match; add --yes to delete them without a prompt.</source>
        <translation>pairlens delete: %1 Paare passen; fügen Sie --yes hinzu, um sie ohne Rückfrage zu löschen.</translation>
    </message>
    <message>
        <source>Move %1 pairs to the trash?</source>
        <translation>%1 Paare in den Papierkorb verschieben?</translation>
    </message>
    <message>
        <source>Nothing was deleted.</source>
        <translation>Es wurde nichts gelöscht.</translation>
    </message>
    <message>
        <source>Moved %1 pairs to the trash. Undo with: pairlens restore %2 --all</source>
        <translation>%1 Paare in den Papierkorb verschoben. Rückgängig mit: pairlens restore %2 --all</translation>
    </message>
    <message>
        <source>delete</source>
        <translation>löschen</translation>
    </message>
    <message>
        <source>restore</source>
        <translation>wiederherstellen</translation>
    </message>
    <message>
        <source>Restored %1 pairs.</source>
        <translation>%1 Paare wiederhergestellt.</translation>
    </message>
    <message>
        <source>Warning: no pair has the pair_id %1.</source>
        <translation>Warnung: Kein Paar hat die pair_id %1.</translation>
    </message>
    <message>
        <source>No pairs match; nothing was changed.</source>
        <translation>Keine Paare passen; nichts wurde geändert.</translation>
    </message>
    <message>
        <source>Marked %1 pairs %2.</source>
        <translation>%1 Paare als %2 markiert.</translation>
    </message>
    <message>
        <source>Set the reviewer note of %1 pairs.</source>
        <translation>Prüfnotiz von %1 Paaren gesetzt.</translation>
    </message>
    <message>
        <source>review</source>
        <translation>Prüfen</translation>
    </message>
    <message>
        <source>Moves pairs to the trash (restore them with &apos;pairlens restore&apos;). Give --id or a filter.</source>
        <translation>Verschiebt Paare in den Papierkorb (wiederherstellen mit &apos;pairlens restore&apos;). Geben Sie --id oder einen Filter an.</translation>
    </message>
    <message>
        <source>Dataset file or postgresql:// URL.</source>
        <translation>Datensatzdatei oder postgresql://-URL.</translation>
    </message>
    <message>
        <source>A pair_id to delete (repeat, or separate with commas).</source>
        <translation>Eine zu löschende pair_id (mehrfach angeben oder durch Kommas trennen).</translation>
    </message>
    <message>
        <source>Don&apos;t ask for confirmation.</source>
        <translation>Nicht nach einer Bestätigung fragen.</translation>
    </message>
    <message>
        <source>pairlens delete: give --id ID or a filter (for example --failed-only); refusing to delete every pair.</source>
        <translation>pairlens delete: Geben Sie --id ID oder einen Filter an (zum Beispiel --failed-only); ohne Auswahl werden nicht alle Paare gelöscht.</translation>
    </message>
    <message>
        <source>Restores deleted pairs from the trash.</source>
        <translation>Stellt gelöschte Paare aus dem Papierkorb wieder her.</translation>
    </message>
    <message>
        <source>A pair_id to restore (repeat, or separate with commas).</source>
        <translation>Eine wiederherzustellende pair_id (mehrfach angeben oder durch Kommas trennen).</translation>
    </message>
    <message>
        <source>Restore every deleted pair.</source>
        <translation>Alle gelöschten Paare wiederherstellen.</translation>
    </message>
    <message>
        <source>pairlens restore: give either --id ID... or --all.</source>
        <translation>pairlens restore: Geben Sie entweder --id ID... oder --all an.</translation>
    </message>
    <message>
        <source>Sets the review status (and the reviewer note) of pairs. Give --id, a filter or --all, and the new status with --status S (or with --set S, --status then selecting pairs by their current status).</source>
        <translation>Setzt den Prüfstatus (und die Prüfnotiz) von Paaren. Geben Sie --id, einen Filter oder --all an und den neuen Status mit --status S (oder mit --set S; --status wählt dann Paare nach ihrem jetzigen Status).</translation>
    </message>
    <message>
        <source>A pair_id to review (repeat, or separate with commas).</source>
        <translation>Eine zu prüfende pair_id (wiederholbar oder durch Kommas getrennt).</translation>
    </message>
    <message>
        <source>Review every pair (when no --id or filter is given).</source>
        <translation>Alle Paare prüfen (wenn weder --id noch ein Filter angegeben ist).</translation>
    </message>
    <message>
        <source>The new review status: approved, rejected or unreviewed.</source>
        <translation>Der neue Prüfstatus: approved, rejected oder unreviewed.</translation>
    </message>
    <message>
        <source>Also set this reviewer note (&apos;&apos; clears it).</source>
        <translation>Auch diese Prüfnotiz setzen (&apos;&apos; löscht sie).</translation>
    </message>
    <message>
        <source>Print the result as JSON (see docs/cli.md).</source>
        <translation>Das Ergebnis als JSON ausgeben (siehe docs/cli.md).</translation>
    </message>
    <message>
        <source>pairlens review: give the new status with --status approved|rejected|unreviewed.</source>
        <translation>pairlens review: Geben Sie den neuen Status mit --status approved|rejected|unreviewed an.</translation>
    </message>
    <message>
        <source>pairlens review: give --id ID, a filter (for example --db-name NAME) or --all; refusing to review every pair.</source>
        <translation>pairlens review: Geben Sie --id ID, einen Filter (zum Beispiel --db-name NAME) oder --all an; alle Paare werden nicht ungefragt geprüft.</translation>
    </message>
    <message>
        <source>Writes a synthetic dataset with realistic questions, SQL and PII.</source>
        <translation>Schreibt einen synthetischen Datensatz mit realistischen Fragen, SQL und personenbezogenen Daten.</translation>
    </message>
    <message>
        <source>Dataset file or postgresql:// URL to create or add to.</source>
        <translation>Datensatzdatei oder postgresql://-URL, die angelegt oder ergänzt wird.</translation>
    </message>
    <message>
        <source>How many pairs (default 2000).</source>
        <translation>Anzahl der Paare (Standard: 2000).</translation>
    </message>
    <message>
        <source>Random seed; the same seed gives the same pairs (default 42).</source>
        <translation>Startwert des Zufallsgenerators; derselbe Startwert ergibt dieselben Paare (Standard: 42).</translation>
    </message>
    <message>
        <source>pairlens demo: --pairs takes a number from 0 to 100000000 and --seed a non-negative number.</source>
        <translation>pairlens demo: --pairs erwartet eine Zahl von 0 bis 100000000 und --seed eine nicht negative Zahl.</translation>
    </message>
    <message>
        <source>demo</source>
        <translation>Demo</translation>
    </message>
    <message>
        <source>Wrote %1 demo pairs to %2.</source>
        <translation>%1 Demo-Paare in %2 geschrieben.</translation>
    </message>
    <message>
        <source>Imports pairs from JSON Lines, JSON or CSV files (seed field names, or question/sql/db_id). Malformed records are reported with their line number; the rest are imported. Exits 0 only when every record was imported or was already present.</source>
        <translation>Importiert Paare aus JSON-Lines-, JSON- oder CSV-Dateien (Feldnamen des Seed-Formats oder question/sql/db_id). Fehlerhafte Einträge werden mit ihrer Zeilennummer gemeldet; der Rest wird importiert. Der Exit-Code ist nur dann 0, wenn jeder Eintrag importiert wurde oder bereits vorhanden war.</translation>
    </message>
    <message>
        <source>Dataset file (created when missing) or postgresql:// URL.</source>
        <translation>Datensatzdatei (wird angelegt, falls sie fehlt) oder postgresql://-URL.</translation>
    </message>
    <message>
        <source>Files to import.</source>
        <translation>Zu importierende Dateien.</translation>
    </message>
    <message>
        <source>Force the format: jsonl, json or csv (default: detected).</source>
        <translation>Format erzwingen: jsonl, json oder csv (Standard: automatisch erkannt).</translation>
    </message>
    <message>
        <source>pairlens import: --format must be jsonl, json or csv.</source>
        <translation>pairlens import: --format muss jsonl, json oder csv sein.</translation>
    </message>
    <message>
        <source>%1 is read-only; nothing was imported.</source>
        <translation>%1 ist schreibgeschützt; es wurde nichts importiert.</translation>
    </message>
    <message>
        <source>%1:%2: skipped: %3</source>
        <translation>%1:%2: übersprungen: %3</translation>
    </message>
    <message>
        <source>%1: record %2: skipped: %3</source>
        <translation>%1: Eintrag %2: übersprungen: %3</translation>
    </message>
    <message>
        <source>%1: %2 more records skipped.</source>
        <translation>%1: %2 weitere Einträge übersprungen.</translation>
    </message>
    <message>
        <source>%1:%2: not imported: %3</source>
        <translation>%1:%2: nicht importiert: %3</translation>
    </message>
    <message>
        <source>%1: %2 records have a pair_id that is already taken by another question or SQL (%3 in the dataset, %4 earlier in the file); they were not imported.</source>
        <translation>%1: %2 Einträge haben eine pair_id, die schon von einer anderen Frage oder einem anderen SQL belegt ist (%3 im Datensatz, %4 weiter vorn in der Datei); sie wurden nicht importiert.</translation>
    </message>
    <message>
        <source>%1: %2 records, %3 imported, %4 already present, %5 skipped.</source>
        <translation>%1: %2 Einträge, %3 importiert, %4 bereits vorhanden, %5 übersprungen.</translation>
    </message>
    <message>
        <source>Warning: the demo pairs were not recorded in the audit log: %1</source>
        <translation>Warnung: Die Demo-Paare wurden nicht im Prüfprotokoll vermerkt: %1</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Exports the pairs matching the filter, anonymized unless --no-anonymize is given.</source>
        <translation>Exportiert die Paare, die dem Filter entsprechen, anonymisiert, sofern nicht --no-anonymize angegeben ist.</translation>
    </message>
    <message>
        <source>The file to write (a .gz name compresses it); - writes to standard output.</source>
        <translation>Die zu schreibende Datei (ein Name auf .gz komprimiert sie); - schreibt auf die Standardausgabe.</translation>
    </message>
    <message>
        <source>One of: %1 (default: from the file name, else jsonl).</source>
        <translation>Eines von: %1 (Standard: aus dem Dateinamen, sonst jsonl).</translation>
    </message>
    <message>
        <source>Only these pairs (comma-separated pair_id values).</source>
        <translation>Nur diese Paare (durch Kommas getrennte pair_id-Werte).</translation>
    </message>
    <message>
        <source>Only the pairs listed in FILE, one pair_id per line (&apos;-&apos; = stdin).</source>
        <translation>Nur die in FILE aufgeführten Paare, eine pair_id pro Zeile (&apos;-&apos; = stdin).</translation>
    </message>
    <message>
        <source>Only these fields, in this order (jsonl, json, csv).</source>
        <translation>Nur diese Felder, in dieser Reihenfolge (jsonl, json, csv).</translation>
    </message>
    <message>
        <source>Write the original values, including personal data.</source>
        <translation>Die Originalwerte schreiben, einschließlich personenbezogener Daten.</translation>
    </message>
    <message>
        <source>Compress with gzip (appends .gz to the file name when missing).</source>
        <translation>Mit gzip komprimieren (hängt .gz an den Dateinamen an, falls es fehlt).</translation>
    </message>
    <message>
        <source>Write NAME.train.EXT with this fraction of the pairs and NAME.val.EXT with the rest.</source>
        <translation>NAME.train.EXT mit diesem Anteil der Paare und NAME.val.EXT mit dem Rest schreiben.</translation>
    </message>
    <message>
        <source>Drop exact duplicates (question + SQL, ignoring case and spacing); keep the first. On by default in the fine-tuning formats.</source>
        <translation>Exakte Duplikate (Frage + SQL, ohne Beachtung von Groß-/Kleinschreibung und Leerraum) weglassen; das erste bleibt. In den Fine-Tuning-Formaten standardmäßig an.</translation>
    </message>
    <message>
        <source>Keep duplicates in the fine-tuning formats.</source>
        <translation>Duplikate in den Fine-Tuning-Formaten behalten.</translation>
    </message>
    <message>
        <source>Also export pairs a reviewer rejected (left out by default).</source>
        <translation>Auch abgelehnte Paare exportieren (standardmäßig ausgelassen).</translation>
    </message>
    <message>
        <source>Export approved pairs only.</source>
        <translation>Nur freigegebene Paare exportieren.</translation>
    </message>
    <message>
        <source>System prompt of the chat formats (&apos;&apos; = none).</source>
        <translation>Systemprompt der Chat-Formate (&apos;&apos; = keiner).</translation>
    </message>
    <message>
        <source>Prompt template of the prompt, chat and alpaca formats: {question}, {database_type}, {database_name}, {tables}, {query_type} ({tables} names the answer&apos;s own tables; see docs/export-formats.md).</source>
        <translation>Prompt-Vorlage der Prompt-, Chat- und Alpaca-Formate: {question}, {database_type}, {database_name}, {tables}, {query_type} ({tables} nennt die Tabellen der Antwort selbst; siehe docs/export-formats.md).</translation>
    </message>
    <message>
        <source>Also export failed pairs in the fine-tuning formats.</source>
        <translation>Auch fehlgeschlagene Paare in den Fine-Tuning-Formaten exportieren.</translation>
    </message>
    <message>
        <source>Don&apos;t neutralise CSV cells that a spreadsheet would run as formulas.</source>
        <translation>CSV-Zellen, die eine Tabellenkalkulation als Formel ausführen würde, nicht entschärfen.</translation>
    </message>
    <message>
        <source>Replace existing files even when they are not an unchanged earlier PairLens export of the same format (never the dataset).</source>
        <translation>Vorhandene Dateien auch dann ersetzen, wenn sie kein unveränderter früherer PairLens-Export desselben Formats sind (nie den Datensatz).</translation>
    </message>
    <message>
        <source>pairlens export: give the file to write with -o FILE (-o - for standard output).</source>
        <translation>pairlens export: Geben Sie die zu schreibende Datei mit -o DATEI an (-o - für die Standardausgabe).</translation>
    </message>
    <message>
        <source>pairlens export: unknown format &quot;%1&quot; (use one of %2).</source>
        <translation>pairlens export: unbekanntes Format &quot;%1&quot; (verwenden Sie eines von %2).</translation>
    </message>
    <message>
        <source>pairlens export: --id-file %1 is the dataset itself.</source>
        <translation>pairlens export: --id-file %1 ist der Datensatz selbst.</translation>
    </message>
    <message>
        <source>pairlens export: --ids / --id-file name no pairs.</source>
        <translation>pairlens export: --ids / --id-file nennen keine Paare.</translation>
    </message>
    <message>
        <source>pairlens export: --split takes a fraction between 0 and 1, e.g. 0.9.</source>
        <translation>pairlens export: --split erwartet einen Anteil zwischen 0 und 1, z. B. 0.9.</translation>
    </message>
    <message>
        <source>pairlens export: --dedupe and --keep-duplicates exclude each other.</source>
        <translation>pairlens export: --dedupe und --keep-duplicates schließen einander aus.</translation>
    </message>
    <message>
        <source>pairlens export: --include-rejected and --approved-only exclude each other.</source>
        <translation>pairlens export: --include-rejected und --approved-only schließen einander aus.</translation>
    </message>
    <message>
        <source>Warning: anonymization is off (--no-anonymize); the export holds the original values, including any personal data.</source>
        <translation>Warnung: Die Anonymisierung ist ausgeschaltet (--no-anonymize); der Export enthält die Originalwerte, einschließlich aller personenbezogenen Daten.</translation>
    </message>
    <message>
        <source>Exporting</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>Export cancelled; nothing was written.</source>
        <translation>Export abgebrochen; es wurde nichts geschrieben.</translation>
    </message>
    <message>
        <source>pairlens export: not replacing %1: not an unchanged earlier PairLens %2 export; nothing was written (--force replaces it).</source>
        <translation>pairlens export: %1 wird nicht ersetzt: kein unveränderter früherer PairLens-%2-Export; es wurde nichts geschrieben (--force ersetzt ihn).</translation>
    </message>
    <message>
        <source>standard output</source>
        <translation>Standardausgabe</translation>
    </message>
    <message>
        <source>No pairs matched; wrote an empty %1 file: %2.</source>
        <translation>Keine passenden Paare; eine leere %1-Datei wurde geschrieben: %2.</translation>
    </message>
    <message>
        <source>Exported %1 pairs%2 as %3 to %4.</source>
        <translation>%1 Paare%2 als %3 nach %4 exportiert.</translation>
    </message>
    <message>
        <source> (anonymized)</source>
        <translation> (anonymisiert)</translation>
    </message>
    <message>
        <source> (NOT anonymized)</source>
        <translation> (NICHT anonymisiert)</translation>
    </message>
    <message>
        <source>%1 rejected (--include-rejected keeps them)</source>
        <translation>%1 abgelehnt (--include-rejected behält sie)</translation>
    </message>
    <message>
        <source>%1 not approved (--approved-only)</source>
        <translation>%1 nicht freigegeben (--approved-only)</translation>
    </message>
    <message>
        <source>%1 failed (--include-failed keeps them)</source>
        <translation>%1 fehlgeschlagen (--include-failed behält sie)</translation>
    </message>
    <message>
        <source>%1 duplicates (--keep-duplicates keeps them)</source>
        <translation>%1 Duplikate (--keep-duplicates behält sie)</translation>
    </message>
    <message>
        <source>%1 pairs matched; left out: %2.</source>
        <translation>%1 Paare passten; ausgelassen: %2.</translation>
    </message>
    <message>
        <source>Manifest: %1</source>
        <translation>Manifest: %1</translation>
    </message>
    <message>
        <source>1 pair holds %1 values</source>
        <translation>1 Paar enthält %1-Werte</translation>
    </message>
    <message>
        <source>%1 pairs hold %2 values</source>
        <translation>%1 Paare enthalten %2-Werte</translation>
    </message>
    <message>
        <source>Filter: %1</source>
        <translation>Filter: %1</translation>
    </message>
    <message>
        <source>Scanned %1 pairs: %2 contain PII (%3), %4 findings.</source>
        <translation>%1 Paare durchsucht: %2 enthalten PII (%3), %4 Funde.</translation>
    </message>
    <message>
        <source>KIND</source>
        <translation>ART</translation>
    </message>
    <message>
        <source>FINDINGS</source>
        <translation>FUNDE</translation>
    </message>
    <message>
        <source>PAIRS</source>
        <translation>PAARE</translation>
    </message>
    <message>
        <source>OPERATOR</source>
        <translation>OPERATOR</translation>
    </message>
    <message>
        <source>Where: question %1 findings in %2 pairs; SQL %3 in %4; metadata %5</source>
        <translation>Fundorte: Frage %1 Funde in %2 Paaren; SQL %3 in %4; Metadaten %5</translation>
    </message>
    <message>
        <source>not scanned</source>
        <translation>nicht durchsucht</translation>
    </message>
    <message>
        <source>%1 in %2</source>
        <translation>%1 in %2</translation>
    </message>
    <message>
        <source>Database names: %1 distinct in %2 pairs, replaced with operator %3.</source>
        <translation>Datenbanknamen: %1 verschiedene in %2 Paaren, ersetzt mit Operator %3.</translation>
    </message>
    <message>
        <source>Database names: %1 distinct in %2 pairs, replaced with operator %3 (e.g. %4).</source>
        <translation>Datenbanknamen: %1 verschiedene in %2 Paaren, ersetzt mit Operator %3 (z. B. %4).</translation>
    </message>
    <message>
        <source>Examples (anonymized; original values are never shown):</source>
        <translation>Beispiele (anonymisiert; Originalwerte werden nie angezeigt):</translation>
    </message>
    <message>
        <source>Reports the personal data (PII) found in the pairs matching the filter: findings and pairs per kind, where they are, and a few examples shown anonymized, exactly as an export would write them. Original values are never printed.</source>
        <translation>Berichtet über die personenbezogenen Daten (PII) in den Paaren, die dem Filter entsprechen: Funde und Paare je Art, wo sie vorkommen, und einige Beispiele, anonymisiert, genau so, wie ein Export sie schreiben würde. Originalwerte werden nie ausgegeben.</translation>
    </message>
    <message>
        <source>Examples per kind (default 3, 0 for none).</source>
        <translation>Beispiele pro Art (Standard: 3, 0 für keine).</translation>
    </message>
    <message>
        <source>Exit with code 4 when an export with the dataset&apos;s privacy settings would write personal data as it is (a kind or custom pattern whose operator is keep has findings).</source>
        <translation>Mit Code 4 beenden, wenn ein Export mit den Datenschutzeinstellungen des Datensatzes personenbezogene Daten unverändert schreiben würde (eine Art oder ein eigenes Muster mit dem Operator keep hat Funde).</translation>
    </message>
    <message>
        <source>Exit with code 4 when any personal data is found (for exports with --no-anonymize).</source>
        <translation>Mit Code 4 beenden, sobald personenbezogene Daten gefunden werden (für Exporte mit --no-anonymize).</translation>
    </message>
    <message>
        <source>Print JSON (see docs/cli.md).</source>
        <translation>JSON ausgeben (siehe docs/cli.md).</translation>
    </message>
    <message>
        <source>pairlens scan: --examples takes a number from 0 to 1000.</source>
        <translation>pairlens scan: --examples erwartet eine Zahl von 0 bis 1000.</translation>
    </message>
    <message>
        <source>scan</source>
        <translation>Scan</translation>
    </message>
    <message>
        <source>%1 and %2</source>
        <translation>%1 und %2</translation>
    </message>
    <message>
        <source>pairlens scan: %1 that an export with --no-anonymize would write as they are.</source>
        <translation>pairlens scan: %1, die ein Export mit --no-anonymize unverändert schreiben würde.</translation>
    </message>
    <message>
        <source>pairlens scan: %1 that an export would keep un-anonymized (operator keep).</source>
        <translation>pairlens scan: %1, die ein Export nicht anonymisiert übernehmen würde (Operator keep).</translation>
    </message>
    <message>
        <source>Anonymizes text lines from stdin to stdout, one output line per input line, flushed at once. With --dataset, the dataset&apos;s key and operators are used, so a value gets the same replacement as in that dataset&apos;s exports. Without it, a random key is made for this run only: pseudonyms and hashes then differ between runs. Lines that are not valid UTF-8 are not written; each is reported on stderr with its line number and the exit code is 3.</source>
        <translation>Anonymisiert Textzeilen von stdin nach stdout, eine Ausgabezeile pro Eingabezeile, jeweils sofort geschrieben. Mit --dataset werden der Schlüssel und die Operatoren des Datensatzes verwendet, sodass ein Wert denselben Ersatz erhält wie in den Exporten dieses Datensatzes. Ohne diese Option wird nur für diesen Lauf ein zufälliger Schlüssel erzeugt: Pseudonyme und Hashes unterscheiden sich dann zwischen den Läufen. Zeilen, die kein gültiges UTF-8 sind, werden nicht geschrieben; jede wird mit ihrer Zeilennummer auf stderr gemeldet, und der Exit-Code ist 3.</translation>
    </message>
    <message>
        <source>Use the key and operators of this dataset (opened read-only).</source>
        <translation>Schlüssel und Operatoren dieses Datensatzes verwenden (schreibgeschützt geöffnet).</translation>
    </message>
    <message>
        <source>Treat each line as SQL: only string literals and comments change.</source>
        <translation>Jede Zeile als SQL behandeln: Nur Zeichenkettenliterale und Kommentare werden geändert.</translation>
    </message>
    <message>
        <source>With --sql: read the SQL in this database&apos;s dialect (mysql, postgresql, sqlite, mssql, ...), as exports do for a pair of that database_type.</source>
        <translation>Mit --sql: Das SQL im Dialekt dieser Datenbank lesen (mysql, postgresql, sqlite, mssql, ...), wie Exporte es für ein Paar dieses database_type tun.</translation>
    </message>
    <message>
        <source>One JSON object per line with the findings (see docs/cli.md).</source>
        <translation>Ein JSON-Objekt pro Zeile mit den Funden (siehe docs/cli.md).</translation>
    </message>
    <message>
        <source>pairlens anonymize: unexpected argument &quot;%1&quot;; the text is read from stdin.</source>
        <translation>pairlens anonymize: unerwartetes Argument &quot;%1&quot;; der Text wird von stdin gelesen.</translation>
    </message>
    <message>
        <source>No --dataset: using a random key for this run; pseudonyms differ between runs.</source>
        <translation>Kein --dataset: Für diesen Lauf wird ein zufälliger Schlüssel verwendet; Pseudonyme unterscheiden sich zwischen den Läufen.</translation>
    </message>
    <message>
        <source>Line %1 is not valid UTF-8; it was not written.</source>
        <translation>Zeile %1 ist kein gültiges UTF-8; sie wurde nicht geschrieben.</translation>
    </message>
    <message>
        <source>Cannot read stdin after line %1.</source>
        <translation>stdin kann nach Zeile %1 nicht gelesen werden.</translation>
    </message>
    <message>
        <source>%1 of %2 lines were not valid UTF-8 and were left out.</source>
        <translation>%1 von %2 Zeilen waren kein gültiges UTF-8 und wurden ausgelassen.</translation>
    </message>
    <message>
        <source>Lists the pairs of a dataset, newest first.</source>
        <translation>Listet die Paare eines Datensatzes auf, die neuesten zuerst.</translation>
    </message>
    <message>
        <source>At most N pairs (default 50).</source>
        <translation>Höchstens N Paare (Standard: 50).</translation>
    </message>
    <message>
        <source>Skip the first N matching pairs.</source>
        <translation>Die ersten N passenden Paare überspringen.</translation>
    </message>
    <message>
        <source>pairlens list: --limit and --offset take non-negative numbers.</source>
        <translation>pairlens list: --limit und --offset erwarten nicht negative Zahlen.</translation>
    </message>
    <message>
        <source>%1 of %2 matching pairs shown (offset %3).</source>
        <translation>%1 von %2 passenden Paaren angezeigt (Versatz %3).</translation>
    </message>
    <message>
        <source>Shows statistics of the pairs matching the filter.</source>
        <translation>Zeigt eine Statistik der Paare, die dem Filter entsprechen.</translation>
    </message>
    <message>
        <source>Count duplicates whatever the number of pairs (by default only up to %L1 pairs: counting reads every question and SQL).</source>
        <translation>Duplikate bei jeder Anzahl von Paaren zählen (standardmäßig nur bis %L1 Paare: das Zählen liest jede Frage und jedes SQL).</translation>
    </message>
    <message>
        <source>Don&apos;t count duplicates.</source>
        <translation>Duplikate nicht zählen.</translation>
    </message>
    <message>
        <source>Pairs:            %1</source>
        <translation>Paare:                  %1</translation>
    </message>
    <message>
        <source>Successful:       %1 (%2)</source>
        <translation>Erfolgreich:            %1 (%2)</translation>
    </message>
    <message>
        <source>Failed:           %1 (%2)</source>
        <translation>Fehlgeschlagen:         %1 (%2)</translation>
    </message>
    <message>
        <source>Unique tables:    %1</source>
        <translation>Verschiedene Tabellen:  %1</translation>
    </message>
    <message>
        <source>Avg question:     %1 characters</source>
        <translation>Mittlere Fragenlänge:   %1 Zeichen</translation>
    </message>
    <message>
        <source>Avg SQL:          %1 characters</source>
        <translation>Mittlere SQL-Länge:     %1 Zeichen</translation>
    </message>
    <message>
        <source>Date range:       %1 .. %2</source>
        <translation>Zeitraum:               %1 .. %2</translation>
    </message>
    <message>
        <source>Statement types:</source>
        <translation>Abfragetypen:</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>Database types:</source>
        <translation>Datenbanktypen:</translation>
    </message>
    <message>
        <source>(unknown)</source>
        <translation>(unbekannt)</translation>
    </message>
    <message>
        <source>Database names:   %1</source>
        <translation>Datenbanknamen:         %1</translation>
    </message>
    <message>
        <source>In the trash:     %1</source>
        <translation>Im Papierkorb:          %1</translation>
    </message>
    <message>
        <source>Review:           %1 unreviewed, %2 approved, %3 rejected</source>
        <translation>Prüfung:                %1 ungeprüft, %2 genehmigt, %3 abgelehnt</translation>
    </message>
    <message>
        <source>Duplicates:       %1 exact (%2), %3 normalized (%4); list them with --duplicates or --normalized-duplicates</source>
        <translation>Duplikate:        %1 exakt (%2), %3 normalisiert (%4); auflisten mit --duplicates oder --normalized-duplicates</translation>
    </message>
    <message>
        <source>Duplicates:       not counted for more than %L1 pairs (--count-duplicates counts them)</source>
        <translation>Duplikate:        bei mehr als %L1 Paaren nicht gezählt (--count-duplicates zählt sie)</translation>
    </message>
    <message>
        <source>Execution time:   p50 %1 ms, p90 %2 ms, p99 %3 ms (%4 timed pairs)</source>
        <translation>Ausführungszeit:        p50 %1 ms, p90 %2 ms, p99 %3 ms (%4 Paare mit Zeitangabe)</translation>
    </message>
    <message>
        <source>Pairs with PII:   %1 (%2), %3 not scanned yet</source>
        <translation>Paare mit PII:          %1 (%2), %3 noch nicht durchsucht</translation>
    </message>
    <message>
        <source>Top tables:</source>
        <translation>Häufigste Tabellen:</translation>
    </message>
    <message>
        <source>Pairs per %1:</source>
        <translation>Paare pro Zeiteinheit (%1):</translation>
    </message>
    <message>
        <source>Question lengths (characters):</source>
        <translation>Fragenlängen (Zeichen):</translation>
    </message>
    <message>
        <source>SQL lengths (characters):</source>
        <translation>SQL-Längen (Zeichen):</translation>
    </message>
    <message>
        <source>Serves the Training Data Export API over the dataset (see docs/api.md). Every route but /health needs a key from &apos;pairlens keys&apos;.</source>
        <translation>Stellt die Training Data Export API für den Datensatz bereit (siehe docs/api.md). Jede Route außer /health braucht einen Schlüssel von &apos;pairlens keys&apos;.</translation>
    </message>
    <message>
        <source>Address and port to listen on (default 127.0.0.1:8765; port 0 picks a free one).</source>
        <translation>Adresse und Port, auf denen gelauscht wird (Standard: 127.0.0.1:8765; Port 0 wählt einen freien).</translation>
    </message>
    <message>
        <source>PEM certificate (chain) for HTTPS; needs --key.</source>
        <translation>PEM-Zertifikat (-kette) für HTTPS; braucht --key.</translation>
    </message>
    <message>
        <source>PEM private key of the certificate.</source>
        <translation>Privater PEM-Schlüssel des Zertifikats.</translation>
    </message>
    <message>
        <source>Largest request body accepted, in bytes (default 33554432); larger ones get 413.</source>
        <translation>Größter angenommener Anfragekörper in Bytes (Standard: 33554432); größere erhalten 413.</translation>
    </message>
    <message>
        <source>Requests per second allowed per key (default 1000; 0 = no limit).</source>
        <translation>Erlaubte Anfragen pro Sekunde und Schlüssel (Standard: 1000; 0 = keine Grenze).</translation>
    </message>
    <message>
        <source>Requests a key may make at once above the rate (default twice the rate).</source>
        <translation>Anfragen, die ein Schlüssel auf einmal über die Rate hinaus stellen darf (Standard: das Doppelte der Rate).</translation>
    </message>
    <message>
        <source>pairlens serve: --listen &quot;%1&quot; is not ADDRESS:PORT (for example 127.0.0.1:8765).</source>
        <translation>pairlens serve: --listen &quot;%1&quot; ist nicht ADRESSE:PORT (zum Beispiel 127.0.0.1:8765).</translation>
    </message>
    <message>
        <source>pairlens serve: HTTPS needs both --cert and --key.</source>
        <translation>pairlens serve: HTTPS braucht --cert und --key.</translation>
    </message>
    <message>
        <source>pairlens serve: --max-body must be a number of bytes, at least 1024.</source>
        <translation>pairlens serve: --max-body muss eine Anzahl Bytes sein, mindestens 1024.</translation>
    </message>
    <message>
        <source>pairlens serve: --rate-limit must be a number of requests per second (0 = no limit).</source>
        <translation>pairlens serve: --rate-limit muss eine Anzahl Anfragen pro Sekunde sein (0 = keine Grenze).</translation>
    </message>
    <message>
        <source>pairlens serve: --burst must be a number, at least 1.</source>
        <translation>pairlens serve: --burst muss eine Zahl sein, mindestens 1.</translation>
    </message>
    <message>
        <source>Warning: %1; the API answers reads only.</source>
        <translation>Warnung: %1; die API beantwortet nur Lesezugriffe.</translation>
    </message>
    <message>
        <source>Warning: %1 has no API keys yet; create one with: pairlens keys %1 create --name NAME --scope read,write,export</source>
        <translation>Warnung: %1 hat noch keine API-Schlüssel; erstellen Sie einen mit: pairlens keys %1 create --name NAME --scope read,write,export</translation>
    </message>
    <message>
        <source>pairlens serve: listening on %1://%2:%3/api/training-data (dataset %4)</source>
        <translation>pairlens serve: lauscht auf %1://%2:%3/api/training-data (Datensatz %4)</translation>
    </message>
    <message>
        <source>Creates, lists and revokes the API keys of &apos;pairlens serve&apos;. The dataset keeps only a hash of each key: create prints the key once.</source>
        <translation>Erstellt, listet und widerruft die API-Schlüssel von &apos;pairlens serve&apos;. Der Datensatz speichert nur einen Hash jedes Schlüssels: create gibt den Schlüssel einmal aus.</translation>
    </message>
    <message>
        <source>create, list or revoke NAME.</source>
        <translation>create, list oder revoke NAME.</translation>
    </message>
    <message>
        <source>The new key&apos;s name (create).</source>
        <translation>Der Name des neuen Schlüssels (create).</translation>
    </message>
    <message>
        <source>The new key&apos;s scopes: read, write, export, raw, admin, comma-separated (create).</source>
        <translation>Die Bereiche des neuen Schlüssels: read, write, export, raw, admin, durch Kommas getrennt (create).</translation>
    </message>
    <message>
        <source>pairlens keys: unknown action &apos;%1&apos; (use create, list or revoke).</source>
        <translation>pairlens keys: unbekannte Aktion &apos;%1&apos; (create, list oder revoke verwenden).</translation>
    </message>
    <message>
        <source>pairlens keys create: give --name NAME and --scope read,write,export,admin.</source>
        <translation>pairlens keys create: geben Sie --name NAME und --scope read,write,export,admin an.</translation>
    </message>
    <message>
        <source>pairlens keys create: --scope: %1.</source>
        <translation>pairlens keys create: --scope: %1.</translation>
    </message>
    <message>
        <source>pairlens keys revoke: give the name of the key to revoke.</source>
        <translation>pairlens keys revoke: geben Sie den Namen des zu widerrufenden Schlüssels an.</translation>
    </message>
    <message>
        <source>Cannot read the API keys of %1: %2</source>
        <translation>Die API-Schlüssel von %1 können nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 has no API keys.</source>
        <translation>%1 hat keine API-Schlüssel.</translation>
    </message>
    <message>
        <source>pairlens keys revoke: %1.</source>
        <translation>pairlens keys revoke: %1.</translation>
    </message>
    <message>
        <source>Revoked the key &apos;%1&apos;; a running server refuses it within a second.</source>
        <translation>Der Schlüssel &apos;%1&apos; wurde widerrufen; ein laufender Server lehnt ihn innerhalb einer Sekunde ab.</translation>
    </message>
    <message>
        <source>pairlens keys create: %1.</source>
        <translation>pairlens keys create: %1.</translation>
    </message>
    <message>
        <source>Created the key &apos;%1&apos; (%2). It is shown only this once: the dataset keeps only its hash.</source>
        <translation>Der Schlüssel &apos;%1&apos; (%2) wurde erstellt. Er wird nur dieses eine Mal angezeigt: Der Datensatz speichert nur seinen Hash.</translation>
    </message>
    <message>
        <source>%1 has no privacy decisions.</source>
        <translation>%1 hat keine Datenschutz-Entscheidungen.</translation>
    </message>
    <message>
        <source>Privacy decisions of %1:</source>
        <translation>Datenschutz-Entscheidungen von %1:</translation>
    </message>
    <message>
        <source>personal data (%1)</source>
        <translation>personenbezogen (%1)</translation>
    </message>
    <message>
        <source>not personal data</source>
        <translation>nicht personenbezogen</translation>
    </message>
    <message>
        <source>not personal data in %1</source>
        <translation>keine personenbezogenen Daten in %1</translation>
    </message>
    <message>
        <source>Anonymization settings of %1:</source>
        <translation>Anonymisierungseinstellungen von %1:</translation>
    </message>
    <message>
        <source>scanned</source>
        <translation>durchsucht</translation>
    </message>
    <message>
        <source>No custom patterns.</source>
        <translation>Keine eigenen Muster.</translation>
    </message>
    <message>
        <source>Custom patterns:</source>
        <translation>Eigene Muster:</translation>
    </message>
    <message>
        <source>Privacy decisions: %1 (shown by --list).</source>
        <translation>Datenschutz-Entscheidungen: %1 (Anzeige mit --list).</translation>
    </message>
    <message>
        <source>Shows or changes how a dataset is anonymized: the operator per kind of PII (mask, pseudonym, redact, hash, keep, surrogate), custom patterns and whether metadata is scanned. Used by the preview, scan and every export. The dataset&apos;s key is never shown.</source>
        <translation>Zeigt oder ändert, wie ein Datensatz anonymisiert wird: den Operator je PII-Art (mask, pseudonym, redact, hash, keep, surrogate), eigene Muster und ob Metadaten durchsucht werden. Gilt für die Vorschau, den Scan und jeden Export. Der Schlüssel des Datensatzes wird nie angezeigt.</translation>
    </message>
    <message>
        <source>Set the operator of a kind: KIND=OP, e.g. email=pseudonym or name=surrogate (kinds: email, phone, ssn, credit_card, ip_address, iban, name, address, date_of_birth, database_name). Repeatable.</source>
        <translation>Den Operator einer Art festlegen: KIND=OP, z. B. email=pseudonym oder name=surrogate (Arten: email, phone, ssn, credit_card, ip_address, iban, name, address, date_of_birth, database_name). Mehrfach angebbar.</translation>
    </message>
    <message>
        <source>Add or replace a custom pattern: NAME=REGEX (PCRE syntax). Repeatable.</source>
        <translation>Ein eigenes Muster hinzufügen oder ersetzen: NAME=REGEX (PCRE-Syntax). Mehrfach angebbar.</translation>
    </message>
    <message>
        <source>Operator of the patterns added with --add-pattern (default redact).</source>
        <translation>Operator der mit --add-pattern hinzugefügten Muster (Standard: redact).</translation>
    </message>
    <message>
        <source>Remove the custom pattern NAME. Repeatable.</source>
        <translation>Das eigene Muster NAME entfernen. Mehrfach angebbar.</translation>
    </message>
    <message>
        <source>Scan string values in metadata: on or off.</source>
        <translation>Zeichenkettenwerte in Metadaten durchsuchen: on oder off.</translation>
    </message>
    <message>
        <source>Decide that VALUE is not personal data: findings of exactly this value are left as they are everywhere (e-mail addresses in any case). Repeatable.</source>
        <translation>VALUE ist keine personenbezogene Angabe: Funde genau dieses Werts bleiben überall unverändert (E-Mail-Adressen in jeder Schreibweise). Wiederholbar.</translation>
    </message>
    <message>
        <source>Mark VALUE as personal data of KIND (email, phone, ssn, credit_card, ip_address, iban, name, address, date_of_birth or custom) wherever it occurs: KIND=VALUE. Repeatable.</source>
        <translation>VALUE überall, wo er vorkommt, als personenbezogene Angabe der Art KIND markieren (email, phone, ssn, credit_card, ip_address, iban, name, address, date_of_birth oder custom): KIND=VALUE. Wiederholbar.</translation>
    </message>
    <message>
        <source>Remove the decisions about VALUE (with --pair: that pair&apos;s only). Repeatable.</source>
        <translation>Entfernt die Entscheidungen zu WERT (mit --pair nur die dieses Paars). Wiederholbar.</translation>
    </message>
    <message>
        <source>With --not-pii or --forget: only in the pair whose pair_id is ID (the value stays personal data in every other pair).</source>
        <translation>Mit --not-pii oder --forget: nur im Paar mit der pair_id ID (in allen anderen Paaren bleibt der Wert personenbezogen).</translation>
    </message>
    <message>
        <source>Print the privacy decisions (the values decided, as given).</source>
        <translation>Die Datenschutz-Entscheidungen ausgeben (die entschiedenen Werte, wie angegeben).</translation>
    </message>
    <message>
        <source>Print the settings as JSON.</source>
        <translation>Die Einstellungen als JSON ausgeben.</translation>
    </message>
    <message>
        <source>--pair takes a pair_id and goes with --not-pii or --forget (a mark applies to every pair).</source>
        <translation>--pair erwartet eine pair_id und gehört zu --not-pii oder --forget (eine Markierung gilt für alle Paare).</translation>
    </message>
    <message>
        <source>--operator: &quot;%1&quot; is not KIND=OP with OP one of %2.</source>
        <translation>--operator: &quot;%1&quot; hat nicht die Form KIND=OP mit OP aus %2.</translation>
    </message>
    <message>
        <source>--operator: unknown kind &quot;%1&quot;.</source>
        <translation>--operator: unbekannte Art &quot;%1&quot;.</translation>
    </message>
    <message>
        <source>--pattern-operator: use one of %1.</source>
        <translation>--pattern-operator: Verwenden Sie eines von %1.</translation>
    </message>
    <message>
        <source>--remove-pattern: there is no custom pattern named &quot;%1&quot;.</source>
        <translation>--remove-pattern: Es gibt kein eigenes Muster namens &quot;%1&quot;.</translation>
    </message>
    <message>
        <source>--add-pattern: &quot;%1&quot; is not NAME=REGEX.</source>
        <translation>--add-pattern: &quot;%1&quot; hat nicht die Form NAME=REGEX.</translation>
    </message>
    <message>
        <source>--scan-metadata takes on or off.</source>
        <translation>--scan-metadata erwartet on oder off.</translation>
    </message>
    <message>
        <source>--forget: there is no decision about &quot;%1&quot;.</source>
        <translation>--forget: Es gibt keine Entscheidung über „%1“.</translation>
    </message>
    <message>
        <source>%1: the value is empty.</source>
        <translation>%1: Der Wert ist leer.</translation>
    </message>
    <message>
        <source>%1: the value is longer than %2 characters.</source>
        <translation>%1: Der Wert ist länger als %2 Zeichen.</translation>
    </message>
    <message>
        <source>--mark: &quot;%1&quot; is not KIND=VALUE with KIND one of %2.</source>
        <translation>--mark: „%1“ ist nicht KIND=VALUE mit KIND aus %2.</translation>
    </message>
    <message>
        <source>Nothing was changed.</source>
        <translation>Es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>%1 is read-only; nothing was changed.</source>
        <translation>%1 ist schreibgeschützt; es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>%1 Nothing was changed.</source>
        <translation>%1 Es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>rescan</source>
        <translation>Erneuter Scan</translation>
    </message>
    <message>
        <source>The settings could not be saved or applied to %1: %2</source>
        <translation>Die Einstellungen konnten in %1 nicht gespeichert oder angewendet werden: %2</translation>
    </message>
    <message>
        <source>Custom patterns changed: PII kinds updated for %1 pairs.</source>
        <translation>Eigene Muster geändert: PII-Arten für %1 Paare aktualisiert.</translation>
    </message>
    <message>
        <source>The privacy decisions could not be saved or applied: %1</source>
        <translation>Die Datenschutz-Entscheidungen konnten nicht gespeichert oder angewendet werden: %1</translation>
    </message>
    <message>
        <source>Privacy decisions changed: PII kinds updated for %1 pairs.</source>
        <translation>Datenschutz-Entscheidungen geändert: PII-Arten für %1 Paare aktualisiert.</translation>
    </message>
    <message>
        <source>Adds synthetic pairs with realistic PII; creates DATASET if missing.</source>
        <translation>Fügt synthetische Paare mit realistischen personenbezogenen Daten hinzu; legt DATASET an, falls es fehlt.</translation>
    </message>
    <message>
        <source>Adds the pairs of JSONL, JSON or CSV files; creates DATASET if missing.</source>
        <translation>Fügt die Paare aus JSONL-, JSON- oder CSV-Dateien hinzu; legt DATASET an, falls es fehlt.</translation>
    </message>
    <message>
        <source>Copies a whole dataset between a dataset file and PostgreSQL, losslessly.</source>
        <translation>Kopiert einen ganzen Datensatz verlustfrei zwischen einer Datensatzdatei und PostgreSQL.</translation>
    </message>
    <message>
        <source>Lists the pairs matching the filter.</source>
        <translation>Listet die Paare auf, die zum Filter passen.</translation>
    </message>
    <message>
        <source>Prints the statistics of the pairs matching the filter.</source>
        <translation>Gibt die Statistik der Paare aus, die zum Filter passen.</translation>
    </message>
    <message>
        <source>Moves pairs to the trash (restore brings them back).</source>
        <translation>Verschiebt Paare in den Papierkorb (restore holt sie zurück).</translation>
    </message>
    <message>
        <source>Brings pairs back from the trash.</source>
        <translation>Holt Paare aus dem Papierkorb zurück.</translation>
    </message>
    <message>
        <source>Sets the review status (and note) of pairs; exports leave rejected pairs out.</source>
        <translation>Setzt den Prüfstatus (und die Notiz) von Paaren; Exporte lassen abgelehnte Paare aus.</translation>
    </message>
    <message>
        <source>Draws a statistics chart to a PNG or SVG file, with no display.</source>
        <translation>Zeichnet ein Statistikdiagramm in eine PNG- oder SVG-Datei, ohne Bildschirm.</translation>
    </message>
    <message>
        <source>Reports the personal data in the pairs; examples are shown anonymized.</source>
        <translation>Berichtet die personenbezogenen Daten in den Paaren; Beispiele werden anonymisiert gezeigt.</translation>
    </message>
    <message>
        <source>Anonymizes the lines of standard input to standard output.</source>
        <translation>Anonymisiert die Zeilen der Standardeingabe auf die Standardausgabe.</translation>
    </message>
    <message>
        <source>Writes the pairs matching the filter, anonymized, with a manifest.</source>
        <translation>Schreibt die Paare, die zum Filter passen, anonymisiert und mit Manifest.</translation>
    </message>
    <message>
        <source>Shows or changes the dataset&apos;s anonymization settings.</source>
        <translation>Zeigt oder ändert die Anonymisierungseinstellungen des Datensatzes.</translation>
    </message>
    <message>
        <source>Serves the Training Data Export API (HTTP) over the dataset.</source>
        <translation>Stellt die Training Data Export API (HTTP) für den Datensatz bereit.</translation>
    </message>
    <message>
        <source>Creates, lists and revokes the API keys of &apos;pairlens serve&apos;.</source>
        <translation>Erstellt, listet und widerruft die API-Schlüssel von &apos;pairlens serve&apos;.</translation>
    </message>
    <message>
        <source>Only pairs on or after DATE (YYYY-MM-DD or ISO-8601).</source>
        <translation>Nur Paare ab DATE (JJJJ-MM-TT oder ISO 8601).</translation>
    </message>
    <message>
        <source>Only pairs on or before DATE (YYYY-MM-DD or ISO-8601).</source>
        <translation>Nur Paare bis einschließlich DATE (JJJJ-MM-TT oder ISO 8601).</translation>
    </message>
    <message>
        <source>Only pairs whose SQL ran successfully.</source>
        <translation>Nur Paare, deren SQL erfolgreich ausgeführt wurde.</translation>
    </message>
    <message>
        <source>Only pairs whose SQL failed.</source>
        <translation>Nur Paare, deren SQL fehlgeschlagen ist.</translation>
    </message>
    <message>
        <source>Only these statement types (SELECT,INSERT,...).</source>
        <translation>Nur diese Abfragetypen (SELECT,INSERT,...).</translation>
    </message>
    <message>
        <source>Only these database types (postgresql,mysql,...).</source>
        <translation>Nur diese Datenbanktypen (postgresql,mysql,...).</translation>
    </message>
    <message>
        <source>Only these database names.</source>
        <translation>Nur diese Datenbanknamen.</translation>
    </message>
    <message>
        <source>Only pairs whose SQL uses one of these tables (case-insensitive).</source>
        <translation>Nur Paare, deren SQL eine dieser Tabellen verwendet (Groß-/Kleinschreibung egal).</translation>
    </message>
    <message>
        <source>Full-text search over question and SQL.</source>
        <translation>Volltextsuche in Frage und SQL.</translation>
    </message>
    <message>
        <source>Only pairs containing PII (of these kinds: email,phone,ssn,credit_card,ip_address,iban,name,address,custom; &apos;any&apos; for all).</source>
        <translation>Nur Paare mit personenbezogenen Daten (dieser Arten: email,phone,ssn,credit_card,ip_address,iban,name,address,custom; &apos;any&apos; für alle).</translation>
    </message>
    <message>
        <source>Only these review statuses (unreviewed,approved,rejected).</source>
        <translation>Nur Paare mit diesem Prüfstatus (unreviewed,approved,rejected).</translation>
    </message>
    <message>
        <source>Only pairs whose question and SQL another pair repeats exactly.</source>
        <translation>Nur Paare, deren Frage und SQL ein anderes Paar genau wiederholt.</translation>
    </message>
    <message>
        <source>Only pairs whose question and SQL another pair repeats up to case, spacing and literal values.</source>
        <translation>Nur Paare, deren Frage und SQL ein anderes Paar bis auf Groß-/Kleinschreibung, Leerraum und Literalwerte wiederholt.</translation>
    </message>
    <message>
        <source>--from: &quot;%1&quot; is not a date (use YYYY-MM-DD).</source>
        <translation>--from: &quot;%1&quot; ist kein Datum (verwenden Sie JJJJ-MM-TT).</translation>
    </message>
    <message>
        <source>--to: &quot;%1&quot; is not a date (use YYYY-MM-DD).</source>
        <translation>--to: &quot;%1&quot; ist kein Datum (verwenden Sie JJJJ-MM-TT).</translation>
    </message>
    <message>
        <source>--successful-only and --failed-only exclude each other.</source>
        <translation>--successful-only und --failed-only schließen sich gegenseitig aus.</translation>
    </message>
    <message>
        <source>--pii: unknown kind &quot;%1&quot; (known: %2).</source>
        <translation>--pii: unbekannte Art &quot;%1&quot; (bekannt: %2).</translation>
    </message>
    <message>
        <source>--status: unknown review status &quot;%1&quot; (use unreviewed, approved or rejected).</source>
        <translation>--status: unbekannter Prüfstatus &quot;%1&quot; (verwenden Sie unreviewed, approved oder rejected).</translation>
    </message>
    <message>
        <source>--duplicates and --normalized-duplicates exclude each other.</source>
        <translation>--duplicates und --normalized-duplicates schließen einander aus.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>pairlens: the window program pairlens-window is not installed beside pairlens; reinstall PairLens.</source>
        <translation>pairlens: Das Fensterprogramm pairlens-window ist nicht neben pairlens installiert; installieren Sie PairLens neu.</translation>
    </message>
    <message>
        <source>pairlens: could not start %1: %2.</source>
        <translation>pairlens: %1 konnte nicht gestartet werden: %2.</translation>
    </message>
    <message>
        <source>PairLens %1: curate natural-language to SQL training pairs.</source>
        <translation>PairLens %1: Trainingspaare aus natürlicher Sprache und SQL kuratieren.</translation>
    </message>
    <message>
        <source>Usage: pairlens COMMAND ARGUMENTS...     runs a command, with no window</source>
        <translation>Aufruf: pairlens BEFEHL ARGUMENTE...      führt einen Befehl aus, ohne Fenster</translation>
    </message>
    <message>
        <source>       pairlens [gui] [DATASET]          opens the window</source>
        <translation>       pairlens [gui] [DATASET]          öffnet das Fenster</translation>
    </message>
    <message>
        <source>Commands:</source>
        <translation>Befehle:</translation>
    </message>
    <message>
        <source>FILTER: --from DATE --to DATE --successful-only --failed-only --type T,... --db-type T,... --db-name N,... --table NAME,... --search TEXT --pii [KIND,...] --status S,... --duplicates --normalized-duplicates</source>
        <translation>FILTER: --from DATE --to DATE --successful-only --failed-only --type T,... --db-type T,... --db-name N,... --table NAME,... --search TEXT --pii [KIND,...] --status S,... --duplicates --normalized-duplicates</translation>
    </message>
    <message>
        <source>Exit status: 0 done, 1 failed, 2 wrong command line, 3 incomplete (some records rejected), 4 personal data would leave un-anonymized (scan --fail-on-pii), 130 cancelled.</source>
        <translation>Rückgabewert: 0 erledigt, 1 fehlgeschlagen, 2 falsche Befehlszeile, 3 unvollständig (einige Datensätze abgelehnt), 4 personenbezogene Daten würden unanonymisiert hinausgehen (scan --fail-on-pii), 130 abgebrochen.</translation>
    </message>
    <message>
        <source>Run &apos;pairlens COMMAND --help&apos; for the options of a command.</source>
        <translation>&apos;pairlens COMMAND --help&apos; zeigt die Optionen eines Befehls.</translation>
    </message>
    <message>
        <source>pairlens: &apos;%1&apos; is not part of PairLens %2 yet. Run &apos;pairlens --help&apos; for the commands it has.</source>
        <translation>pairlens: »%1« gehört noch nicht zu PairLens %2. &apos;pairlens --help&apos; zeigt die vorhandenen Befehle.</translation>
    </message>
    <message>
        <source>pairlens: unknown command &apos;%1&apos;. Did you mean &apos;%2&apos;? Run &apos;pairlens --help&apos; for the commands.</source>
        <translation>pairlens: unbekannter Befehl »%1«. Meinten Sie »%2«? &apos;pairlens --help&apos; zeigt die Befehle.</translation>
    </message>
    <message>
        <source>pairlens: unknown command &apos;%1&apos;. Run &apos;pairlens --help&apos; for the commands.</source>
        <translation>pairlens: unbekannter Befehl »%1«. &apos;pairlens --help&apos; zeigt die Befehle.</translation>
    </message>
</context>
<context>
    <name>pairlens::ui::ConnectDialog</name>
    <message>
        <source>Connect to PostgreSQL</source>
        <translation>Mit PostgreSQL verbinden</translation>
    </message>
    <message>
        <source>Copy Dataset to PostgreSQL</source>
        <translation>Datensatz nach PostgreSQL kopieren</translation>
    </message>
    <message>
        <source>Open a dataset kept in a PostgreSQL schema, shared with your team.</source>
        <translation>Einen Datensatz in einem PostgreSQL-Schema öffnen, den Ihr Team gemeinsam nutzt.</translation>
    </message>
    <message>
        <source>The schema must be new or hold no pairs; the copy keeps every pair, review, the trash, the audit log and the settings.</source>
        <translation>Das Schema muss neu sein oder darf keine Paare enthalten; die Kopie behält jedes Paar, jede Prüfung, den Papierkorb, das Änderungsprotokoll und die Einstellungen.</translation>
    </message>
    <message>
        <source>New connection</source>
        <translation>Neue Verbindung</translation>
    </message>
    <message>
        <source>&amp;Recent:</source>
        <translation>&amp;Zuletzt:</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>&amp;Host:</translation>
    </message>
    <message>
        <source>P&amp;ort:</source>
        <translation>P&amp;ort:</translation>
    </message>
    <message>
        <source>&amp;Database:</source>
        <translation>&amp;Datenbank:</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Benutzer:</translation>
    </message>
    <message>
        <source>&amp;Schema:</source>
        <translation>&amp;Schema:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <source>PairLens never stores the password. Leave it empty to use ~/.pgpass or the PGPASSWORD environment variable.</source>
        <translation>PairLens speichert das Passwort nie. Lassen Sie es leer, um ~/.pgpass oder die Umgebungsvariable PGPASSWORD zu verwenden.</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>&amp;Verbinden</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>Enter the server&apos;s host and the database.</source>
        <translation>Geben Sie den Host des Servers und die Datenbank ein.</translation>
    </message>
</context>
<context>
    <name>pairlens::ui::Curator</name>
    <message>
        <source>Go to Pair</source>
        <translation>Zu Paar springen</translation>
    </message>
    <message>
        <source>Pair id:</source>
        <translation>Paar-ID:</translation>
    </message>
    <message>
        <source>No pair has the id %1.</source>
        <translation>Kein Paar hat die ID %1.</translation>
    </message>
    <message>
        <source>Pair %1 is in the trash (Edit &gt; Trash).</source>
        <translation>Paar %1 liegt im Papierkorb (Bearbeiten &gt; Papierkorb).</translation>
    </message>
    <message>
        <source>Pair %1 is hidden by the filter; clear the filters to see it.</source>
        <translation>Paar %1 wird vom Filter ausgeblendet; setzen Sie die Filter zurück, um es zu sehen.</translation>
    </message>
    <message>
        <source>No unreviewed pair after this one.</source>
        <translation>Nach diesem Paar gibt es kein ungeprüftes Paar mehr.</translation>
    </message>
    <message>
        <source>Select the pairs to review first.</source>
        <translation>Wählen Sie zuerst die zu prüfenden Paare aus.</translation>
    </message>
    <message>
        <source>Delete the selected pair? You can undo this with Ctrl+Z or restore it from the trash.</source>
        <translation>Das ausgewählte Paar löschen? Sie können dies mit Strg+Z rückgängig machen oder es aus dem Papierkorb wiederherstellen.</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n selected pairs? You can undo this with Ctrl+Z or restore them from the trash.</source>
        <translation>
            <numerusform>%n ausgewähltes Paar löschen? Sie können dies mit Strg+Z rückgängig machen oder es aus dem Papierkorb wiederherstellen.</numerusform>
            <numerusform>%n ausgewählte Paare löschen? Sie können dies mit Strg+Z rückgängig machen oder sie aus dem Papierkorb wiederherstellen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Delete Pairs</source>
        <translation>Paare löschen</translation>
    </message>
    <message numerus="yes">
        <source>Delete all %n pairs of the dataset? You can undo this with Ctrl+Z or restore them from the trash.</source>
        <translation>
            <numerusform>Alle Paare des Datensatzes (%n Paar) löschen? Sie können dies mit Strg+Z rückgängig machen oder es aus dem Papierkorb wiederherstellen.</numerusform>
            <numerusform>Alle %n Paare des Datensatzes löschen? Sie können dies mit Strg+Z rückgängig machen oder sie aus dem Papierkorb wiederherstellen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Delete the %n pairs matching the filter? You can undo this with Ctrl+Z or restore them from the trash.</source>
        <translation>
            <numerusform>%n Paar löschen, das dem Filter entspricht? Sie können dies mit Strg+Z rückgängig machen oder es aus dem Papierkorb wiederherstellen.</numerusform>
            <numerusform>Die %n Paare löschen, die dem Filter entsprechen? Sie können dies mit Strg+Z rückgängig machen oder sie aus dem Papierkorb wiederherstellen.</numerusform>
        </translation>
    </message>
    <message>
        <source>1 pair moved to the trash.</source>
        <translation>1 Paar in den Papierkorb verschoben.</translation>
    </message>
    <message numerus="yes">
        <source>%n pairs moved to the trash.</source>
        <translation>
            <numerusform>%n Paar in den Papierkorb verschoben.</numerusform>
            <numerusform>%n Paare in den Papierkorb verschoben.</numerusform>
        </translation>
    </message>
    <message>
        <source>Pair added.</source>
        <translation>Paar hinzugefügt.</translation>
    </message>
</context>
<context>
    <name>pairlens::ui::DatasetWorker</name>
    <message>
        <source>Cannot read the settings of %1: %2</source>
        <translation>Die Einstellungen von %1 können nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Some pairs could not be analysed: %1</source>
        <translation>Einige Paare konnten nicht analysiert werden: %1</translation>
    </message>
    <message>
        <source>The change was saved, but the preview cannot read the settings back: %1</source>
        <translation>Die Änderung wurde gespeichert, aber die Vorschau kann die Einstellungen nicht wieder lesen: %1</translation>
    </message>
    <message>
        <source>Cannot write the demo dataset: %1</source>
        <translation>Der Demo-Datensatz kann nicht geschrieben werden: %1</translation>
    </message>
    <message>
        <source>Cannot count the pairs: %1</source>
        <translation>Die Paare können nicht gezählt werden: %1</translation>
    </message>
    <message>
        <source>The pair no longer exists.</source>
        <translation>Das Paar existiert nicht mehr.</translation>
    </message>
    <message>
        <source>A pair with the id %1 exists already.</source>
        <translation>Ein Paar mit der ID %1 existiert bereits.</translation>
    </message>
    <message>
        <source>No dataset is open.</source>
        <translation>Es ist kein Datensatz geöffnet.</translation>
    </message>
    <message>
        <source>The change could not be made.</source>
        <translation>Die Änderung konnte nicht vorgenommen werden.</translation>
    </message>
</context>
<context>
    <name>pairlens::ui::DetailPane</name>
    <message>
        <source>Select a pair to see it here: its question and SQL as they are and as they will be exported, with the personal data found in them.</source>
        <translation>Wählen Sie ein Paar aus, um es hier zu sehen: Frage und SQL im Original und so, wie sie exportiert werden, mit den darin gefundenen personenbezogenen Daten.</translation>
    </message>
    <message>
        <source>Original</source>
        <translation>Original</translation>
    </message>
    <message>
        <source>As exported (anonymized)</source>
        <translation>Wie exportiert (anonymisiert)</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>Frage</translation>
    </message>
    <message>
        <source>SQL</source>
        <translation>SQL</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <source>Metadata</source>
        <translation>Metadaten</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>Format:</translation>
    </message>
    <message>
        <source>Exactly what an anonymized export in this format writes for this pair, with the default options and all fields.</source>
        <translation>Genau das, was ein anonymisierter Export in diesem Format für dieses Paar schreibt, mit den Standardoptionen und allen Feldern.</translation>
    </message>
    <message>
        <source>Original and Exported</source>
        <translation>Original und Export</translation>
    </message>
    <message>
        <source>Record as Exported</source>
        <translation>Datensatz wie exportiert</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notiz</translation>
    </message>
    <message>
        <source>Reviewer note (saved as you type)</source>
        <translation>Prüfnotiz (wird beim Tippen gespeichert)</translation>
    </message>
    <message>
        <source>The dataset is read-only</source>
        <translation>Der Datensatz ist schreibgeschützt</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>%1 (was %2)</source>
        <translation>%1 (vorher %2)</translation>
    </message>
    <message>
        <source>Pair %1</source>
        <translation>Paar %1</translation>
    </message>
    <message>
        <source>succeeded</source>
        <translation>erfolgreich</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>no statement</source>
        <translation>keine Anweisung</translation>
    </message>
    <message>
        <source>tables: %1</source>
        <translation>Tabellen: %1</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keiner)</translation>
    </message>
    <message>
        <source>No personal data found in the question or the SQL.</source>
        <translation>In Frage und SQL wurden keine personenbezogenen Daten gefunden.</translation>
    </message>
    <message>
        <source>Found: %1</source>
        <translation>Gefunden: %1</translation>
    </message>
    <message>
        <source>In the metadata (not counted in the PII column): %1</source>
        <translation>In den Metadaten (nicht in der PII-Spalte gezählt): %1</translation>
    </message>
    <message>
        <source>No metadata</source>
        <translation>Keine Metadaten</translation>
    </message>
    <message>
        <source>This pair is rejected: exports leave it out unless rejected pairs are included.</source>
        <translation>Dieses Paar ist abgelehnt: Exporte lassen es aus, außer abgelehnte Paare werden eingeschlossen.</translation>
    </message>
    <message>
        <source>This pair failed: the fine-tuning formats leave it out unless failed pairs are included.</source>
        <translation>Dieses Paar ist fehlgeschlagen: Die Fine-Tuning-Formate lassen es aus, außer fehlgeschlagene Paare werden eingeschlossen.</translation>
    </message>
    <message>
        <source>The record cannot be shown: %1</source>
        <translation>Der Datensatz kann nicht angezeigt werden: %1</translation>
    </message>
    <message>
        <source>Not personal data in this pair</source>
        <translation>Keine personenbezogenen Daten in diesem Paar</translation>
    </message>
    <message>
        <source>This value is left as it is in this pair only.</source>
        <translation>Dieser Wert bleibt nur in diesem Paar unverändert.</translation>
    </message>
    <message>
        <source>Not personal data (everywhere)</source>
        <translation>Keine personenbezogene Angabe (überall)</translation>
    </message>
    <message>
        <source>Every finding of exactly this value is left as it is, in every pair.</source>
        <translation>Jeder Fund genau dieses Werts bleibt unverändert, in jedem Paar.</translation>
    </message>
    <message>
        <source>Mark as personal data</source>
        <translation>Als personenbezogen markieren</translation>
    </message>
    <message>
        <source>Other personal data</source>
        <translation>Andere personenbezogene Angabe</translation>
    </message>
</context>
<context>
    <name>pairlens::ui::EmptyState</name>
    <message>
        <source>No dataset is open</source>
        <translation>Kein Datensatz geöffnet</translation>
    </message>
    <message>
        <source>A dataset holds natural-language questions and the SQL generated for them. Open one, create an empty one and import JSONL, JSON or CSV files into it, or look around in a demo dataset. You can also drop a file here.</source>
        <translation>Ein Datensatz enthält Fragen in natürlicher Sprache und das dafür erzeugte SQL. Öffnen Sie einen, legen Sie einen leeren an und importieren Sie JSONL-, JSON- oder CSV-Dateien hinein, oder sehen Sie sich in einem Demo-Datensatz um. Sie können auch eine Datei hierher ziehen.</translation>
    </message>
    <message>
        <source>Open a dataset…</source>
        <translation>Datensatz öffnen…</translation>
    </message>
    <message>
        <source>A PairLens dataset file (.pairlens, .db)</source>
        <translation>Eine PairLens-Datensatzdatei (.pairlens, .db)</translation>
    </message>
    <message>
        <source>New dataset…</source>
        <translation>Neuer Datensatz…</translation>
    </message>
    <message>
        <source>An empty dataset to import pairs into</source>
        <translation>Ein leerer Datensatz, in den Sie Paare importieren</translation>
    </message>
    <message>
        <source>Open the demo dataset</source>
        <translation>Demo-Datensatz öffnen</translation>
    </message>
    <message>
        <source>5,000 synthetic pairs with realistic personal data</source>
        <translation>5.000 synthetische Paare mit realistischen personenbezogenen Daten</translation>
    </message>
    <message>
        <source>Recent datasets</source>
        <translation>Zuletzt verwendete Datensätze</translation>
    </message>
</context>
<context>
    <name>pairlens::ui::ExportDialog</name>
    <message>
        <source>Export Pairs</source>
        <translation>Paare exportieren</translation>
    </message>
    <message>
        <source>Pairs matching the current filter (%L1)</source>
        <translation>Paare, die dem aktuellen Filter entsprechen (%L1)</translation>
    </message>
    <message>
        <source>Selected rows (%L1)</source>
        <translation>Ausgewählte Zeilen (%L1)</translation>
    </message>
    <message>
        <source>Every pair in the dataset (%L1)</source>
        <translation>Alle Paare des Datensatzes (%L1)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Anonymize personal data</source>
        <translation>Personenbezogene Daten anonymisieren</translation>
    </message>
    <message>
        <source>&lt;b&gt;Anonymization is off:&lt;/b&gt; the export holds the original values, including any personal data.</source>
        <translation>&lt;b&gt;Die Anonymisierung ist ausgeschaltet:&lt;/b&gt; Der Export enthält die Originalwerte, einschließlich aller personenbezogenen Daten.</translation>
    </message>
    <message>
        <source>Compress with gzip</source>
        <translation>Mit gzip komprimieren</translation>
    </message>
    <message>
        <source>Split into training and validation files, training share:</source>
        <translation>In Trainings- und Validierungsdatei aufteilen, Trainingsanteil:</translation>
    </message>
    <message>
        <source>Remove duplicates (same question and SQL)</source>
        <translation>Duplikate entfernen (gleiche Frage und gleiches SQL)</translation>
    </message>
    <message>
        <source>On by default in the fine-tuning formats: a model learns nothing from a repeated example, and an evaluation counts it twice.</source>
        <translation>In den Fine-Tuning-Formaten standardmäßig an: Aus einem wiederholten Beispiel lernt ein Modell nichts, und eine Auswertung zählt es doppelt.</translation>
    </message>
    <message>
        <source>Unreviewed and approved pairs (rejected pairs are left out)</source>
        <translation>Ungeprüfte und freigegebene Paare (abgelehnte werden ausgelassen)</translation>
    </message>
    <message>
        <source>Approved pairs only</source>
        <translation>Nur freigegebene Paare</translation>
    </message>
    <message>
        <source>Every pair, rejected ones included</source>
        <translation>Alle Paare, auch abgelehnte</translation>
    </message>
    <message>
        <source>Include failed pairs</source>
        <translation>Fehlgeschlagene Paare einbeziehen</translation>
    </message>
    <message>
        <source>The fine-tuning formats export successful pairs only unless this is set.</source>
        <translation>Die Fine-Tuning-Formate exportieren nur erfolgreiche Paare, sofern dies nicht gesetzt ist.</translation>
    </message>
    <message>
        <source>Options</source>
        <translation>Optionen</translation>
    </message>
    <message>
        <source>The system message of the chat formats; empty uses the default.</source>
        <translation>Die Systemnachricht der Chat-Formate; leer bedeutet Standard.</translation>
    </message>
    <message>
        <source>Placeholders: {question}, {database_type}, {database_name}, {tables}, {query_type}. Empty uses the format&apos;s default. {tables} names the tables of the answer&apos;s own SQL, a hint the model will not get in use; the defaults leave it out.</source>
        <translation>Platzhalter: {question}, {database_type}, {database_name}, {tables}, {query_type}. Leer verwendet die Vorgabe des Formats. {tables} nennt die Tabellen aus dem SQL der Antwort selbst, einen Hinweis, den das Modell im Einsatz nicht bekommt; die Vorgaben lassen ihn weg.</translation>
    </message>
    <message>
        <source>Fine-tuning prompt</source>
        <translation>Fine-Tuning-Prompt</translation>
    </message>
    <message>
        <source>System prompt:</source>
        <translation>Systemprompt:</translation>
    </message>
    <message>
        <source>Prompt template:</source>
        <translation>Prompt-Vorlage:</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>Format:</translation>
    </message>
    <message>
        <source>Pairs:</source>
        <translation>Paare:</translation>
    </message>
    <message>
        <source>Review:</source>
        <translation>Prüfung:</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>Datei:</translation>
    </message>
    <message>
        <source>Export To</source>
        <translation>Exportieren nach</translation>
    </message>
    <message>
        <source>%1 files (*.%2)</source>
        <translation>%1-Dateien (*.%2)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Counting the pairs…</source>
        <translation>Paare werden gezählt …</translation>
    </message>
    <message>
        <source>The pairs could not be counted: %1</source>
        <translation>Die Paare konnten nicht gezählt werden: %1</translation>
    </message>
    <message>
        <source>%L1 rejected</source>
        <translation>%L1 abgelehnt</translation>
    </message>
    <message>
        <source>%L1 not approved</source>
        <translation>%L1 nicht freigegeben</translation>
    </message>
    <message>
        <source>%L1 failed (the fine-tuning formats take successful pairs)</source>
        <translation>%L1 fehlgeschlagen (die Fine-Tuning-Formate nehmen erfolgreiche Paare)</translation>
    </message>
    <message>
        <source>at least %L1 duplicates</source>
        <translation>mindestens %L1 Duplikate</translation>
    </message>
    <message>
        <source>&lt;b&gt;%L1&lt;/b&gt; pairs match.</source>
        <translation>&lt;b&gt;%L1&lt;/b&gt; Paare passen.</translation>
    </message>
    <message>
        <source>Nothing is left out.</source>
        <translation>Nichts wird ausgelassen.</translation>
    </message>
    <message>
        <source>Left out: %1.</source>
        <translation>Ausgelassen: %1.</translation>
    </message>
    <message>
        <source>&lt;b&gt;%L1&lt;/b&gt; will be exported.</source>
        <translation>&lt;b&gt;%L1&lt;/b&gt; werden exportiert.</translation>
    </message>
    <message>
        <source>Choose the file to export to.</source>
        <translation>Wählen Sie die Datei, in die exportiert wird.</translation>
    </message>
    <message>
        <source>Replace Files</source>
        <translation>Dateien ersetzen</translation>
    </message>
    <message>
        <source>Replace existing files?</source>
        <translation>Vorhandene Dateien ersetzen?</translation>
    </message>
    <message>
        <source>These files exist and are not an unchanged earlier PairLens %1 export; the export would replace them:
%2</source>
        <translation>Diese Dateien sind vorhanden und kein unveränderter früherer PairLens-%1-Export; der Export würde sie ersetzen:
%2</translation>
    </message>
    <message>
        <source>Replace</source>
        <translation>Ersetzen</translation>
    </message>
    <message>
        <source>Nothing was exported; the existing files were left as they are.</source>
        <translation>Es wurde nichts exportiert; die vorhandenen Dateien bleiben unverändert.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Exported %L1 of %L2 pairs…</source>
        <translation>%L1 von %L2 Paaren exportiert…</translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln pair(s) to %1.</source>
        <translation>
            <numerusform>%Ln Paar nach %1 exportiert.</numerusform>
            <numerusform>%Ln Paare nach %1 exportiert.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln pair(s) to %1 (manifest: %2).</source>
        <translation>
            <numerusform>%Ln Paar nach %1 exportiert (Manifest: %2).</numerusform>
            <numerusform>%Ln Paare nach %1 exportiert (Manifest: %2).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln rejected pair(s) left out.</source>
        <translation>
            <numerusform>%Ln abgelehntes Paar ausgelassen.</numerusform>
            <numerusform>%Ln abgelehnte Paare ausgelassen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln pair(s) not approved left out.</source>
        <translation>
            <numerusform>%Ln nicht freigegebenes Paar ausgelassen.</numerusform>
            <numerusform>%Ln nicht freigegebene Paare ausgelassen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln failed pair(s) left out.</source>
        <translation>
            <numerusform>%Ln fehlgeschlagenes Paar ausgelassen.</numerusform>
            <numerusform>%Ln fehlgeschlagene Paare ausgelassen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln duplicate(s) removed.</source>
        <translation>
            <numerusform>%Ln Duplikat entfernt.</numerusform>
            <numerusform>%Ln Duplikate entfernt.</numerusform>
        </translation>
    </message>
    <message>
        <source>Export cancelled; nothing was written.</source>
        <translation>Export abgebrochen; es wurde nichts geschrieben.</translation>
    </message>
    <message>
        <source>The export failed.</source>
        <translation>Der Export ist fehlgeschlagen.</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>Warnung: %1</translation>
    </message>
    <message>
        <source>Open Folder</source>
        <translation>Ordner öffnen</translation>
    </message>
</context>
<context>
    <name>pairlens::ui::ExportPreview</name>
    <message>
        <source>The same export on the &amp;command line:</source>
        <translation>Derselbe Export auf der &amp;Kommandozeile:</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copies the command, quoted for a POSIX shell.</source>
        <translation>Kopiert den Befehl, für eine POSIX-Shell maskiert.</translation>
    </message>
    <message>
        <source>The %L1 selected pairs are too many to list on the command line: give their pair ids in a file with --id-file FILE.</source>
        <translation>Die %L1 ausgewählten Paare sind zu viele für die Kommandozeile: Geben Sie ihre Paar-IDs in einer Datei mit --id-file DATEI an.</translation>
    </message>
    <message>
        <source>Reading the selected pairs&apos; ids…</source>
        <translation>Die IDs der ausgewählten Paare werden gelesen…</translation>
    </message>
    <message>
        <source>The first selected pair as the export writes it:</source>
        <translation>Das erste ausgewählte Paar, wie der Export es schreibt:</translation>
    </message>
    <message>
        <source>The first pair as the export writes it:</source>
        <translation>Das erste Paar, wie der Export es schreibt:</translation>
    </message>
    <message>
        <source>No sample can be shown: %1</source>
        <translation>Es kann kein Beispiel gezeigt werden: %1</translation>
    </message>
    <message>
        <source>No pair is exported with these options.</source>
        <translation>Mit diesen Optionen wird kein Paar exportiert.</translation>
    </message>
</context>
<context>
    <name>pairlens::ui::FacetList</name>
    <message>
        <source>(no statement)</source>
        <translation>(keine Anweisung)</translation>
    </message>
</context>
<context>
    <name>pairlens::ui::FilterChips</name>
    <message>
        <source>Copy as command line</source>
        <translation>Als Befehlszeile kopieren</translation>
    </message>
    <message>
        <source>Copy the pairlens export command with these filters, to run the same selection in a pipeline</source>
        <translation>Den pairlens-export-Befehl mit diesen Filtern kopieren, um dieselbe Auswahl in einer Pipeline zu verwenden</translation>
    </message>
    <message>
        <source>Remove this filter: %1</source>
        <translation>Diesen Filter entfernen: %1</translation>
    </message>
    <message>
        <source>Search: %1</source>
        <translation>Suche: %1</translation>
    </message>
    <message>
        <source>From %1</source>
        <translation>Ab %1</translation>
    </message>
    <message>
        <source>To %1</source>
        <translation>Bis %1</translation>
    </message>
    <message>
        <source>Successful only</source>
        <translation>Nur erfolgreiche</translation>
    </message>
    <message>
        <source>Failed only</source>
        <translation>Nur fehlgeschlagene</translation>
    </message>
    <message>
        <source>Review: %1</source>
        <translation>Prüfung: %1</translation>
    </message>
    <message>
        <source>Personal data: any</source>
        <translation>PII: beliebig</translation>
    </message>
    <message>
        <source>Personal data: %1</source>
        <translation>PII: %1</translation>
    </message>
    <message>
        <source>(no statement)</source>
        <translation>(keine Anweisung)</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Database type</source>
        <translation>Datenbanktyp</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>Tabelle</translation>
    </message>
    <message>
        <source>Exact duplicates</source>
        <translation>Exakte Duplikate</translation>
    </message>
    <message>
        <source>Normalized duplicates</source>
        <translation>Normalisierte Duplikate</translation>
    </message>
</context>
<context>
    <name>pairlens::ui::FilterPanel</name>
    <message>
        <source>Successful and failed</source>
        <translation>Erfolgreich und fehlgeschlagen</translation>
    </message>
    <message>
        <source>Successful only</source>
        <translation>Nur erfolgreiche</translation>
    </message>
    <message>
        <source>Failed only</source>
        <translation>Nur fehlgeschlagene</translation>
    </message>
    <message>
        <source>Search questions and SQL…</source>
        <translation>Fragen und SQL durchsuchen…</translation>
    </message>
    <message>
        <source>Full-text search over question and SQL; the last word matches as a prefix (Ctrl+F)</source>
        <translation>Volltextsuche in Frage und SQL; das letzte Wort wird als Wortanfang gesucht (Strg+F)</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Bis</translation>
    </message>
    <message>
        <source>Date (UTC)</source>
        <translation>Datum (UTC)</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Review status</source>
        <translation>Prüfstatus</translation>
    </message>
    <message>
        <source>With personal data</source>
        <translation>Mit PII</translation>
    </message>
    <message>
        <source>Only pairs with personal data. Check kinds below to narrow it down; none checked means any kind</source>
        <translation>Nur Paare mit personenbezogenen Daten. Zum Eingrenzen unten Arten ankreuzen; ohne Auswahl gilt jede Art</translation>
    </message>
    <message>
        <source>Personal data</source>
        <translation>Personenbezogene Daten</translation>
    </message>
    <message>
        <source>Statement type</source>
        <translation>Abfragetyp</translation>
    </message>
    <message>
        <source>Database type</source>
        <translation>Datenbanktyp</translation>
    </message>
    <message>
        <source>Database name</source>
        <translation>Datenbankname</translation>
    </message>
    <message>
        <source>Pairs whose SQL uses the table; the most used tables first</source>
        <translation>Paare, deren SQL die Tabelle verwendet; die meistverwendeten Tabellen zuerst</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>Tabelle</translation>
    </message>
    <message>
        <source>With or without duplicates</source>
        <translation>Mit oder ohne Duplikate</translation>
    </message>
    <message>
        <source>Exact duplicates only</source>
        <translation>Nur exakte Duplikate</translation>
    </message>
    <message>
        <source>Normalized duplicates only</source>
        <translation>Nur normalisierte Duplikate</translation>
    </message>
    <message>
        <source>Pairs whose question and SQL another pair repeats: exactly, or up to case, spacing and literal values.</source>
        <translation>Paare, deren Frage und SQL ein anderes Paar wiederholt: genau oder bis auf Groß-/Kleinschreibung, Leerraum und Literalwerte.</translation>
    </message>
    <message>
        <source>Duplicates</source>
        <translation>Duplikate</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>Filter zurücksetzen</translation>
    </message>
    <message>
        <source>Show all pairs again (Ctrl+Shift+L)</source>
        <translation>Wieder alle Paare anzeigen (Strg+Umschalt+L)</translation>
    </message>
</context>
<context>
    <name>pairlens::ui::FilterSection</name>
    <message>
        <source>%1 (%2 active)</source>
        <translation>%1 (%2 aktiv)</translation>
    </message>
</context>
<context>
    <name>pairlens::ui::ImportDialog</name>
    <message>
        <source>Import</source>
        <translation>Import</translation>
    </message>
    <message>
        <source>Importing %1…</source>
        <translation>%1 wird importiert…</translation>
    </message>
    <message>
        <source>Building the indexes of the new dataset…</source>
        <translation>Die Indizes des neuen Datensatzes werden aufgebaut…</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Importing %1 (%2 of %3)…</source>
        <translation>%1 wird importiert (%2 von %3)…</translation>
    </message>
    <message>
        <source>1 pair added</source>
        <translation>1 Paar hinzugefügt</translation>
    </message>
    <message numerus="yes">
        <source>%Ln pairs added</source>
        <translation>
            <numerusform>%Ln Paar hinzugefügt</numerusform>
            <numerusform>%Ln Paare hinzugefügt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln already in the dataset (left as they were)</source>
        <translation>
            <numerusform>%Ln bereits im Datensatz (unverändert belassen)</numerusform>
            <numerusform>%Ln bereits im Datensatz (unverändert belassen)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln rejected</source>
        <translation>
            <numerusform>%Ln abgelehnt</numerusform>
            <numerusform>%Ln abgelehnt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln not imported because another question or SQL has their pair_id</source>
        <translation>
            <numerusform>%Ln nicht importiert, weil eine andere Frage oder ein anderes SQL ihre pair_id hat</numerusform>
            <numerusform>%Ln nicht importiert, weil eine andere Frage oder ein anderes SQL ihre pair_id hat</numerusform>
        </translation>
    </message>
    <message>
        <source>Read %L1 records from 1 file: </source>
        <translation>%L1 Einträge aus 1 Datei gelesen: </translation>
    </message>
    <message>
        <source>Read %L1 records from %2 files: </source>
        <translation>%L1 Einträge aus %2 Dateien gelesen: </translation>
    </message>
    <message>
        <source>The import was cancelled; the pairs added before stay in the dataset.</source>
        <translation>Der Import wurde abgebrochen; die bis dahin hinzugefügten Paare bleiben im Datensatz.</translation>
    </message>
    <message>
        <source>%1, line %2</source>
        <translation>%1, Zeile %2</translation>
    </message>
    <message>
        <source>%1, record %2</source>
        <translation>%1, Eintrag %2</translation>
    </message>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… und %n weiterer</numerusform>
            <numerusform>… und %n weitere</numerusform>
        </translation>
    </message>
    <message>
        <source>Import finished.</source>
        <translation>Import abgeschlossen.</translation>
    </message>
    <message>
        <source>Import cancelled.</source>
        <translation>Import abgebrochen.</translation>
    </message>
    <message>
        <source>Import failed.</source>
        <translation>Import fehlgeschlagen.</translation>
    </message>
    <message>
        <source>Rejected records:</source>
        <translation>Abgelehnte Einträge:</translation>
    </message>
    <message>
        <source>Not imported, their pair_id is taken by another question or SQL (the pair that was there first is kept):</source>
        <translation>Nicht importiert, ihre pair_id gehört schon einer anderen Frage oder einem anderen SQL (das zuerst vorhandene Paar bleibt):</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
</context>
<context>
    <name>pairlens::ui::InfoBar</name>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Show Details</source>
        <translation>Details anzeigen</translation>
    </message>
    <message>
        <source>Hide Details</source>
        <translation>Details ausblenden</translation>
    </message>
</context>
<context>
    <name>pairlens::ui::MainWindow</name>
    <message>
        <source>PairLens</source>
        <translation>PairLens</translation>
    </message>
    <message>
        <source>Open Another Dataset…</source>
        <translation>Anderen Datensatz öffnen…</translation>
    </message>
    <message>
        <source>Connected to the dataset&apos;s server again.</source>
        <translation>Wieder mit dem Server des Datensatzes verbunden.</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>In Arbeit…</translation>
    </message>
    <message>
        <source>Working… %1 %</source>
        <translation>In Arbeit… %1 %</translation>
    </message>
    <message>
        <source>1 new pair was added to the dataset by another program.</source>
        <translation>1 neues Paar wurde von einem anderen Programm zum Datensatz hinzugefügt.</translation>
    </message>
    <message numerus="yes">
        <source>%n new pairs were added to the dataset by another program.</source>
        <translation>
            <numerusform>%n neues Paar wurde von einem anderen Programm zum Datensatz hinzugefügt.</numerusform>
            <numerusform>%n neue Paare wurden von einem anderen Programm zum Datensatz hinzugefügt.</numerusform>
        </translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>Filter zurücksetzen</translation>
    </message>
    <message>
        <source>Pairs</source>
        <translation>Paare</translation>
    </message>
    <message>
        <source>Filters</source>
        <translation>Filter</translation>
    </message>
    <message>
        <source>Pair</source>
        <translation>Paar</translation>
    </message>
    <message>
        <source>No dataset open</source>
        <translation>Kein Datensatz geöffnet</translation>
    </message>
    <message>
        <source>%1 pairs</source>
        <translation>%1 Paare</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>Wird gezählt…</translation>
    </message>
    <message>
        <source>%1 matching</source>
        <translation>%1 passend</translation>
    </message>
    <message>
        <source>%1 selected</source>
        <translation>%1 ausgewählt</translation>
    </message>
    <message>
        <source>%1 in the trash</source>
        <translation>%1 im Papierkorb</translation>
    </message>
    <message>
        <source>This dataset has no pairs yet.
Import JSONL, JSON or CSV files, or drop them here.</source>
        <translation>Dieser Datensatz enthält noch keine Paare.
Importieren Sie JSONL-, JSON- oder CSV-Dateien oder ziehen Sie sie hierher.</translation>
    </message>
    <message>
        <source>Import Files…</source>
        <translation>Dateien importieren…</translation>
    </message>
    <message>
        <source>No pairs match the filter.</source>
        <translation>Keine Paare entsprechen dem Filter.</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;New Dataset…</source>
        <translation>&amp;Neuer Datensatz…</translation>
    </message>
    <message>
        <source>Create an empty dataset</source>
        <translation>Einen leeren Datensatz anlegen</translation>
    </message>
    <message>
        <source>&amp;Open Dataset…</source>
        <translation>Datensatz ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>Open a dataset file</source>
        <translation>Eine Datensatzdatei öffnen</translation>
    </message>
    <message>
        <source>Open Dataset &amp;Read-Only…</source>
        <translation>Datensatz schreib&amp;geschützt öffnen…</translation>
    </message>
    <message>
        <source>Open a dataset without changing anything in it</source>
        <translation>Einen Datensatz öffnen, ohne etwas darin zu ändern</translation>
    </message>
    <message>
        <source>Connect to &amp;PostgreSQL…</source>
        <translation>Mit &amp;PostgreSQL verbinden…</translation>
    </message>
    <message>
        <source>Open a dataset kept in a PostgreSQL schema</source>
        <translation>Einen Datensatz in einem PostgreSQL-Schema öffnen</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>No recent datasets</source>
        <translation>Keine zuletzt geöffneten Datensätze</translation>
    </message>
    <message>
        <source>Clear List</source>
        <translation>Liste leeren</translation>
    </message>
    <message>
        <source>Open &amp;Demo Dataset</source>
        <translation>&amp;Demo-Datensatz öffnen</translation>
    </message>
    <message>
        <source>Create and open a dataset of synthetic pairs</source>
        <translation>Einen Datensatz mit synthetischen Paaren anlegen und öffnen</translation>
    </message>
    <message>
        <source>&amp;Import Files…</source>
        <translation>Dateien &amp;importieren…</translation>
    </message>
    <message>
        <source>Import JSONL, JSON or CSV files into this dataset</source>
        <translation>JSONL-, JSON- oder CSV-Dateien in diesen Datensatz importieren</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>&amp;Exportieren…</translation>
    </message>
    <message>
        <source>Export the pairs for fine-tuning</source>
        <translation>Die Paare für das Fine-Tuning exportieren</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>Exporting from the window is not available in this build. Use &apos;pairlens export DATASET -o FILE --format FMT&apos; on the command line.</source>
        <translation>Exportieren aus dem Fenster ist in diesem Build nicht verfügbar. Verwenden Sie auf der Kommandozeile &apos;pairlens export DATASET -o FILE --format FMT&apos;.</translation>
    </message>
    <message>
        <source>Cop&amp;y Dataset To</source>
        <translation>Datensatz &amp;kopieren nach</translation>
    </message>
    <message>
        <source>New Dataset &amp;File…</source>
        <translation>Neue Datensatz&amp;datei…</translation>
    </message>
    <message>
        <source>Copy every pair, review, the trash, the audit log and the settings to a new dataset file</source>
        <translation>Jedes Paar, jede Prüfung, den Papierkorb, das Änderungsprotokoll und die Einstellungen in eine neue Datensatzdatei kopieren</translation>
    </message>
    <message>
        <source>&amp;PostgreSQL…</source>
        <translation>&amp;PostgreSQL…</translation>
    </message>
    <message>
        <source>Copy every pair, review, the trash, the audit log and the settings to an empty PostgreSQL schema</source>
        <translation>Jedes Paar, jede Prüfung, den Papierkorb, das Änderungsprotokoll und die Einstellungen in ein leeres PostgreSQL-Schema kopieren</translation>
    </message>
    <message>
        <source>&amp;Close Dataset</source>
        <translation>Datensatz &amp;schließen</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <source>Undone: %1</source>
        <translation>Rückgängig gemacht: %1</translation>
    </message>
    <message>
        <source>Redone: %1</source>
        <translation>Wiederhergestellt: %1</translation>
    </message>
    <message>
        <source>&amp;Add Pair…</source>
        <translation>Paar &amp;hinzufügen…</translation>
    </message>
    <message>
        <source>Add a pair by hand</source>
        <translation>Ein Paar von Hand hinzufügen</translation>
    </message>
    <message>
        <source>&amp;Edit Pair…</source>
        <translation>Paar &amp;bearbeiten…</translation>
    </message>
    <message>
        <source>Edit the question and SQL of the current pair</source>
        <translation>Frage und SQL des aktuellen Paars bearbeiten</translation>
    </message>
    <message>
        <source>&amp;Delete Selected…</source>
        <translation>Auswahl &amp;löschen…</translation>
    </message>
    <message>
        <source>Move the selected pairs to the trash</source>
        <translation>Die ausgewählten Paare in den Papierkorb verschieben</translation>
    </message>
    <message>
        <source>Delete All &amp;Matching…</source>
        <translation>&amp;Alle passenden löschen…</translation>
    </message>
    <message>
        <source>Move every pair matching the filter to the trash</source>
        <translation>Alle Paare, die dem Filter entsprechen, in den Papierkorb verschieben</translation>
    </message>
    <message>
        <source>&amp;Trash…</source>
        <translation>&amp;Papierkorb…</translation>
    </message>
    <message>
        <source>Restore or purge deleted pairs</source>
        <translation>Gelöschte Paare wiederherstellen oder endgültig löschen</translation>
    </message>
    <message>
        <source>&amp;Privacy Settings…</source>
        <translation>Datenschut&amp;z-Einstellungen…</translation>
    </message>
    <message>
        <source>How each kind of personal data is anonymized, and your own patterns</source>
        <translation>Wie jede Art personenbezogener Daten anonymisiert wird, und eigene Muster</translation>
    </message>
    <message>
        <source>&amp;Review</source>
        <translation>&amp;Prüfung</translation>
    </message>
    <message>
        <source>&amp;Approve</source>
        <translation>&amp;Genehmigen</translation>
    </message>
    <message>
        <source>Approve the selected pairs</source>
        <translation>Die ausgewählten Paare genehmigen</translation>
    </message>
    <message>
        <source>&amp;Reject</source>
        <translation>&amp;Ablehnen</translation>
    </message>
    <message>
        <source>Reject the selected pairs</source>
        <translation>Die ausgewählten Paare ablehnen</translation>
    </message>
    <message>
        <source>Mark &amp;Unreviewed</source>
        <translation>Als &amp;ungeprüft markieren</translation>
    </message>
    <message>
        <source>Reset the review status of the selected pairs</source>
        <translation>Den Prüfstatus der ausgewählten Paare zurücksetzen</translation>
    </message>
    <message>
        <source>&amp;Next Pair</source>
        <translation>&amp;Nächstes Paar</translation>
    </message>
    <message>
        <source>Go to the next pair</source>
        <translation>Zum nächsten Paar gehen</translation>
    </message>
    <message>
        <source>&amp;Previous Pair</source>
        <translation>&amp;Vorheriges Paar</translation>
    </message>
    <message>
        <source>Go to the previous pair</source>
        <translation>Zum vorherigen Paar gehen</translation>
    </message>
    <message>
        <source>Next Un&amp;reviewed</source>
        <translation>Nächstes ung&amp;eprüftes Paar</translation>
    </message>
    <message>
        <source>Go to the next pair that has not been reviewed</source>
        <translation>Zum nächsten Paar gehen, das noch nicht geprüft wurde</translation>
    </message>
    <message>
        <source>&amp;Go to Pair…</source>
        <translation>Zu Paar &amp;springen…</translation>
    </message>
    <message>
        <source>Select the pair with a given pair id</source>
        <translation>Das Paar mit einer bestimmten Paar-ID auswählen</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>Anonymization &amp;Preview</source>
        <translation>Anonymisierungs&amp;vorschau</translation>
    </message>
    <message>
        <source>Show questions and SQL as they will be exported</source>
        <translation>Fragen und SQL so anzeigen, wie sie exportiert werden</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>&amp;Suchen</translation>
    </message>
    <message>
        <source>Search questions and SQL</source>
        <translation>Fragen und SQL durchsuchen</translation>
    </message>
    <message>
        <source>&amp;Clear Filters</source>
        <translation>&amp;Filter zurücksetzen</translation>
    </message>
    <message>
        <source>Show all pairs again</source>
        <translation>Wieder alle Paare anzeigen</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <source>Reload the pairs, including those other programs added</source>
        <translation>Die Paare neu laden, auch die von anderen Programmen hinzugefügten</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <source>&amp;About PairLens</source>
        <translation>Ü&amp;ber PairLens</translation>
    </message>
    <message>
        <source>About PairLens</source>
        <translation>Über PairLens</translation>
    </message>
    <message>
        <source>&lt;b&gt;PairLens %1&lt;/b&gt;&lt;p&gt;Curate natural-language to SQL training pairs: filter, review, anonymize and export them.&lt;/p&gt;</source>
        <translation>&lt;b&gt;PairLens %1&lt;/b&gt;&lt;p&gt;Trainingspaare aus natürlicher Sprache und SQL kuratieren: filtern, prüfen, anonymisieren und exportieren.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Werkzeugleiste</translation>
    </message>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>The dataset %1 does not exist.</source>
        <translation>Der Datensatz %1 existiert nicht.</translation>
    </message>
    <message>
        <source>Creating the demo dataset…</source>
        <translation>Demo-Datensatz wird erstellt…</translation>
    </message>
    <message>
        <source>%1 – PairLens</source>
        <translation>%1 – PairLens</translation>
    </message>
    <message>
        <source>%1 [read-only] – PairLens</source>
        <translation>%1 [schreibgeschützt] – PairLens</translation>
    </message>
    <message>
        <source>This dataset is read-only: you can browse, filter and preview it, but not review, edit, import or delete.</source>
        <translation>Dieser Datensatz ist schreibgeschützt: Sie können ihn durchblättern, filtern und in der Vorschau ansehen, aber nicht prüfen, bearbeiten, importieren oder löschen.</translation>
    </message>
    <message>
        <source>The dataset was upgraded to the current format.</source>
        <translation>Der Datensatz wurde auf das aktuelle Format aktualisiert.</translation>
    </message>
    <message>
        <source>Open or create a dataset first, then import files into it.</source>
        <translation>Öffnen oder erstellen Sie zuerst einen Datensatz und importieren Sie dann Dateien hinein.</translation>
    </message>
    <message>
        <source>The dataset is read-only; nothing can be imported into it.</source>
        <translation>Der Datensatz ist schreibgeschützt; in ihn kann nichts importiert werden.</translation>
    </message>
    <message>
        <source>The import failed: %1</source>
        <translation>Der Import ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Open Dataset</source>
        <translation>Datensatz öffnen</translation>
    </message>
    <message>
        <source>Open Dataset Read-Only</source>
        <translation>Datensatz schreibgeschützt öffnen</translation>
    </message>
    <message>
        <source>PairLens datasets (*.pairlens *.db *.sqlite);;All files (*)</source>
        <translation>PairLens-Datensätze (*.pairlens *.db *.sqlite);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>New Dataset</source>
        <translation>Neuer Datensatz</translation>
    </message>
    <message>
        <source>pairs.pairlens</source>
        <translation>paare.pairlens</translation>
    </message>
    <message>
        <source>PairLens datasets (*.pairlens)</source>
        <translation>PairLens-Datensätze (*.pairlens)</translation>
    </message>
    <message>
        <source>Import Pairs</source>
        <translation>Paare importieren</translation>
    </message>
    <message>
        <source>Pairs (*.jsonl *.ndjson *.json *.csv);;All files (*)</source>
        <translation>Paare (*.jsonl *.ndjson *.json *.csv);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>Statistik</translation>
    </message>
    <message>
        <source>%1 is a file of pairs, not a dataset. Import it into a new dataset, %2?</source>
        <translation>%1 ist eine Datei mit Paaren, kein Datensatz. In einen neuen Datensatz importieren, %2?</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Import</translation>
    </message>
    <message>
        <source>Choose Another Place…</source>
        <translation>Anderen Ort wählen…</translation>
    </message>
    <message>
        <source>Copy Dataset To</source>
        <translation>Datensatz kopieren nach</translation>
    </message>
    <message>
        <source>copy.pairlens</source>
        <translation>kopie.pairlens</translation>
    </message>
    <message>
        <source>Copying the dataset to %1…</source>
        <translation>Der Datensatz wird nach %1 kopiert…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Copy Dataset</source>
        <translation>Datensatz kopieren</translation>
    </message>
    <message>
        <source>The copy was cancelled; nothing was written.</source>
        <translation>Das Kopieren wurde abgebrochen; nichts wurde geschrieben.</translation>
    </message>
    <message numerus="yes">
        <source>Copied %n pairs to %1.</source>
        <translation>
            <numerusform>%n Paar nach %1 kopiert.</numerusform>
            <numerusform>%n Paare nach %1 kopiert.</numerusform>
        </translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
</context>
<context>
    <name>pairlens::ui::PairDialog</name>
    <message>
        <source>Add Pair</source>
        <translation>Paar hinzufügen</translation>
    </message>
    <message>
        <source>Edit Pair</source>
        <translation>Paar bearbeiten</translation>
    </message>
    <message>
        <source>The question a person asked</source>
        <translation>Die Frage, die eine Person gestellt hat</translation>
    </message>
    <message>
        <source>The SQL generated for it</source>
        <translation>Das dafür erzeugte SQL</translation>
    </message>
    <message>
        <source>&amp;Question:</source>
        <translation>&amp;Frage:</translation>
    </message>
    <message>
        <source>&amp;SQL:</source>
        <translation>&amp;SQL:</translation>
    </message>
    <message>
        <source>The SQL ran successfully</source>
        <translation>Das SQL wurde erfolgreich ausgeführt</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> ms</translation>
    </message>
    <message>
        <source>Database &amp;type:</source>
        <translation>Datenbank&amp;typ:</translation>
    </message>
    <message>
        <source>Database &amp;name:</source>
        <translation>Datenbank&amp;name:</translation>
    </message>
    <message>
        <source>&amp;Execution time:</source>
        <translation>&amp;Ausführungszeit:</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
</context>
<context>
    <name>pairlens::ui::PairTableModel</name>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Ja</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>No personal data found</source>
        <translation>Keine personenbezogenen Daten gefunden</translation>
    </message>
    <message>
        <source>Time (UTC)</source>
        <translation>Zeit (UTC)</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>Frage</translation>
    </message>
    <message>
        <source>SQL</source>
        <translation>SQL</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <source>Success</source>
        <translation>Erfolg</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>PII</source>
        <translation>Personendaten</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Deleted (UTC)</source>
        <translation>Gelöscht (UTC)</translation>
    </message>
    <message>
        <source>Statement type of the SQL</source>
        <translation>Abfragetyp des SQL</translation>
    </message>
    <message>
        <source>Database type the SQL ran against</source>
        <translation>Datenbanktyp, auf dem das SQL ausgeführt wurde</translation>
    </message>
    <message>
        <source>Execution time</source>
        <translation>Ausführungszeit</translation>
    </message>
    <message>
        <source>Kinds of personal data found in the question or the SQL</source>
        <translation>Arten personenbezogener Daten, die in der Frage oder im SQL gefunden wurden</translation>
    </message>
    <message>
        <source>Review status</source>
        <translation>Prüfstatus</translation>
    </message>
    <message>
        <source>Order added: the pair&apos;s row number in the dataset</source>
        <translation>Reihenfolge des Hinzufügens: die Zeilennummer des Paars im Datensatz</translation>
    </message>
</context>
<context>
    <name>pairlens::ui::PairTableView</name>
    <message>
        <source>Show All Columns</source>
        <translation>Alle Spalten anzeigen</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>Copy the selected rows as tab-separated text</source>
        <translation>Die ausgewählten Zeilen als tabulatorgetrennten Text kopieren</translation>
    </message>
    <message>
        <source>Copy as CS&amp;V</source>
        <translation>Als CS&amp;V kopieren</translation>
    </message>
    <message>
        <source>Copy the selected rows as CSV with a header</source>
        <translation>Die ausgewählten Zeilen als CSV mit Kopfzeile kopieren</translation>
    </message>
</context>
<context>
    <name>pairlens::ui::PrivacyDecider</name>
    <message>
        <source>Mark as personal data (%1)</source>
        <translation>Als personenbezogen markieren (%1)</translation>
    </message>
    <message>
        <source>Not personal data</source>
        <translation>Keine personenbezogene Angabe</translation>
    </message>
    <message>
        <source>Not personal data in this pair</source>
        <translation>Keine personenbezogenen Daten in diesem Paar</translation>
    </message>
</context>
<context>
    <name>pairlens::ui::PrivacySettingsDialog</name>
    <message>
        <source>Mask (format kept)</source>
        <translation>Maskieren (Format bleibt)</translation>
    </message>
    <message>
        <source>Pseudonym (consistent)</source>
        <translation>Pseudonym (einheitlich)</translation>
    </message>
    <message>
        <source>Redact (&lt;KIND&gt;)</source>
        <translation>Schwärzen (&lt;KIND&gt;)</translation>
    </message>
    <message>
        <source>Hash (keyed)</source>
        <translation>Hash (mit Schlüssel)</translation>
    </message>
    <message>
        <source>Keep (not anonymized)</source>
        <translation>Behalten (nicht anonymisiert)</translation>
    </message>
    <message>
        <source>Surrogate (realistic, same format)</source>
        <translation>Ersatzwert (realistisch, gleiches Format)</translation>
    </message>
    <message>
        <source>Privacy Settings</source>
        <translation>Datenschutz-Einstellungen</translation>
    </message>
    <message>
        <source>&amp;Operators</source>
        <translation>&amp;Operatoren</translation>
    </message>
    <message>
        <source>&amp;Custom Patterns</source>
        <translation>&amp;Eigene Muster</translation>
    </message>
    <message>
        <source>The dataset is open read-only: the settings can be seen, not changed.</source>
        <translation>Der Datensatz ist schreibgeschützt geöffnet: Die Einstellungen sind sichtbar, aber nicht änderbar.</translation>
    </message>
    <message>
        <source>What every export and the preview write in place of each kind of personal data. The examples use this dataset&apos;s key.</source>
        <translation>Was jeder Export und die Vorschau anstelle jeder Art personenbezogener Daten schreiben. Die Beispiele verwenden den Schlüssel dieses Datensatzes.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Kind&lt;/b&gt;</source>
        <translation>&lt;b&gt;Art&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Operator&lt;/b&gt;</source>
        <translation>&lt;b&gt;Operator&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Example&lt;/b&gt;</source>
        <translation>&lt;b&gt;Beispiel&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Database name</source>
        <translation>Datenbankname</translation>
    </message>
    <message>
        <source>Scan the text values of each pair&apos;s &amp;metadata</source>
        <translation>Textwerte der &amp;Metadaten jedes Paars durchsuchen</translation>
    </message>
    <message>
        <source>Your own kinds of personal data, as regular expressions (PCRE syntax), e.g. ticket numbers: TCK-\d{6}. A change rescans the PII column.</source>
        <translation>Eigene Arten personenbezogener Daten als reguläre Ausdrücke (PCRE-Syntax), z. B. Ticketnummern: TCK-\d{6}. Eine Änderung durchsucht die PII-Spalte neu.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Regular expression</source>
        <translation>Regulärer Ausdruck</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Operator</translation>
    </message>
    <message>
        <source>Matches</source>
        <translation>Treffer</translation>
    </message>
    <message>
        <source>&amp;Add Pattern</source>
        <translation>Muster &amp;hinzufügen</translation>
    </message>
    <message>
        <source>&amp;Remove Pattern</source>
        <translation>Muster &amp;entfernen</translation>
    </message>
    <message>
        <source>pattern%1</source>
        <translation>muster%1</translation>
    </message>
    <message>
        <source>&amp;Test text: every pattern and kind is tried on it as you type.</source>
        <translation>&amp;Testtext: Jedes Muster und jede Art wird beim Tippen darauf angewendet.</translation>
    </message>
    <message>
        <source>Paste a question, SQL or metadata value here</source>
        <translation>Frage, SQL oder Metadatenwert hier einfügen</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>pattern %1: %2</source>
        <translation>Muster %1: %2</translation>
    </message>
    <message>
        <source>Nothing found; the text is exported as it is.</source>
        <translation>Nichts gefunden; der Text wird unverändert exportiert.</translation>
    </message>
    <message>
        <source>Found %1.
Exported as: %2</source>
        <translation>Gefunden: %1.
Exportiert als: %2</translation>
    </message>
    <message>
        <source>Type or paste a text above to see what is found in it.</source>
        <translation>Oben einen Text eingeben oder einfügen, um zu sehen, was darin gefunden wird.</translation>
    </message>
</context>
<context>
    <name>pairlens::ui::StatisticsView</name>
    <message>
        <source>Computing statistics…</source>
        <translation>Statistik wird berechnet…</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy the statistics to the clipboard</source>
        <translation>Die Statistik in die Zwischenablage kopieren</translation>
    </message>
    <message>
        <source>Copy as Markdown</source>
        <translation>Als Markdown kopieren</translation>
    </message>
    <message>
        <source>Copy as JSON</source>
        <translation>Als JSON kopieren</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Compute the statistics again</source>
        <translation>Die Statistik neu berechnen</translation>
    </message>
    <message>
        <source>Open a dataset to see its statistics.</source>
        <translation>Öffnen Sie einen Datensatz, um seine Statistik zu sehen.</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>Wird berechnet…</translation>
    </message>
    <message>
        <source>Cannot compute the statistics: %1</source>
        <translation>Die Statistik kann nicht berechnet werden: %1</translation>
    </message>
    <message>
        <source>This dataset has no pairs yet.</source>
        <translation>Dieser Datensatz enthält noch keine Paare.</translation>
    </message>
    <message>
        <source>No pairs match the filter.</source>
        <translation>Keine Paare entsprechen dem Filter.</translation>
    </message>
    <message>
        <source>Save Chart as PNG…</source>
        <translation>Diagramm als PNG speichern…</translation>
    </message>
    <message>
        <source>Save Chart as SVG…</source>
        <translation>Diagramm als SVG speichern…</translation>
    </message>
    <message>
        <source>Copy Statistics as Markdown</source>
        <translation>Statistik als Markdown kopieren</translation>
    </message>
    <message>
        <source>Copy Statistics as JSON</source>
        <translation>Statistik als JSON kopieren</translation>
    </message>
    <message>
        <source>SVG images (*.svg)</source>
        <translation>SVG-Bilder (*.svg)</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
        <source>Save Chart</source>
        <translation>Diagramm speichern</translation>
    </message>
    <message>
        <source>%1 is the dataset itself; choose another file.</source>
        <translation>%1 ist der Datensatz selbst; wählen Sie eine andere Datei.</translation>
    </message>
    <message>
        <source>Computing… %1 %</source>
        <translation>Wird berechnet… %1 %</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; pairs</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; Paare</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; successful</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; erfolgreich</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; tables</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; Tabellen</translation>
    </message>
    <message>
        <source>execution p50 / p90 / p99: &lt;b&gt;%1 / %2 / %3 ms&lt;/b&gt;</source>
        <translation>Ausführung p50 / p90 / p99: &lt;b&gt;%1 / %2 / %3 ms&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; with PII</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; mit PII</translation>
    </message>
    <message>
        <source>&lt;a href=&quot;duplicates:exact&quot;&gt;&lt;b&gt;%1&lt;/b&gt; exact duplicates&lt;/a&gt;, &lt;a href=&quot;duplicates:normalized&quot;&gt;&lt;b&gt;%2&lt;/b&gt; normalized&lt;/a&gt;</source>
        <translation>&lt;a href=&quot;duplicates:exact&quot;&gt;&lt;b&gt;%1&lt;/b&gt; exakte Duplikate&lt;/a&gt;, &lt;a href=&quot;duplicates:normalized&quot;&gt;&lt;b&gt;%2&lt;/b&gt; normalisierte&lt;/a&gt;</translation>
    </message>
    <message>
        <source>duplicates not counted (more than %1 pairs)</source>
        <translation>Duplikate nicht gezählt (mehr als %1 Paare)</translation>
    </message>
    <message>
        <source>%1 in the trash</source>
        <translation>%1 im Papierkorb</translation>
    </message>
    <message>
        <source>%1 to %2</source>
        <translation>%1 bis %2</translation>
    </message>
</context>
<context>
    <name>pairlens::ui::TrashDialog</name>
    <message>
        <source>Trash</source>
        <translation>Papierkorb</translation>
    </message>
    <message>
        <source>Deleted pairs stay here until you purge them. Restore brings them back into the dataset; purge removes them for good.</source>
        <translation>Gelöschte Paare bleiben hier, bis Sie sie endgültig löschen. „Wiederherstellen“ holt sie in den Datensatz zurück; „Endgültig löschen“ entfernt sie für immer.</translation>
    </message>
    <message>
        <source>Select a pair to see its question and SQL in full.</source>
        <translation>Wählen Sie ein Paar, um Frage und SQL vollständig zu sehen.</translation>
    </message>
    <message>
        <source>&amp;Restore Selected</source>
        <translation>Auswahl &amp;wiederherstellen</translation>
    </message>
    <message>
        <source>Restore &amp;All</source>
        <translation>&amp;Alle wiederherstellen</translation>
    </message>
    <message>
        <source>&amp;Purge Selected…</source>
        <translation>Auswahl endgültig &amp;löschen…</translation>
    </message>
    <message>
        <source>Purge A&amp;ll…</source>
        <translation>Alle endgültig lö&amp;schen…</translation>
    </message>
    <message>
        <source>Purge</source>
        <translation>Endgültig löschen</translation>
    </message>
    <message>
        <source>Question:</source>
        <translation>Frage:</translation>
    </message>
    <message>
        <source>SQL:</source>
        <translation>SQL:</translation>
    </message>
    <message>
        <source>deleted %1 UTC</source>
        <translation>gelöscht %1 UTC</translation>
    </message>
    <message>
        <source>note: %1</source>
        <translation>Notiz: %1</translation>
    </message>
    <message>
        <source>The trash is empty.</source>
        <translation>Der Papierkorb ist leer.</translation>
    </message>
    <message>
        <source>1 deleted pair</source>
        <translation>1 gelöschtes Paar</translation>
    </message>
    <message numerus="yes">
        <source>%n deleted pairs</source>
        <translation>
            <numerusform>%n gelöschtes Paar</numerusform>
            <numerusform>%n gelöschte Paare</numerusform>
        </translation>
    </message>
    <message>
        <source>, %1 selected</source>
        <translation>, %1 ausgewählt</translation>
    </message>
    <message>
        <source>Purge the selected pair for good? This cannot be undone.</source>
        <translation>Das ausgewählte Paar endgültig löschen? Dies kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message numerus="yes">
        <source>Purge %n pairs for good? This cannot be undone.</source>
        <translation>
            <numerusform>%n Paar endgültig löschen? Dies kann nicht rückgängig gemacht werden.</numerusform>
            <numerusform>%n Paare endgültig löschen? Dies kann nicht rückgängig gemacht werden.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Purge all %n pairs in the trash for good? This cannot be undone.</source>
        <translation>
            <numerusform>%n Paar im Papierkorb endgültig löschen? Dies kann nicht rückgängig gemacht werden.</numerusform>
            <numerusform>Alle %n Paare im Papierkorb endgültig löschen? Dies kann nicht rückgängig gemacht werden.</numerusform>
        </translation>
    </message>
</context>
</TS>
