// Sample recorder: writes natural-language -> SQL pairs into an existing PairLens dataset.
//
// The C++ twin of examples/recorder.py (same command line, same pairs, same output), using only
// the SQLite C API: the reference for programs that write into a dataset while PairLens and other
// recorders use it. docs/dataset-format.md, "Writing pairs from another program", explains each rule.
//
//     pairlens_recorder_example DATASET --count N [--batch B] [--seed S] [--prefix P] [--log FILE]
//
// Rows get the pair ids <prefix>-0 .. <prefix>-(N-1) and text that depends only on --seed and the
// number, so running either sample again with the same arguments completes an interrupted run
// without duplicating a pair. With --log, the pair id of every committed row is appended to FILE
// after its transaction committed. At the end one line of JSON is printed:
//     {"inserted": N, "busy_retries": R, "max_wait_ms": W, "pairs_per_s": X}
// inserted counts new rows (pairs already present are skipped); max_wait_ms is the longest time
// one transaction took from its first BEGIN IMMEDIATE to its COMMIT, retries included.

#include <sqlite3.h>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr std::int64_t kApplicationId = 0x504C4E53; // "PLNS": PRAGMA application_id of a dataset
constexpr int kBusyTimeoutMs = 5000;                // how long SQLite itself waits for the write lock
constexpr int kMaxRetries = 10;                     // retries of one transaction after BUSY / LOCKED

// Only the seed fields; PairLens fills in the derived ones (query_type, table_names, pii_mask, ts,
// lengths) and the full-text index. ON CONFLICT ... DO NOTHING makes a retried transaction (or a
// second run) skip the pairs that are already there.
constexpr const char *kInsert =
    "INSERT INTO pairs (pair_id, natural_language_query, sql_query, timestamp, database_type, "
    "database_name, success, execution_time_ms, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT(pair_id) DO NOTHING";

struct RecorderError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

// --- the pairs: deterministic text from (seed, number), same generator as recorder.py

// splitmix64, seeded from the run seed and the pair number.
class Rng
{
public:
    Rng(std::uint64_t seed, std::uint64_t n) : m_state(seed ^ (n * 0xD1B54A32D192ED03ull)) {}
    std::uint64_t next()
    {
        m_state += 0x9E3779B97F4A7C15ull;
        std::uint64_t z = m_state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    std::int64_t between(std::int64_t lo, std::int64_t hi)
    {
        return lo + std::int64_t(next() % std::uint64_t(hi - lo + 1));
    }
    template <std::size_t N> const char *pick(const char *const (&items)[N]) { return items[next() % N]; }

private:
    std::uint64_t m_state;
};

const char *const kFirst[] = {"maria", "jonas", "aiko",  "pedro", "fatima",
                              "lena",  "omar",  "chloe", "ivan",  "grace"};
const char *const kLast[] = {"jensen", "okafor", "tanaka", "silva",  "haddad",
                             "novak",  "berg",   "dubois", "petrov", "walsh"};
const char *const kDomains[] = {"example.com", "mail.example.org", "example.net"};
const char *const kCategories[] = {"garden", "kitchen", "outdoor", "toys", "office", "audio"};
const char *const kCities[] = {"Lisbon", "Hamburg", "Osaka", "Toronto", "Lyon", "Krakow", "Austin", "Porto"};
const char *const kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                               "July",    "August",   "September", "October", "November", "December"};
const char *const kModels[] = {"sqlagent-small", "sqlagent-large", "sqlagent-large-ft"};

std::string num(std::int64_t v)
{
    return std::to_string(v);
}

std::string two(std::int64_t v)
{
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d", int(v));
    return buf;
}

struct Row
{
    std::string pairId, question, sql, timestamp, databaseType, databaseName, metadata;
    int success = 1;
    std::optional<double> executionTimeMs;
};

std::string email(Rng &r)
{
    std::string first = r.pick(kFirst);
    std::string last = r.pick(kLast);
    std::string n = num(r.between(1, 99));
    return first + "." + last + n + "@" + r.pick(kDomains);
}

// The templates of recorder.py, in the same order, drawing their values in the same order.
void fillFromTemplate(Rng &r, Row &row)
{
    switch (r.next() % 10) {
    case 0: {
        const std::int64_t cid = r.between(1000, 99999), year = r.between(2019, 2024);
        row.question = "How many orders did customer " + num(cid) + " place in " + num(year) + "?";
        row.sql = "SELECT COUNT(*) FROM orders WHERE customer_id = " + num(cid) + " AND ordered_at >= '" +
                  num(year) + "-01-01' AND ordered_at < '" + num(year + 1) + "-01-01'";
        row.databaseType = "postgresql";
        row.databaseName = "shop_prod";
        break;
    }
    case 1: {
        const std::int64_t k = r.between(3, 25);
        const std::string cat = r.pick(kCategories);
        row.question = "Show the " + num(k) + " most expensive products in the " + cat + " category";
        row.sql = "SELECT sku, name, price FROM products WHERE category = '" + cat +
                  "' ORDER BY price DESC LIMIT " + num(k);
        row.databaseType = "mysql";
        row.databaseName = "catalog";
        break;
    }
    case 2: {
        const std::string e = email(r);
        row.question = "Find the customer account registered with " + e;
        row.sql = "SELECT id, name, created_at FROM accounts WHERE email = '" + e + "'";
        row.databaseType = "postgresql";
        row.databaseName = "shop_prod";
        break;
    }
    case 3: {
        const std::int64_t inv = r.between(100000, 999999);
        const std::string e = email(r);
        row.question = "Resend invoice " + num(inv) + " to " + e;
        row.sql =
            "UPDATE invoices SET resend_to = '" + e + "', status = 'pending' WHERE invoice_no = " + num(inv);
        row.databaseType = "postgresql";
        row.databaseName = "billing";
        break;
    }
    case 4: {
        const std::string city = r.pick(kCities);
        const std::int64_t m = r.between(1, 12), year = r.between(2021, 2024);
        row.question = "Which courier delivered the most parcels to " + city + " in " + kMonths[m - 1] + " " +
                       num(year) + "?";
        row.sql =
            "SELECT c.name, COUNT(*) AS parcels FROM deliveries d JOIN couriers c ON c.id = d.courier_id "
            "WHERE d.city = '" +
            city + "' AND strftime('%Y-%m', d.delivered_at) = '" + num(year) + "-" + two(m) +
            "' GROUP BY c.name ORDER BY parcels DESC LIMIT 1";
        row.databaseType = "sqlite";
        row.databaseName = "logistics";
        break;
    }
    case 5: {
        const std::int64_t dept = r.between(1, 40), year = r.between(2015, 2024), m = r.between(1, 12),
                           d = r.between(1, 28);
        const std::string date = num(year) + "-" + two(m) + "-" + two(d);
        row.question = "List the employees of department " + num(dept) + " hired after " + date;
        row.sql =
            "SELECT first_name, last_name, hire_date FROM employees WHERE department_id = " + num(dept) +
            " AND hire_date > '" + date + "' ORDER BY hire_date";
        row.databaseType = "mysql";
        row.databaseName = "hr";
        break;
    }
    case 6: {
        const std::int64_t days = r.between(7, 180);
        row.question = "Delete the sessions that have been idle for more than " + num(days) + " days";
        row.sql = "DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL '" + num(days) + " days'";
        row.databaseType = "postgresql";
        row.databaseName = "shop_prod";
        break;
    }
    case 7: {
        const std::string city = r.pick(kCities);
        row.question = "Average courier delivery time to " + city + " per week";
        row.sql = "SELECT strftime('%Y-%W', delivered_at) AS week, "
                  "AVG(julianday(delivered_at) - julianday(shipped_at)) * 24 AS hours "
                  "FROM deliveries WHERE city = '" +
                  city + "' GROUP BY week ORDER BY week";
        row.databaseType = "sqlite";
        row.databaseName = "logistics";
        break;
    }
    case 8: {
        const std::string e = email(r);
        const std::int64_t amount = r.between(5, 100);
        row.question = "Give " + e + " a voucher worth " + num(amount) + " euros";
        row.sql = "INSERT INTO vouchers (customer_id, amount, issued_at) SELECT id, " + num(amount) +
                  ", CURRENT_TIMESTAMP FROM customers WHERE email = '" + e + "'";
        row.databaseType = "postgresql";
        row.databaseName = "billing";
        break;
    }
    default: {
        const std::string cat = r.pick(kCategories);
        const std::int64_t year = r.between(2019, 2024);
        row.question = "What was the monthly revenue from " + cat + " products in " + num(year) + "?";
        row.sql =
            "SELECT MONTH(o.ordered_at) AS month, SUM(i.quantity * i.unit_price) AS revenue "
            "FROM orders o JOIN order_items i ON i.order_id = o.id JOIN products p ON p.id = i.product_id "
            "WHERE p.category = '" +
            cat + "' AND YEAR(o.ordered_at) = " + num(year) + " GROUP BY month ORDER BY month";
        row.databaseType = "mysql";
        row.databaseName = "catalog";
        break;
    }
    }
}

// A JSON string literal, escaped like Python's json.dumps(ensure_ascii=False).
std::string jsonString(const std::string &s)
{
    std::string out = "\"";
    for (const char c : s) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(c));
                out += buf;
            } else {
                out += c;
            }
        }
    }
    return out + "\"";
}

// Now as ISO-8601 UTC with milliseconds: 2024-01-15T10:30:00.123Z.
std::string utcNowIso()
{
    const auto now = std::chrono::system_clock::now();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    const std::time_t secs = std::time_t(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char date[32];
    std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    char millis[8];
    std::snprintf(millis, sizeof millis, ".%03dZ", int(ms % 1000));
    return std::string(date) + millis;
}

Row makeRow(const std::string &prefix, std::uint64_t seed, std::int64_t n)
{
    Rng r(seed, std::uint64_t(n));
    Row row;
    row.pairId = prefix + "-" + num(n);
    fillFromTemplate(r, row);
    row.success = r.next() % 12 == 0 ? 0 : 1;
    std::int64_t tenths = r.between(8, 4000); // 0.8 .. 400 ms, and one in 16 is 50 times slower
    if (tenths % 16 == 0)
        tenths *= 50;
    if (row.success || tenths % 3 != 0)
        row.executionTimeMs = double(tenths) / 10.0;
    const std::string model = r.pick(kModels);
    row.metadata = "{\"agent\":\"pairlens-recorder-example\",\"model\":" + jsonString(model) +
                   ",\"run\":" + jsonString(prefix) + ",\"seq\":" + num(n) + "}";
    row.timestamp = utcNowIso();
    return row;
}

// --- the dataset

bool isBusy(int rc)
{
    return (rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_LOCKED;
}

// Thrown for SQLite errors, keeping the result code so a busy error can be retried.
struct SqliteError : RecorderError
{
    SqliteError(int code, const std::string &what) : RecorderError(what), rc(code) {}
    int rc;
};

class Dataset
{
public:
    // Opens an existing PairLens dataset for writing; never creates a file.
    explicit Dataset(const std::string &path)
    {
        // stat() opens no descriptor: nothing but SQLite opens (and so closes) the dataset, since
        // closing any descriptor of it would drop this process's POSIX locks on the file.
        struct stat st;
        if (stat(path.c_str(), &st) != 0)
            throw RecorderError(path + " does not exist; create the dataset with PairLens first");
        if (S_ISDIR(st.st_mode))
            throw RecorderError(path + " is a folder, not a dataset file");
        // No SQLITE_OPEN_CREATE: a missing file is an error, never a new empty database.
        sqlite3 *db = nullptr;
        const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
        m_db.reset(db); // closed by the destructor, or when this constructor throws
        if (rc != SQLITE_OK)
            throw RecorderError("cannot open " + path + ": " +
                                (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
        exec("PRAGMA busy_timeout = " + num(kBusyTimeoutMs));
        {
            // The same 5 s, but polling the lock every 0.2 ms: SQLite's own busy handler sleeps up to
            // 100 ms between tries and so misses the short moments the lock is free (measured under
            // load: longest wait 194 ms with it, 47 ms with this; see docs/reliability.md).
            sqlite3_busy_handler(
                m_db.get(),
                [](void *, int tries) -> int {
                    if (tries * 0.2 >= kBusyTimeoutMs)
                        return 0;
                    struct timespec ts
                    {
                        0, 200000
                    };
                    nanosleep(&ts, nullptr);
                    return 1;
                },
                nullptr);
        }
        std::int64_t appId = 0;
        try {
            appId = queryInt("PRAGMA application_id");
        } catch (const SqliteError &e) {
            throw RecorderError(path + " is not a PairLens dataset (" + e.what() + ")");
        }
        if (appId != kApplicationId) {
            char buf[96];
            std::snprintf(buf, sizeof buf,
                          " is not a PairLens dataset (application_id is 0x%08" PRIX32 ", not 0x%08" PRIX32
                          ")",
                          std::uint32_t(appId), std::uint32_t(kApplicationId));
            throw RecorderError(path + buf);
        }
        // The journal mode is left alone: the dataset is in WAL mode and must stay there.
        sqlite3_stmt *insert = nullptr;
        check(sqlite3_prepare_v2(m_db.get(), kInsert, -1, &insert, nullptr));
        m_insert.reset(insert);
    }

    void exec(const std::string &sql)
    {
        check(sqlite3_exec(m_db.get(), sql.c_str(), nullptr, nullptr, nullptr));
    }

    // One execution of the prepared INSERT; returns 1 for a new row, 0 for a pair already there.
    int insert(const Row &row)
    {
        sqlite3_stmt *stmt = m_insert.get();
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        bindText(1, row.pairId);
        bindText(2, row.question);
        bindText(3, row.sql);
        bindText(4, row.timestamp);
        bindText(5, row.databaseType);
        bindText(6, row.databaseName);
        sqlite3_bind_int(stmt, 7, row.success);
        if (row.executionTimeMs)
            sqlite3_bind_double(stmt, 8, *row.executionTimeMs);
        else
            sqlite3_bind_null(stmt, 8);
        bindText(9, row.metadata);
        const int rc = sqlite3_step(stmt);
        if (rc != SQLITE_DONE) {
            const SqliteError error(rc, sqlite3_errmsg(m_db.get()));
            sqlite3_reset(stmt);
            throw error;
        }
        sqlite3_reset(stmt);
        return sqlite3_changes(m_db.get());
    }

    bool inTransaction() const { return !sqlite3_get_autocommit(m_db.get()); }

private:
    void check(int rc)
    {
        if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
            throw SqliteError(rc, sqlite3_errmsg(m_db.get()));
    }
    void bindText(int index, const std::string &text)
    {
        check(sqlite3_bind_text(m_insert.get(), index, text.data(), int(text.size()), SQLITE_TRANSIENT));
    }
    std::int64_t queryInt(const char *sql)
    {
        sqlite3_stmt *stmt = nullptr;
        int rc = sqlite3_prepare_v2(m_db.get(), sql, -1, &stmt, nullptr);
        if (rc == SQLITE_OK)
            rc = sqlite3_step(stmt);
        const std::int64_t value = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
        const std::string message = sqlite3_errmsg(m_db.get()); // before finalize resets it
        sqlite3_finalize(stmt);
        if (rc != SQLITE_ROW)
            throw SqliteError(rc, message);
        return value;
    }

    struct CloseDb
    {
        void operator()(sqlite3 *db) const { sqlite3_close(db); }
    };
    struct FinalizeStmt
    {
        void operator()(sqlite3_stmt *stmt) const { sqlite3_finalize(stmt); }
    };
    // Declared in this order so the statement is finalized before the connection closes.
    std::unique_ptr<sqlite3, CloseDb> m_db;
    std::unique_ptr<sqlite3_stmt, FinalizeStmt> m_insert;
};

struct Stats
{
    long long inserted = 0;
    long long busyRetries = 0;
    double maxWaitMs = 0;
};

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// One transaction: all rows of the batch or none. Returns the number of new rows.
int writeBatch(Dataset &ds, const std::vector<Row> &rows, Stats &stats, std::mt19937 &jitter)
{
    const auto started = Clock::now();
    for (int attempt = 0;; ++attempt) {
        try {
            ds.exec("BEGIN IMMEDIATE"); // takes the write lock now, waiting up to busy_timeout
            int inserted = 0;
            for (const Row &row : rows)
                inserted += ds.insert(row);
            ds.exec("COMMIT");
            stats.maxWaitMs = std::max(stats.maxWaitMs, msSince(started));
            return inserted;
        } catch (const SqliteError &e) {
            if (ds.inTransaction())
                ds.exec("ROLLBACK");
            if (!isBusy(e.rc))
                throw;
            if (attempt == kMaxRetries)
                throw RecorderError("gave up after " + num(kMaxRetries) +
                                    " retries: the dataset stayed locked (" + e.what() + ")");
            // Someone held the write lock for longer than busy_timeout: back off a little (random,
            // so competing writers don't retry in step) and run the whole transaction again.
            ++stats.busyRetries;
            std::uniform_int_distribution<int> backoffMs(10, 50);
            std::this_thread::sleep_for(std::chrono::milliseconds(backoffMs(jitter) * (attempt + 1)));
        }
    }
}

struct Options
{
    std::string dataset, prefix = "rec", log, synchronous = "FULL";
    long long count = -1, batch = 10;
    std::uint64_t seed = 1;
};

[[noreturn]] void usage(const std::string &problem)
{
    if (!problem.empty())
        std::fprintf(stderr, "recorder: %s\n", problem.c_str());
    std::fprintf(stderr, "usage: pairlens_recorder_example DATASET --count N [--batch B] [--seed S] "
                         "[--prefix P] [--log FILE] [--synchronous full|normal]\n");
    std::exit(2);
}

long long toNumber(const char *option, const char *text)
{
    char *end = nullptr;
    errno = 0;
    const long long v = std::strtoll(text, &end, 10);
    if (errno || end == text || *end)
        usage(std::string(option) + " takes a number, not \"" + text + "\"");
    return v;
}

Options parseArgs(int argc, char **argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> const char * {
            if (i + 1 >= argc)
                usage(a + " needs a value");
            return argv[++i];
        };
        if (a == "--count")
            o.count = toNumber("--count", value());
        else if (a == "--batch")
            o.batch = toNumber("--batch", value());
        else if (a == "--seed")
            o.seed = std::uint64_t(toNumber("--seed", value()));
        else if (a == "--prefix")
            o.prefix = value();
        else if (a == "--synchronous") {
            const std::string v = value();
            if (v != "full" && v != "normal")
                usage("--synchronous is full or normal");
            o.synchronous = v == "full" ? "FULL" : "NORMAL";
        } else if (a == "--log")
            o.log = value();
        else if (a == "-h" || a == "--help")
            usage("");
        else if (a.size() > 1 && a[0] == '-')
            usage("unknown option " + a);
        else if (o.dataset.empty())
            o.dataset = a;
        else
            usage("unexpected argument " + a);
    }
    if (o.dataset.empty())
        usage("DATASET is missing");
    if (o.count < 0)
        usage("--count N (N >= 0) is required");
    if (o.batch < 1 || o.batch > 1000)
        usage("--batch must be between 1 and 1000");
    return o;
}

} // namespace

int main(int argc, char **argv)
{
    const Options opt = parseArgs(argc, argv);
    Stats stats;
    double elapsedS = 0;
    try {
        Dataset ds(opt.dataset);
        // Per connection: FULL survives a power loss, NORMAL a crash of this program (and commits faster).
        ds.exec("PRAGMA synchronous = " + opt.synchronous);
        FILE *log = nullptr;
        if (!opt.log.empty()) {
            log = std::fopen(opt.log.c_str(), "a");
            if (!log)
                throw RecorderError("cannot open " + opt.log + ": " + std::strerror(errno));
        }
        std::mt19937 jitter(std::random_device{}());
        const auto started = Clock::now();
        for (long long first = 0; first < opt.count; first += opt.batch) {
            std::vector<Row> rows;
            for (long long n = first; n < std::min(first + opt.batch, opt.count); ++n)
                rows.push_back(makeRow(opt.prefix, opt.seed, n));
            stats.inserted += writeBatch(ds, rows, stats, jitter);
            if (log) { // only after COMMIT returned: these pairs are in the dataset
                for (const Row &row : rows)
                    std::fprintf(log, "%s\n", row.pairId.c_str());
                if (std::fflush(log) != 0)
                    throw RecorderError("cannot write " + opt.log + ": " + std::strerror(errno));
            }
        }
        elapsedS = msSince(started) / 1000.0;
        if (log)
            std::fclose(log);
    } catch (const RecorderError &e) {
        std::fprintf(stderr, "recorder: %s\n", e.what());
        return 1;
    }
    std::printf(
        "{\"inserted\": %lld, \"busy_retries\": %lld, \"max_wait_ms\": %.1f, \"pairs_per_s\": %.1f}\n",
        stats.inserted, stats.busyRetries, stats.maxWaitMs,
        elapsedS > 0 ? double(stats.inserted) / elapsedS : 0.0);
    return 0;
}
