#pragma once

#include "datasetworker.h"
#include "export/exporter.h"
#include "exportjobs.h"

#include <QDialog>

#include <atomic>
#include <memory>
#include <optional>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressDialog;
class QPushButton;
class QRadioButton;
class QTimer;

namespace pairlens::ui {

class ExportPreview;

// File > Export…: the format, which pairs (the table's filter, the selected rows or everything),
// the target file and the options of exporting::ExportOptions. The export runs with the core
// Exporter on a worker thread that opens its own connection to the dataset, behind a progress
// dialog whose Cancel stops it (nothing is left at the target then). A file that is not an
// unchanged earlier export of the same format is never replaced without asking. Before writing, the
// dialog shows the review scope (rejected pairs are left out unless asked for) and explains the
// count: the pairs matched and what the review scope, the failed rule of the fine-tuning formats and
// duplicate removal leave out, counted on a worker whenever an option changes. Beside the options,
// ExportPreview shows a sample record and the equivalent `pairlens export` command. The choices
// (but never "anonymization off") are remembered in QSettings; a first export is offered the
// documents folder when it exists, else home.
class ExportDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Scope
    {
        Filter,
        Selection,
        Everything,
    };

    struct Source
    {
        QString location;
        bool readOnly = false;
        Filter filter;          // the table's filter
        qint64 filterCount = 0; // pairs matching it
        Selection selection;    // the selected rows (resolved on the worker)
        qint64 selectedCount = 0;
        qint64 total = 0; // live pairs in the dataset
    };

    explicit ExportDialog(Source source, QWidget *parent = nullptr);
    ~ExportDialog() override;

    // The options the widgets describe (the target and filter included; the selection's rows are
    // resolved when the export runs).
    exporting::ExportOptions options() const;
    Scope scope() const;
    void setFormat(exporting::Format format);
    void setScope(Scope scope);
    void setTarget(const QString &path);
    bool isRunning() const { return m_running; }
    const exporting::ExportResult &result() const { return m_result; }

    // The sentence shown after an export.
    static QString summary(const exporting::ExportResult &result);
    // The explanation of the count shown before writing ("exportCounts"); empty while counting.
    QString countsText() const;
    bool isCounting() const { return m_counting; }

    // What the counting worker found for one set of options.
    using Counts = exportjobs::Counts;
    // The sample record and the command line beside the options.
    ExportPreview *preview() const { return m_preview; }
    // Existing target files are being checked before the export starts (or asks to replace them).
    bool isChecking() const { return m_checking; }

public slots:
    // Validates and starts the export (the Export button). When the export would replace existing
    // files that are not an unchanged earlier PairLens export of the same format, it first asks
    // (a window-modal QMessageBox named "exportReplaceQuestion") and starts only on "Replace".
    // When a target file exists, it is read (hashed) on a worker first: the question or the export
    // follows when the event loop delivers the answer (isChecking() until then).
    void startExport();

signals:
    void exportFinished(const pairlens::exporting::ExportResult &result);

private:
    void chooseTarget();
    void updateControls();
    void askToReplace(exporting::ExportOptions options, const QStringList &files);
    void launch(const exporting::ExportOptions &options);
    void finish(const exporting::ExportResult &result);
    void showProblem(const QString &text);
    void scheduleCount();
    void updatePreview();
    void count();
    void showCounts(const Counts &counts);

    Source m_source;
    exporting::ExportResult m_result;
    bool m_running = false;
    bool m_asking = false;   // the question whether to replace files is open
    bool m_checking = false; // existing targets are being read (hashed) before the question
    struct RunState;
    std::shared_ptr<RunState> m_state;

    QComboBox *m_format = nullptr;
    QButtonGroup *m_scope = nullptr;
    QRadioButton *m_scopeSelection = nullptr;
    QLineEdit *m_target = nullptr;
    QCheckBox *m_anonymize = nullptr;
    QLabel *m_anonymizeWarning = nullptr;
    QCheckBox *m_gzip = nullptr;
    QCheckBox *m_split = nullptr;
    QDoubleSpinBox *m_splitRatio = nullptr;
    QCheckBox *m_dedupe = nullptr;
    bool m_dedupeTouched = false; // the user set it: it no longer follows the format
    QComboBox *m_review = nullptr;
    QLabel *m_counts = nullptr;
    QTimer *m_countTimer = nullptr;
    int m_countGeneration = 0;
    bool m_counting = false;
    std::shared_ptr<std::atomic_bool> m_countCancel;
    std::optional<exporting::ScopeCounts> m_lastCounts;
    QCheckBox *m_includeFailed = nullptr;
    QLineEdit *m_systemPrompt = nullptr;
    QPlainTextEdit *m_template = nullptr;
    ExportPreview *m_preview = nullptr;
    QLabel *m_problem = nullptr;
    QPushButton *m_exportButton = nullptr;
    QProgressDialog *m_progress = nullptr;
};

} // namespace pairlens::ui
