#include "detailpane.h"

#include "dataset/deriver.h"
#include "piistyle.h"
#include "privacy/anonymizer.h"
#include "sqlhighlighter.h"

#include <QFontDatabase>
#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QStackedWidget>
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

    auto *grid = new QGridLayout;
    grid->addWidget(header(tr("Original")), 0, 1);
    grid->addWidget(header(tr("As exported (anonymized)")), 0, 2);
    grid->addWidget(header(tr("Question")), 1, 0, Qt::AlignTop);
    grid->addWidget(header(tr("SQL")), 2, 0, Qt::AlignTop);
    m_question[0] = textView(u"originalQuestion"_s, false);
    m_question[1] = textView(u"anonymizedQuestion"_s, false);
    m_sql[0] = textView(u"originalSql"_s, true);
    m_sql[1] = textView(u"anonymizedSql"_s, true);
    grid->addWidget(m_question[0], 1, 1);
    grid->addWidget(m_question[1], 1, 2);
    grid->addWidget(m_sql[0], 2, 1);
    grid->addWidget(m_sql[1], 2, 2);
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(2, 1);
    grid->setRowStretch(1, 2);
    grid->setRowStretch(2, 3);
    layout->addLayout(grid, 1);

    m_legend = new QLabel;
    m_legend->setObjectName(u"legend"_s);
    m_legend->setTextFormat(Qt::RichText);
    m_legend->setWordWrap(true);
    layout->addWidget(m_legend);

    auto *noteRow = new QHBoxLayout;
    noteRow->addWidget(header(tr("Note")), 0, Qt::AlignTop);
    m_note = new QPlainTextEdit;
    m_note->setObjectName(u"noteEdit"_s);
    m_note->setPlaceholderText(tr("Reviewer note (saved as you type)"));
    m_note->setFixedHeight(m_note->fontMetrics().height() * 3 + 12);
    m_note->setTabChangesFocus(true);
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
    m_note->setReadOnly(readOnly);
    m_note->setPlaceholderText(readOnly ? tr("The dataset is read-only")
                                        : tr("Reviewer note (saved as you type)"));
}

void DetailPane::flushNote()
{
    m_noteTimer->stop();
    if (m_noteDirty && m_rowId) {
        m_noteDirty = false;
        emit noteEdited(m_rowId, m_note->toPlainText());
    }
}

void DetailPane::showText(QPlainTextEdit *original, QPlainTextEdit *anonymized, const QString &text,
                          const privacy::AnonymizedText &result)
{
    original->setPlainText(text);
    anonymized->setPlainText(result.text);
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

void DetailPane::setPair(const Pair *pair, const privacy::Anonymizer *anonymizer)
{
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
        question = anonymizer->anonymizeText(pair->naturalLanguageQuery);
        sql = anonymizer->anonymizeSql(pair->sqlQuery, sql::dialectFromDatabaseType(pair->databaseType));
    }
    showText(m_question[0], m_question[1], pair->naturalLanguageQuery, question);
    showText(m_sql[0], m_sql[1], pair->sqlQuery, sql);

    QHash<quint32, int> found;
    for (const privacy::Finding &f : question.findings + sql.findings)
        ++found[quint32(f.kind)];
    QStringList chips;
    for (PiiKind k : allPiiKinds()) {
        if (const int n = found.value(quint32(k)))
            chips << u"<span style=\"background-color:%1; color:#101010;\">&nbsp;%2 ×%3&nbsp;</span>"_s
                         .arg(piiColor(k).name(), piiDescription(k).toHtmlEscaped())
                         .arg(n);
    }
    m_legend->setText(chips.isEmpty() ? tr("No personal data found in this pair.")
                                      : tr("Found: %1").arg(chips.join(u"&nbsp; "_s)));

    if (!samePair || (!m_noteDirty && !m_note->hasFocus())) {
        QSignalBlocker block(m_note);
        m_note->setPlainText(pair->reviewerNote);
        m_noteDirty = false;
    }
}

} // namespace pairlens::ui
