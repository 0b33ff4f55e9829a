// What an import reports: reports merged and pair_ids that conflict.

#include "dataset/importer.h"
#include "dataset/importer_p.h"

#include <QHash>

#include <algorithm>

namespace pairlens {

using namespace detail;

namespace {

QString shownId(const QString &id)
{
    return id.size() > 80 ? id.left(79) + u'…' : id;
}

} // namespace

void ImportReport::merge(const ImportReport &o)
{
    records += o.records;
    added += o.added;
    alreadyPresent += o.alreadyPresent;
    rejected += o.rejected;
    for (const ImportIssue &i : o.issues) {
        if (issues.size() < kMaxIssues)
            issues << i;
    }
    conflictsWithDataset += o.conflictsWithDataset;
    conflictsInFile += o.conflictsInFile;
    for (const ImportIssue &i : o.conflicts) {
        if (conflicts.size() < kMaxConflicts)
            conflicts << i;
    }
    if (fatalError.isEmpty())
        fatalError = o.fatalError;
    cancelled = cancelled || o.cancelled;
}

void Importer::noteConflicts(const QList<Pair> &pairs, const QList<qint64> &lines, const QString &file,
                             qint64 importStart, ImportReport &report)
{
    struct Note
    {
        qint64 line;
        QString reason;
        bool inFile;
    };
    QList<Note> notes;
    // Within the list: the first record with a pair_id is the one the store keeps.
    QHash<QString, qsizetype> first;
    first.reserve(pairs.size());
    QStringList ids;
    for (qsizetype i = 0; i < pairs.size(); ++i) {
        const Pair &p = pairs.at(i);
        const auto it = first.constFind(p.pairId);
        if (it == first.constEnd()) {
            first.insert(p.pairId, i);
            ids.append(p.pairId);
            continue;
        }
        const Pair &kept = pairs.at(*it);
        if (kept.naturalLanguageQuery != p.naturalLanguageQuery || kept.sqlQuery != p.sqlQuery)
            notes.append({lines.value(i),
                          tr("pair_id \"%1\" was used on line %2 with another question or SQL; the first "
                             "record was kept")
                              .arg(shownId(p.pairId))
                              .arg(lines.value(*it)),
                          true});
    }
    // In the dataset: before this import, or added by an earlier batch of it (a higher row id).
    QString lookupError;
    const bool looked = m_target.findPairIds(
        ids,
        [&](qsizetype k, qint64 rowId, const QString &question, const QString &sql) {
            const qsizetype i = first.value(ids.at(k), -1);
            if (i < 0)
                return;
            const Pair &p = pairs.at(i);
            if (question == p.naturalLanguageQuery && sql == p.sqlQuery)
                return;
            const bool inFile = rowId > importStart;
            notes.append({lines.value(i),
                          inFile
                              ? tr("pair_id \"%1\" was used by an earlier record of this file with another "
                                   "question or SQL; the first record was kept")
                                    .arg(shownId(p.pairId))
                              : tr("pair_id \"%1\" is already in the dataset with another question or SQL; "
                                   "the pair in the dataset was kept")
                                    .arg(shownId(p.pairId)),
                          inFile});
        },
        &lookupError);
    if (!looked)
        return; // the add that follows reports what is wrong with the dataset
    std::stable_sort(notes.begin(), notes.end(),
                     [](const Note &a, const Note &b) { return a.line < b.line; });
    for (const Note &n : notes) {
        ++(n.inFile ? report.conflictsInFile : report.conflictsWithDataset);
        if (report.conflicts.size() < ImportReport::kMaxConflicts)
            report.conflicts.append({file, n.line, 0, n.reason});
    }
}

} // namespace pairlens
