#pragma once

#include <QStringList>

namespace pairlens::app {

// Replaces this process with the window program, `pairlens-window`, passing `args` (the arguments
// after the program name) on. The window and `pairlens chart` need the GUI libraries; the command
// line links none of them, so every other command starts in about two thirds of the time. Returns only
// when the window program cannot be started, after saying why on stderr (the exit code to use).
int execWindowProgram(const QStringList &args);

} // namespace pairlens::app
