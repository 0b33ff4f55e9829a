// The library that carries the compiled translations (translations/CMakeLists.txt); it has no code
// of its own, and a static library needs one source file.
namespace pairlens::i18n {
int linked = 1;
} // namespace pairlens::i18n
