#pragma once

#include "dataset/pair.h"
#include "privacy/anonymizer.h"

#include <QHash>
#include <QWidget>

class QAction;
class QComboBox;
class QJsonValue;
class QLabel;
class QPlainTextEdit;
class QStackedWidget;
class QTabWidget;
class QTimer;

namespace pairlens::ui {

// The selected pair in full: question, SQL, database name and metadata as they are and as they will
// be exported, side by side, with every finding highlighted in its kind's colour on both sides and a
// legend (metadata findings apart: the PII column and filter cover question and SQL); the record as
// exported, in a chosen format, as the export engine writes it; and the reviewer note (saved while
// typing, debounced).
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
    QPlainTextEdit *originalMetadata() const { return m_metadata[0]; }
    QPlainTextEdit *anonymizedMetadata() const { return m_metadata[1]; }
    QLabel *originalDatabaseName() const { return m_databaseName[0]; }
    QLabel *anonymizedDatabaseName() const { return m_databaseName[1]; }
    QLabel *legend() const { return m_legend; }
    QTabWidget *tabs() const { return m_tabs; }
    QComboBox *recordFormat() const { return m_recordFormat; }
    QPlainTextEdit *recordView() const { return m_record; }
    // The bytes the record view shows (its text has CSV's CRLF line ends as plain line breaks).
    QByteArray recordBytes() const { return m_recordBytes; }
    // The export engine's bytes for `rowId` in `format` (an exporting::Format), or why there are none.
    void setRecord(qint64 rowId, int format, const QByteArray &bytes, const QString &error);
    // The privacy actions of the original question or SQL view (its context menu's): "Not personal
    // data (everywhere)" on a finding at `position`, "Mark as personal data" with a kind submenu on
    // the view's selected text. Owned by `parent`; none when the dataset is read-only.
    QList<QAction *> privacyActions(QPlainTextEdit *view, int position, QObject *parent);

signals:
    // The note of a pair changed from what the dataset holds (before) to what was typed (after).
    void noteEdited(qint64 rowId, const QString &before, const QString &after);
    // Escape in the note field: the note is saved; the window moves the focus back to the table.
    void noteLeft();
    // The record-as-exported tab wants the bytes of a pair in a format (answer with setRecord()).
    void recordRequested(qint64 rowId, int format);
    // A privacy decision taken in the pane (see privacyActions()).
    void privacyDecided(const pairlens::privacy::Decision &decision);

private:
    void showText(QPlainTextEdit *original, QPlainTextEdit *anonymized, const QString &text,
                  const privacy::AnonymizedText &result);
    void flushNote();
    // Fills the metadata views; returns the findings per kind (PiiKind bits).
    QHash<quint32, int> showMetadata(const Pair &pair, const privacy::Anonymizer *anonymizer);
    void requestRecord();
    void updateRecordNote();
    void showContextMenu(QPlainTextEdit *view, const QPoint &pos);

    QStackedWidget *m_stack = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_meta = nullptr;
    QLabel *m_legend = nullptr;
    QPlainTextEdit *m_question[2] = {};
    QPlainTextEdit *m_sql[2] = {};
    QPlainTextEdit *m_metadata[2] = {};
    QLabel *m_databaseName[2] = {};
    QTabWidget *m_tabs = nullptr;
    QComboBox *m_recordFormat = nullptr;
    QLabel *m_recordNote = nullptr;
    QPlainTextEdit *m_record = nullptr;
    ReviewStatus m_status = ReviewStatus::Unreviewed;
    bool m_success = true;
    bool m_recordStale = true;
    QByteArray m_recordBytes;
    QPlainTextEdit *m_note = nullptr;
    QTimer *m_noteTimer = nullptr;
    qint64 m_rowId = 0;
    QString m_pairId; // of the pair shown (its own privacy decisions)
    bool m_noteDirty = false;
    QString m_storedNote; // the note as the dataset holds it, as far as this pane knows
    bool m_readOnly = false;
    QHash<const QPlainTextEdit *, QList<privacy::Finding>> m_findings; // of the original views
};

} // namespace pairlens::ui
