#include "emptystate.h"

#include <QCommandLinkButton>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pairlens::ui {

EmptyState::EmptyState(QWidget *parent) : QWidget(parent)
{
    auto *panel = new QWidget;
    panel->setMaximumWidth(520);
    auto *layout = new QVBoxLayout(panel);
    layout->setSpacing(10);

    auto *title = new QLabel(tr("No dataset is open"));
    QFont tf = title->font();
    tf.setPointSizeF(tf.pointSizeF() * 1.6);
    tf.setBold(true);
    title->setFont(tf);
    title->setAlignment(Qt::AlignCenter);
    auto *text = new QLabel(tr("A dataset holds natural-language questions and the SQL generated for them. "
                               "Open one, create an empty one and import JSONL, JSON or CSV files into it, "
                               "or look around in a demo dataset. You can also drop a file here."));
    text->setWordWrap(true);
    text->setAlignment(Qt::AlignCenter);
    layout->addWidget(title);
    layout->addWidget(text);
    layout->addSpacing(8);

    auto addLink = [&](const QString &label, const QString &description, const QString &name) {
        auto *b = new QCommandLinkButton(label, description);
        b->setObjectName(name);
        layout->addWidget(b);
        return b;
    };
    connect(addLink(tr("Open a dataset…"), tr("A PairLens dataset file (.pairlens, .db)"), u"emptyOpen"_s),
            &QAbstractButton::clicked, this, &EmptyState::openRequested);
    connect(addLink(tr("New dataset…"), tr("An empty dataset to import pairs into"), u"emptyNew"_s),
            &QAbstractButton::clicked, this, &EmptyState::newRequested);
    connect(addLink(tr("Open the demo dataset"), tr("5,000 synthetic pairs with realistic personal data"),
                    u"emptyDemo"_s),
            &QAbstractButton::clicked, this, &EmptyState::demoRequested);

    m_recentTitle = new QLabel(tr("Recent datasets"));
    QFont rf = m_recentTitle->font();
    rf.setBold(true);
    m_recentTitle->setFont(rf);
    m_recentTitle->setContentsMargins(0, 12, 0, 0);
    layout->addWidget(m_recentTitle);
    m_recent = new QVBoxLayout;
    m_recent->setSpacing(2);
    layout->addLayout(m_recent);

    auto *outer = new QVBoxLayout(this);
    outer->addStretch(2);
    auto *row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(panel, 3);
    row->addStretch(1);
    outer->addLayout(row);
    outer->addStretch(3);
    setRecent({});
}

void EmptyState::setRecent(const QStringList &paths)
{
    while (QLayoutItem *item = m_recent->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    int shown = 0;
    for (const QString &path : paths) {
        if (shown == 5)
            break;
        auto *b = new QPushButton(u"%1   —   %2"_s.arg(
            QFileInfo(path).fileName(), QDir::toNativeSeparators(QFileInfo(path).absolutePath())));
        b->setFlat(true);
        b->setStyleSheet(u"text-align: left; padding: 3px 6px;"_s);
        b->setToolTip(path);
        b->setCursor(Qt::PointingHandCursor);
        connect(b, &QPushButton::clicked, this, [this, path] { emit recentRequested(path); });
        m_recent->addWidget(b);
        ++shown;
    }
    m_recentTitle->setVisible(shown > 0);
}

} // namespace pairlens::ui
