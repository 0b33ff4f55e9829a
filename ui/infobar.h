#pragma once

#include <QFrame>

class QHBoxLayout;
class QLabel;
class QToolButton;

namespace pairlens::ui {

// A slim banner above the table for things the user should know without a dialog: the dataset is
// read-only, another program added pairs, an operation failed.
class InfoBar : public QFrame
{
    Q_OBJECT
public:
    enum class Kind
    {
        Info,
        Warning,
        Error
    };

    explicit InfoBar(Kind kind, QWidget *parent = nullptr);

    void setKind(Kind kind);
    void setText(const QString &text);
    QString text() const;
    // Adds a button; the bar stays open when it is clicked unless the handler hides it.
    QToolButton *addButton(const QString &text, const QString &objectName);
    void setClosable(bool closable);
    // What lies behind the sentence (SQLite's own words): a "Show details" button shows it; empty
    // hides the button. setText() clears it.
    void setDetails(const QString &details);
    QString details() const;

private:
    QLabel *m_icon = nullptr;
    QLabel *m_text = nullptr;
    QLabel *m_details = nullptr;
    QToolButton *m_detailsButton = nullptr;
    QHBoxLayout *m_buttons = nullptr;
    QToolButton *m_close = nullptr;
};

} // namespace pairlens::ui
