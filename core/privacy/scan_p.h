#pragma once

// The detection pass of the anonymizer over one text: the views of the text (itself and its folded
// forms) and the candidates found in them, overlaps resolved. Private to core/privacy.

#include "privacy/detectors.h"
#include "privacy/fold.h"

#include <QList>
#include <QStringView>

#include <vector>

namespace pairlens::privacy::detail {

struct CompiledPatterns;

// A value found in one of the views of an input: its kind and the hull of the source characters it
// was read from (m.start, m.end), and the view and range it was read in.
struct Candidate
{
    Match m;
    int view = 0;
    qsizetype a = 0, b = 0; // in views[view].text
    int piece = -1;         // SQL: the literal or comment it lies in (-1: several, see its chain)
};

// The views of one input (the text itself, its folded forms, each SQL literal, joined literals) and
// the candidates found in them.
struct Scan
{
    View source;             // view -1: the input itself (no copy, no map)
    std::vector<View> views; // by index: a View's text may point into its own storage
    QList<Candidate> found;

    const View &view(int index) const { return index < 0 ? source : views[size_t(index)]; }
    // Empty again, keeping the lists' capacity (a scan reused on one thread: scratch()).
    void clear()
    {
        source.text = {}; // the source view never holds more than its text
        views.clear();
        found.clear();
    }
    // Whether a huge text left a list large enough to give its memory back.
    bool large() const { return views.capacity() > 1024 || found.capacity() > 1024; }
};

// A T (Scan, SqlScan) of this thread, cleared, whose lists keep their capacity from call to call:
// no allocation per text for the candidates, views and pieces. `Use` tells the callers apart, so
// two of them never share one while it is in use (a caller must not call itself).
// What a thread keeps between calls stays small whatever the data: lists a huge text made large
// are given back.
template <typename T> [[gnu::noinline]] void release(T &t)
{
    t = T();
}
template <typename T, int Use> T &scratch()
{
    thread_local T t;
    if (t.large()) [[unlikely]]
        release(t);
    else
        t.clear();
    return t;
}

// Asks for every cache line of a text at once: a text that is not in the cache (a long run over
// many pairs) then costs about one memory latency instead of one per line read in turn.
inline void prefetchText(QStringView text)
{
    const char *p = reinterpret_cast<const char *>(text.utf16());
    const char *const end = p + text.size() * qsizetype(sizeof(char16_t));
    for (; p < end; p += 64)
        __builtin_prefetch(p);
}

// Detects in the view `baseIndex` and, when folding changes it (`needs`, a FoldNeed mask), in its
// folded forms instead. Custom patterns also see the text as written.
// What the pre-filters already said of a text (-1: not asked), so they run once per text.
struct PreFilter
{
    signed char builtin = -1, names = -1;
};
void detectWithFolding(const CompiledPatterns &patterns, Scan &scan, int baseIndex, int needs, bool fast,
                       PreFilter known = {});
// Longest first (by their source hulls; ties: the kind's priority, then the earlier start and view).
void sortByPreference(QList<Candidate> &found);
// Keeps the longest of overlapping candidates, sorted by start.
void resolve(QList<Candidate> &found);
// Every candidate of a free text, resolved (nothing when the pre-filter rules every kind out).
void detectText(const CompiledPatterns &patterns, QStringView text, bool fast, Scan &scan);

} // namespace pairlens::privacy::detail
