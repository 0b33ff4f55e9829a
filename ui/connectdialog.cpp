#include "connectdialog.h"

#include "storage/pgstorage.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QUrl>
#include <QUrlQuery>
#include <QVBoxLayout>
#include <QtConcurrent>

using namespace Qt::StringLiterals;

namespace pairlens::ui {
namespace {

const QString kDefaultSchema = u"training_data"_s;

} // namespace

ConnectDialog::ConnectDialog(Mode mode, const QStringList &recent, QWidget *parent)
    : QDialog(parent), m_mode(mode)
{
    setWindowTitle(mode == Mode::Open ? tr("Connect to PostgreSQL") : tr("Copy Dataset to PostgreSQL"));
    setObjectName(u"connectDialog"_s);
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(mode == Mode::Open
                                 ? tr("Open a dataset kept in a PostgreSQL schema, shared with your team.")
                                 : tr("The schema must be new or hold no pairs; the copy keeps every pair, "
                                      "review, the trash, the audit log and the settings."));
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto *form = new QFormLayout;
    m_recent = new QComboBox;
    m_recent->setObjectName(u"recentConnections"_s);
    m_recent->addItem(tr("New connection"));
    for (const QString &url : recent)
        m_recent->addItem(url, url);
    m_recent->setEnabled(!recent.isEmpty());
    form->addRow(tr("&Recent:"), m_recent);
    m_host = new QLineEdit(u"localhost"_s);
    m_host->setObjectName(u"hostEdit"_s);
    form->addRow(tr("&Host:"), m_host);
    m_port = new QSpinBox;
    m_port->setObjectName(u"portEdit"_s);
    m_port->setRange(1, 65535);
    m_port->setValue(5432);
    form->addRow(tr("P&ort:"), m_port);
    m_database = new QLineEdit;
    m_database->setObjectName(u"databaseEdit"_s);
    form->addRow(tr("&Database:"), m_database);
    m_user = new QLineEdit(qEnvironmentVariable("USER"));
    m_user->setObjectName(u"userEdit"_s);
    form->addRow(tr("&User:"), m_user);
    m_schema = new QLineEdit(kDefaultSchema);
    m_schema->setObjectName(u"schemaEdit"_s);
    form->addRow(tr("&Schema:"), m_schema);
    m_password = new QLineEdit;
    m_password->setObjectName(u"passwordEdit"_s);
    m_password->setEchoMode(QLineEdit::Password);
    form->addRow(tr("&Password:"), m_password);
    layout->addLayout(form);
    auto *note = new QLabel(tr("PairLens never stores the password. Leave it empty to use ~/.pgpass or "
                               "the PGPASSWORD environment variable."));
    note->setWordWrap(true);
    note->setEnabled(false); // secondary text
    layout->addWidget(note);
    m_error = new QLabel;
    m_error->setObjectName(u"connectError"_s);
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(u"color: palette(bright-text); background: #b3261e; padding: 6px;"_s);
    m_error->hide();
    layout->addWidget(m_error);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_connect =
        buttons->addButton(mode == Mode::Open ? tr("&Connect") : tr("&Copy"), QDialogButtonBox::AcceptRole);
    m_connect->setObjectName(u"connectButton"_s);
    // Return in any field connects: no other button becomes the default by taking the focus.
    for (QAbstractButton *b : buttons->buttons()) {
        if (auto *push = qobject_cast<QPushButton *>(b))
            push->setAutoDefault(false);
    }
    m_connect->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &ConnectDialog::tryConnect);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    connect(m_recent, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index > 0)
            setLocation(m_recent->itemData(index).toString());
    });
    for (QLineEdit *edit : {m_host, m_database, m_user, m_schema, m_password})
        connect(edit, &QLineEdit::textEdited, m_error, &QWidget::hide);
    setMinimumWidth(460);
}

void ConnectDialog::setLocation(const QString &location)
{
    const QUrl url(location);
    if (!url.isValid() || !isPostgresLocation(location))
        return;
    m_host->setText(url.host());
    m_port->setValue(url.port(5432));
    m_database->setText(url.path().mid(1));
    m_user->setText(url.userName());
    const QString schema = QUrlQuery(url).queryItemValue(u"schema"_s, QUrl::FullyDecoded);
    m_schema->setText(schema.isEmpty() ? kDefaultSchema : schema);
    m_password->clear();
    m_error->hide();
    // The recent entry it came from is shown as chosen; the password is what is left to type.
    const int recent = m_recent->findData(shownLocation());
    if (recent > 0) {
        const QSignalBlocker blocker(m_recent);
        m_recent->setCurrentIndex(recent);
    }
    m_password->setFocus();
}

QString ConnectDialog::url(bool withPassword) const
{
    QUrl url;
    url.setScheme(u"postgresql"_s);
    url.setHost(m_host->text().trimmed());
    url.setPort(m_port->value());
    url.setUserName(m_user->text().trimmed());
    if (withPassword && !m_password->text().isEmpty())
        url.setPassword(m_password->text());
    url.setPath(u'/' + m_database->text().trimmed());
    const QString schema = m_schema->text().trimmed();
    if (!schema.isEmpty() && schema != kDefaultSchema) {
        QUrlQuery query;
        query.addQueryItem(u"schema"_s, schema);
        url.setQuery(query);
    }
    return url.toString(QUrl::FullyEncoded);
}

QString ConnectDialog::location() const
{
    return url(true);
}

QString ConnectDialog::shownLocation() const
{
    return url(false);
}

QString ConnectDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void ConnectDialog::showError(const QString &error)
{
    m_error->setText(error);
    m_error->show();
    // Room for the sentence without squeezing the fields.
    resize(width(), std::max(height(), sizeHint().height()));
    emit connectFailed(error);
}

void ConnectDialog::tryConnect()
{
    if (m_connecting)
        return;
    if (m_host->text().trimmed().isEmpty() || m_database->text().trimmed().isEmpty()) {
        showError(tr("Enter the server's host and the database."));
        return;
    }
    if (m_mode == Mode::Target) {
        accept();
        return;
    }
    // libpq may wait for the server up to its connect timeout: the window stays responsive.
    m_connecting = true;
    m_connect->setEnabled(false);
    m_error->hide();
    setCursor(Qt::BusyCursor);
    auto *watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher] {
        watcher->deleteLater();
        m_connecting = false;
        m_connect->setEnabled(true);
        unsetCursor();
        const QString error = watcher->result();
        if (error.isEmpty())
            accept();
        else
            showError(error);
    });
    watcher->setFuture(QtConcurrent::run([location = location()] {
        QString error;
        return PgStorage::open(location, &error) ? QString() : error;
    }));
}

} // namespace pairlens::ui
