#include "dataset/writetx.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

#include <algorithm>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace pairlens {

WriteTransaction::~WriteTransaction()
{
    if (m_active)
        rollback();
}

bool WriteTransaction::begin(QString *error)
{
    QSqlQuery q(m_db);
    if (!q.exec(u"BEGIN IMMEDIATE"_s)) {
        if (error)
            *error = q.lastError().text();
        return false;
    }
    m_active = true;
    m_held.start();
    return true;
}

bool WriteTransaction::commit(QString *error)
{
    noteLockHeld(heldMs(), "write");
    QSqlQuery q(m_db);
    if (!q.exec(u"COMMIT"_s)) {
        if (error)
            *error = q.lastError().text();
        rollback();
        return false;
    }
    m_active = false;
    return true;
}

void WriteTransaction::rollback()
{
    QSqlQuery q(m_db);
    q.exec(u"ROLLBACK"_s);
    m_active = false;
}

void ChunkSizer::record(int rows, qint64 ms)
{
    if (rows <= 0)
        return;
    const double perRow = std::max<double>(ms, 0.5) / rows;
    const double ideal = m_targetMs / perRow;
    // Grow at most 1.5x per step and shrink at once: a slow chunk means the lock was held too long.
    const int next = int(std::min(ideal, double(m_size) * 1.5));
    m_size = std::clamp(next, 1, m_max);
}

void noteLockHeld(qint64 heldMs, const char *what)
{
    static const int threshold = [] {
        bool ok = false;
        const int v = qEnvironmentVariableIntValue("PAIRLENS_TRACE_LOCK_MS", &ok);
        return ok ? v : -1;
    }();
    if (threshold >= 0 && heldMs >= threshold)
        std::fprintf(stderr, "pairlens: held the write lock for %lld ms (%s)\n",
                     static_cast<long long>(heldMs), what);
}

void yieldWriteLock(qint64 heldMs)
{
    QThread::msleep(
        std::clamp<unsigned long>(static_cast<unsigned long>(std::max<qint64>(heldMs, 0)), 2, 40));
}

bool isBusyError(const QString &text)
{
    return text.contains(u"database is locked"_s, Qt::CaseInsensitive) ||
           text.contains(u"database table is locked"_s, Qt::CaseInsensitive) ||
           text.contains(u"busy"_s, Qt::CaseInsensitive);
}

} // namespace pairlens
