#include "privacysettingsdialog.h"

#include "commands.h"
#include "datasetsession.h"
#include "piistyle.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QUndoStack>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pairlens::ui {

namespace {

constexpr privacy::Operator kOperators[] = {privacy::Operator::Mask,      privacy::Operator::Pseudonym,
                                            privacy::Operator::Redact,    privacy::Operator::Hash,
                                            privacy::Operator::Surrogate, privacy::Operator::Keep};

enum PatternColumn
{
    NameColumn,
    PatternColumn,
    OperatorColumn,
    MatchesColumn
};

// A value of each kind that its detector finds, to show what an operator writes.
QString sampleOf(PiiKind kind)
{
    const QString name = piiKindName(kind);
    if (name == u"email"_s)
        return u"ana.silva@example.org"_s;
    if (name == u"phone"_s)
        return u"+1 415 555 0132"_s;
    if (name == u"ssn"_s)
        return u"078-05-1120"_s;
    if (name == u"credit_card"_s)
        return u"4111 1111 1111 1111"_s;
    if (name == u"ip_address"_s)
        return u"192.168.10.24"_s;
    if (name == u"iban"_s)
        return u"DE89 3704 0044 0532 0130 00"_s;
    if (name == u"person"_s || name == u"name"_s)
        return u"Mr Omar Johnson"_s;
    if (name == u"address"_s)
        return u"221 Baker Street"_s;
    if (name == u"date_of_birth"_s)
        return u"12 March 1985"_s;
    return {};
}

QString operatorLabel(privacy::Operator op)
{
    switch (op) {
    case privacy::Operator::Mask:
        return PrivacySettingsDialog::tr("Mask (format kept)");
    case privacy::Operator::Pseudonym:
        return PrivacySettingsDialog::tr("Pseudonym (consistent)");
    case privacy::Operator::Redact:
        return PrivacySettingsDialog::tr("Redact (<KIND>)");
    case privacy::Operator::Hash:
        return PrivacySettingsDialog::tr("Hash (keyed)");
    case privacy::Operator::Keep:
        return PrivacySettingsDialog::tr("Keep (not anonymized)");
    case privacy::Operator::Surrogate:
        return PrivacySettingsDialog::tr("Surrogate (realistic, same format)");
    }
    return {};
}

privacy::Operator operatorOf(const QComboBox *box)
{
    return privacy::Operator(box->currentData().toInt());
}

} // namespace

PrivacySettingsDialog::PrivacySettingsDialog(const privacy::Config &current, bool readOnly, QWidget *parent)
    : QDialog(parent), m_current(current), m_readOnly(readOnly)
{
    setObjectName(u"privacySettingsDialog"_s);
    setWindowTitle(tr("Privacy Settings"));
    auto *layout = new QVBoxLayout(this);
    auto *tabs = new QTabWidget(this);
    auto *operators = new QWidget(tabs);
    auto *patterns = new QWidget(tabs);
    buildOperators(operators);
    buildPatterns(patterns);
    tabs->addTab(operators, tr("&Operators"));
    tabs->addTab(patterns, tr("&Custom Patterns"));
    layout->addWidget(tabs);
    if (readOnly) {
        auto *note =
            new QLabel(tr("The dataset is open read-only: the settings can be seen, not changed."), this);
        note->setWordWrap(true);
        layout->addWidget(note);
    }
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    m_save = buttons->button(QDialogButtonBox::Save);
    m_save->setObjectName(u"saveButton"_s);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    refresh();
    resize(760, 560);
}

void PrivacySettingsDialog::edit(DatasetSession *session, QUndoStack *undo, QWidget *parent)
{
    const privacy::Anonymizer *anonymizer = session->anonymizer();
    if (!anonymizer)
        return;
    PrivacySettingsDialog dialog(anonymizer->config(), session->isReadOnly(), parent);
    if (dialog.exec() != QDialog::Accepted || !dialog.isChanged())
        return;
    const privacy::Config before = anonymizer->config();
    const privacy::Config after = dialog.config();
    WriteRequest r;
    r.kind = WriteKind::PrivacySettings;
    r.config = after;
    session->write(r, [session, undo, before, after](const WriteResult &result) {
        if (result.ok)
            undo->push(new PrivacySettingsCommand(session, before, after));
    });
}

QComboBox *PrivacySettingsDialog::operatorBox(privacy::Operator op)
{
    auto *box = new QComboBox(this);
    for (privacy::Operator o : kOperators)
        box->addItem(operatorLabel(o), int(o));
    box->setCurrentIndex(box->findData(int(op)));
    box->setEnabled(!m_readOnly);
    connect(box, &QComboBox::currentIndexChanged, this, &PrivacySettingsDialog::refresh);
    return box;
}

void PrivacySettingsDialog::buildOperators(QWidget *page)
{
    auto *layout = new QVBoxLayout(page);
    auto *intro = new QLabel(tr("What every export and the preview write in place of each kind of personal "
                                "data. The examples use this dataset's key."),
                             page);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *grid = new QGridLayout;
    grid->addWidget(new QLabel(tr("<b>Kind</b>"), page), 0, 0);
    grid->addWidget(new QLabel(tr("<b>Operator</b>"), page), 0, 1);
    grid->addWidget(new QLabel(tr("<b>Example</b>"), page), 0, 2);
    int row = 1;
    for (PiiKind kind : allPiiKinds()) {
        if (kind == PiiKind::Custom)
            continue;
        grid->addWidget(new QLabel(piiDescription(kind), page), row, 0);
        QComboBox *box = operatorBox(m_current.operatorFor(kind));
        box->setObjectName(u"operator_"_s + piiKindName(kind));
        m_operators.insert(kind, box);
        grid->addWidget(box, row, 1);
        auto *example = new QLabel(page);
        example->setObjectName(u"example_"_s + piiKindName(kind));
        example->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_examples.insert(kind, example);
        grid->addWidget(example, row, 2);
        ++row;
    }
    grid->addWidget(new QLabel(tr("Database name"), page), row, 0);
    m_databaseName = operatorBox(m_current.databaseNameOperator);
    m_databaseName->setObjectName(u"operator_database_name"_s);
    grid->addWidget(m_databaseName, row, 1);
    m_databaseNameExample = new QLabel(page);
    grid->addWidget(m_databaseNameExample, row, 2);
    grid->setColumnStretch(2, 1);
    layout->addLayout(grid);
    m_scanMetadata = new QCheckBox(tr("Scan the text values of each pair's &metadata"), page);
    m_scanMetadata->setObjectName(u"scanMetadata"_s);
    m_scanMetadata->setChecked(m_current.scanMetadata);
    m_scanMetadata->setEnabled(!m_readOnly);
    connect(m_scanMetadata, &QCheckBox::toggled, this, &PrivacySettingsDialog::refresh);
    layout->addWidget(m_scanMetadata);
    layout->addStretch();
}

void PrivacySettingsDialog::buildPatterns(QWidget *page)
{
    auto *layout = new QVBoxLayout(page);
    auto *intro = new QLabel(tr("Your own kinds of personal data, as regular expressions (PCRE syntax), "
                                "e.g. ticket numbers: TCK-\\d{6}. A change rescans the PII column."),
                             page);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    m_patterns = new QTableWidget(0, 4, page);
    m_patterns->setObjectName(u"patternsTable"_s);
    m_patterns->setHorizontalHeaderLabels(
        {tr("Name"), tr("Regular expression"), tr("Operator"), tr("Matches")});
    m_patterns->horizontalHeader()->setSectionResizeMode(PatternColumn, QHeaderView::Stretch);
    m_patterns->horizontalHeader()->setSectionResizeMode(OperatorColumn, QHeaderView::ResizeToContents);
    m_patterns->horizontalHeader()->setSectionResizeMode(MatchesColumn, QHeaderView::ResizeToContents);
    m_patterns->verticalHeader()->hide();
    m_patterns->setSelectionBehavior(QAbstractItemView::SelectRows);
    if (m_readOnly)
        m_patterns->setEditTriggers(QAbstractItemView::NoEditTriggers);
    for (const privacy::CustomPattern &p : std::as_const(m_current.customPatterns))
        addPatternRow(p);
    connect(m_patterns, &QTableWidget::itemChanged, this, &PrivacySettingsDialog::refresh);
    layout->addWidget(m_patterns, 1);
    auto *row = new QHBoxLayout;
    auto *add = new QPushButton(tr("&Add Pattern"), page);
    add->setObjectName(u"addPattern"_s);
    auto *remove = new QPushButton(tr("&Remove Pattern"), page);
    remove->setObjectName(u"removePattern"_s);
    add->setEnabled(!m_readOnly);
    remove->setEnabled(!m_readOnly);
    connect(add, &QPushButton::clicked, this, [this] {
        addPatternRow(
            {tr("pattern%1").arg(m_patterns->rowCount() + 1), QString(), privacy::Operator::Redact});
        m_patterns->setCurrentCell(m_patterns->rowCount() - 1, PatternColumn);
        m_patterns->editItem(m_patterns->item(m_patterns->rowCount() - 1, PatternColumn));
        refresh();
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        const int r = m_patterns->currentRow();
        if (r >= 0) {
            m_patterns->removeRow(r);
            refresh();
        }
    });
    row->addWidget(add);
    row->addWidget(remove);
    row->addStretch();
    layout->addLayout(row);
    m_problems = new QLabel(page);
    m_problems->setObjectName(u"patternProblems"_s);
    m_problems->setWordWrap(true);
    m_problems->setStyleSheet(u"color: #b3261e;"_s);
    layout->addWidget(m_problems);
    layout->addWidget(new QLabel(tr("&Test text: every pattern and kind is tried on it as you type."), page));
    m_test = new QPlainTextEdit(page);
    m_test->setObjectName(u"testText"_s);
    m_test->setPlaceholderText(tr("Paste a question, SQL or metadata value here"));
    m_test->setMaximumHeight(90);
    qobject_cast<QLabel *>(layout->itemAt(layout->count() - 1)->widget())->setBuddy(m_test);
    connect(m_test, &QPlainTextEdit::textChanged, this, &PrivacySettingsDialog::refresh);
    layout->addWidget(m_test);
    m_testResult = new QLabel(page);
    m_testResult->setObjectName(u"testResult"_s);
    m_testResult->setWordWrap(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_testResult);
}

void PrivacySettingsDialog::addPatternRow(const privacy::CustomPattern &pattern)
{
    const QSignalBlocker block(m_patterns);
    const int r = m_patterns->rowCount();
    m_patterns->insertRow(r);
    m_patterns->setItem(r, NameColumn, new QTableWidgetItem(pattern.name));
    m_patterns->setItem(r, PatternColumn, new QTableWidgetItem(pattern.pattern));
    m_patterns->setCellWidget(r, OperatorColumn, operatorBox(pattern.op));
    auto *matches = new QTableWidgetItem;
    matches->setFlags(Qt::ItemIsEnabled);
    matches->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_patterns->setItem(r, MatchesColumn, matches);
}

privacy::Config PrivacySettingsDialog::config() const
{
    privacy::Config c = m_current;
    c.operators.clear();
    for (auto it = m_operators.cbegin(); it != m_operators.cend(); ++it)
        c.operators.insert(it.key(), operatorOf(it.value()));
    c.databaseNameOperator = operatorOf(m_databaseName);
    c.scanMetadata = m_scanMetadata->isChecked();
    c.customPatterns.clear();
    for (int r = 0; r < m_patterns->rowCount(); ++r) {
        const auto *box = qobject_cast<const QComboBox *>(m_patterns->cellWidget(r, OperatorColumn));
        c.customPatterns.append({m_patterns->item(r, NameColumn)->text().trimmed(),
                                 m_patterns->item(r, PatternColumn)->text(),
                                 box ? operatorOf(box) : privacy::Operator::Redact});
    }
    return c;
}

bool PrivacySettingsDialog::isChanged() const
{
    const privacy::Config c = config();
    return c.toSettings() != m_current.toSettings();
}

QString PrivacySettingsDialog::exampleText(PiiKind kind) const
{
    const QLabel *label = m_examples.value(kind);
    return label ? label->text() : QString();
}

QString PrivacySettingsDialog::testResult() const
{
    return m_testResult->text();
}

void PrivacySettingsDialog::refresh()
{
    const privacy::Config c = config();
    const QStringList problems = c.validate();
    m_problems->setText(problems.join(u'\n'));
    m_problems->setVisible(!problems.isEmpty());
    const privacy::Anonymizer anonymizer(c);
    for (auto it = m_examples.cbegin(); it != m_examples.cend(); ++it) {
        const QString sample = sampleOf(it.key());
        if (sample.isEmpty()) {
            it.value()->clear();
            continue;
        }
        const privacy::AnonymizedText r = anonymizer.anonymizeText(sample);
        it.value()->setText(tr("%1 → %2").arg(sample, r.text));
    }
    const QString db = u"crm_customers"_s;
    m_databaseNameExample->setText(tr("%1 → %2").arg(db, anonymizer.anonymizeDatabaseName(db)));

    // The test box: the anonymized text, what was found by kind, and each pattern's matches.
    const QString test = m_test->toPlainText();
    QHash<QString, int> byPattern;
    QMap<QString, int> byKind;
    if (!test.isEmpty()) {
        const privacy::AnonymizedText r = anonymizer.anonymizeText(test);
        for (const privacy::Finding &f : r.findings) {
            if (f.kind == PiiKind::Custom)
                ++byPattern[f.customName];
            else
                ++byKind[piiDescription(f.kind)];
        }
        QStringList found;
        for (auto it = byKind.cbegin(); it != byKind.cend(); ++it)
            found << tr("%1: %2").arg(it.key(), QLocale().toString(it.value()));
        for (auto it = byPattern.cbegin(); it != byPattern.cend(); ++it)
            found << tr("pattern %1: %2").arg(it.key(), QLocale().toString(it.value()));
        m_testResult->setText(found.isEmpty()
                                  ? tr("Nothing found; the text is exported as it is.")
                                  : tr("Found %1.\nExported as: %2").arg(found.join(u", "_s), r.text));
    } else {
        m_testResult->setText(tr("Type or paste a text above to see what is found in it."));
    }
    {
        const QSignalBlocker block(m_patterns);
        for (int r = 0; r < m_patterns->rowCount(); ++r) {
            const QString name = m_patterns->item(r, NameColumn)->text().trimmed();
            m_patterns->item(r, MatchesColumn)
                ->setText(test.isEmpty() ? QString() : QLocale().toString(byPattern.value(name)));
        }
    }
    m_save->setEnabled(!m_readOnly && problems.isEmpty() && isChanged());
}

} // namespace pairlens::ui
