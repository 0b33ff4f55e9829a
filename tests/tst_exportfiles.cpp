// The export engine's target files: atomicity (cancel, failing targets), empty exports, manifest,
// audit entry, which earlier files an export may replace and which never.
#include "dataset/demogenerator.h"
#include "export/outputfile.h"
#include "exportfixture.h"

#include <QCryptographicHash>
#include <QDir>
#include <QSqlQuery>

#include <cerrno>
#include <csignal>
#include <sys/resource.h>
#include <sys/stat.h>
#include <zlib.h>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::exporting;
using namespace pairlens::test;

class TstExportFiles : public QObject, private ExportFixture
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void cancelLeavesNothing();
    void failingTargetLeavesNothing();
    void zeroMatchesWritesValidEmptyFiles_data();
    void zeroMatchesWritesValidEmptyFiles();
    void manifestContents();
    void auditLogEntry();
    void replacesOnlyEarlierExports();
    void replacingSplitsAndManifests();
    void neverReplacesSpecialFiles();
    void largeFilesWrittenInOrder_data();
    void largeFilesWrittenInOrder();
    void writeFailureMidwayLeavesNothing();
};

namespace {

// 24 MiB of lines that differ (so that an out-of-order or lost buffer shows), in pieces of odd sizes
// that straddle the 1 MiB buffers the writing thread takes.
QByteArray manyLines()
{
    QByteArray all;
    for (int i = 0; all.size() < (24 << 20); ++i)
        all += "{\"n\": " + QByteArray::number(i) + ", \"text\": \"" +
               QByteArray(i % 97, char('a' + i % 26)) + "\"}\n";
    return all;
}

bool writeInPieces(OutputFile &file, const QByteArray &all)
{
    for (qsizetype at = 0, step = 1; at < all.size(); at += step, step = step * 7 % 300001 + 1)
        if (!file.write(all.constData() + at, std::min(step, all.size() - at)))
            return false;
    return true;
}

QByteArray gunzip(const QByteArray &gz)
{
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 16) != Z_OK)
        return {};
    QByteArray out;
    QByteArray chunk(1 << 16, Qt::Uninitialized);
    zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(gz.constData()));
    zs.avail_in = uInt(gz.size());
    int rc = Z_OK;
    while (rc == Z_OK) {
        zs.next_out = reinterpret_cast<Bytef *>(chunk.data());
        zs.avail_out = uInt(chunk.size());
        rc = inflate(&zs, Z_NO_FLUSH);
        out.append(chunk.constData(), chunk.size() - qsizetype(zs.avail_out));
    }
    inflateEnd(&zs);
    return rc == Z_STREAM_END ? out : QByteArray();
}

} // namespace

void TstExportFiles::init()
{
    setUp();
}

void TstExportFiles::cleanup()
{
    tearDown();
}

void TstExportFiles::cancelLeavesNothing()
{
    PairStore store(*m_ds);
    QCOMPARE(store.add(DemoGenerator(3).generate(3000)).added, 3000);
    const QString target = m_dir->filePath(u"c.jsonl"_s);
    {
        QFile old(target);
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write("OLD CONTENT\n");
    }
    std::atomic_bool cancel = false;
    int reports = 0;
    const Progress progress(
        [&](qint64, qint64, const QString &) {
            if (++reports == 2)
                cancel = true;
        },
        &cancel);
    ExportOptions o;
    o.target = target;
    o.split = 0.5;
    o.overwrite = true; // c.jsonl is no export: without this it would be refused before starting
    const ExportResult r = Exporter(*m_ds, o).run(progress);
    QVERIFY(r.cancelled);
    QVERIFY(!r.ok);
    QCOMPARE(readFile(target), QByteArray("OLD CONTENT\n"));
    QStringList left = QDir(m_dir->path()).entryList(QDir::Files | QDir::Hidden);
    left.removeIf([](const QString &name) { return name.startsWith(u"ds.pairlens"_s); });
    QCOMPARE(left, QStringList{u"c.jsonl"_s}); // no temporary, no manifest, no train/val file
}

void TstExportFiles::failingTargetLeavesNothing()
{
    ExportOptions o;
    o.target = m_dir->filePath(u"missing/dir/out.jsonl"_s);
    ExportResult r = Exporter(*m_ds, o).run();
    QVERIFY(!r.ok);
    QVERIFY(r.error.contains(u"missing"_s));
    QVERIFY(!QFileInfo::exists(m_dir->filePath(u"missing"_s)));

    // A split whose validation file can't be written: the training file is not written either and
    // an existing one stays as it was.
    const QString train = m_dir->filePath(u"x.train.jsonl"_s);
    {
        QFile old(train);
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write("OLD\n");
    }
    QVERIFY(QDir(m_dir->path()).mkdir(u"x.val.jsonl"_s));
    o.target = m_dir->filePath(u"x.jsonl"_s);
    o.split = 0.5;
    o.overwrite = true; // x.train.jsonl is no export
    r = Exporter(*m_ds, o).run();
    QVERIFY(!r.ok);
    QVERIFY(!r.error.isEmpty());
    QCOMPARE(readFile(train), QByteArray("OLD\n"));
    QVERIFY(!QFileInfo::exists(m_dir->filePath(u"x.jsonl.manifest.json"_s)));
    QCOMPARE(QDir(m_dir->path()).entryList({u"x.*"_s}, QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot),
             (QStringList{u"x.train.jsonl"_s, u"x.val.jsonl"_s}));
}

void TstExportFiles::zeroMatchesWritesValidEmptyFiles_data()
{
    QTest::addColumn<Format>("format");
    for (Format f : allFormats())
        QTest::newRow(qPrintable(formatName(f))) << f;
}

void TstExportFiles::zeroMatchesWritesValidEmptyFiles()
{
    QFETCH(Format, format);
    ExportOptions o;
    o.filter.search = u"zzzznomatch"_s;
    const ExportResult r = exportTo(u"empty."_s + formatExtension(format), format, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.count, 0);
    QCOMPARE(r.matched, 0);
    const QByteArray raw = readFile(r.files.at(0).path);
    QVERIFY(QFileInfo::exists(r.files.at(0).path));
    if (format == Format::Json) {
        QJsonParseError e;
        const QJsonObject doc = QJsonDocument::fromJson(raw, &e).object();
        QCOMPARE(e.error, QJsonParseError::NoError);
        QCOMPARE(doc[u"pairs"_s].toArray().size(), 0);
        QVERIFY(doc[u"pairs"_s].isArray());
        QCOMPARE(doc[u"total_pairs"_s].toInt(-1), 0);
    } else if (format == Format::Csv) {
        QCOMPARE(parseCsv(raw).size(), 1);
    } else {
        QCOMPARE(raw.size(), 0);
    }
}

void TstExportFiles::manifestContents()
{
    ExportOptions o;
    o.filter.queryTypes = {u"SELECT"_s};
    o.gzip = true;
    const ExportResult r = exportTo(u"m.jsonl"_s, Format::Jsonl, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.manifestPath, m_dir->filePath(u"m.jsonl.gz.manifest.json"_s));
    const QByteArray text = readFile(r.manifestPath);
    const QJsonObject m = QJsonDocument::fromJson(text).object();
    QCOMPARE(m[u"pair_count"_s].toInt(), 5);
    QCOMPARE(m[u"format"_s].toString(), u"jsonl"_s);
    QCOMPARE(m[u"engine_version"_s].toString(), QStringLiteral(PAIRLENS_VERSION));
    QCOMPARE(m[u"filter"_s].toObject()[u"query_types"_s].toArray().size(), 1);
    QCOMPARE(m[u"options"_s].toObject()[u"gzip"_s].toBool(), true);
    const QJsonObject anon = m[u"anonymization"_s].toObject();
    QCOMPARE(anon[u"enabled"_s].toBool(), true);
    QCOMPARE(anon[u"operators"_s].toObject()[u"email"_s].toString(), u"mask"_s);
    const QJsonArray files = m[u"files"_s].toArray();
    QCOMPARE(files.size(), 1);
    QCOMPARE(files.at(0)[u"name"_s].toString(), u"m.jsonl.gz"_s);
    const QByteArray sha =
        QCryptographicHash::hash(readFile(m_dir->filePath(u"m.jsonl.gz"_s)), QCryptographicHash::Sha256)
            .toHex();
    QCOMPARE(files.at(0)[u"sha256"_s].toString().toLatin1(), sha);
    QCOMPARE(r.files.at(0).sha256, sha);
    // The key never leaves the dataset.
    const QByteArray key = m_ds->secret();
    QVERIFY(!text.contains(key.toHex()));
    QVERIFY(!text.contains(key.toBase64()));
}

void TstExportFiles::auditLogEntry()
{
    const ExportResult r = exportTo(u"audit.csv"_s, Format::Csv);
    QVERIFY2(r.ok, qPrintable(r.error));
    QSqlQuery q(m_ds->db());
    QVERIFY(q.exec(u"SELECT pair_count, detail FROM audit_log WHERE action = 'export' ORDER BY id DESC"_s));
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toInt(), 5);
    const QJsonObject detail = QJsonDocument::fromJson(q.value(1).toString().toUtf8()).object();
    QCOMPARE(detail[u"format"_s].toString(), u"csv"_s);
    QCOMPARE(detail[u"anonymized"_s].toBool(), true);
    QVERIFY(detail[u"files"_s].toArray().at(0).toString().endsWith(u"audit.csv"_s));
    QCOMPARE(detail[u"sha256"_s].toArray().at(0).toString().toLatin1(), r.files.at(0).sha256);
}

void TstExportFiles::replacesOnlyEarlierExports()
{
    const QString target = m_dir->filePath(u"r.jsonl"_s);
    const QString manifest = target + u".manifest.json"_s;
    auto write = [](const QString &path, const QByteArray &bytes) {
        QFile f(path);
        return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
    };
    ExportOptions o;
    o.target = target;

    // A user's own file is refused and left as it is; nothing else appears.
    QVERIFY(write(target, "my notes\n"));
    QCOMPARE(Exporter::filesNeedingConfirmation(o, m_ds->location()), QStringList{target});
    ExportResult r = Exporter(*m_ds, o).run();
    QVERIFY(!r.ok);
    QVERIFY(!r.cancelled);
    QCOMPARE(r.refusedFiles, QStringList{target});
    QVERIFY2(r.error.contains(u"r.jsonl"_s), qPrintable(r.error));
    QCOMPARE(readFile(target), QByteArray("my notes\n"));
    QVERIFY(!QFile::exists(manifest));

    // With overwrite (--force) it is replaced; the export and its manifest are an earlier export
    // from then on, and replaced again without asking.
    o.overwrite = true;
    r = Exporter(*m_ds, o).run();
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(parseJsonl(readFile(target)).size(), 5);
    o.overwrite = false;
    QVERIFY(Exporter::filesNeedingConfirmation(o, m_ds->location()).isEmpty());
    o.fields = {Field::PairId};
    r = Exporter(*m_ds, o).run();
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY(readFile(target).startsWith("{\"pair_id\":\"p1\"}\n"));

    // An export changed since (someone edited it) is no longer an earlier export.
    QVERIFY(write(target, readFile(target) + "{\"pair_id\":\"mine\"}\n"));
    const QByteArray edited = readFile(target);
    r = Exporter(*m_ds, o).run();
    QVERIFY(!r.ok);
    QCOMPARE(r.refusedFiles, QStringList{target});
    QCOMPARE(readFile(target), edited);

    // Same size, other bytes: the SHA-256 tells.
    o.overwrite = true;
    QVERIFY(Exporter(*m_ds, o).run().ok);
    o.overwrite = false;
    QByteArray same = readFile(target);
    same[2] = same[2] == 'x' ? 'y' : 'x';
    QVERIFY(write(target, same));
    QCOMPARE(Exporter(*m_ds, o).run().refusedFiles, QStringList{target});
    QCOMPARE(readFile(target), same);

    // An earlier export of another format is not one of this kind.
    o.overwrite = true;
    QVERIFY(Exporter(*m_ds, o).run().ok);
    o.overwrite = false;
    const QByteArray jsonl = readFile(target);
    o.fields.clear();
    o.format = Format::OpenAiChat;
    r = Exporter(*m_ds, o).run();
    QVERIFY(!r.ok);
    QCOMPARE(r.refusedFiles, (QStringList{target, manifest}));
    QCOMPARE(readFile(target), jsonl);

    // A manifest that PairLens did not write does not make the file an export.
    o.format = Format::Jsonl;
    QVERIFY(write(manifest, QJsonDocument(QJsonObject{{u"engine"_s, u"Other"_s},
                                                      {u"manifest_version"_s, 1},
                                                      {u"format"_s, u"jsonl"_s},
                                                      {u"files"_s, QJsonArray{}}})
                                .toJson()));
    QCOMPARE(Exporter(*m_ds, o).run().refusedFiles, (QStringList{target, manifest}));

    // Overwrite replaces anything, but never the dataset.
    o.overwrite = true;
    QVERIFY(Exporter(*m_ds, o).run().ok);
    o.target = m_ds->location();
    r = Exporter(*m_ds, o).run();
    QVERIFY(!r.ok);
    QVERIFY2(r.error.contains(u"dataset itself"_s), qPrintable(r.error));
    QVERIFY(r.refusedFiles.isEmpty());
    QCOMPARE(PairStore(*m_ds).count(Filter{}), 5);
}

void TstExportFiles::replacingSplitsAndManifests()
{
    auto write = [](const QString &path, const QByteArray &bytes) {
        QFile f(path);
        return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
    };
    ExportOptions o;
    o.target = m_dir->filePath(u"s.csv"_s);
    o.format = Format::Csv;
    o.split = 0.5;
    const QString train = m_dir->filePath(u"s.train.csv"_s);
    const QString val = m_dir->filePath(u"s.val.csv"_s);
    const QString manifest = m_dir->filePath(u"s.csv.manifest.json"_s);

    // A user's file at a split part, or at the manifest's path, is refused.
    QVERIFY(write(val, "a,b\r\n"));
    ExportResult r = Exporter(*m_ds, o).run();
    QCOMPARE(r.refusedFiles, QStringList{val});
    QVERIFY(!QFile::exists(train));
    QVERIFY(QFile::remove(val));
    QVERIFY(write(manifest, "{}"));
    r = Exporter(*m_ds, o).run();
    QCOMPARE(r.refusedFiles, QStringList{manifest});
    QCOMPARE(readFile(manifest), QByteArray("{}"));
    QVERIFY(!QFile::exists(train) && !QFile::exists(val));
    QVERIFY(QFile::remove(manifest));

    // An earlier split export (both parts listed in one manifest) is replaced.
    r = Exporter(*m_ds, o).run();
    QVERIFY2(r.ok, qPrintable(r.error));
    r = Exporter(*m_ds, o).run();
    QVERIFY2(r.ok, qPrintable(r.error));
    // A manifest whose files are gone may be replaced; a file that it does not list may not.
    QVERIFY(QFile::remove(train));
    QVERIFY(QFile::remove(val));
    QVERIFY(Exporter(*m_ds, o).run().ok);
    o.split = 0;
    QVERIFY(write(o.target, "pair_id\r\nmine\r\n"));
    QCOMPARE(Exporter(*m_ds, o).run().refusedFiles, QStringList{o.target});
    QCOMPARE(readFile(o.target), QByteArray("pair_id\r\nmine\r\n"));

    // With a manifest left out, a file at the manifest's path is not touched and not asked about.
    o.writeManifest = false;
    o.target = m_dir->filePath(u"nomanifest.csv"_s);
    QVERIFY(write(o.target + u".manifest.json"_s, "mine"));
    QVERIFY(Exporter(*m_ds, o).run().ok);
    QCOMPARE(readFile(o.target + u".manifest.json"_s), QByteArray("mine"));
}

void TstExportFiles::neverReplacesSpecialFiles()
{
    // A FIFO (or a device) is never opened nor replaced, not even with overwrite; a dangling link
    // counts as a file that is not an export.
    const QString fifo = m_dir->filePath(u"pipe.jsonl"_s);
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    ExportOptions o;
    o.target = fifo;
    o.overwrite = true;
    ExportResult r = Exporter(*m_ds, o).run();
    QVERIFY(!r.ok);
    QVERIFY2(r.error.contains(u"not a regular file"_s), qPrintable(r.error));
    QVERIFY(QFileInfo(fifo).isSymLink() || !QFileInfo(fifo).isFile());
    QVERIFY(Exporter::filesNeedingConfirmation(o, m_ds->location()).isEmpty());

    const QString link = m_dir->filePath(u"dangling.jsonl"_s);
    QVERIFY(QFile::link(m_dir->filePath(u"nowhere/at/all"_s), link));
    o.target = link;
    o.overwrite = false;
    QCOMPARE(Exporter::filesNeedingConfirmation(o, m_ds->location()), QStringList{link});
    QCOMPARE(Exporter(*m_ds, o).run().refusedFiles, QStringList{link});
}

// Full buffers are compressed, hashed and written by a thread of the file's own: every byte
// arrives in order, and the checksum is that of the bytes on disk.
void TstExportFiles::largeFilesWrittenInOrder_data()
{
    QTest::addColumn<int>("gzipLevel");
    QTest::newRow("plain") << 0;
    QTest::newRow("gzip") << 6;
}

void TstExportFiles::largeFilesWrittenInOrder()
{
    QFETCH(int, gzipLevel);
    const QByteArray all = manyLines();
    const QString target = m_dir->filePath(u"big.jsonl"_s);
    OutputFile file(target, gzipLevel);
    QVERIFY2(file.open(), qPrintable(file.errorString()));
    QVERIFY2(writeInPieces(file, all), qPrintable(file.errorString()));
    QVERIFY2(file.commit(), qPrintable(file.errorString()));
    const QByteArray onDisk = readFile(target);
    QCOMPARE(file.bytesWritten(), onDisk.size());
    QCOMPARE(file.sha256Hex(), QCryptographicHash::hash(onDisk, QCryptographicHash::Sha256).toHex());
    QCOMPARE(file.sha256Hex(), sha256OfFile(target));
    QVERIFY((gzipLevel ? gunzip(onDisk) : onDisk) == all);
}

// A write that fails on the writing thread (here the file size limit, EFBIG, as a full disk would)
// fails the file with one sentence, and nothing is left at the target or beside it.
void TstExportFiles::writeFailureMidwayLeavesNothing()
{
    rlimit old{};
    QCOMPARE(getrlimit(RLIMIT_FSIZE, &old), 0);
    const auto oldSignal = std::signal(SIGXFSZ, SIG_IGN);
    rlimit small = old;
    small.rlim_cur = 5 << 20;
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &small), 0);
    const QString target = m_dir->filePath(u"limited.jsonl"_s);
    bool wrote = false, committed = false;
    QString error;
    {
        OutputFile file(target);
        QVERIFY(file.open());
        wrote = writeInPieces(file, manyLines());
        committed = wrote && file.commit();
        error = file.errorString();
    }
    setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, oldSignal);
    QVERIFY(!committed);
    // The C library's reason, not Qt's "Unknown error".
    QVERIFY2(error.startsWith(u"Cannot write "_s) && error.contains(u"limited.jsonl"_s) &&
                 error.endsWith(qt_error_string(EFBIG)),
             qPrintable(error));
    QStringList left = QDir(m_dir->path()).entryList(QDir::Files | QDir::Hidden);
    left.removeIf([](const QString &name) { return name.startsWith(u"ds.pairlens"_s); });
    QCOMPARE(left, QStringList());
}

QTEST_GUILESS_MAIN(TstExportFiles)
#include "tst_exportfiles.moc"
