#pragma once

#include "dataset/pair.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QStackedWidget;
class QTimer;

namespace pairlens::privacy {
class Anonymizer;
struct AnonymizedText;
} // namespace pairlens::privacy

namespace pairlens::ui {

// The selected pair in full: question and SQL as they are and as they will be exported, side by
// side, with every finding highlighted in its kind's colour on both sides and a legend; the pair's
// metadata; and the reviewer note (saved while typing, debounced).
class DetailPane : public QWidget
{
    Q_OBJECT
public:
    explicit DetailPane(QWidget *parent = nullptr);

    // nullptr clears the pane. The same pair again (e.g. reloaded) keeps a note being typed.
    void setPair(const Pair *pair, const privacy::Anonymizer *anonymizer);
    void setReadOnly(bool readOnly);
    qint64 rowId() const { return m_rowId; }

    QPlainTextEdit *originalQuestion() const { return m_question[0]; }
    QPlainTextEdit *anonymizedQuestion() const { return m_question[1]; }
    QPlainTextEdit *originalSql() const { return m_sql[0]; }
    QPlainTextEdit *anonymizedSql() const { return m_sql[1]; }
    QPlainTextEdit *noteEdit() const { return m_note; }

signals:
    void noteEdited(qint64 rowId, const QString &note);

private:
    void showText(QPlainTextEdit *original, QPlainTextEdit *anonymized, const QString &text,
                  const privacy::AnonymizedText &result);
    void flushNote();

    QStackedWidget *m_stack = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_meta = nullptr;
    QLabel *m_legend = nullptr;
    QPlainTextEdit *m_question[2] = {};
    QPlainTextEdit *m_sql[2] = {};
    QPlainTextEdit *m_note = nullptr;
    QTimer *m_noteTimer = nullptr;
    qint64 m_rowId = 0;
    bool m_noteDirty = false;
};

} // namespace pairlens::ui
