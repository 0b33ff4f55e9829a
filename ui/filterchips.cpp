#include "filterchips.h"

#include "dataset/filterargs.h"
#include "piistyle.h"
#include "privacy/piikind.h"

#include <QApplication>
#include <QClipboard>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

using namespace Qt::StringLiterals;

namespace pairlens::ui {
namespace {

QString elided(const QString &text)
{
    return text.size() > 32 ? text.left(31) + u'…' : text;
}

} // namespace

FilterChips::FilterChips(QWidget *parent) : QWidget(parent)
{
    setObjectName(u"filterChips"_s);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    m_chips = new QHBoxLayout;
    m_chips->setSpacing(4);
    layout->addLayout(m_chips);
    layout->addStretch(1);
    m_copy = new QToolButton;
    m_copy->setObjectName(u"copyCommandLine"_s);
    m_copy->setText(tr("Copy as command line"));
    m_copy->setToolTip(tr("Copy the pairlens export command with these filters, to run the same "
                          "selection in a pipeline"));
    connect(m_copy, &QToolButton::clicked, this,
            [this] { QApplication::clipboard()->setText(commandLine()); });
    layout->addWidget(m_copy);
    hide();
}

QString FilterChips::commandLine(const QString &dataset, const Filter &filter)
{
    QStringList words{u"pairlens"_s, u"export"_s, dataset, u"-o"_s, u"pairs.jsonl"_s};
    words += filterArguments(filter);
    return shellCommand(words);
}

void FilterChips::setFilter(const Filter &filter, const QString &dataset)
{
    m_filter = filter;
    m_dataset = dataset;
    rebuild();
}

void FilterChips::addChip(const QString &name, const QString &text,
                          const std::function<void(Filter &)> &remove)
{
    auto *chip = new QToolButton;
    chip->setObjectName(u"chip_"_s + name);
    chip->setText(elided(text) + u"  ✕"_s);
    chip->setToolTip(tr("Remove this filter: %1").arg(text));
    chip->setAutoRaise(false);
    chip->setStyleSheet(
        u"QToolButton { border: 1px solid palette(mid); border-radius: 9px; padding: 1px 8px; "
        "background: palette(alternate-base); }"_s);
    connect(chip, &QToolButton::clicked, this, [this, remove] {
        Filter f = m_filter;
        remove(f);
        emit filterEdited(f);
    });
    m_chips->addWidget(chip);
}

void FilterChips::rebuild()
{
    while (QLayoutItem *item = m_chips->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    const Filter &f = m_filter;
    if (!f.search.trimmed().isEmpty())
        addChip(u"search"_s, tr("Search: %1").arg(f.search), [](Filter &g) { g.search.clear(); });
    if (f.from.isValid())
        addChip(u"from"_s, tr("From %1").arg(f.from.toUTC().date().toString(Qt::ISODate)),
                [](Filter &g) { g.from = {}; });
    if (f.to.isValid())
        addChip(u"to"_s, tr("To %1").arg(f.to.toUTC().date().toString(Qt::ISODate)),
                [](Filter &g) { g.to = {}; });
    if (f.success != Filter::Success::Any)
        addChip(u"success"_s,
                f.success == Filter::Success::SuccessfulOnly ? tr("Successful only") : tr("Failed only"),
                [](Filter &g) { g.success = Filter::Success::Any; });
    for (int s : f.reviewStatuses)
        addChip(u"review_"_s + reviewStatusName(ReviewStatus(s)),
                tr("Review: %1").arg(reviewStatusLabel(ReviewStatus(s))),
                [s](Filter &g) { g.reviewStatuses.removeAll(s); });
    if (f.piiRequired && !f.piiKinds)
        addChip(u"pii_any"_s, tr("Personal data: any"), [](Filter &g) { g.piiRequired = false; });
    for (PiiKind k : allPiiKinds()) {
        if (!(f.piiKinds & quint32(k)))
            continue;
        addChip(u"pii_"_s + piiKindName(k), tr("Personal data: %1").arg(piiLabel(k)), [k](Filter &g) {
            g.piiKinds &= ~quint32(k);
            g.piiRequired = g.piiKinds != 0;
        });
    }
    auto values = [this](const QString &name, const QString &label, const QStringList &list,
                         QStringList Filter::*member) {
        for (const QString &v : list)
            addChip(name + u'_' + v, u"%1: %2"_s.arg(label, v.isEmpty() ? tr("(no statement)") : v),
                    [member, v](Filter &g) { (g.*member).removeAll(v); });
    };
    values(u"type"_s, tr("Type"), f.queryTypes, &Filter::queryTypes);
    values(u"dbType"_s, tr("Database type"), f.databaseTypes, &Filter::databaseTypes);
    values(u"dbName"_s, tr("Database"), f.databaseNames, &Filter::databaseNames);
    values(u"table"_s, tr("Table"), f.tables, &Filter::tables);
    if (f.duplicates != Filter::Duplicates::Any)
        addChip(u"duplicates"_s,
                f.duplicates == Filter::Duplicates::Exact ? tr("Exact duplicates")
                                                          : tr("Normalized duplicates"),
                [](Filter &g) { g.duplicates = Filter::Duplicates::Any; });
    setVisible(m_chips->count() > 0);
}

} // namespace pairlens::ui
