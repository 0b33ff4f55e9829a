#include "privacydecider.h"

#include "commands.h"
#include "dataset/privacydecisions.h"
#include "datasetsession.h"

#include <QJsonObject>
#include <QUndoStack>

using namespace Qt::StringLiterals;

namespace pairlens::ui {

PrivacyDecider::PrivacyDecider(DatasetSession *session, QUndoStack *undo, QObject *parent)
    : QObject(parent), m_session(session), m_undo(undo)
{}

void PrivacyDecider::decide(const privacy::Decision &decision)
{
    const privacy::Anonymizer *anonymizer = m_session->anonymizer();
    if (!anonymizer || m_session->isReadOnly() || decision.value.trimmed().isEmpty() ||
        decision.value.size() > privacy::Config::kMaxDecisionValueLength)
        return;
    const QList<privacy::Decision> before = anonymizer->config().decisions;
    const QList<privacy::Decision> after = withDecision(before, decision);
    if (after == before)
        return;
    const bool mark = decision.type == privacy::Decision::Type::Mark;
    const QString text = mark ? tr("Mark as personal data (%1)").arg(piiKindName(decision.kind))
                         : decision.pairId.isEmpty() ? tr("Not personal data")
                                                     : tr("Not personal data in this pair");
    QJsonObject change{{mark ? u"mark"_s : u"not_pii"_s, decision.value.trimmed()}};
    if (mark)
        change.insert(u"kind"_s, piiKindName(decision.kind));
    else if (!decision.pairId.isEmpty())
        change.insert(u"pair_id"_s, decision.pairId);
    WriteRequest r;
    r.kind = WriteKind::PrivacyDecisions;
    r.decisions = after;
    r.change = change;
    m_session->write(r, [this, text, before, after](const WriteResult &result) {
        if (result.ok)
            m_undo->push(new PrivacyDecisionCommand(m_session, text, before, after));
    });
}

} // namespace pairlens::ui
