#include "identity.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

using namespace Qt::StringLiterals;

namespace pairlens::app {

void setIdentity()
{
    QCoreApplication::setOrganizationName(u"PairLens"_s);
    QCoreApplication::setApplicationName(u"PairLens"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(PAIRLENS_VERSION));
}

void installTranslations(QCoreApplication &app)
{
    const QLocale locale;
    auto *own = new QTranslator(&app);
    if (own->load(locale, u"pairlens"_s, u"_"_s, u":/i18n"_s))
        QCoreApplication::installTranslator(own);
    auto *qt = new QTranslator(&app);
    if (qt->load(locale, u"qtbase"_s, u"_"_s, QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
}

} // namespace pairlens::app
