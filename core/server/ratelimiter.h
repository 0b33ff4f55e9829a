#pragma once

// Per-key rate limits of `pairlens serve`: a token bucket per key name that refills at `rate`
// requests per second up to `burst`. A request that finds the bucket empty is answered 429 with
// Retry-After (whole seconds until a token is back).

#include <QElapsedTimer>
#include <QHash>
#include <QString>

namespace pairlens::server {

class RateLimiter
{
public:
    // rate <= 0: no limit.
    RateLimiter(double rate, double burst);

    // Takes a token for `key`: 0 when the request may go on, else the seconds to wait (>= 1).
    int take(const QString &key);
    double rate() const { return m_rate; }

private:
    struct Bucket
    {
        double tokens = 0;
        qint64 at = 0; // ms on m_clock when `tokens` was computed
    };
    double m_rate;
    double m_burst;
    QElapsedTimer m_clock;
    QHash<QString, Bucket> m_buckets;
};

} // namespace pairlens::server
