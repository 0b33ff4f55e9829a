# Desktop integration and CPack: `cpack -G DEB` (or TGZ) in the build folder.
include(GNUInstallDirs)

install(FILES ${PROJECT_SOURCE_DIR}/packaging/pairlens.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/io.pairlens.PairLens.metainfo.xml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/pairlens.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)

# The man page and the bash completion are generated from the CLI's own help (packaging/cli-docs.py),
# the Debian changelog compressed as Debian wants it; all land in the package.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(PAIRLENS_PKG_DIR ${PROJECT_BINARY_DIR}/packaging)
add_custom_command(
    OUTPUT ${PAIRLENS_PKG_DIR}/pairlens.1.gz ${PAIRLENS_PKG_DIR}/pairlens.bash
    COMMAND ${CMAKE_COMMAND} -E make_directory ${PAIRLENS_PKG_DIR}
    COMMAND Python3::Interpreter ${PROJECT_SOURCE_DIR}/packaging/cli-docs.py $<TARGET_FILE:pairlens>
            --man ${PAIRLENS_PKG_DIR}/pairlens.1 --bash ${PAIRLENS_PKG_DIR}/pairlens.bash
            --version ${PROJECT_VERSION}
    COMMAND gzip -9nf ${PAIRLENS_PKG_DIR}/pairlens.1
    DEPENDS pairlens ${PROJECT_SOURCE_DIR}/packaging/cli-docs.py
    COMMENT "Generating the man page and bash completion from pairlens --help"
    VERBATIM)
add_custom_command(
    OUTPUT ${PAIRLENS_PKG_DIR}/changelog.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${PAIRLENS_PKG_DIR}
    COMMAND gzip -9nc ${PROJECT_SOURCE_DIR}/packaging/changelog > ${PAIRLENS_PKG_DIR}/changelog.gz
    DEPENDS ${PROJECT_SOURCE_DIR}/packaging/changelog)
add_custom_target(pairlens_package_docs ALL
    DEPENDS ${PAIRLENS_PKG_DIR}/pairlens.1.gz ${PAIRLENS_PKG_DIR}/pairlens.bash ${PAIRLENS_PKG_DIR}/changelog.gz)
install(FILES ${PAIRLENS_PKG_DIR}/pairlens.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PAIRLENS_PKG_DIR}/pairlens.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME pairlens)
install(FILES ${PAIRLENS_PKG_DIR}/changelog.gz ${PROJECT_SOURCE_DIR}/packaging/copyright
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/pairlens)

set(CPACK_PACKAGE_NAME "pairlens")
set(CPACK_PACKAGE_VENDOR "PairLens")
set(CPACK_PACKAGE_CONTACT "PairLens maintainers <maintainers@pairlens.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "pairlens")
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "utils")
# CPack puts the summary first and indents these lines itself.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "PairLens opens a dataset of natural-language questions and the SQL an agent
generated for them, shows the pairs in a fast filterable table with a preview
of how each pair looks once anonymized, charts the statistics, lets reviewers
delete bad pairs with undo, and exports the chosen pairs to JSONL, JSON, CSV
or fine-tuning formats, from the window or headless with the pairlens
command line.")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The SQLite driver and the platform plugins are loaded at run time, so shlibdeps can't see them.
# Qt HttpServer (and the Qt WebSockets it links) serve `pairlens serve`; shlibdeps finds them too,
# they are named so that the DEB says what the server needs; TLS goes through libqt6network6's
# OpenSSL plugin.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-sqlite, qt6-qpa-plugins, libqt6httpserver6, libqt6websockets6")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libqt6svg6, qt6-translations-l10n")
include(CPack)
