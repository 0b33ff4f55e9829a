#pragma once

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace pairlens::ui {

// File > Connect to PostgreSQL… (issue 18): host, port, database, user, schema and password of a
// PostgreSQL dataset, with the recent connections (URLs without a password, from the recent
// datasets). PairLens never stores the password; ~/.pgpass and PGPASSWORD work as well.
// In Open mode, Connect tries the connection on a pool thread first: a failure shows libpq's reason
// in the dialog, which stays open; success closes it, and location() is the dataset to open. In
// Target mode (File > Copy Dataset To > PostgreSQL…) the dialog only names the target.
class ConnectDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Mode
    {
        Open,
        Target
    };
    ConnectDialog(Mode mode, const QStringList &recent, QWidget *parent = nullptr);

    // Fills the fields from a postgresql:// URL (a recent connection).
    void setLocation(const QString &url);
    // The URL of the fields, with the password when one was typed (kept in memory only).
    QString location() const;
    // The same without the password, as the window shows it.
    QString shownLocation() const;
    QString errorText() const;
    bool isConnecting() const { return m_connecting; }

public slots:
    void tryConnect();

signals:
    void connectFailed(const QString &error);

private:
    void showError(const QString &error);
    QString url(bool withPassword) const;

    Mode m_mode;
    QComboBox *m_recent;
    QLineEdit *m_host;
    QSpinBox *m_port;
    QLineEdit *m_database;
    QLineEdit *m_user;
    QLineEdit *m_schema;
    QLineEdit *m_password;
    QLabel *m_error;
    QPushButton *m_connect;
    bool m_connecting = false;
};

} // namespace pairlens::ui
