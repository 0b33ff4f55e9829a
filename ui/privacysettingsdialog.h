#pragma once

// The dataset's anonymization settings in the window: the operator of each kind of personal data
// with a live example of what it writes, the database name's operator, metadata scanning, and the
// custom patterns with a test box that shows what each one matches. The dialog only edits a
// privacy::Config; the caller writes it (through the session's worker, with undo).

#include "privacy/anonymizer.h"

#include <QDialog>
#include <QHash>

class QCheckBox;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;
class QUndoStack;

namespace pairlens::ui {

class DatasetSession;

class PrivacySettingsDialog : public QDialog
{
    Q_OBJECT
public:
    // `current` holds the dataset's key, so that the examples are the replacements an export writes.
    PrivacySettingsDialog(const privacy::Config &current, bool readOnly, QWidget *parent = nullptr);

    // Shows the dialog for the session's dataset; a saved change is written through the session
    // and, once written, pushed on `undo`.
    static void edit(DatasetSession *session, QUndoStack *undo, QWidget *parent);

    // The settings as edited (the key and decisions of `current` unchanged).
    privacy::Config config() const;
    bool isChanged() const;

    // For tests: the example shown for a kind, and the test box's result.
    QString exampleText(PiiKind kind) const;
    QString testResult() const;

private:
    void buildOperators(QWidget *page);
    void buildPatterns(QWidget *page);
    void addPatternRow(const privacy::CustomPattern &pattern);
    void refresh();
    QComboBox *operatorBox(privacy::Operator op);

    privacy::Config m_current;
    bool m_readOnly;
    QHash<PiiKind, QComboBox *> m_operators;
    QHash<PiiKind, QLabel *> m_examples;
    QComboBox *m_databaseName = nullptr;
    QLabel *m_databaseNameExample = nullptr;
    QCheckBox *m_scanMetadata = nullptr;
    QTableWidget *m_patterns = nullptr;
    QLabel *m_problems = nullptr;
    QPlainTextEdit *m_test = nullptr;
    QLabel *m_testResult = nullptr;
    QPushButton *m_save = nullptr;
};

} // namespace pairlens::ui
