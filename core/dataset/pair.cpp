#include "dataset/pair.h"

using namespace Qt::StringLiterals;

namespace pairlens {

QString reviewStatusName(ReviewStatus status)
{
    switch (status) {
    case ReviewStatus::Unreviewed: return u"unreviewed"_s;
    case ReviewStatus::Approved: return u"approved"_s;
    case ReviewStatus::Rejected: return u"rejected"_s;
    }
    return {};
}

int reviewStatusFromName(QStringView name)
{
    const QString n = name.trimmed().toString().toLower();
    if (n == u"unreviewed"_s || n == u"pending"_s || n == u"new"_s)
        return int(ReviewStatus::Unreviewed);
    if (n == u"approved"_s || n == u"approve"_s || n == u"accepted"_s)
        return int(ReviewStatus::Approved);
    if (n == u"rejected"_s || n == u"reject"_s)
        return int(ReviewStatus::Rejected);
    return -1;
}

} // namespace pairlens
