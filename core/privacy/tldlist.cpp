// Top-level domains accepted in e-mail addresses: the original and sponsored generic TLDs, the
// widely used new generic TLDs, and every two-letter country-code TLD in the IANA root zone.
// IDN TLDs in their ASCII form (xn--...) are accepted by shape in isKnownTld(). Kept sorted.
#include "privacy/detectors.h"

#include <algorithm>
#include <string_view>

namespace pairlens::privacy::detail {

namespace {

// clang-format off
constexpr std::string_view kTlds[] = {
    "ac", "academy", "accountant", "accountants", "actor", "ad", "adult", "ae", "aero", "af", "ag",
    "agency", "ai", "airforce", "al", "am", "amazon", "android", "ao", "apartments", "app", "apple",
    "aq", "ar", "arpa", "art", "as", "asia", "associates", "at", "attorney", "au", "auction",
    "audio", "auto", "aw", "ax", "az", "ba", "band", "bank", "bar", "bargains", "bb", "bd", "be",
    "beer", "berlin", "best", "bet", "bf", "bg", "bh", "bi", "bible", "bid", "bike", "bingo", "bio",
    "biz", "bj", "black", "blog", "blue", "bm", "bn", "bo", "boutique", "bq", "br", "bs", "bt",
    "build", "builders", "business", "buzz", "bw", "by", "bz", "ca", "cab", "cafe", "cam", "camera",
    "camp", "capital", "car", "cards", "care", "career", "careers", "cars", "casa", "cash",
    "casino", "cat", "catering", "cc", "cd", "center", "ceo", "cf", "cg", "ch", "charity", "chat",
    "cheap", "christmas", "church", "ci", "city", "ck", "cl", "claims", "cleaning", "click",
    "clinic", "clothing", "cloud", "club", "cm", "cn", "co", "coach", "codes", "coffee", "college",
    "com", "community", "company", "computer", "condos", "construction", "consulting",
    "contractors", "cooking", "cool", "coop", "country", "coupons", "courses", "cr", "credit",
    "creditcard", "cricket", "cruises", "cu", "cv", "cw", "cx", "cy", "cymru", "cz", "dance",
    "date", "dating", "de", "deals", "degree", "delivery", "democrat", "dental", "dentist",
    "design", "dev", "diamonds", "diet", "digital", "direct", "directory", "discount", "dj", "dk",
    "dm", "do", "doctor", "dog", "domains", "download", "dz", "earth", "ec", "eco", "edu",
    "education", "ee", "eg", "email", "energy", "engineer", "engineering", "enterprises",
    "equipment", "er", "es", "estate", "et", "eu", "events", "exchange", "expert", "exposed",
    "express", "fail", "faith", "family", "fan", "fans", "farm", "fashion", "fi", "film", "finance",
    "financial", "fish", "fitness", "fj", "fk", "flights", "florist", "fm", "fo", "football",
    "forsale", "foundation", "fr", "free", "fund", "furniture", "futbol", "fyi", "ga", "gallery",
    "game", "games", "garden", "gay", "gb", "gd", "ge", "gf", "gg", "gh", "gi", "gift", "gifts",
    "gives", "gl", "glass", "global", "gm", "gmail", "gmbh", "gn", "gold", "golf", "google", "gov",
    "gp", "gq", "gr", "graphics", "gratis", "green", "gripe", "group", "gs", "gt", "gu", "guide",
    "guitars", "guru", "gw", "gy", "hamburg", "health", "healthcare", "help", "hiphop", "hk", "hm",
    "hn", "hockey", "holdings", "holiday", "homes", "horse", "hospital", "host", "hosting", "house",
    "how", "hr", "ht", "hu", "icu", "id", "ie", "il", "im", "immo", "immobilien", "in", "inc",
    "industries", "info", "ink", "institute", "insure", "int", "international", "investments", "io",
    "iq", "ir", "irish", "is", "it", "je", "jetzt", "jewelry", "jm", "jo", "jobs", "jp", "kaufen",
    "ke", "kg", "kh", "ki", "kim", "kitchen", "kiwi", "km", "kn", "kp", "kr", "kw", "ky", "kz",
    "la", "land", "lat", "law", "lawyer", "lb", "lc", "lease", "legal", "lgbt", "li", "life",
    "lighting", "limited", "limo", "link", "live", "lk", "llc", "loan", "loans", "lol", "london",
    "love", "lr", "ls", "lt", "ltd", "lu", "luxury", "lv", "ly", "ma", "maison", "management",
    "market", "marketing", "mba", "mc", "md", "me", "media", "medical", "meet", "memorial", "men",
    "menu", "mg", "mh", "miami", "microsoft", "mil", "mk", "ml", "mm", "mn", "mo", "mobi", "moda",
    "moe", "mom", "money", "monster", "mortgage", "movie", "mp", "mq", "mr", "ms", "mt", "mu",
    "museum", "music", "mv", "mw", "mx", "my", "mz", "na", "name", "navy", "nc", "ne", "net",
    "network", "news", "nf", "ng", "ni", "ninja", "nl", "no", "np", "nr", "nu", "nyc", "nz",
    "observer", "om", "one", "onl", "online", "ooo", "org", "pa", "page", "paris", "partners",
    "parts", "party", "pe", "pet", "pf", "pg", "ph", "photo", "photography", "photos", "pics",
    "pictures", "pink", "pizza", "pk", "pl", "place", "plumbing", "plus", "pm", "pn", "poker",
    "porn", "post", "pr", "press", "pro", "productions", "promo", "properties", "property", "ps",
    "pt", "pub", "pw", "py", "qa", "quebec", "racing", "radio", "re", "realestate", "realty",
    "recipes", "red", "rehab", "reise", "reisen", "rent", "rentals", "repair", "report",
    "republican", "rest", "restaurant", "review", "reviews", "rich", "rip", "ro", "rocks", "rodeo",
    "rs", "ru", "run", "rw", "sa", "sale", "salon", "sarl", "sb", "sc", "school", "schule",
    "science", "scot", "sd", "se", "security", "services", "sex", "sexy", "sg", "sh", "shoes",
    "shop", "shopping", "show", "si", "singles", "site", "sk", "ski", "sl", "sm", "sn", "so",
    "soccer", "social", "software", "solar", "solutions", "space", "sport", "sr", "ss", "st",
    "store", "stream", "studio", "study", "style", "su", "sucks", "supplies", "supply", "support",
    "surf", "surgery", "sv", "swiss", "sx", "sy", "systems", "sz", "tax", "taxi", "tc", "td",
    "team", "tech", "technology", "tel", "tennis", "tf", "tg", "th", "theater", "tickets", "tienda",
    "tips", "tires", "tj", "tk", "tl", "tm", "tn", "to", "today", "tokyo", "tools", "top", "tours",
    "town", "toys", "tr", "trade", "trading", "training", "travel", "tt", "tube", "tv", "tw", "tz",
    "ua", "ug", "uk", "university", "uno", "us", "uy", "uz", "va", "vacations", "vc", "ve", "vegas",
    "ventures", "vet", "vg", "vi", "viajes", "video", "villas", "vin", "vip", "vision", "vn",
    "vodka", "vote", "voting", "voto", "voyage", "vu", "wales", "wang", "watch", "webcam",
    "website", "wedding", "wf", "wien", "wiki", "win", "windows", "wine", "work", "works", "world",
    "ws", "wtf", "xxx", "xyz", "yahoo", "ye", "yoga", "youtube", "yt", "za", "zm", "zone", "zw",
};
// clang-format on

} // namespace

bool isKnownTld(QStringView label)
{
    if (label.size() < 2 || label.size() > 24)
        return false;
    char buffer[24];
    for (qsizetype i = 0; i < label.size(); ++i) {
        const char16_t c = label[i].unicode();
        if (!isAsciiAlnum(c) && c != u'-')
            return false;
        buffer[i] = char(c | (isAsciiAlpha(c) ? 0x20 : 0));
    }
    const std::string_view tld(buffer, size_t(label.size()));
    if (tld.size() > 4 && tld.substr(0, 4) == "xn--")
        return true; // an internationalised TLD (punycode); the label characters were checked above
    for (char c : tld) {
        if (c < 'a' || c > 'z')
            return false;
    }
    return std::binary_search(std::begin(kTlds), std::end(kTlds), tld);
}

} // namespace pairlens::privacy::detail
