#include "server/ratelimiter.h"

#include <algorithm>
#include <cmath>

namespace pairlens::server {

RateLimiter::RateLimiter(double rate, double burst) : m_rate(rate), m_burst(std::max(1.0, burst))
{
    m_clock.start();
}

int RateLimiter::take(const QString &key)
{
    if (m_rate <= 0)
        return 0;
    const qint64 now = m_clock.elapsed();
    auto it = m_buckets.find(key);
    if (it == m_buckets.end())
        it = m_buckets.insert(key, Bucket{m_burst, now});
    Bucket &b = *it;
    b.tokens = std::min(m_burst, b.tokens + double(now - b.at) * m_rate / 1000.0);
    b.at = now;
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return 0;
    }
    return std::max(1, int(std::ceil((1.0 - b.tokens) / m_rate)));
}

} // namespace pairlens::server
