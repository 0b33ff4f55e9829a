// Where an import writes (importer.h): a dataset file's PairStore (PairStoreTarget, below), or any
// storage of the seam (storage/storageimport.cpp: a PostgreSQL schema). The importer reads, checks
// and analyses the records the same way for both; only these calls differ.
#pragma once

#include "dataset/deriver.h"
#include "dataset/pair.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <any>
#include <functional>

namespace pairlens {

class PairStore;

class ImportTarget
{
public:
    struct Added
    {
        qint64 added = 0;
        qint64 alreadyPresent = 0; // pair_id already stored (or earlier in the same list): left as it was
        QString error; // set when writing failed: the pairs counted above were added, the rest not
    };
    using Found =
        std::function<void(qsizetype index, qint64 rowId, const QString &question, const QString &sql)>;

    virtual ~ImportTarget() = default;
    // The analysis of every record (the target's own privacy settings decide the PII kinds).
    virtual const Deriver &deriver() const = 0;
    // True when `path` is the target itself or one of its files: reading it would open the dataset
    // outside SQLite, which drops this process's locks on it.
    virtual bool isOwnFile(const QString &path) const = 0;
    // The highest row id stored now: a pair found later with a higher one came from this import.
    virtual qint64 maxRowId() = 0;
    // Calls `found(index into ids, row id, question, sql)` for each of `ids` stored (live or in the
    // trash); false with *error when the lookup failed.
    virtual bool findPairIds(const QStringList &ids, const Found &found, QString *error) = 0;
    // Work on a batch that needs no store, which the importer runs on its worker thread while the
    // batch before is written (PostgreSQL: the COPY text). What it returns comes back to add() as
    // `prepared`; by default nothing.
    virtual std::any prepare(const QList<Pair> &pairs, const QList<DerivedFields> &derived) const
    {
        Q_UNUSED(pairs);
        Q_UNUSED(derived);
        return {};
    }
    // Adds the pairs whose pair_id is not stored yet (the first of a list wins); `derived` is empty
    // (the target analyses them) or holds one entry per pair; `prepared` is empty or what prepare()
    // returned for these lists.
    virtual Added add(const QList<Pair> &pairs, const QList<DerivedFields> &derived,
                      const std::any &prepared = {}) = 0;
    // The one sentence a failed add() ends the import with.
    virtual QString writeFailure(const QString &error) const = 0;
};

// A dataset file's store: its ordinary or bulk write paths, as PairStore::add() chooses.
class PairStoreTarget final : public ImportTarget
{
public:
    explicit PairStoreTarget(PairStore &store) : m_store(store) {}
    const Deriver &deriver() const override;
    bool isOwnFile(const QString &path) const override;
    qint64 maxRowId() override;
    bool findPairIds(const QStringList &ids, const Found &found, QString *error) override;
    Added add(const QList<Pair> &pairs, const QList<DerivedFields> &derived,
              const std::any &prepared) override;
    QString writeFailure(const QString &error) const override;

private:
    PairStore &m_store;
};

} // namespace pairlens
