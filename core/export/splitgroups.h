#pragma once

// Internal to the export engine: the group-aware train/validation split.
//
// Pairs that share a normalized question or a normalized SQL (dataset/duplicatekeys.h) form one
// group, transitively (union-find over both keys), and a whole group goes to one side, so that no
// validation question or SQL appears in the training file. The side of a group follows a keyed hash
// (the dataset's secret) of the group's smallest key: the same in every run. Groups are built over
// every live pair of the dataset, not only the exported ones, so an export of a subset puts each
// pair on the side the full export puts it. (Pairs added since can join groups and move them.)
//
// Memory: one 16-byte key per distinct normalized question or SQL, plus about 10 bytes of index,
// and 4 bytes per row id while building (2 bits after): a million distinct pairs (two million
// keys) take about 65 MB while the groups are built and about 50 MB during the export.

#include "common/progress.h"
#include "dataset/duplicatekeys.h"

#include <QByteArray>
#include <QString>

#include <optional>
#include <vector>

namespace pairlens {
class Dataset;
class Storage;
} // namespace pairlens

namespace pairlens::exporting {

class SplitGroups
{
public:
    SplitGroups(QByteArray secret, double trainFraction);

    // Reads the question, SQL and database type of every live pair and builds the groups. Reports
    // progress as (pairs read, live pairs, "Grouping"); false with *error when reading failed,
    // false with an empty *error when the progress asked to stop.
    bool build(Dataset &dataset, const Progress &progress, QString *error);
    // The same from a store behind the seam (Storage::readRows over every live pair).
    bool build(Storage &storage, const Progress &progress, QString *error);

    // Adds one pair's keys (build() does this for every live pair, with its row id so that
    // isTrainRow() answers without normalizing the pair again).
    void add(const dupkeys::Key &question, const dupkeys::Key &sql, qint64 rowId = 0);
    // Picks the side of every group; call after the last add() and before isTrain().
    void finish();
    // The side of the pair with this row id when build() read it; nullopt for a pair it did not
    // read (added since, or in the trash): ask isTrain() with its keys then. Thread-safe.
    std::optional<bool> isTrainRow(qint64 rowId) const;

    // The side of a pair with these keys. A pair whose keys are unknown (added after build())
    // follows its own smallest key; one with neither key (no question, no SQL) its pair id.
    // Thread-safe after finish().
    bool isTrain(const dupkeys::Key &question, const dupkeys::Key &sql, const QByteArray &pairId) const;

    qsizetype keyCount() const { return qsizetype(m_keys.size()); }
    qsizetype groupCount() const { return m_groups; }

private:
    static constexpr quint32 kNone = 0xFFFFFFFFu;
    quint32 find(const dupkeys::Key &key) const;
    quint32 insert(const dupkeys::Key &key);
    quint32 root(quint32 node);
    void grow();
    bool sideOf(const dupkeys::Key &key) const;

    QByteArray m_secret;
    QByteArray m_sideKey; // derived from the secret; hashes keys to sides
    double m_fraction;
    std::vector<dupkeys::Key> m_keys;         // node -> key
    std::vector<quint32> m_slots;             // open addressing: node + 1, 0 = empty
    std::vector<quint32> m_parent;            // union-find while building
    std::vector<bool> m_train;                // node -> side, after finish()
    std::vector<quint32> m_rowNode;           // row id -> node + 1 (0: not read), until finish()
    std::vector<bool> m_rowKnown, m_rowTrain; // row id -> read, side; after finish()
    qsizetype m_groups = 0;
};

} // namespace pairlens::exporting
