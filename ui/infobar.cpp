#include "infobar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pairlens::ui {

InfoBar::InfoBar(Kind kind, QWidget *parent) : QFrame(parent)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 4, 4, 4);
    m_icon = new QLabel;
    m_text = new QLabel;
    m_text->setObjectName(u"infoText"_s);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_buttons = new QHBoxLayout;
    m_close = new QToolButton;
    m_close->setAutoRaise(true);
    m_close->setText(u"✕"_s);
    m_close->setToolTip(tr("Close"));
    connect(m_close, &QToolButton::clicked, this, &QWidget::hide);
    m_details = new QLabel;
    m_details->setObjectName(u"infoDetails"_s);
    m_details->setWordWrap(true);
    m_details->setTextFormat(Qt::PlainText);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->hide();
    m_detailsButton = new QToolButton;
    m_detailsButton->setObjectName(u"detailsButton"_s);
    m_detailsButton->setText(tr("Show Details"));
    m_detailsButton->setCheckable(true);
    m_detailsButton->hide();
    connect(m_detailsButton, &QToolButton::toggled, this, [this](bool on) {
        m_details->setVisible(on);
        m_detailsButton->setText(on ? tr("Hide Details") : tr("Show Details"));
    });
    auto *texts = new QVBoxLayout;
    texts->setSpacing(2);
    texts->addWidget(m_text);
    texts->addWidget(m_details);
    layout->addWidget(m_icon, 0, Qt::AlignTop);
    layout->addLayout(texts, 1);
    layout->addWidget(m_detailsButton, 0, Qt::AlignTop);
    layout->addLayout(m_buttons);
    layout->addWidget(m_close);
    setKind(kind);
    hide();
}

void InfoBar::setKind(Kind kind)
{
    QString background, border;
    QStyle::StandardPixmap icon = QStyle::SP_MessageBoxInformation;
    switch (kind) {
    case Kind::Info:
        background = u"#e8f1fd"_s;
        border = u"#9ec5fe"_s;
        break;
    case Kind::Warning:
        background = u"#fff4d6"_s;
        border = u"#f0c36d"_s;
        icon = QStyle::SP_MessageBoxWarning;
        break;
    case Kind::Error:
        background = u"#fde8e8"_s;
        border = u"#f1a7a7"_s;
        icon = QStyle::SP_MessageBoxCritical;
        break;
    }
    setStyleSheet(u"pairlens--ui--InfoBar { background: %1; border: 1px solid %2; border-radius: 4px; }"
                  " QLabel { color: #1a1a1a; }"_s.arg(background, border));
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize);
    m_icon->setPixmap(style()->standardIcon(icon).pixmap(size, size));
}

void InfoBar::setText(const QString &text)
{
    m_text->setText(text);
    setDetails(QString());
}

void InfoBar::setDetails(const QString &details)
{
    m_details->setText(details);
    m_detailsButton->setChecked(false);
    m_detailsButton->setVisible(!details.isEmpty());
}

QString InfoBar::details() const
{
    return m_details->text();
}

QString InfoBar::text() const
{
    return m_text->text();
}

QToolButton *InfoBar::addButton(const QString &text, const QString &objectName)
{
    auto *b = new QToolButton;
    b->setText(text);
    b->setObjectName(objectName);
    m_buttons->addWidget(b);
    return b;
}

void InfoBar::setClosable(bool closable)
{
    m_close->setVisible(closable);
}

} // namespace pairlens::ui
