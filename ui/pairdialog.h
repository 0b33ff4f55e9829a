#pragma once

#include "dataset/pair.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QPlainTextEdit;

namespace pairlens::ui {

// Adds a pair by hand, or edits a pair's question and SQL (the derived fields follow in core).
class PairDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Mode
    {
        Add,
        Edit
    };

    PairDialog(Mode mode, const Pair &pair, const QStringList &databaseTypes, QWidget *parent = nullptr);

    // The pair as entered (Edit: only question and SQL differ from the original).
    Pair pair() const;

    QPlainTextEdit *questionEdit() const { return m_question; }
    QPlainTextEdit *sqlEdit() const { return m_sql; }

private:
    void validate();

    Mode m_mode;
    Pair m_pair;
    QPlainTextEdit *m_question = nullptr;
    QPlainTextEdit *m_sql = nullptr;
    QComboBox *m_dbType = nullptr;
    QLineEdit *m_dbName = nullptr;
    QCheckBox *m_success = nullptr;
    QDoubleSpinBox *m_time = nullptr;
    QPushButton *m_ok = nullptr;
};

} // namespace pairlens::ui
