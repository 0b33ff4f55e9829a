#include "dataset/demogenerator.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace pairlens {
namespace {

struct Template
{
    const char16_t *question;
    const char16_t *sql;
};

// Placeholders: {T} table, {C} column, {N} number, {D} date, {E} e-mail, {P} phone, {S} SSN,
// {K} card, {I} IP address, {B} IBAN, {U} person, {Y} city, {X} status word.
const Template kTemplates[] = {
    {u"How many {T} were created after {D}?", u"SELECT COUNT(*) FROM {T} WHERE created_at > '{D}';"},
    {u"Show me all users who signed up last week",
     u"SELECT * FROM users WHERE signup_date >= date('now', '-7 days');"},
    {u"List the top {N} customers by total order value",
     u"SELECT c.id, c.name, SUM(o.total) AS revenue FROM customers c JOIN orders o ON o.customer_id = c.id "
     u"GROUP BY c.id, c.name ORDER BY revenue DESC LIMIT {N};"},
    {u"Find the account with email {E}", u"SELECT id, name, status FROM accounts WHERE email = '{E}';"},
    {u"What orders did {E} place this month?",
     u"SELECT o.* FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email = '{E}' "
     u"AND o.ordered_at >= date_trunc('month', now());"},
    {u"Look up the customer whose phone number is {P}", u"SELECT * FROM customers WHERE phone = '{P}';"},
    {u"Which employee has SSN {S}?",
     u"SELECT employee_id, first_name, last_name FROM employees WHERE ssn = '{S}';"},
    {u"Was card {K} used in a refunded payment?",
     u"SELECT p.id, p.amount FROM payments p WHERE p.card_number = '{K}' AND p.status = 'refunded';"},
    {u"Show the failed logins from {I} today",
     u"SELECT user_id, attempted_at FROM login_attempts WHERE ip_address = '{I}' AND success = false "
     u"AND attempted_at::date = current_date;"},
    {u"Which payouts went to IBAN {B}?", u"SELECT id, amount, paid_at FROM payouts WHERE iban = '{B}';"},
    {u"Average {C} per {T} by month",
     u"WITH monthly AS (SELECT date_trunc('month', created_at) AS m, {C} FROM {T}) "
     u"SELECT m, AVG({C}) FROM monthly GROUP BY m ORDER BY m;"},
    {u"Which products are out of stock in {Y}?",
     u"SELECT p.sku, p.name FROM products p JOIN inventory i ON i.product_id = p.id JOIN warehouses w "
     u"ON w.id = i.warehouse_id WHERE i.quantity = 0 AND w.city = '{Y}';"},
    {u"Count {X} tickets per agent", u"SELECT agent_id, COUNT(*) FROM support_tickets WHERE status = '{X}' "
                                     u"GROUP BY agent_id ORDER BY 2 DESC;"},
    {u"Show revenue per region for {D} onwards", u"SELECT r.name, SUM(s.amount) FROM sales s JOIN regions r "
                                                 u"ON r.id = s.region_id WHERE s.sold_at >= '{D}' "
                                                 u"GROUP BY r.name;"},
    {u"Add a new customer {U} with email {E}",
     u"INSERT INTO customers (name, email, created_at) VALUES ('{U}', '{E}', CURRENT_TIMESTAMP);"},
    {u"Record a call from {P} for {U}",
     u"INSERT INTO call_log (caller_phone, contact_name, called_at) VALUES ('{P}', '{U}', now());"},
    {u"Log a login for user {N} from {I}",
     u"INSERT INTO login_attempts (user_id, ip_address, success) VALUES ({N}, '{I}', true);"},
    {u"Change the email of {U} to {E}", u"UPDATE customers SET email = '{E}' WHERE name = '{U}';"},
    {u"Mark order {N} as shipped",
     u"UPDATE orders SET status = 'shipped', shipped_at = now() WHERE id = {N};"},
    {u"Give every {X} account a 10% discount", u"UPDATE accounts SET discount = 0.10 WHERE status = '{X}';"},
    {u"Delete the test accounts", u"DELETE FROM accounts WHERE email LIKE '%@test.invalid';"},
    {u"Remove sessions older than {N} days",
     u"DELETE FROM sessions WHERE last_seen < now() - interval '{N} days';"},
    {u"Create a table for product reviews",
     u"CREATE TABLE product_reviews (id SERIAL PRIMARY KEY, product_id INT REFERENCES products(id), "
     u"rating INT CHECK (rating BETWEEN 1 AND 5), body TEXT, created_at TIMESTAMP DEFAULT now());"},
    {u"Index orders by customer", u"CREATE INDEX idx_orders_customer ON orders (customer_id);"},
    {u"Add a loyalty points column to customers",
     u"ALTER TABLE customers ADD COLUMN loyalty_points INT DEFAULT 0;"},
    {u"Drop the old staging table", u"DROP TABLE IF EXISTS staging_orders_old;"},
    {u"Empty the import buffer", u"TRUNCATE TABLE import_buffer;"},
    {u"Merge today's price updates into products",
     u"MERGE INTO products AS p USING price_updates AS u ON p.sku = u.sku WHEN MATCHED THEN UPDATE SET "
     u"price = u.price WHEN NOT MATCHED THEN INSERT (sku, price) VALUES (u.sku, u.price);"},
    {u"Archive cancelled orders and remove them",
     u"INSERT INTO orders_archive SELECT * FROM orders WHERE status = 'cancelled';\n"
     u"DELETE FROM orders WHERE status = 'cancelled';"},
    {u"Who contacted support from {E} or {P}?",
     u"SELECT id, subject FROM support_tickets WHERE requester_email = '{E}' OR requester_phone = '{P}';"},
    {u"Median {C} of {T}", u"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY {C}) FROM {T};"},
    {u"Which employees earn more than their manager?",
     u"SELECT e.name FROM employees e JOIN employees m ON m.id = e.manager_id WHERE e.salary > m.salary;"},
    {u"Customers in {Y} without any order",
     u"SELECT c.* FROM customers c WHERE c.city = '{Y}' AND NOT EXISTS (SELECT 1 FROM orders o "
     u"WHERE o.customer_id = c.id);"},
};

const QStringList kTables = {u"orders"_s,   u"customers"_s,       u"invoices"_s,  u"payments"_s,
                             u"products"_s, u"support_tickets"_s, u"shipments"_s, u"subscriptions"_s};
const QStringList kColumns = {u"amount"_s, u"total"_s, u"duration_ms"_s, u"quantity"_s, u"score"_s};
const QStringList kFirst = {u"maria"_s, u"james"_s, u"wei"_s, u"aisha"_s, u"lukas"_s, u"sofia"_s,
                            u"omar"_s,  u"emma"_s,  u"raj"_s, u"chloe"_s, u"diego"_s, u"hannah"_s};
const QStringList kLast = {u"gonzalez"_s, u"smith"_s,   u"chen"_s,  u"khan"_s,   u"muller"_s, u"rossi"_s,
                           u"haddad"_s,   u"johnson"_s, u"patel"_s, u"martin"_s, u"silva"_s,  u"becker"_s};
const QStringList kDomains = {u"gmail.com"_s,     u"outlook.com"_s, u"yahoo.co.uk"_s,
                              u"acme-corp.com"_s, u"web.de"_s,      u"proton.me"_s};
const QStringList kCities = {u"Berlin"_s, u"Austin"_s, u"Lyon"_s, u"Osaka"_s, u"Toronto"_s, u"Leeds"_s};
const QStringList kStatuses = {u"open"_s, u"active"_s, u"pending"_s, u"closed"_s, u"premium"_s};
const QStringList kDbNames = {u"shop_prod"_s, u"crm"_s,     u"analytics"_s,
                              u"hr_core"_s,   u"billing"_s, u"support_desk"_s};
const QStringList kModels = {u"gpt-4o-mini"_s, u"claude-3-5-haiku"_s, u"llama-3.1-70b"_s, u"sqlcoder-15b"_s};

struct DbType
{
    const char16_t *name;
    int weight;
};
const DbType kDbTypes[] = {{u"postgresql", 40}, {u"mysql", 25},   {u"sqlite", 15},
                           {u"snowflake", 10},  {u"bigquery", 6}, {u"mssql", 4}};

} // namespace

namespace {

// Qt::ISODateWithMs of a UTC time ("2026-08-14T09:45:02.640Z"), written directly.
QString isoTimestamp(const QDateTime &utc)
{
    const QDate d = utc.date();
    const QTime t = utc.time();
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", d.year(), d.month(), d.day(),
                  t.hour(), t.minute(), t.second(), t.msec());
    return QString::fromLatin1(text);
}

} // namespace

DemoGenerator::DemoGenerator(quint64 seed, QDateTime end)
    : m_rng(quint32(seed ^ (seed >> 32))), m_end(end.isValid() ? end : QDateTime::currentDateTimeUtc()),
      m_seed(seed)
{}

QString DemoGenerator::pick(const QStringList &list)
{
    return list.at(int(m_rng.bounded(quint32(list.size()))));
}

QString DemoGenerator::person()
{
    QString f = pick(kFirst), l = pick(kLast);
    f[0] = f[0].toUpper();
    l[0] = l[0].toUpper();
    return f + u' ' + l;
}

QString DemoGenerator::email()
{
    return pick(kFirst) + u'.' + pick(kLast) + QString::number(m_rng.bounded(100)) + u'@' + pick(kDomains);
}

QString DemoGenerator::phone()
{
    const auto d = [this](int n) {
        QString s;
        for (int i = 0; i < n; ++i)
            s += QChar(u'0' + m_rng.bounded(10));
        return s;
    };
    const QString area = QString::number(200 + m_rng.bounded(780));
    switch (m_rng.bounded(5)) {
    case 0:
        return area + u'-' + u"555"_s + u'-' + d(4);
    case 1:
        return u'(' + area + u") "_s + QString::number(200 + m_rng.bounded(700)) + u'-' + d(4);
    case 2:
        return area + u'.' + QString::number(200 + m_rng.bounded(700)) + u'.' + d(4);
    case 3:
        return u"+1 "_s + area + u' ' + QString::number(200 + m_rng.bounded(700)) + u' ' + d(4);
    default:
        return u"+44 20 7946 "_s + d(4);
    }
}

QString DemoGenerator::ssn()
{
    int area = 1 + int(m_rng.bounded(899));
    if (area == 666)
        area = 667;
    return u"%1-%2-%3"_s.arg(area, 3, 10, QChar(u'0'))
        .arg(1 + m_rng.bounded(99), 2, 10, QChar(u'0'))
        .arg(1 + m_rng.bounded(9999), 4, 10, QChar(u'0'));
}

QString DemoGenerator::card()
{
    // A Luhn-valid 16-digit number with a common issuer prefix.
    static const char16_t *prefixes[] = {u"4", u"51", u"55", u"2221", u"6011"};
    QString digits = QString::fromUtf16(prefixes[m_rng.bounded(5)]);
    while (digits.size() < 15)
        digits += QChar(u'0' + m_rng.bounded(10));
    int sum = 0;
    for (int i = 0; i < 15; ++i) {
        int v = digits.at(14 - i).digitValue();
        if (i % 2 == 0) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
    }
    digits += QChar(u'0' + (10 - sum % 10) % 10);
    if (m_rng.bounded(2) == 0)
        return digits;
    return digits.mid(0, 4) + u' ' + digits.mid(4, 4) + u' ' + digits.mid(8, 4) + u' ' + digits.mid(12, 4);
}

QString DemoGenerator::ip()
{
    if (m_rng.bounded(6) == 0)
        return u"2001:db8:%1::%2"_s.arg(m_rng.bounded(0xffff), 0, 16).arg(m_rng.bounded(0xffff), 0, 16);
    return u"%1.%2.%3.%4"_s.arg(QString::number(10 + m_rng.bounded(200)), QString::number(m_rng.bounded(256)),
                                QString::number(m_rng.bounded(256)), QString::number(1 + m_rng.bounded(254)));
}

QString DemoGenerator::iban()
{
    // German IBAN: DE + check digits + 18-digit BBAN, check digits by ISO 13616 mod-97.
    QString bban;
    for (int i = 0; i < 18; ++i)
        bban += QChar(u'0' + m_rng.bounded(10));
    const QString rearranged = bban + u"1314"_s + u"00"_s; // D=13, E=14
    int mod = 0;
    for (QChar c : rearranged)
        mod = (mod * 10 + c.digitValue()) % 97;
    const int check = 98 - mod;
    return u"DE"_s + QString::number(check).rightJustified(2, u'0') + bban;
}

QString DemoGenerator::fill(QStringView pattern, Memo *memo)
{
    QString out;
    out.reserve(pattern.size() + 32);
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        const QChar c = pattern.at(i);
        if (c != u'{' || i + 2 >= pattern.size() || pattern.at(i + 2) != u'}') {
            out += c;
            continue;
        }
        const QChar key = pattern.at(i + 1);
        i += 2;
        const char16_t slot = key.unicode() < 128 ? key.unicode() : 0;
        if (!memo->set[slot]) {
            QString &v = memo->values[slot];
            switch (key.unicode()) {
            case u'T':
                v = pick(kTables);
                break;
            case u'C':
                v = pick(kColumns);
                break;
            case u'N':
                v = QString::number(1 + m_rng.bounded(500));
                break;
            case u'D':
                v = m_end.date().addDays(-qint64(m_rng.bounded(365))).toString(Qt::ISODate);
                break;
            case u'E':
                v = email();
                break;
            case u'P':
                v = phone();
                break;
            case u'S':
                v = ssn();
                break;
            case u'K':
                v = card();
                break;
            case u'I':
                v = ip();
                break;
            case u'B':
                v = iban();
                break;
            case u'U':
                v = person();
                break;
            case u'Y':
                v = pick(kCities);
                break;
            case u'X':
                v = pick(kStatuses);
                break;
            default:
                v = key;
                break;
            }
            memo->set[slot] = true;
        }
        out += memo->values[slot];
    }
    return out;
}

Pair DemoGenerator::next()
{
    ++m_counter;
    const Template &t = kTemplates[m_rng.bounded(quint32(std::size(kTemplates)))];
    Memo memo;
    Pair p;
    p.pairId =
        u"demo-"_s + QString::number(m_seed) + u'-' + QString::number(m_counter).rightJustified(7, u'0');
    p.naturalLanguageQuery = fill(QStringView(t.question), &memo);
    p.sqlQuery = fill(QStringView(t.sql), &memo);
    int w = int(m_rng.bounded(100));
    for (const DbType &d : kDbTypes) {
        if (w < d.weight) {
            p.databaseType = QString::fromUtf16(d.name);
            break;
        }
        w -= d.weight;
    }
    p.databaseName = pick(kDbNames);
    // Spread over the last 180 days, busier on weekdays and during working hours.
    QDateTime ts = m_end.addSecs(-qint64(m_rng.bounded(180u * 86400u)));
    if (ts.date().dayOfWeek() > 5 && m_rng.bounded(3) != 0)
        ts = ts.addDays(-2);
    ts.setTime(QTime(8 + int(m_rng.bounded(11)), int(m_rng.bounded(60)), int(m_rng.bounded(60)),
                     int(m_rng.bounded(1000))));
    p.timestamp = isoTimestamp(ts.toUTC());
    p.success = m_rng.bounded(100) >= 12;
    const double base = 2.0 + m_rng.bounded(40.0);
    p.executionTimeMs = std::round((m_rng.bounded(10) == 0 ? base * 40 : base) * 100.0) / 100.0;
    // The metadata as JSON text, its keys in order, made into an object by Qt's parser: a third of
    // the time of inserting its members one by one. The values drawn in the same order as ever.
    const QString model = pick(kModels);
    const quint32 session = m_rng.bounded(100000);
    QByteArray meta = "{\"agent\":\"sql-agent\"";
    if (!p.success)
        meta += m_rng.bounded(2) ? ",\"error\":\"relation does not exist\""
                                 : ",\"error\":\"syntax error at or near \\\"FROM\\\"\"";
    meta += ",\"model\":\"" + model.toUtf8() + '"';
    if (m_rng.bounded(8) == 0)
        meta += ",\"requested_by\":\"" + email().toUtf8() + '"';
    meta += ",\"session_id\":\"s-" + QByteArray::number(session) + "\"}";
    p.metadata = QJsonDocument::fromJson(meta).object();
    return p;
}

QList<Pair> DemoGenerator::generate(int count)
{
    QList<Pair> out;
    out.reserve(count);
    for (int i = 0; i < count; ++i)
        out.append(next());
    return out;
}

} // namespace pairlens
