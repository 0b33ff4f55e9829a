<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>CsvReader</name>
    <message>
        <source>a quoted field is not closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the record is not valid UTF-8</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Dataset</name>
    <message>
        <source>PostgreSQL datasets are not supported by this build yet; use a dataset file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The dataset %1 does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is a folder, not a dataset file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a PairLens dataset (it is not an SQLite database file).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create %1: the folder %2 does not exist or is not writable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is damaged or not a PairLens dataset: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is an SQLite database, but not a PairLens dataset; PairLens leaves it untouched.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 was written by a newer PairLens (format version %2; this version reads up to %3). Please update PairLens.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is empty and read-only, so it cannot become a dataset.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 uses an older format (version %2) and is read-only, so it cannot be upgraded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is an empty database, not a PairLens dataset.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot prepare %1 as a dataset: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write to %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The dataset is read-only.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PairStore</name>
    <message>
        <source>The dataset is read-only; nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write to the dataset: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The pair no longer exists.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>cli</name>
    <message>
        <source>The subcommand.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try &apos;pairlens %1 --help&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pairlens %1: missing arguments. Try &apos;pairlens %1 --help&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warning: could not analyse new pairs: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>PairLens %1: curate natural-language to SQL training pairs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Usage:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>open the window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>FILTER: --from DATE --to DATE --successful-only --failed-only --type T,... --db-type T,... --db-name N,... --search TEXT --pii [KIND,...] --status S,...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run &apos;pairlens COMMAND --help&apos; for the options of a command.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>pairlens::Importer</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 does not start with a JSON array or object.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot tell the format of %1: expected JSON Lines, JSON or CSV.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no question (natural_language_query or question)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no SQL (sql_query or sql)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a text field is larger than 1 MiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the timestamp &quot;%1&quot; is not an ISO-8601 date and time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;success&quot; is not true or false</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;execution_time_ms&quot; is not a number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;metadata&quot; is not a JSON object</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 does not exist or is not a file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the line is longer than 16 MiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the line is not valid UTF-8</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not valid JSON (%1 at column %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the line is not a JSON object</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not valid JSON: %2 on line %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>record %1 is not a JSON object</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has no &quot;natural_language_query&quot; or &quot;question&quot; column in its header.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 fields where the header has %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>pairlens::Importer::Sink</name>
    <message>
        <source>Cannot write to the dataset: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>pairlens::cli</name>
    <message>
        <source>Only pairs on or after DATE (YYYY-MM-DD or ISO-8601).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only pairs on or before DATE (YYYY-MM-DD or ISO-8601).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only pairs whose SQL ran successfully.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only pairs whose SQL failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only these statement types (SELECT,INSERT,...).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only these database types (postgresql,mysql,...).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only these database names.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Full-text search over question and SQL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only pairs containing PII (of these kinds: email,phone,ssn,credit_card,ip_address,iban,custom; &apos;any&apos; for all).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only these review statuses (unreviewed,approved,rejected).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--from: &quot;%1&quot; is not a date (use YYYY-MM-DD).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--to: &quot;%1&quot; is not a date (use YYYY-MM-DD).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--successful-only and --failed-only exclude each other.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--pii: unknown kind &quot;%1&quot; (known: %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--status: unknown review status &quot;%1&quot; (use unreviewed, approved or rejected).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Moves pairs to the trash (restore them with &apos;pairlens restore&apos;). Give --id or a filter.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dataset file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A pair_id to delete (repeat, or separate with commas).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Don&apos;t ask for confirmation.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pairlens delete: give --id ID or a filter (for example --failed-only); refusing to delete every pair.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No pairs match; nothing was deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pairlens delete: %1 pairs match; add --yes to delete them without a prompt.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move %1 pairs to the trash?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot delete from %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Moved %1 pairs to the trash. Undo with: pairlens restore %2 --all</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restores deleted pairs from the trash.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A pair_id to restore (repeat, or separate with commas).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restore every deleted pair.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pairlens restore: give either --id ID... or --all.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot restore in %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restored %1 pairs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Writes a synthetic dataset with realistic questions, SQL and PII.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dataset file to create or add to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How many pairs (default 2000).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Random seed; the same seed gives the same pairs (default 42).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pairlens demo: --pairs takes a number from 0 to 100000000 and --seed a non-negative number.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>demo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write to %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrote %1 demo pairs to %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imports pairs from JSON Lines, JSON or CSV files (seed field names, or question/sql/db_id). Malformed records are reported with their line number; the rest are imported. Exits 0 only when every record was imported or was already present.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dataset file (created when missing).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Files to import.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Force the format: jsonl, json or csv (default: detected).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pairlens import: --format must be jsonl, json or csv.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is read-only; nothing was imported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1:%2: skipped: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: record %2: skipped: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 more records skipped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 records, %3 imported, %4 already present, %5 skipped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lists the pairs of a dataset, newest first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At most N pairs (default 50).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skip the first N matching pairs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Print JSON (see docs/cli.md).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pairlens list: --limit and --offset take non-negative numbers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 matching pairs shown (offset %3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shows statistics of the pairs matching the filter.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot compute statistics of %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pairs:            %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Successful:       %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed:           %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unique tables:    %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Avg question:     %1 characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Avg SQL:          %1 characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Date range:       %1 .. %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Statement types:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database types:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(unknown)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>pairlens::ui::MainWindow</name>
    <message>
        <source>PairLens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open Dataset…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Dataset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PairLens datasets (*.pairlens *.db *.sqlite);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 – PairLens</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n pairs</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>pairlens::ui::PairTableModel</name>
    <message>
        <source>yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Question</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SQL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Success</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PII</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Review</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
