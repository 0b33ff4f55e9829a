#include "detailpane.h"

#include "dataset/deriver.h"
#include "piistyle.h"
#include "privacy/anonymizer.h"
#include "sqlhighlighter.h"

#include "export/exportoptions.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QGridLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QPlainTextEdit>
#include <QSettings>
#include <QShortcut>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pairlens::ui {
namespace {

QPlainTextEdit *textView(const QString &name, bool sql)
{
    auto *edit = new QPlainTextEdit;
    edit->setObjectName(name);
    edit->setReadOnly(true);
    edit->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    if (sql) {
        edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        new SqlHighlighter(edit->document());
    }
    edit->setMinimumHeight(48);
    return edit;
}

QLabel *header(const QString &text)
{
    auto *l = new QLabel(text);
    QFont f = l->font();
    f.setBold(true);
    l->setFont(f);
    return l;
}

QTextEdit::ExtraSelection highlight(QPlainTextEdit *edit, qsizetype start, qsizetype end, PiiKind kind,
                                    const QString &tooltip)
{
    QTextEdit::ExtraSelection s;
    s.cursor = QTextCursor(edit->document());
    s.cursor.setPosition(int(start));
    s.cursor.setPosition(int(end), QTextCursor::KeepAnchor);
    s.format.setBackground(piiColor(kind));
    s.format.setForeground(QColor(0x10, 0x10, 0x10));
    s.format.setToolTip(tooltip);
    return s;
}

// The metadata's values one per line, "path: value", strings as they are, other values in JSON.
void metadataLines(const QJsonValue &value, const QString &path, QList<std::pair<QString, QJsonValue>> &out)
{
    if (value.isObject()) {
        const QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            metadataLines(it.value(), path.isEmpty() ? it.key() : path + u'.' + it.key(), out);
        if (o.isEmpty())
            out.append({path, value});
    } else if (value.isArray()) {
        const QJsonArray a = value.toArray();
        for (qsizetype i = 0; i < a.size(); ++i)
            metadataLines(a.at(i), u"%1[%2]"_s.arg(path).arg(i), out);
        if (a.isEmpty())
            out.append({path, value});
    } else {
        out.append({path, value});
    }
}

QString jsonText(const QJsonValue &value)
{
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    // A scalar: wrapped in an array to print it as JSON.
    const QByteArray a = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(a.mid(1, a.size() - 2));
}

QString chipsOf(const QHash<quint32, int> &found)
{
    QStringList chips;
    for (PiiKind k : allPiiKinds()) {
        if (const int n = found.value(quint32(k)))
            chips << u"<span style=\"background-color:%1; color:#101010;\">&nbsp;%2 ×%3&nbsp;</span>"_s
                         .arg(piiColor(k).name(), piiDescription(k).toHtmlEscaped())
                         .arg(n);
    }
    return chips.join(u"&nbsp; "_s);
}

} // namespace

DetailPane::DetailPane(QWidget *parent) : QWidget(parent)
{
    m_stack = new QStackedWidget;
    auto *empty = new QLabel(tr("Select a pair to see it here: its question and SQL as they are and as they "
                                "will be exported, with the personal data found in them."));
    empty->setAlignment(Qt::AlignCenter);
    empty->setWordWrap(true);
    empty->setEnabled(false);
    m_stack->addWidget(empty);

    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(8, 6, 8, 6);
    m_title = new QLabel;
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont tf = m_title->font();
    tf.setBold(true);
    tf.setPointSizeF(tf.pointSizeF() * 1.1);
    m_title->setFont(tf);
    m_meta = new QLabel;
    m_meta->setObjectName(u"metaLabel"_s);
    m_meta->setWordWrap(true);
    m_meta->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_title);
    layout->addWidget(m_meta);

    // First tab: each field as it is and as it will be exported, side by side.
    auto *sideBySide = new QWidget;
    auto *sideLayout = new QVBoxLayout(sideBySide);
    sideLayout->setContentsMargins(0, 4, 0, 0);
    auto *grid = new QGridLayout;
    grid->addWidget(header(tr("Original")), 0, 1);
    grid->addWidget(header(tr("As exported (anonymized)")), 0, 2);
    grid->addWidget(header(tr("Question")), 1, 0, Qt::AlignTop);
    grid->addWidget(header(tr("SQL")), 2, 0, Qt::AlignTop);
    grid->addWidget(header(tr("Database")), 3, 0);
    grid->addWidget(header(tr("Metadata")), 4, 0, Qt::AlignTop);
    m_question[0] = textView(u"originalQuestion"_s, false);
    m_question[1] = textView(u"anonymizedQuestion"_s, false);
    m_sql[0] = textView(u"originalSql"_s, true);
    m_sql[1] = textView(u"anonymizedSql"_s, true);
    for (QPlainTextEdit *view : {m_question[0], m_sql[0]}) {
        view->setContextMenuPolicy(Qt::CustomContextMenu);
        connect(view, &QWidget::customContextMenuRequested, this,
                [this, view](const QPoint &pos) { showContextMenu(view, pos); });
    }
    m_metadata[0] = textView(u"originalMetadata"_s, false);
    m_metadata[1] = textView(u"anonymizedMetadata"_s, false);
    for (int side = 0; side < 2; ++side) {
        m_databaseName[side] = new QLabel;
        m_databaseName[side]->setObjectName(side == 0 ? u"originalDatabaseName"_s
                                                      : u"anonymizedDatabaseName"_s);
        m_databaseName[side]->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_databaseName[side]->setTextFormat(Qt::PlainText);
        grid->addWidget(m_question[side], 1, side + 1);
        grid->addWidget(m_sql[side], 2, side + 1);
        grid->addWidget(m_databaseName[side], 3, side + 1);
        grid->addWidget(m_metadata[side], 4, side + 1);
    }
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(2, 1);
    grid->setRowStretch(1, 2);
    grid->setRowStretch(2, 3);
    grid->setRowStretch(4, 2);
    sideLayout->addLayout(grid, 1);

    m_legend = new QLabel;
    m_legend->setObjectName(u"legend"_s);
    m_legend->setTextFormat(Qt::RichText);
    m_legend->setWordWrap(true);
    sideLayout->addWidget(m_legend);

    // Second tab: the bytes an export writes for this pair, from the export engine itself.
    auto *recordPage = new QWidget;
    auto *recordLayout = new QVBoxLayout(recordPage);
    recordLayout->setContentsMargins(0, 4, 0, 0);
    auto *formatRow = new QHBoxLayout;
    formatRow->addWidget(new QLabel(tr("Format:")));
    m_recordFormat = new QComboBox;
    m_recordFormat->setObjectName(u"recordFormat"_s);
    for (const exporting::Format f : exporting::allFormats())
        m_recordFormat->addItem(exporting::formatName(f), int(f));
    // The format of the last export (File > Export…), so the record shown is the one exported.
    if (const auto last = exporting::formatFromName(QSettings().value(u"export/format"_s).toString()))
        m_recordFormat->setCurrentIndex(m_recordFormat->findData(int(*last)));
    formatRow->addWidget(m_recordFormat);
    m_recordNote = new QLabel;
    m_recordNote->setObjectName(u"recordNote"_s);
    m_recordNote->setWordWrap(true);
    formatRow->addWidget(m_recordNote, 1);
    recordLayout->addLayout(formatRow);
    m_record = textView(u"recordView"_s, false);
    m_record->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_record->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    recordLayout->addWidget(m_record, 1);
    auto *recordHint = new QLabel(tr("Exactly what an anonymized export in this format writes for this pair, "
                                     "with the default options and all fields."));
    recordHint->setWordWrap(true);
    recordHint->setEnabled(false);
    recordLayout->addWidget(recordHint);

    m_tabs = new QTabWidget;
    m_tabs->setObjectName(u"detailTabs"_s);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(sideBySide, tr("Original and Exported"));
    m_tabs->addTab(recordPage, tr("Record as Exported"));
    layout->addWidget(m_tabs, 1);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] { requestRecord(); });
    connect(m_recordFormat, &QComboBox::currentIndexChanged, this, [this] {
        m_recordStale = true;
        updateRecordNote();
        requestRecord();
    });

    auto *noteRow = new QHBoxLayout;
    noteRow->addWidget(header(tr("Note")), 0, Qt::AlignTop);
    m_note = new QPlainTextEdit;
    m_note->setObjectName(u"noteEdit"_s);
    m_note->setPlaceholderText(tr("Reviewer note (saved as you type)"));
    m_note->setFixedHeight(m_note->fontMetrics().height() * 3 + 12);
    m_note->setTabChangesFocus(true);
    // Escape saves the note and gives the keys back to the table (A, R, J, K review again).
    auto *leave = new QShortcut(QKeySequence(Qt::Key_Escape), m_note, nullptr, nullptr, Qt::WidgetShortcut);
    connect(leave, &QShortcut::activated, this, [this] {
        flushNote();
        emit noteLeft();
    });
    noteRow->addWidget(m_note, 1);
    layout->addLayout(noteRow);
    m_stack->addWidget(page);

    m_noteTimer = new QTimer(this);
    m_noteTimer->setSingleShot(true);
    m_noteTimer->setInterval(600);
    connect(m_noteTimer, &QTimer::timeout, this, &DetailPane::flushNote);
    connect(m_note, &QPlainTextEdit::textChanged, this, [this] {
        if (m_note->isReadOnly() || !m_rowId)
            return;
        m_noteDirty = true;
        m_noteTimer->start();
    });

    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(m_stack);
}

void DetailPane::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    m_note->setReadOnly(readOnly);
    m_note->setPlaceholderText(readOnly ? tr("The dataset is read-only")
                                        : tr("Reviewer note (saved as you type)"));
}

void DetailPane::flushNote()
{
    m_noteTimer->stop();
    if (m_noteDirty && m_rowId) {
        m_noteDirty = false;
        const QString before = m_storedNote;
        m_storedNote = m_note->toPlainText();
        if (m_storedNote != before)
            emit noteEdited(m_rowId, before, m_storedNote);
    }
}

void DetailPane::showText(QPlainTextEdit *original, QPlainTextEdit *anonymized, const QString &text,
                          const privacy::AnonymizedText &result)
{
    original->setPlainText(text);
    anonymized->setPlainText(result.text);
    m_findings.insert(original, result.findings);
    QList<QTextEdit::ExtraSelection> left, right;
    for (const privacy::Finding &f : result.findings) {
        const QString kind =
            f.kind == PiiKind::Custom && !f.customName.isEmpty() ? f.customName : piiDescription(f.kind);
        left << highlight(original, f.start, f.end, f.kind, tr("%1 → %2").arg(kind, f.replacement));
        right << highlight(anonymized, f.replacementStart, f.replacementEnd, f.kind,
                           tr("%1 (was %2)").arg(kind, f.original));
    }
    original->setExtraSelections(left);
    anonymized->setExtraSelections(right);
}

void DetailPane::setPair(const Pair *pair, const privacy::Anonymizer *datasetAnonymizer)
{
    // The pair's own decisions (a value "not personal data" in this pair) apply to all it shows.
    const privacy::Anonymizer *anonymizer =
        datasetAnonymizer && pair ? &datasetAnonymizer->forPair(pair->pairId) : datasetAnonymizer;
    if (!pair) {
        flushNote();
        m_rowId = 0;
        m_stack->setCurrentIndex(0);
        return;
    }
    const bool samePair = pair->rowId == m_rowId;
    if (!samePair)
        flushNote();
    m_rowId = pair->rowId;
    m_pairId = pair->pairId;
    m_stack->setCurrentIndex(1);
    m_title->setText(tr("Pair %1").arg(pair->pairId));

    const QDateTime dt = parsePairTimestamp(pair->timestamp);
    QStringList meta;
    meta << (dt.isValid() ? dt.toUTC().toString(u"yyyy-MM-dd HH:mm:ss 'UTC'"_s) : pair->timestamp);
    meta << (pair->databaseName.isEmpty() ? pair->databaseType
                                          : pair->databaseType + u" / "_s + pair->databaseName);
    meta << (pair->success ? tr("succeeded") : tr("failed"));
    if (pair->executionTimeMs >= 0)
        meta << tr("%1 ms").arg(QLocale().toString(pair->executionTimeMs, 'f', 1));
    meta << (pair->queryType.isEmpty() ? tr("no statement") : pair->queryType);
    if (!pair->tableNames.isEmpty())
        meta << tr("tables: %1").arg(pair->tableNames.join(u", "_s));
    meta << reviewStatusLabel(pair->reviewStatus);
    m_meta->setText(meta.join(u"  ·  "_s));

    privacy::AnonymizedText question{pair->naturalLanguageQuery, {}};
    privacy::AnonymizedText sql{pair->sqlQuery, {}};
    if (anonymizer) {
        // As exported: the SQL's values (by what their column holds) replaced in the question too.
        sql = anonymizer->anonymizeSql(pair->sqlQuery, sql::dialectFromDatabaseType(pair->databaseType));
        question = anonymizer->anonymizeQuestion(pair->naturalLanguageQuery, sql);
    }
    showText(m_question[0], m_question[1], pair->naturalLanguageQuery, question);
    showText(m_sql[0], m_sql[1], pair->sqlQuery, sql);

    QHash<quint32, int> found;
    for (const privacy::Finding &f : question.findings + sql.findings)
        ++found[quint32(f.kind)];
    const QString none = tr("(none)");
    m_databaseName[0]->setText(pair->databaseName.isEmpty() ? none : pair->databaseName);
    m_databaseName[1]->setText(
        pair->databaseName.isEmpty()
            ? none
            : (anonymizer ? anonymizer->anonymizeDatabaseName(pair->databaseName) : pair->databaseName));
    const QHash<quint32, int> inMetadata = showMetadata(*pair, anonymizer);
    // Metadata findings are listed apart: the PII column, the filter and the statistics count the
    // question and the SQL only (docs/user-guide.md, "Metadata").
    QStringList legend;
    legend << (found.isEmpty() ? tr("No personal data found in the question or the SQL.")
                               : tr("Found: %1").arg(chipsOf(found)));
    if (!inMetadata.isEmpty())
        legend << tr("In the metadata (not counted in the PII column): %1").arg(chipsOf(inMetadata));
    m_legend->setText(legend.join(u"<br>"_s));

    m_status = pair->reviewStatus;
    m_success = pair->success;
    m_recordStale = true;
    updateRecordNote();
    requestRecord();

    if (!samePair || (!m_noteDirty && !m_note->hasFocus())) {
        QSignalBlocker block(m_note);
        m_note->setPlainText(pair->reviewerNote);
        m_storedNote = pair->reviewerNote;
        m_noteDirty = false;
    }
}

QHash<quint32, int> DetailPane::showMetadata(const Pair &pair, const privacy::Anonymizer *anonymizer)
{
    QHash<quint32, int> found;
    QList<std::pair<QString, QJsonValue>> lines;
    if (!pair.metadata.isEmpty())
        metadataLines(pair.metadata, QString(), lines);
    // Built line by line, so that each value's findings land at their place in both texts. String
    // values go through the same anonymizer call as an export's (keys are never changed).
    const bool scan = anonymizer && anonymizer->config().scanMetadata;
    QString original;
    privacy::AnonymizedText anonymized;
    for (const auto &[path, value] : std::as_const(lines)) {
        if (!original.isEmpty()) {
            original += u'\n';
            anonymized.text += u'\n';
        }
        const QString prefix = path + u": "_s;
        original += prefix;
        anonymized.text += prefix;
        if (!value.isString()) {
            original += jsonText(value);
            anonymized.text += jsonText(value);
            continue;
        }
        const QString text = value.toString();
        const qsizetype from = original.size(), to = anonymized.text.size();
        original += text;
        if (!scan) {
            anonymized.text += text;
            continue;
        }
        const privacy::AnonymizedText r = anonymizer->anonymizeText(text);
        anonymized.text += r.text;
        for (privacy::Finding f : r.findings) {
            f.start += from;
            f.end += from;
            f.replacementStart += to;
            f.replacementEnd += to;
            anonymized.findings << f;
            ++found[quint32(f.kind)];
        }
    }
    showText(m_metadata[0], m_metadata[1], original, anonymized);
    for (QPlainTextEdit *edit : m_metadata)
        edit->setPlaceholderText(tr("No metadata"));
    return found;
}

void DetailPane::updateRecordNote()
{
    const auto format = exporting::Format(m_recordFormat->currentData().toInt());
    QString note;
    if (m_status == ReviewStatus::Rejected)
        note = tr("This pair is rejected: exports leave it out unless rejected pairs are included.");
    else if (!m_success && exporting::isTrainingFormat(format))
        note = tr("This pair failed: the fine-tuning formats leave it out unless failed pairs are included.");
    m_recordNote->setText(note);
}

void DetailPane::requestRecord()
{
    if (!m_rowId || !m_recordStale || m_tabs->currentIndex() != 1)
        return;
    m_recordStale = false;
    m_recordBytes.clear();
    emit recordRequested(m_rowId, m_recordFormat->currentData().toInt());
}

void DetailPane::setRecord(qint64 rowId, int format, const QByteArray &bytes, const QString &error)
{
    if (rowId != m_rowId || format != m_recordFormat->currentData().toInt())
        return; // an answer for a pair or format no longer shown
    m_recordBytes = error.isEmpty() ? bytes : QByteArray();
    if (!error.isEmpty())
        m_record->setPlainText(tr("The record cannot be shown: %1").arg(error));
    else
        m_record->setPlainText(QString::fromUtf8(bytes));
}

QList<QAction *> DetailPane::privacyActions(QPlainTextEdit *view, int position, QObject *parent)
{
    QList<QAction *> actions;
    if (m_readOnly || m_rowId == 0)
        return actions;
    for (const privacy::Finding &f : m_findings.value(view)) {
        if (position < f.start || position > f.end)
            continue;
        const QString value = f.value.isEmpty() ? f.original : f.value;
        if (!m_pairId.isEmpty()) {
            auto *here = new QAction(tr("Not personal data in this pair"), parent);
            here->setObjectName(u"notPersonalDataHere"_s);
            here->setToolTip(tr("This value is left as it is in this pair only."));
            connect(here, &QAction::triggered, this, [this, value, pairId = m_pairId] {
                privacy::Decision d{privacy::Decision::Type::NotPii, value};
                d.pairId = pairId;
                emit privacyDecided(d);
            });
            actions << here;
        }
        auto *a = new QAction(tr("Not personal data (everywhere)"), parent);
        a->setObjectName(u"notPersonalData"_s);
        a->setToolTip(tr("Every finding of exactly this value is left as it is, in every pair."));
        connect(a, &QAction::triggered, this, [this, value] {
            emit privacyDecided({privacy::Decision::Type::NotPii, value});
        });
        actions << a;
        break;
    }
    // The selection, on one line (a paragraph break reads as U+2029 in a QTextCursor).
    const QString selected = view->textCursor().selectedText().trimmed();
    if (!selected.isEmpty() && !selected.contains(QChar::ParagraphSeparator) &&
        selected.size() <= privacy::Config::kMaxDecisionValueLength) {
        auto *mark = new QAction(tr("Mark as personal data"), parent);
        mark->setObjectName(u"markPersonalData"_s);
        auto *menu = new QMenu(this);
        connect(mark, &QObject::destroyed, menu, &QObject::deleteLater);
        for (PiiKind kind : allPiiKinds()) {
            QAction *k =
                menu->addAction(kind == PiiKind::Custom ? tr("Other personal data") : piiDescription(kind));
            k->setObjectName(u"mark_"_s + piiKindName(kind));
            connect(k, &QAction::triggered, this, [this, selected, kind] {
                emit privacyDecided({privacy::Decision::Type::Mark, selected, kind});
            });
        }
        mark->setMenu(menu);
        actions << mark;
    }
    return actions;
}

void DetailPane::showContextMenu(QPlainTextEdit *view, const QPoint &pos)
{
    QMenu *menu = view->createStandardContextMenu(pos);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    const QList<QAction *> actions = privacyActions(view, view->cursorForPosition(pos).position(), menu);
    if (!actions.isEmpty()) {
        menu->addSeparator();
        menu->addActions(actions);
    }
    menu->popup(view->viewport()->mapToGlobal(pos));
}

} // namespace pairlens::ui
