// Operators by name and the dataset settings of the anonymizer (keys prefixed "privacy.").
#include "privacy/anonymizer.h"
#include "privacy/customdetector.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace pairlens::privacy {

namespace {

const QString kOperatorPrefix = u"privacy.operator."_s;
const QString kDatabaseNameKey = u"privacy.operator.database_name"_s;
const QString kCustomPatternsKey = u"privacy.custom_patterns"_s;
const QString kScanMetadataKey = u"privacy.scan_metadata"_s;

} // namespace

QString operatorName(Operator op)
{
    switch (op) {
    case Operator::Mask:
        return u"mask"_s;
    case Operator::Pseudonym:
        return u"pseudonym"_s;
    case Operator::Redact:
        return u"redact"_s;
    case Operator::Hash:
        return u"hash"_s;
    case Operator::Keep:
        return u"keep"_s;
    case Operator::Surrogate:
        return u"surrogate"_s;
    }
    return {};
}

std::optional<Operator> operatorFromName(QStringView name)
{
    const QStringView n = name.trimmed();
    for (Operator op : {Operator::Mask, Operator::Pseudonym, Operator::Redact, Operator::Hash, Operator::Keep,
                        Operator::Surrogate}) {
        if (n.compare(operatorName(op), Qt::CaseInsensitive) == 0)
            return op;
    }
    return std::nullopt;
}

QString decisionTypeName(Decision::Type type)
{
    return type == Decision::Type::Mark ? u"mark"_s : u"not_pii"_s;
}

QString decisionsToJson(const QList<Decision> &decisions)
{
    QJsonArray array;
    for (const Decision &d : decisions) {
        QJsonObject o{{u"decision"_s, decisionTypeName(d.type)}, {u"value"_s, d.value}};
        if (d.type == Decision::Type::Mark)
            o.insert(u"kind"_s, piiKindName(d.kind));
        else if (!d.pairId.isEmpty())
            o.insert(u"pair_id"_s, d.pairId);
        array.append(o);
    }
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

QList<Decision> decisionsFromJson(const QString &json)
{
    QList<Decision> decisions;
    const QJsonArray array = QJsonDocument::fromJson(json.toUtf8()).array();
    for (const QJsonValue &value : array) {
        const QJsonObject o = value.toObject();
        Decision d;
        d.value = o.value(u"value"_s).toString();
        if (d.value.trimmed().isEmpty() || d.value.size() > Config::kMaxDecisionValueLength)
            continue;
        const QString type = o.value(u"decision"_s).toString();
        if (type == u"mark"_s) {
            d.type = Decision::Type::Mark;
            const quint32 kind = piiKindFromName(o.value(u"kind"_s).toString());
            if (kind == 0)
                continue;
            d.kind = PiiKind(kind);
        } else if (type == u"not_pii"_s) {
            d.pairId = o.value(u"pair_id"_s).toString();
        } else {
            continue;
        }
        decisions.append(d);
    }
    return decisions;
}

Operator Config::operatorFor(PiiKind kind) const
{
    return operators.value(kind, Operator::Mask);
}

Config Config::fromSettings(const QHash<QString, QString> &settings)
{
    Config config;
    for (auto it = settings.cbegin(); it != settings.cend(); ++it) {
        if (!it.key().startsWith(kOperatorPrefix))
            continue;
        const std::optional<Operator> op = operatorFromName(it.value());
        if (!op)
            continue;
        if (it.key() == kDatabaseNameKey) {
            config.databaseNameOperator = *op;
            continue;
        }
        const quint32 kind = piiKindFromName(QStringView(it.key()).mid(kOperatorPrefix.size()));
        if (kind != 0 && PiiKind(kind) != PiiKind::Custom)
            config.operators.insert(PiiKind(kind), *op);
    }
    const QJsonArray patterns = QJsonDocument::fromJson(settings.value(kCustomPatternsKey).toUtf8()).array();
    for (const QJsonValue &value : patterns) {
        const QJsonObject o = value.toObject();
        CustomPattern p;
        p.name = o.value(u"name"_s).toString();
        p.pattern = o.value(u"pattern"_s).toString();
        p.op = operatorFromName(o.value(u"operator"_s).toString()).value_or(Operator::Redact);
        if (!p.name.isEmpty() || !p.pattern.isEmpty())
            config.customPatterns.append(p);
    }
    config.decisions = decisionsFromJson(settings.value(kDecisionsKey));
    const QString scan = settings.value(kScanMetadataKey).trimmed().toLower();
    config.scanMetadata = !(scan == u"false"_s || scan == u"0"_s || scan == u"no"_s || scan == u"off"_s);
    return config;
}

QHash<QString, QString> Config::toSettings() const
{
    QHash<QString, QString> settings;
    for (PiiKind kind : allPiiKinds()) {
        if (kind != PiiKind::Custom)
            settings.insert(kOperatorPrefix + piiKindName(kind), operatorName(operatorFor(kind)));
    }
    settings.insert(kDatabaseNameKey, operatorName(databaseNameOperator));
    QJsonArray patterns;
    for (const CustomPattern &p : customPatterns) {
        patterns.append(
            QJsonObject{{u"name"_s, p.name}, {u"pattern"_s, p.pattern}, {u"operator"_s, operatorName(p.op)}});
    }
    settings.insert(kCustomPatternsKey,
                    QString::fromUtf8(QJsonDocument(patterns).toJson(QJsonDocument::Compact)));
    settings.insert(kScanMetadataKey, scanMetadata ? u"true"_s : u"false"_s);
    return settings;
}

QStringList Config::validate() const
{
    QStringList errors;
    QStringList seen;
    for (const CustomPattern &p : customPatterns) {
        const QString error = detail::checkPattern(p);
        if (!error.isEmpty()) {
            errors << error;
            continue;
        }
        const QString name = p.name.trimmed();
        if (seen.contains(name, Qt::CaseInsensitive))
            errors << u"Custom pattern \"%1\" is defined more than once."_s.arg(name);
        seen << name;
    }
    return errors;
}

} // namespace pairlens::privacy
