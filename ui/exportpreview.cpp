#include "exportpreview.h"

#include "export/exportcommand.h"
#include "exportjobs.h"
#include "storage/storage.h"

#include <QClipboard>
#include <QDir>
#include <QFontDatabase>
#include <QFutureWatcher>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::StringLiterals;

namespace pairlens::ui {

namespace {
// Up to this many selected rows are given to the command line as --ids.
constexpr int kMaxCommandPairIds = 1000;
} // namespace

ExportPreview::ExportPreview(QString location, Selection selection, qint64 selectedCount, QWidget *parent)
    : QWidget(parent), m_location(std::move(location)), m_selection(std::move(selection)),
      m_selectedCount(selectedCount)
{
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_sampleLabel = new QLabel;
    m_sampleLabel->setObjectName(u"exportSampleLabel"_s);
    m_sampleLabel->setWordWrap(true);
    m_sample = new QPlainTextEdit;
    m_sample->setObjectName(u"exportSample"_s);
    m_sample->setReadOnly(true);
    m_sample->setFont(fixed);
    m_sample->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_sample->setMinimumHeight(QFontMetrics(fixed).lineSpacing() * 10);
    m_sampleLabel->setBuddy(m_sample);

    auto *commandLabel = new QLabel(tr("The same export on the &command line:"));
    m_command = new QPlainTextEdit;
    m_command->setObjectName(u"exportCommand"_s);
    m_command->setReadOnly(true);
    m_command->setFont(fixed);
    m_command->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    m_command->setFixedHeight(QFontMetrics(fixed).lineSpacing() * 4 + 12);
    commandLabel->setBuddy(m_command);
    m_copy = new QPushButton(tr("Copy"));
    m_copy->setObjectName(u"exportCopyCommand"_s);
    m_copy->setToolTip(tr("Copies the command, quoted for a POSIX shell."));
    m_commandNote = new QLabel;
    m_commandNote->setObjectName(u"exportCommandNote"_s);
    m_commandNote->setWordWrap(true);
    m_commandNote->hide();

    auto *commandRow = new QHBoxLayout;
    commandRow->addWidget(m_command, 1);
    commandRow->addWidget(m_copy, 0, Qt::AlignTop);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_sampleLabel);
    layout->addWidget(m_sample, 1);
    layout->addWidget(commandLabel);
    layout->addLayout(commandRow);
    layout->addWidget(m_commandNote);

    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    m_timer->setInterval(150);
    connect(m_timer, &QTimer::timeout, this, &ExportPreview::sample);
    connect(m_copy, &QPushButton::clicked, this, &ExportPreview::copyCommand);
}

void ExportPreview::setOptions(const exporting::ExportOptions &options, bool selectionScope)
{
    m_options = options;
    m_selectionScope = selectionScope;
    updateCommand();
    m_sampling = true;
    m_timer->start();
}

QString ExportPreview::commandText() const
{
    return m_command->toPlainText();
}

QString ExportPreview::sampleText() const
{
    return m_sampling ? QString() : m_sample->toPlainText();
}

void ExportPreview::copyCommand()
{
    QGuiApplication::clipboard()->setText(m_command->toPlainText());
}

void ExportPreview::updateCommand()
{
    exporting::ExportOptions o = m_options;
    QStringList notes;
    if (m_selectionScope) {
        // The export takes the selected rows whatever the table's filter: their pair ids say it all.
        o.filter = Filter{};
        if (m_pairIds)
            o.filter.pairIds = *m_pairIds;
        else if (m_pairIdsTooMany)
            notes << tr("The %L1 selected pairs are too many to list on the command line: give their "
                        "pair ids in a file with --id-file FILE.")
                         .arg(m_selectedCount);
        else
            notes << tr("Reading the selected pairs' ids…");
    }
    // A PostgreSQL URL is shown without the password typed in the connect dialog.
    QUrl shownUrl(m_location);
    shownUrl.setPassword({});
    const exporting::ExportCommand command = exporting::exportCommand(
        o, isPostgresLocation(m_location) ? shownUrl.toString() : QDir::toNativeSeparators(m_location));
    notes += command.unsupported;
    m_command->setPlainText(command.shellText());
    m_commandNote->setText(notes.join(u' '));
    m_commandNote->setVisible(!notes.isEmpty());
}

void ExportPreview::sample()
{
    m_timer->stop();
    m_sampling = true;
    const int generation = ++m_generation;
    const bool fromSelection = m_selectedCount > 0;
    const int maxIds = m_selectionScope && !m_pairIds && !m_pairIdsTooMany ? kMaxCommandPairIds : 0;
    auto *watcher = new QFutureWatcher<exportjobs::Sample>(this);
    connect(watcher, &QFutureWatcher<exportjobs::Sample>::finished, this, [this, watcher] {
        watcher->deleteLater();
        showSample(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(exportjobs::sample, generation, m_options, m_location, m_selection,
                                         fromSelection, maxIds));
}

void ExportPreview::showSample(const exportjobs::Sample &s)
{
    if (s.pairIdsRead || s.pairIdsTooMany) {
        if (s.pairIdsRead)
            m_pairIds = s.pairIds;
        m_pairIdsTooMany = s.pairIdsTooMany;
        updateCommand();
    }
    if (s.generation != m_generation)
        return; // the options changed meanwhile; a newer sample follows
    m_sampling = false;
    const bool fromSelection = m_selectedCount > 0;
    m_sampleLabel->setText(fromSelection ? tr("The first selected pair as the export writes it:")
                                         : tr("The first pair as the export writes it:"));
    if (!s.error.isEmpty())
        m_sample->setPlainText(tr("No sample can be shown: %1").arg(s.error));
    else if (s.record.isEmpty())
        m_sample->setPlainText(tr("No pair is exported with these options."));
    else
        m_sample->setPlainText(QString::fromUtf8(s.record).trimmed());
    emit sampled();
}

} // namespace pairlens::ui
