#include "pairdialog.h"

#include "sqlhighlighter.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>

using namespace Qt::StringLiterals;

namespace pairlens::ui {

PairDialog::PairDialog(Mode mode, const Pair &pair, const QStringList &databaseTypes, QWidget *parent)
    : QDialog(parent), m_mode(mode), m_pair(pair)
{
    setWindowTitle(mode == Mode::Add ? tr("Add Pair") : tr("Edit Pair"));
    auto *form = new QFormLayout(this);
    m_question = new QPlainTextEdit(pair.naturalLanguageQuery);
    m_question->setObjectName(u"questionEdit"_s);
    m_question->setPlaceholderText(tr("The question a person asked"));
    m_question->setTabChangesFocus(true);
    m_sql = new QPlainTextEdit(pair.sqlQuery);
    m_sql->setObjectName(u"sqlEdit"_s);
    m_sql->setPlaceholderText(tr("The SQL generated for it"));
    m_sql->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_sql->setTabChangesFocus(true);
    new SqlHighlighter(m_sql->document());
    form->addRow(tr("&Question:"), m_question);
    form->addRow(tr("&SQL:"), m_sql);

    if (mode == Mode::Add) {
        m_dbType = new QComboBox;
        m_dbType->setEditable(true);
        m_dbType->addItems(databaseTypes);
        m_dbType->setCurrentText(pair.databaseType);
        m_dbName = new QLineEdit(pair.databaseName);
        m_success = new QCheckBox(tr("The SQL ran successfully"));
        m_success->setChecked(pair.success);
        m_time = new QDoubleSpinBox;
        m_time->setRange(-1, 1e9);
        m_time->setDecimals(1);
        m_time->setSpecialValueText(tr("unknown"));
        m_time->setSuffix(tr(" ms"));
        m_time->setValue(pair.executionTimeMs);
        form->addRow(tr("Database &type:"), m_dbType);
        form->addRow(tr("Database &name:"), m_dbName);
        form->addRow(QString(), m_success);
        form->addRow(tr("&Execution time:"), m_time);
    }

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(mode == Mode::Add ? tr("Add") : tr("Save"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
    connect(m_question, &QPlainTextEdit::textChanged, this, &PairDialog::validate);
    connect(m_sql, &QPlainTextEdit::textChanged, this, &PairDialog::validate);
    validate();
    resize(720, 480);
}

void PairDialog::validate()
{
    m_ok->setEnabled(!m_question->toPlainText().trimmed().isEmpty() &&
                     !m_sql->toPlainText().trimmed().isEmpty());
}

Pair PairDialog::pair() const
{
    Pair p = m_pair;
    p.naturalLanguageQuery = m_question->toPlainText();
    p.sqlQuery = m_sql->toPlainText();
    if (m_mode == Mode::Add) {
        p.databaseType = m_dbType->currentText().trimmed();
        p.databaseName = m_dbName->text().trimmed();
        p.success = m_success->isChecked();
        p.executionTimeMs = m_time->value();
    }
    return p;
}

} // namespace pairlens::ui
