#include "importdialog.h"

#include "dataset/bulkload.h"
#include "dataset/dataset.h"
#include "dataset/pairstore.h"
#include "storage/pgstorage.h"
#include "storage/storageimport.h"

#include <QDeadlineTimer>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::StringLiterals;

namespace pairlens::ui {

ImportDialog::ImportDialog(const QString &location, const QStringList &files, QWidget *parent)
    : QDialog(parent), m_location(location), m_files(files)
{
    setWindowTitle(tr("Import"));
    auto *layout = new QVBoxLayout(this);
    m_label = new QLabel;
    m_label->setWordWrap(true);
    m_bar = new QProgressBar;
    m_bar->setRange(0, 1000);
    m_summary = new QLabel;
    m_summary->setObjectName(u"importSummary"_s);
    m_summary->setWordWrap(true);
    m_summary->hide();
    m_issues = new QPlainTextEdit;
    m_issues->setObjectName(u"importIssues"_s);
    m_issues->setReadOnly(true);
    m_issues->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_issues->hide();
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ImportDialog::reject);
    layout->addWidget(m_label);
    layout->addWidget(m_bar);
    layout->addWidget(m_summary);
    layout->addWidget(m_issues, 1);
    layout->addWidget(m_buttons);
    resize(560, 160);
}

ImportDialog::~ImportDialog()
{
    m_cancel = true;
    m_future.waitForFinished();
}

void ImportDialog::start()
{
    m_running = true;
    m_label->setText(tr("Importing %1…").arg(QFileInfo(m_files.value(0)).fileName()));
    const QString location = m_location;
    const QStringList files = m_files;
    m_future = QtConcurrent::run([this, location, files] {
        ImportReport total = m_createsDataset               ? importIntoNewFile(location, files)
                             : isPostgresLocation(location) ? importIntoPostgres(location, files)
                                                            : importIntoFile(location, files);
        total.cancelled = total.cancelled || m_cancel;
        QMetaObject::invokeMethod(this, [this, total] { onFinished(total); });
    });
}

ImportReport ImportDialog::importIntoFile(const QString &location, const QStringList &files)
{
    // The import thread's own connection: a QSqlDatabase belongs to the thread that opened it.
    ImportReport total;
    QString error;
    std::unique_ptr<Dataset> ds = Dataset::open(location, Dataset::Mode::OpenExisting, &error);
    if (!ds) {
        total.fatalError = error;
        return total;
    }
    PairStore store(*ds);
    importEach(store, files, &total);
    return total;
}

void ImportDialog::importEach(PairStore &store, const QStringList &files, ImportReport *total)
{
    Importer importer(store);
    QDeadlineTimer throttle(0);
    for (int i = 0; i < files.size() && !m_cancel; ++i) {
        const Progress progress = progressOf(i, &throttle);
        store.startAddAudit(u"import"_s, {{u"file"_s, files.at(i)}, {u"source"_s, u"window"_s}});
        ImportReport r = importer.importFile(files.at(i), ImportFormat::Auto, progress);
        store.finishAddAudit({{u"records"_s, r.records}, {u"skipped"_s, r.rejected}});
        addFileReport(total, std::move(r), files.at(i));
    }
}

ImportReport ImportDialog::importIntoNewFile(const QString &location, const QStringList &files)
{
    // `pairlens import NEW FILE`'s way: a file nobody else knows of, renamed to the location when
    // its indexes are built. Dropped without finish() (a failure), it removes itself.
    ImportReport total;
    QString error;
    std::unique_ptr<BulkLoad> bulk = BulkLoad::begin(location, &error);
    if (!bulk) {
        total.fatalError = error;
        return total;
    }
    {
        PairStore store(bulk->dataset());
        store.setBulkLoad(true);
        importEach(store, files, &total);
    }
    if (!total.fatalError.isEmpty() || (total.added == 0 && m_cancel))
        return total; // no dataset: the import failed, or was cancelled before a pair came in
    QMetaObject::invokeMethod(this, [this] {
        m_building = true;
        m_label->setText(tr("Building the indexes of the new dataset…"));
        m_bar->setRange(0, 0); // busy: the build reports no steps
        m_buttons->setEnabled(false);
    });
    if (!bulk->finish(&error))
        total.fatalError = error;
    return total;
}

void ImportDialog::addFileReport(ImportReport *total, ImportReport report, const QString &file)
{
    // The issues and a fatal error name the file they are about.
    for (ImportIssue &issue : report.issues) {
        if (issue.file.isEmpty())
            issue.file = file;
    }
    if (!report.fatalError.isEmpty())
        report.fatalError = tr("%1: %2").arg(QFileInfo(file).fileName(), report.fatalError);
    total->merge(report);
}

Progress ImportDialog::progressOf(int file, QDeadlineTimer *throttle)
{
    return Progress(
        [this, file, throttle](qint64 done, qint64 all, const QString &) {
            if (!throttle->hasExpired() && done < all)
                return;
            throttle->setRemainingTime(100);
            QMetaObject::invokeMethod(this, [this, file, done, all] { onProgress(file, done, all); });
        },
        &m_cancel);
}

ImportReport ImportDialog::importIntoPostgres(const QString &location, const QStringList &files)
{
    // The import thread's own connection, as for a file; the records go through the file's importer
    // into the schema (importIntoStorage: `pairlens import URL`'s way, COPY in batches).
    ImportReport total;
    QString error;
    std::unique_ptr<PgStorage> storage = PgStorage::open(location, &error);
    if (!storage) {
        total.fatalError = error;
        return total;
    }
    QDeadlineTimer throttle(0);
    for (int i = 0; i < files.size() && !m_cancel; ++i) {
        addFileReport(&total,
                      importIntoStorage(*storage, files.at(i), ImportFormat::Auto, progressOf(i, &throttle),
                                        {{u"source"_s, u"window"_s}}),
                      files.at(i));
    }
    // Many new rows: the planner's statistics now rather than when autovacuum comes (as the CLI).
    if (total.added >= 10000)
        storage->analyze();
    return total;
}

void ImportDialog::onProgress(int file, qint64 done, qint64 total)
{
    m_label->setText(tr("Importing %1 (%2 of %3)…")
                         .arg(QFileInfo(m_files.value(file)).fileName())
                         .arg(file + 1)
                         .arg(m_files.size()));
    const double fraction =
        (file + (total > 0 ? double(done) / double(total) : 0.0)) / std::max<qsizetype>(1, m_files.size());
    m_bar->setValue(int(fraction * 1000));
}

QString ImportDialog::summary(const ImportReport &r, int files)
{
    QStringList parts;
    parts << (r.added == 1 ? tr("1 pair added") : tr("%Ln pairs added", nullptr, int(r.added)));
    if (r.alreadyPresent)
        parts << tr("%Ln already in the dataset (left as they were)", nullptr, int(r.alreadyPresent));
    if (r.rejected)
        parts << tr("%Ln rejected", nullptr, int(r.rejected));
    if (const qint64 n = r.conflictsWithDataset + r.conflictsInFile; n > 0)
        parts << tr("%Ln not imported because another question or SQL has their pair_id", nullptr, int(n));
    QString text = (files == 1 ? tr("Read %L1 records from 1 file: ").arg(r.records)
                               : tr("Read %L1 records from %2 files: ").arg(r.records).arg(files)) +
                   parts.join(u", "_s) + u'.';
    if (r.cancelled)
        text += u' ' + tr("The import was cancelled; the pairs added before stay in the dataset.");
    if (!r.fatalError.isEmpty())
        text += u' ' + r.fatalError;
    return text;
}

QString ImportDialog::issueText(const ImportReport &r)
{
    QStringList lines;
    for (const ImportIssue &i : r.issues) {
        const QString where = i.line > 0
                                  ? tr("%1, line %2").arg(QFileInfo(i.file).fileName()).arg(i.line)
                                  : tr("%1, record %2").arg(QFileInfo(i.file).fileName()).arg(i.record);
        lines << where + u": "_s + i.reason;
    }
    if (r.rejected > r.issues.size())
        lines << tr("… and %n more", nullptr, int(r.rejected - r.issues.size()));
    return lines.join(u'\n');
}

QString ImportDialog::conflictText(const ImportReport &r)
{
    // A pair_id taken by another question or SQL is no error (re-importing a file after editing
    // its pairs does it), but the record's content did not come in: say which, never the values.
    QStringList lines;
    for (const ImportIssue &i : r.conflicts)
        lines << tr("%1, line %2").arg(QFileInfo(i.file).fileName()).arg(i.line) + u": "_s + i.reason;
    const qint64 n = r.conflictsWithDataset + r.conflictsInFile;
    if (n > r.conflicts.size())
        lines << tr("… and %n more", nullptr, int(n - r.conflicts.size()));
    return lines.join(u'\n');
}

void ImportDialog::onFinished(const ImportReport &report)
{
    m_running = false;
    m_building = false;
    m_report = report;
    m_bar->setRange(0, 1000);
    m_bar->setValue(m_bar->maximum());
    m_buttons->setEnabled(true);
    m_label->setText(report.fatalError.isEmpty() && !report.cancelled ? tr("Import finished.")
                     : report.cancelled                               ? tr("Import cancelled.")
                                                                      : tr("Import failed."));
    m_summary->setText(summary(report, int(m_files.size())));
    m_summary->show();
    QStringList sections;
    if (!report.issues.isEmpty())
        sections << tr("Rejected records:") + u'\n' + issueText(report);
    if (!report.conflicts.isEmpty())
        sections << tr("Not imported, their pair_id is taken by another question or SQL (the pair that was "
                       "there first is kept):") +
                        u'\n' + conflictText(report);
    if (!sections.isEmpty()) {
        m_issues->setPlainText(sections.join(u"\n\n"_s));
        m_issues->show();
        resize(width(), 420);
    }
    m_buttons->setStandardButtons(QDialogButtonBox::Close);
    emit importFinished(report);
}

void ImportDialog::reject()
{
    if (m_building)
        return; // the pairs are in; only the indexes are left to build
    if (m_running) {
        m_cancel = true; // the import stops at its next progress report and finishes normally
        m_label->setText(tr("Cancelling…"));
        return;
    }
    QDialog::reject();
}

} // namespace pairlens::ui
