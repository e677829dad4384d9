// shell_quote: a text as one word of a POSIX shell command, for the commands the dialects build
// around what a client sent (ndscheduler's job classes, Cronicle's Plugin commands): inside
// single quotes nothing is special, and a single quote is closed, given in double quotes and
// opened again.
//
// Example:
//   shell_quote("it's $HOME");   // 'it'"'"'s $HOME'  (the shell reads: it's $HOME)
#pragma once

#include <string>
#include <string_view>

namespace mainspring {

std::string shell_quote(std::string_view text);

}  // namespace mainspring
