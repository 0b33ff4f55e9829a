// The trash of the pair store: pairs deleted (softly, in a batch that undo restores), restored
// and purged, each a large change run in chunks.

#include "dataset/pairstore.h"
#include "dataset/pairstore_p.h"

#include "dataset/writeops.h"

using namespace Qt::StringLiterals;

namespace pairlens {

using namespace detail;

std::optional<PairStore::DeleteResult> PairStore::softDelete(const Filter &filter)
{
    Filter live = filter;
    live.scope = Filter::Scope::Live;
    writeops::Op op;
    op.action = writeops::Action::Delete;
    op.value = nowIso();
    op.auditName = u"delete"_s;
    op.detail = {{u"filter"_s, filter.toJson()}};
    const std::optional<qint64> n = runLarge(op, live);
    if (!n)
        return std::nullopt;
    return DeleteResult{*n, op.batch};
}

std::optional<qint64> PairStore::restoreBatch(qint64 batch)
{
    writeops::Op op;
    op.action = writeops::Action::Restore;
    op.auditName = u"restore"_s;
    op.detail = {{u"batch"_s, batch}};
    return runLarge(op, u"p.delete_batch = ? AND p.deleted = 1"_s, {batch});
}

std::optional<qint64> PairStore::restore(const Filter &filter)
{
    Filter trashed = filter;
    trashed.scope = Filter::Scope::Deleted;
    writeops::Op op;
    op.action = writeops::Action::Restore;
    op.auditName = u"restore"_s;
    op.detail = {{u"filter"_s, filter.toJson()}};
    return runLarge(op, trashed);
}

std::optional<qint64> PairStore::purge(const Filter &filter)
{
    Filter trashed = filter;
    trashed.scope = Filter::Scope::Deleted;
    writeops::Op op;
    op.action = writeops::Action::Purge;
    op.auditName = u"purge"_s;
    op.detail = {{u"filter"_s, filter.toJson()}};
    return runLarge(op, trashed);
}

} // namespace pairlens
