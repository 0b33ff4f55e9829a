#pragma once

#include "dataset/importer.h"

#include <QDeadlineTimer>
#include <QDialog>
#include <QFuture>

#include <atomic>

class QDialogButtonBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;

namespace pairlens {
class PairStore;
}

namespace pairlens::ui {

// Imports files into a dataset (a file, or a PostgreSQL schema given by its URL with the password)
// on a thread of its own (with its own connection, so the table keeps answering), shows the progress
// with Cancel, then a report with the rejected lines and why.
class ImportDialog : public QDialog
{
    Q_OBJECT
public:
    ImportDialog(const QString &location, const QStringList &files, QWidget *parent = nullptr);
    ~ImportDialog() override;

    // The location does not exist yet: the files are bulk-loaded into a new dataset file there
    // (dataset/bulkload.h: indexes built once at the end), which appears only when it is complete;
    // a failed import leaves no file, a cancelled one the pairs added before. Call before start().
    void setCreatesDataset(bool creates) { m_createsDataset = creates; }
    void start();
    bool isRunning() const { return m_running; }
    const ImportReport &report() const { return m_report; }

    // The report as text: a summary line, then one line per rejected record.
    static QString summary(const ImportReport &report, int files);
    static QString issueText(const ImportReport &report);
    static QString conflictText(const ImportReport &report);

signals:
    void importFinished(const pairlens::ImportReport &report);

private:
    // On the import thread: the progress of file `file` (reported at most every 100 ms), and the
    // import into a PostgreSQL dataset (importIntoStorage()), a new dataset file (a bulk load) or
    // an existing one.
    Progress progressOf(int file, QDeadlineTimer *throttle);
    ImportReport importIntoPostgres(const QString &location, const QStringList &files);
    ImportReport importIntoNewFile(const QString &location, const QStringList &files);
    ImportReport importIntoFile(const QString &location, const QStringList &files);
    // Imports the files one after another into a dataset file's store, each with its audit entry.
    void importEach(PairStore &store, const QStringList &files, ImportReport *total);
    // Adds the report of one file to the whole import's, its issues and fatal error named by the file.
    void addFileReport(ImportReport *total, ImportReport report, const QString &file);
    void onProgress(int file, qint64 done, qint64 total);
    void onFinished(const ImportReport &report);
    void reject() override;

    QString m_location;
    QStringList m_files;
    QLabel *m_label = nullptr;
    QProgressBar *m_bar = nullptr;
    QLabel *m_summary = nullptr;
    QPlainTextEdit *m_issues = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QFuture<void> m_future;
    std::atomic_bool m_cancel{false};
    bool m_running = false;
    bool m_createsDataset = false;
    bool m_building = false; // a new dataset's indexes are being built: no longer cancellable
    ImportReport m_report;
};

} // namespace pairlens::ui

Q_DECLARE_METATYPE(pairlens::ImportReport)
