#include "exportdialog.h"

#include "export/targetcheck.h"
#include "exportjobs.h"
#include "exportpreview.h"
#include "storage/storage.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressDialog>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalBlocker>
#include <QStandardPaths>
#include <QTimer>
#include <QToolButton>
#include <QUrl>
#include <QUrlQuery>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <atomic>

using namespace Qt::StringLiterals;

namespace pairlens::ui {

using exporting::ExportOptions;
using exporting::ExportResult;
using exporting::Format;

struct ExportDialog::RunState
{
    std::atomic_bool cancel = false;
    std::atomic<qint64> done = 0;
    std::atomic<qint64> total = 0;
};

namespace {

const QString kFormatKey = u"export/format"_s;
const QString kFolderKey = u"export/folder"_s;
const QString kGzipKey = u"export/gzip"_s;
const QString kSplitKey = u"export/split"_s;
const QString kSplitRatioKey = u"export/splitRatio"_s;
const QString kDedupeKey = u"export/dedupe"_s; // only once the user chose
const QString kReviewKey = u"export/review"_s;
const QString kIncludeFailedKey = u"export/includeFailed"_s;
const QString kSystemPromptKey = u"export/systemPrompt"_s;
const QString kTemplateKey = u"export/template"_s;

// The folder offered for a first export: the documents folder when it exists, else home. Nothing
// is created: a folder that is not there makes the first export fail.
QString defaultFolder()
{
    const QString documents = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (!documents.isEmpty() && QFileInfo(documents).isDir())
        return documents;
    return QDir::homePath();
}

} // namespace

ExportDialog::ExportDialog(Source source, QWidget *parent) : QDialog(parent), m_source(std::move(source))
{
    setObjectName(u"exportDialog"_s);
    setWindowTitle(tr("Export Pairs"));
    const QSettings settings;

    m_format = new QComboBox;
    m_format->setObjectName(u"exportFormat"_s);
    for (Format f : exporting::allFormats())
        m_format->addItem(exporting::formatName(f), int(f));
    if (const auto f = exporting::formatFromName(settings.value(kFormatKey).toString()))
        m_format->setCurrentIndex(m_format->findData(int(*f)));

    auto *scopeBox = new QWidget;
    auto *scopeLayout = new QVBoxLayout(scopeBox);
    scopeLayout->setContentsMargins(0, 0, 0, 0);
    m_scope = new QButtonGroup(this);
    auto *scopeFilter =
        new QRadioButton(tr("Pairs matching the current filter (%L1)").arg(m_source.filterCount));
    scopeFilter->setObjectName(u"exportScopeFilter"_s);
    m_scopeSelection = new QRadioButton(tr("Selected rows (%L1)").arg(m_source.selectedCount));
    m_scopeSelection->setObjectName(u"exportScopeSelection"_s);
    m_scopeSelection->setEnabled(m_source.selectedCount > 0);
    auto *scopeAll = new QRadioButton(tr("Every pair in the dataset (%L1)").arg(m_source.total));
    scopeAll->setObjectName(u"exportScopeAll"_s);
    m_scope->addButton(scopeFilter, int(Scope::Filter));
    m_scope->addButton(m_scopeSelection, int(Scope::Selection));
    m_scope->addButton(scopeAll, int(Scope::Everything));
    scopeFilter->setChecked(true);
    for (QAbstractButton *b : m_scope->buttons())
        scopeLayout->addWidget(b);

    m_target = new QLineEdit;
    m_target->setObjectName(u"exportTarget"_s);
    m_target->setMinimumWidth(360);
    auto *browse = new QPushButton(tr("Browse…"));
    browse->setObjectName(u"exportBrowse"_s);
    auto *targetRow = new QHBoxLayout;
    targetRow->addWidget(m_target, 1);
    targetRow->addWidget(browse);
    QString folder = settings.value(kFolderKey).toString();
    if (folder.isEmpty() || !QFileInfo(folder).isDir())
        folder = defaultFolder();
    // A PostgreSQL dataset's exports are named after its schema.
    QString base = QFileInfo(m_source.location).completeBaseName();
    if (isPostgresLocation(m_source.location)) {
        base = QUrlQuery(QUrl(m_source.location)).queryItemValue(u"schema"_s);
        if (base.isEmpty())
            base = u"training_data"_s;
    }
    m_target->setText(QDir(folder).filePath(
        base + u'.' + exporting::formatExtension(Format(m_format->currentData().toInt()))));

    m_anonymize = new QCheckBox(tr("Anonymize personal data"));
    m_anonymize->setObjectName(u"exportAnonymize"_s);
    m_anonymize->setChecked(true);
    m_anonymizeWarning = new QLabel(tr(
        "<b>Anonymization is off:</b> the export holds the original values, including any personal data."));
    m_anonymizeWarning->setObjectName(u"exportAnonymizeWarning"_s);
    m_anonymizeWarning->setWordWrap(true);
    m_anonymizeWarning->setStyleSheet(u"color: #b3261e;"_s);
    m_gzip = new QCheckBox(tr("Compress with gzip"));
    m_gzip->setObjectName(u"exportGzip"_s);
    m_split = new QCheckBox(tr("Split into training and validation files, training share:"));
    m_split->setObjectName(u"exportSplit"_s);
    m_splitRatio = new QDoubleSpinBox;
    m_splitRatio->setObjectName(u"exportSplitRatio"_s);
    m_splitRatio->setRange(0.5, 0.99);
    m_splitRatio->setSingleStep(0.05);
    m_splitRatio->setDecimals(2);
    m_splitRatio->setValue(0.9);
    auto *splitRow = new QHBoxLayout;
    splitRow->addWidget(m_split);
    splitRow->addWidget(m_splitRatio);
    splitRow->addStretch(1);
    m_dedupe = new QCheckBox(tr("Remove duplicates (same question and SQL)"));
    m_dedupe->setObjectName(u"exportDedupe"_s);
    m_dedupe->setToolTip(tr("On by default in the fine-tuning formats: a model learns nothing from a "
                            "repeated example, and an evaluation counts it twice."));

    m_review = new QComboBox;
    m_review->setObjectName(u"exportReview"_s);
    m_review->addItem(tr("Unreviewed and approved pairs (rejected pairs are left out)"),
                      int(exporting::ReviewScope::NotRejected));
    m_review->addItem(tr("Approved pairs only"), int(exporting::ReviewScope::ApprovedOnly));
    m_review->addItem(tr("Every pair, rejected ones included"), int(exporting::ReviewScope::IncludeRejected));
    m_counts = new QLabel;
    m_counts->setObjectName(u"exportCounts"_s);
    m_counts->setWordWrap(true);
    m_counts->setTextFormat(Qt::RichText);
    m_countTimer = new QTimer(this);
    m_countTimer->setSingleShot(true);
    m_countTimer->setInterval(150);
    connect(m_countTimer, &QTimer::timeout, this, &ExportDialog::count);
    m_includeFailed = new QCheckBox(tr("Include failed pairs"));
    m_includeFailed->setObjectName(u"exportIncludeFailed"_s);
    m_includeFailed->setToolTip(
        tr("The fine-tuning formats export successful pairs only unless this is set."));

    // The choices of the last export (anonymization is always offered on: turning it off is a
    // decision for each export).
    m_gzip->setChecked(settings.value(kGzipKey, false).toBool());
    m_split->setChecked(settings.value(kSplitKey, false).toBool());
    m_splitRatio->setValue(settings.value(kSplitRatioKey, 0.9).toDouble());
    if (settings.contains(kDedupeKey)) {
        m_dedupe->setChecked(settings.value(kDedupeKey).toBool());
        m_dedupeTouched = true;
    }
    if (const int review = m_review->findData(settings.value(kReviewKey, -1).toInt()); review >= 0)
        m_review->setCurrentIndex(review);
    m_includeFailed->setChecked(settings.value(kIncludeFailedKey, false).toBool());

    auto *options = new QGroupBox(tr("Options"));
    auto *optionsLayout = new QVBoxLayout(options);
    optionsLayout->addWidget(m_anonymize);
    optionsLayout->addWidget(m_anonymizeWarning);
    optionsLayout->addWidget(m_gzip);
    optionsLayout->addLayout(splitRow);
    optionsLayout->addWidget(m_dedupe);
    optionsLayout->addWidget(m_includeFailed);

    m_systemPrompt = new QLineEdit;
    m_systemPrompt->setObjectName(u"exportSystemPrompt"_s);
    m_systemPrompt->setPlaceholderText(exporting::defaultSystemPrompt());
    m_systemPrompt->setToolTip(tr("The system message of the chat formats; empty uses the default."));
    m_template = new QPlainTextEdit;
    m_template->setObjectName(u"exportTemplate"_s);
    m_template->setTabChangesFocus(true);
    m_template->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_template->setMinimumHeight(QFontMetrics(m_template->font()).lineSpacing() * 5 + 12);
    m_template->setToolTip(tr("Placeholders: {question}, {database_type}, {database_name}, {tables}, "
                              "{query_type}. Empty uses the format's default. {tables} names the tables of "
                              "the answer's own SQL, a hint the model will not get in use; the defaults "
                              "leave it out."));
    auto *templates = new QGroupBox(tr("Fine-tuning prompt"));
    templates->setObjectName(u"exportTemplates"_s);
    auto *templatesLayout = new QFormLayout(templates);
    templatesLayout->addRow(tr("System prompt:"), m_systemPrompt);
    templatesLayout->addRow(tr("Prompt template:"), m_template);
    m_systemPrompt->setText(settings.value(kSystemPromptKey).toString());
    m_template->setPlainText(settings.value(kTemplateKey).toString());

    m_problem = new QLabel;
    m_problem->setObjectName(u"exportProblem"_s);
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(u"color: #b3261e;"_s);
    m_problem->hide();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_exportButton = buttons->addButton(tr("Export"), QDialogButtonBox::AcceptRole);
    m_exportButton->setObjectName(u"exportStart"_s);
    m_exportButton->setDefault(true);

    auto *form = new QFormLayout;
    form->addRow(tr("Format:"), m_format);
    form->addRow(tr("Pairs:"), scopeBox);
    form->addRow(tr("Review:"), m_review);
    form->addRow(QString(), m_counts);
    form->addRow(tr("File:"), targetRow);
    m_preview = new ExportPreview(m_source.location, m_source.selection, m_source.selectedCount);
    m_preview->setObjectName(u"exportPreview"_s);
    m_preview->setMinimumWidth(420);
    auto *left = new QVBoxLayout;
    left->addLayout(form);
    left->addWidget(options);
    left->addWidget(templates);
    left->addWidget(m_problem);
    left->addStretch(1);
    auto *columns = new QHBoxLayout;
    columns->addLayout(left, 3);
    columns->addWidget(m_preview, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(columns, 1);
    layout->addWidget(buttons);

    connect(browse, &QPushButton::clicked, this, &ExportDialog::chooseTarget);
    connect(buttons, &QDialogButtonBox::accepted, this, &ExportDialog::startExport);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_format, &QComboBox::currentIndexChanged, this, [this] {
        // Keep the file name's extension in step with the format.
        const QString path = m_target->text().trimmed();
        if (!path.isEmpty()) {
            QFileInfo info(path);
            const QString name = info.completeBaseName().section(u'.', 0, 0);
            const Format format = Format(m_format->currentData().toInt());
            m_target->setText(info.dir().filePath(name + u'.' + exporting::formatExtension(format)));
        }
        updateControls();
    });
    connect(m_anonymize, &QCheckBox::toggled, this, &ExportDialog::updateControls);
    connect(m_split, &QCheckBox::toggled, this, &ExportDialog::updateControls);
    // Whatever changes what is exported is counted again.
    connect(m_review, &QComboBox::currentIndexChanged, this, &ExportDialog::scheduleCount);
    connect(m_scope, &QButtonGroup::idToggled, this, [this](int, bool on) {
        if (on)
            scheduleCount();
    });
    connect(m_includeFailed, &QCheckBox::toggled, this, &ExportDialog::scheduleCount);
    connect(m_dedupe, &QCheckBox::clicked, this, [this] { m_dedupeTouched = true; });
    connect(m_dedupe, &QCheckBox::toggled, this, &ExportDialog::scheduleCount);
    // The sample and the command follow every option.
    for (QCheckBox *box : {m_anonymize, m_gzip, m_split})
        connect(box, &QCheckBox::toggled, this, &ExportDialog::updatePreview);
    connect(m_splitRatio, &QDoubleSpinBox::valueChanged, this, &ExportDialog::updatePreview);
    connect(m_target, &QLineEdit::textChanged, this, &ExportDialog::updatePreview);
    connect(m_systemPrompt, &QLineEdit::textChanged, this, &ExportDialog::updatePreview);
    connect(m_template, &QPlainTextEdit::textChanged, this, &ExportDialog::updatePreview);
    updateControls();
    count();
}

ExportDialog::~ExportDialog()
{
    if (m_state)
        m_state->cancel.store(true); // the worker stops soon and leaves nothing behind
    if (m_countCancel)
        m_countCancel->store(true);
}

ExportOptions ExportDialog::options() const
{
    ExportOptions o;
    o.format = Format(m_format->currentData().toInt());
    o.target = m_target->text().trimmed();
    switch (scope()) {
    case Scope::Filter:
        o.filter = m_source.filter;
        break;
    case Scope::Selection:
        o.filter = m_source.selection.filter; // narrowed to the rows on the worker
        break;
    case Scope::Everything:
        o.filter = Filter{};
        break;
    }
    o.anonymize = m_anonymize->isChecked();
    o.gzip = m_gzip->isChecked();
    o.split = m_split->isChecked() ? m_splitRatio->value() : 0.0;
    o.dedupe = m_dedupe->isChecked();
    o.review = exporting::ReviewScope(m_review->currentData().toInt());
    if (exporting::isTrainingFormat(o.format)) {
        o.includeFailed = m_includeFailed->isChecked();
        if (!m_systemPrompt->text().trimmed().isEmpty())
            o.systemPrompt = m_systemPrompt->text().trimmed();
        o.promptTemplate = m_template->toPlainText().trimmed();
    }
    o.audit = !m_source.readOnly;
    return o;
}

ExportDialog::Scope ExportDialog::scope() const
{
    return Scope(m_scope->checkedId());
}

void ExportDialog::setFormat(Format format)
{
    m_format->setCurrentIndex(m_format->findData(int(format)));
}

void ExportDialog::setScope(Scope scope)
{
    if (QAbstractButton *b = m_scope->button(int(scope)); b && b->isEnabled())
        b->setChecked(true);
}

void ExportDialog::setTarget(const QString &path)
{
    m_target->setText(path);
}

void ExportDialog::chooseTarget()
{
    const Format format = options().format;
    const QString ext = exporting::formatExtension(format);
    QFileDialog dialog(this, tr("Export To"), m_target->text());
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    // The export asks itself, and only when a file that is not an earlier export would be replaced
    // (its split files and manifest included).
    dialog.setOption(QFileDialog::DontConfirmOverwrite);
    dialog.setDefaultSuffix(ext);
    dialog.setNameFilters({tr("%1 files (*.%2)").arg(ext.toUpper(), ext), tr("All files (*)")});
    if (dialog.exec() == QDialog::Accepted && !dialog.selectedFiles().isEmpty())
        m_target->setText(QDir::toNativeSeparators(dialog.selectedFiles().constFirst()));
}

void ExportDialog::updateControls()
{
    const Format format = Format(m_format->currentData().toInt());
    const bool training = exporting::isTrainingFormat(format);
    m_anonymizeWarning->setVisible(!m_anonymize->isChecked());
    m_splitRatio->setEnabled(m_split->isChecked());
    m_includeFailed->setEnabled(training);
    m_systemPrompt->setEnabled(format == Format::OpenAiChat || format == Format::AnthropicChat);
    m_template->setEnabled(training);
    m_template->setPlaceholderText(training ? exporting::defaultTemplate(format) : QString());
    if (!m_dedupeTouched && m_dedupe->isChecked() != training) {
        const QSignalBlocker block(m_dedupe);
        m_dedupe->setChecked(training); // the format's default until the user chooses
    }
    m_problem->hide();
    scheduleCount();
}

void ExportDialog::updatePreview()
{
    m_preview->setOptions(options(), scope() == Scope::Selection);
}

void ExportDialog::scheduleCount()
{
    updatePreview();
    if (m_countCancel)
        m_countCancel->store(true); // an older count is of no use any more
    m_counting = true;
    m_counts->setText(tr("Counting the pairs…"));
    m_countTimer->start();
}

void ExportDialog::count()
{
    m_countTimer->stop();
    if (m_countCancel)
        m_countCancel->store(true);
    m_countCancel = std::make_shared<std::atomic_bool>(false);
    m_counting = true;
    m_counts->setText(tr("Counting the pairs…"));
    const int generation = ++m_countGeneration;
    auto *watcher = new QFutureWatcher<Counts>(this);
    connect(watcher, &QFutureWatcher<Counts>::finished, this, [this, watcher] {
        watcher->deleteLater();
        showCounts(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(exportjobs::count, generation, options(), m_source.location,
                                         m_source.selection, scope() == Scope::Selection, m_countCancel));
}

void ExportDialog::showCounts(const Counts &counts)
{
    if (counts.generation != m_countGeneration)
        return; // the options changed meanwhile; a newer count follows
    m_counting = false;
    m_lastCounts = counts.scope;
    if (!counts.scope) {
        m_counts->setText(tr("The pairs could not be counted: %1").arg(counts.error.toHtmlEscaped()));
        return;
    }
    const exporting::ScopeCounts &c = *counts.scope;
    QStringList leftOut;
    if (c.rejected > 0)
        leftOut << tr("%L1 rejected").arg(c.rejected);
    if (c.unreviewed > 0)
        leftOut << tr("%L1 not approved").arg(c.unreviewed);
    if (c.failed > 0)
        leftOut << tr("%L1 failed (the fine-tuning formats take successful pairs)").arg(c.failed);
    const qint64 duplicates = counts.duplicates.value_or(0);
    if (duplicates > 0)
        leftOut << tr("at least %L1 duplicates").arg(duplicates);
    QString text = tr("<b>%L1</b> pairs match.").arg(c.matched);
    text += u' ' +
            (leftOut.isEmpty() ? tr("Nothing is left out.") : tr("Left out: %1.").arg(leftOut.join(u", "_s)));
    text += u' ' + tr("<b>%L1</b> will be exported.").arg(c.selected - duplicates);
    m_counts->setText(text);
}

QString ExportDialog::countsText() const
{
    return m_counting ? QString() : m_counts->text();
}

void ExportDialog::showProblem(const QString &text)
{
    m_problem->setText(text);
    m_problem->setVisible(!text.isEmpty());
}

void ExportDialog::startExport()
{
    if (m_running || m_asking || m_checking)
        return;
    const ExportOptions o = options();
    if (o.target.isEmpty()) {
        showProblem(tr("Choose the file to export to."));
        return;
    }
    if (const QString problem = o.validate(); !problem.isEmpty()) {
        showProblem(problem);
        return;
    }
    showProblem({});
    const auto decide = [this, o](const QStringList &replaced) {
        if (!replaced.isEmpty())
            askToReplace(o, replaced);
        else
            launch(o);
    };
    const QStringList paths = exporting::writtenPaths(o);
    if (std::none_of(paths.begin(), paths.end(), [](const QString &p) { return QFileInfo(p).isFile(); })) {
        decide(exporting::Exporter::filesNeedingConfirmation(o, m_source.location)); // nothing to read
        return;
    }
    // An existing target is read to recognise an earlier export (its SHA-256: seconds for a file of
    // gigabytes), on a worker; the dialog stays responsive and may be closed meanwhile.
    m_checking = true;
    m_exportButton->setEnabled(false);
    setCursor(Qt::BusyCursor);
    auto *watcher = new QFutureWatcher<QStringList>(this);
    connect(watcher, &QFutureWatcher<QStringList>::finished, this, [this, watcher, decide] {
        watcher->deleteLater();
        m_checking = false;
        unsetCursor();
        m_exportButton->setEnabled(true);
        decide(watcher->result());
    });
    watcher->setFuture(
        QtConcurrent::run(&exporting::Exporter::filesNeedingConfirmation, o, QString(m_source.location)));
}

void ExportDialog::askToReplace(ExportOptions o, const QStringList &files)
{
    QStringList names;
    for (const QString &f : files)
        names << QDir::toNativeSeparators(f);
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Replace Files"), tr("Replace existing files?"),
                                QMessageBox::Cancel, this);
    box->setObjectName(u"exportReplaceQuestion"_s);
    box->setInformativeText(tr("These files exist and are not an unchanged earlier PairLens %1 export; "
                               "the export would replace them:\n%2")
                                .arg(exporting::formatName(o.format), names.join(u'\n')));
    QPushButton *replace = box->addButton(tr("Replace"), QMessageBox::DestructiveRole);
    replace->setObjectName(u"exportReplace"_s);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    m_asking = true;
    m_exportButton->setEnabled(false);
    connect(box, &QMessageBox::finished, this, [this, box, replace, o]() mutable {
        m_asking = false;
        m_exportButton->setEnabled(true);
        if (box->clickedButton() != replace) {
            showProblem(tr("Nothing was exported; the existing files were left as they are."));
            return;
        }
        o.overwrite = true;
        launch(o);
    });
    box->open();
}

void ExportDialog::launch(const ExportOptions &o)
{
    QSettings settings;
    settings.setValue(kFormatKey, exporting::formatName(o.format));
    settings.setValue(kFolderKey, QFileInfo(o.target).absolutePath());
    settings.setValue(kGzipKey, m_gzip->isChecked());
    settings.setValue(kSplitKey, m_split->isChecked());
    settings.setValue(kSplitRatioKey, m_splitRatio->value());
    if (m_dedupeTouched)
        settings.setValue(kDedupeKey, m_dedupe->isChecked());
    settings.setValue(kReviewKey, m_review->currentData().toInt());
    settings.setValue(kIncludeFailedKey, m_includeFailed->isChecked());
    settings.setValue(kSystemPromptKey, m_systemPrompt->text());
    settings.setValue(kTemplateKey, m_template->toPlainText());

    m_running = true;
    m_exportButton->setEnabled(false);
    m_state = std::make_shared<RunState>();
    const qint64 expected = m_lastCounts                  ? m_lastCounts->selected
                            : scope() == Scope::Selection ? m_source.selectedCount
                            : scope() == Scope::Filter    ? m_source.filterCount
                                                          : m_source.total;
    // Shown at once with the expected total; the engine's own total replaces it when it starts.
    m_progress = new QProgressDialog(tr("Exported %L1 of %L2 pairs…").arg(0).arg(expected), tr("Cancel"), 0,
                                     expected > 0 ? 1000 : 0, this);
    m_progress->setObjectName(u"exportProgress"_s);
    m_progress->setWindowTitle(tr("Export"));
    m_progress->setMinimumDuration(0);
    m_progress->setAutoClose(false);
    m_progress->setAutoReset(false);
    const std::shared_ptr<RunState> state = m_state;
    connect(m_progress, &QProgressDialog::canceled, this, [state] { state->cancel.store(true); });
    auto *timer = new QTimer(m_progress);
    timer->setInterval(100);
    // The timer uses the dialog it belongs to, never m_progress: finish() clears m_progress before
    // the dialog (and with it this timer) is deleted, and a tick may fall in between.
    QProgressDialog *dialog = m_progress;
    connect(timer, &QTimer::timeout, dialog, [dialog, state, expected] {
        const qint64 total = state->total.load() > 0 ? state->total.load() : expected;
        if (total > 0 && dialog->maximum() != 1000)
            dialog->setMaximum(1000);
        if (total > 0)
            dialog->setValue(int(std::min<qint64>(1000, state->done.load() * 1000 / total)));
        dialog->setLabelText(tr("Exported %L1 of %L2 pairs…").arg(state->done.load()).arg(total));
    });
    timer->start();
    m_progress->setValue(0);
    m_progress->show();

    // The worker shares the counters through aliasing pointers into the same RunState.
    auto cancel = std::shared_ptr<std::atomic_bool>(state, &state->cancel);
    auto done = std::shared_ptr<std::atomic<qint64>>(state, &state->done);
    auto total = std::shared_ptr<std::atomic<qint64>>(state, &state->total);
    auto *watcher = new QFutureWatcher<ExportResult>(this);
    connect(watcher, &QFutureWatcher<ExportResult>::finished, this, [this, watcher] {
        watcher->deleteLater();
        finish(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(exportjobs::run, o, m_source.location, m_source.readOnly,
                                         m_source.selection, scope() == Scope::Selection, cancel, done,
                                         total));
}

} // namespace pairlens::ui
