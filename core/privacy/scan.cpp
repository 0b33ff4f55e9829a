#include "privacy/scan_p.h"

#include "privacy/customdetector.h"

#include <algorithm>

namespace pairlens::privacy::detail {

namespace {

// Built-in detectors (skipped when the pre-filter sees no possible value), custom patterns when
// `custom` is set; candidates in source coordinates.
void detectInView(const detail::CompiledPatterns &patterns, Scan &scan, int viewIndex, bool fast,
                  bool builtins, bool custom, PreFilter known = {})
{
    const View &view = scan.view(viewIndex);
    thread_local QList<Match> matches; // a scratch list: its capacity is kept between calls
    matches.resize(0);
    if (builtins &&
        (fast ? (known.builtin >= 0 ? known.builtin != 0 : detail::mayContainBuiltin(view.text)) : true))
        detail::findBuiltins(view.text, matches, fast);
    if (builtins &&
        (fast ? (known.names >= 0 ? known.names != 0 : detail::mayContainNameOrAddress(view.text)) : true)) {
        detail::findNames(view.text, matches);
        detail::findAddresses(view.text, matches);
        detail::findDatesOfBirth(view.text, matches);
    }
    if (custom && !patterns.patterns.isEmpty())
        detail::findCustom(patterns, view.text, matches);
    if (!matches.isEmpty())
        scan.found.reserve(scan.found.size() + matches.size()); // one allocation, not one per growth
    for (const Match &m : std::as_const(matches)) {
        if (!patterns.notPii.isEmpty() &&
            patterns.isNotPii(m.kind, view.text.mid(m.start, m.end - m.start).toString()))
            continue; // a reviewer decided this value is not personal data
        Candidate c;
        c.m = m;
        c.m.start = view.sourceStart(m.start);
        c.m.end = view.sourceEnd(m.end - 1);
        c.view = viewIndex;
        c.a = m.start;
        c.b = m.end;
        scan.found.append(c);
    }
}

} // namespace

// Detects in the view `baseIndex` and, when folding changes it (`needs`, a FoldNeed mask), in its
// folded forms instead: zero-width characters removed and, when it has any, read as spaces. Custom
// patterns also see the text as written.
void detectWithFolding(const detail::CompiledPatterns &patterns, Scan &scan, int baseIndex, int needs,
                       bool fast, PreFilter known)
{
    if (needs == detail::FoldNothing) {
        detectInView(patterns, scan, baseIndex, fast, true, true, known);
        return;
    }
    detectInView(patterns, scan, baseIndex, fast, false, true);
    for (const bool spaces : {false, true}) {
        if (spaces && !(needs & detail::FoldZeroWidth))
            break;
        View folded;
        detail::foldView(scan.view(baseIndex), spaces, folded);
        scan.views.push_back(std::move(folded));
        detectInView(patterns, scan, int(scan.views.size()) - 1, fast, true, true);
    }
}

// Longest first (by their source hulls; ties: the kind's priority, then the earlier start and view).
void sortByPreference(QList<Candidate> &found)
{
    std::sort(found.begin(), found.end(), [](const Candidate &x, const Candidate &y) {
        const qsizetype lx = x.m.end - x.m.start, ly = y.m.end - y.m.start;
        if (lx != ly)
            return lx > ly;
        if (detail::kindPriority(x.m.kind) != detail::kindPriority(y.m.kind))
            return detail::kindPriority(x.m.kind) < detail::kindPriority(y.m.kind);
        if (x.m.start != y.m.start)
            return x.m.start < y.m.start;
        return x.view < y.view;
    });
}

// Keeps the longest of overlapping candidates, sorted by start.
void resolve(QList<Candidate> &found)
{
    if (found.size() < 2)
        return;
    sortByPreference(found);
    // The kept ones are gathered at the front, in place (no second list per text).
    Candidate *const first = found.data();
    qsizetype kept = 0;
    for (qsizetype i = 0; i < found.size(); ++i) {
        const Candidate &c = first[i];
        bool overlaps = false;
        for (qsizetype k = 0; k < kept; ++k) {
            if (c.m.start < first[k].m.end && first[k].m.start < c.m.end) {
                overlaps = true;
                break;
            }
        }
        if (!overlaps) {
            if (kept != i)
                first[kept] = c;
            ++kept;
        }
    }
    found.resize(kept);
    std::sort(found.begin(), found.end(),
              [](const Candidate &x, const Candidate &y) { return x.m.start < y.m.start; });
}

void detectText(const detail::CompiledPatterns &patterns, QStringView text, bool fast, Scan &scan)
{
    const int needs = detail::foldNeeds(text);
    PreFilter known;
    if (fast && needs == detail::FoldNothing) {
        // A text the name rules read anyway goes to findBuiltins() without its pre-filter: where
        // mayContainBuiltin() says no, findBuiltins() finds nothing, at about the same cost.
        known.names = detail::mayContainNameOrAddress(text) ? 1 : 0;
        known.builtin = known.names || detail::mayContainBuiltin(text) ? 1 : 0;
        if (patterns.patterns.isEmpty() && !known.builtin && !known.names)
            return;
    }
    scan.source.text = text;
    detectWithFolding(patterns, scan, -1, needs, fast, known);
    resolve(scan.found);
}

} // namespace pairlens::privacy::detail
