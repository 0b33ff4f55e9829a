#pragma once

#include "common/progress.h"
#include "dataset/filter.h"
#include "stats/accumulator.h"
#include "stats/statistics.h"

#include <QSqlDatabase>
#include <QString>

namespace pairlens::stats {

// The single-pass path of computeStatistics() for SQLite datasets: a user-defined SQL aggregate,
// pairlens_stats(...), registered on the connection for the duration of the scan, folds every
// breakdown (types, names, review, PII kinds, lengths, days, execution-time summary, tables) in one
// scan of the pairs_stats covering index, where a GROUP BY per breakdown would sort the rows once
// each. Fills everything but the trash count (and the percentiles unless asked for).
//
// On a large dataset the scan runs on read-only connections of its own, the scan of live pairs
// split into ts ranges that several threads fold in parallel, all reading the state the dataset's
// connection reads (see docs/statistics.md); the merged numbers are the ones a single scan gives.
//
// Returns false without touching *out when the connection is not SQLite (the caller then runs the
// portable GROUP BY queries); sets *error when the query itself failed, *cancelled when the
// progress asked to stop. The execution-time percentiles are taken from the exact values gathered
// in the same pass, up to 2M of them (*percentiles says whether they were); the caller takes them
// otherwise (ORDER BY + OFFSET: an index walk, or under a filter a sort of the matching rows, each
// slower than the values the scan had in hand).
//
// When the connection was not in a transaction, the scan leaves a read transaction open (and sets
// *readTransaction) so that the caller's further queries see the same state; the caller commits it.
bool aggregateInOnePass(QSqlDatabase &db, const Filter &filter, const Progress &progress, Statistics *out,
                        QString *error, bool *cancelled, bool *readTransaction, bool *percentiles);

// How the last aggregateInOnePass() on this thread scanned (the tests check that the path they
// mean to exercise ran): on how many connections of its own (0: the dataset's) and in how many
// statements (ts ranges).
struct ScanReport
{
    int connections = 0;
    int statements = 0;
    bool percentiles = false; // taken from the scan's values
};
ScanReport lastScan();

// True when the filter names the pairs (a full-text search, a selection of ids): SQLite then looks
// the matching pairs up by id rather than scanning an index.
bool namesPairs(const Filter &filter);

// How many connections of its own the scan uses for a dataset file of `bytes` (0: the dataset's
// connection); more than one only when it can run `parallel`. PAIRLENS_STATS_CONNECTIONS=N overrides
// it (0: always the dataset's connection; N: N connections also for a small dataset; the tests use it).
int scanConnections(qint64 bytes, bool parallel);

} // namespace pairlens::stats
