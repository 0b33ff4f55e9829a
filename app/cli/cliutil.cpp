#include "cli/cliutil.h"

#include "cli/command.h"

#include "dataset/deriver.h"
#include "dataset/filterargs.h"
#include "dataset/pair.h"
#include "privacy/piikind.h"
#include "stats/duplicates.h"
#include "storage/pgstorage.h"
#include "storage/sqlitestorage.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>

#include <csignal>
#include <cstdio>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace pairlens::cli {

namespace {
std::atomic_bool g_cancelRequested = false;
extern "C" void requestCancel(int)
{
    g_cancelRequested.store(true);
}
} // namespace

CancelOnSignal::CancelOnSignal()
{
    std::signal(SIGINT, requestCancel);
    std::signal(SIGTERM, requestCancel);
}

void CancelOnSignal::restoreDefaults()
{
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
}

std::atomic_bool *CancelOnSignal::flag()
{
    return &g_cancelRequested;
}

void out(const QString &text)
{
    const QByteArray b = text.toUtf8();
    std::fwrite(b.constData(), 1, size_t(b.size()), stdout);
    std::fputc('\n', stdout);
}

void err(const QString &text)
{
    const QByteArray b = text.toUtf8();
    std::fwrite(b.constData(), 1, size_t(b.size()), stderr);
    std::fputc('\n', stderr);
    std::fflush(stderr);
}

void printJson(const QJsonValue &value, FILE *to)
{
    QByteArray b;
    if (value.isObject())
        b = QJsonDocument(value.toObject()).toJson(QJsonDocument::Indented);
    else if (value.isArray())
        b = QJsonDocument(value.toArray()).toJson(QJsonDocument::Indented);
    std::fwrite(b.constData(), 1, size_t(b.size()), to);
    std::fflush(to);
}

bool stderrIsTerminal()
{
    return isatty(fileno(stderr)) != 0;
}

bool stdinIsTerminal()
{
    return isatty(fileno(stdin)) != 0;
}

void setupParser(QCommandLineParser &parser, const QString &name, const QString &description)
{
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    parser.addPositionalArgument(name, QCoreApplication::translate("cli", "The subcommand."));
}

bool parseOrExplain(QCommandLineParser &parser, const QStringList &args, int minPositional)
{
    QStringList full = args;
    full.prepend(u"pairlens"_s);
    if (!parser.parse(full)) {
        err(u"pairlens %1: %2"_s.arg(args.value(0), parser.errorText()));
        err(QCoreApplication::translate("cli", "Try 'pairlens %1 --help'.").arg(args.value(0)));
        return false;
    }
    if (parser.isSet(u"help"_s)) {
        // QCommandLineParser names the program as it was started (build/app/pairlens); say pairlens.
        QString help = parser.helpText();
        help.replace(u"Usage: "_s + QCoreApplication::arguments().value(0) + u' ', u"Usage: pairlens "_s);
        out(help);
        std::exit(0);
    }
    if (parser.positionalArguments().size() < minPositional + 1) {
        err(QCoreApplication::translate("cli", "pairlens %1: missing arguments. Try 'pairlens %1 --help'.")
                .arg(args.value(0)));
        return false;
    }
    return true;
}

void addFilterOptions(QCommandLineParser &parser)
{
    pairlens::addFilterOptions(parser);
}

bool hasFilterOptions(const QCommandLineParser &parser)
{
    return pairlens::hasFilterOptions(parser);
}

bool filterFromOptions(const QCommandLineParser &parser, Filter *f)
{
    QString error;
    if (pairlens::filterFromOptions(parser, f, &error))
        return true;
    err(error);
    return false;
}

namespace {
QString &lastOpenedLocation()
{
    static QString location;
    return location;
}
} // namespace

std::unique_ptr<Dataset> openDataset(const QString &location, Dataset::Mode mode)
{
    QString error;
    if (isPostgresLocation(location)) {
        // Every command opens a PostgreSQL location with openStorage() instead; this is the net
        // for one that does not (yet).
        err(QCoreApplication::translate(
                "cli", "pairlens %1 does not work on PostgreSQL datasets yet; use a dataset file.")
                .arg(QCoreApplication::arguments().value(1)));
        return nullptr;
    }
    std::unique_ptr<Dataset> ds = Dataset::open(location, mode, &error);
    if (!ds) {
        err(error);
        return nullptr;
    }
    lastOpenedLocation() = location;
    if (!ds->isReadOnly()) {
        const qint64 n = Deriver::forDataset(*ds).deriveMissing(*ds, &error);
        if (n < 0)
            err(QCoreApplication::translate("cli", "Warning: could not analyse new pairs: %1").arg(error));
    }
    return ds;
}

OpenedDataset openFileOrStorage(const QString &location, Dataset::Mode mode)
{
    OpenedDataset opened;
    if (isPostgresLocation(location))
        opened.storage = openStorage(location);
    else
        opened.file = openDataset(location, mode);
    return opened;
}

std::optional<QHash<QString, QString>> OpenedDataset::readSettings() const
{
    QHash<QString, QString> settings;
    QString error;
    if (file ? file->readSettings(&settings, &error) : storage->readSettings(&settings, &error))
        return settings;
    err(QCoreApplication::translate("cli", "Cannot read the settings of %1: %2").arg(location(), error));
    return std::nullopt;
}

QString OpenedDataset::location() const
{
    return file ? file->location() : storage->location();
}

QByteArray OpenedDataset::secret() const
{
    return file ? file->secret() : storage->secret();
}

std::unique_ptr<Storage> openStorage(const QString &location, Dataset::Mode mode)
{
    if (!isPostgresLocation(location)) {
        std::unique_ptr<Dataset> ds = openDataset(location, mode);
        if (!ds)
            return nullptr;
        return std::make_unique<SqliteStorage>(std::move(ds));
    }
    QString error;
    std::unique_ptr<Storage> storage = PgStorage::open(location, &error);
    if (!storage) {
        err(error);
        return nullptr;
    }
    QString readOnly;
    if (storage->canWrite(&readOnly) && storage->deriveMissing(storageDeriver(*storage), &error) < 0)
        err(QCoreApplication::translate("cli", "Warning: could not analyse new pairs: %1").arg(error));
    return storage;
}

int finishCommand(int code)
{
    if (code == Failure || code == Usage || lastOpenedLocation().isEmpty() ||
        Dataset::damageReportsInProcess() == 0)
        return code;
    // Reopened read-only to say where (PRAGMA quick_check); the command's own connection is closed.
    QString error;
    const std::unique_ptr<Dataset> ds = Dataset::open(lastOpenedLocation(), Dataset::Mode::ReadOnly, &error);
    err(ds ? ds->damageMessage()
           : QCoreApplication::translate("cli", "%1 is damaged; restore it from a backup.")
                 .arg(lastOpenedLocation()));
    return Failure;
}

bool statisticsOrExplain(const QString &location, const Filter &filter, Statistics *out,
                         const std::function<bool(const Statistics &)> &withDuplicates)
{
    // A file's statistics in one scan (stats/), PostgreSQL's as aggregates on the server
    // (storage/pgstats.cpp).
    const std::unique_ptr<Storage> storage = openStorage(location);
    if (!storage)
        return false;
    QString error;
    if (!storage->statistics(filter, out, &error) ||
        (withDuplicates && withDuplicates(*out) && !storage->countDuplicates(filter, out, &error))) {
        err(error);
        return false;
    }
    return true;
}

ProgressBar::ProgressBar(const QString &label, bool bytes)
    : m_label(label), m_bytes(bytes), m_enabled(stderrIsTerminal()),
      m_startMs(QDateTime::currentMSecsSinceEpoch())
{}

ProgressBar::~ProgressBar()
{
    finish();
}

Progress ProgressBar::progress()
{
    return Progress([this](qint64 done, qint64 total, const QString &) { update(done, total); });
}

void ProgressBar::update(qint64 done, qint64 total)
{
    if (!m_enabled)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now - m_lastDrawMs < 100 && done < total)
        return;
    m_lastDrawMs = now;
    const double secs = std::max(0.001, double(now - m_startMs) / 1000.0);
    const double rate = double(done) / secs;
    const int width = 30;
    const double frac = total > 0 ? std::clamp(double(done) / double(total), 0.0, 1.0) : 0.0;
    const int filled = int(frac * width);
    QString bar = QString(filled, u'#') + QString(width - filled, u'-');
    QString eta = u"--"_s;
    if (rate > 0 && total > done)
        eta = u"%1s"_s.arg(qint64(double(total - done) / rate));
    const QString what =
        m_bytes
            ? u"%1 MB / %2 MB, %3 MB/s"_s.arg(done >> 20).arg(total >> 20).arg(rate / 1048576.0, 0, 'f', 1)
            : u"%1 / %2, %3/s"_s.arg(done).arg(total).arg(qint64(rate));
    const QByteArray line =
        (u"\r%1 [%2] %3%  %4  ETA %5 "_s.arg(m_label, bar).arg(int(frac * 100)).arg(what, eta)).toUtf8();
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
    m_drawn = true;
}

void ProgressBar::finish()
{
    if (m_drawn) {
        std::fputs("\r\033[K", stderr);
        std::fflush(stderr);
        m_drawn = false;
    }
}

} // namespace pairlens::cli
