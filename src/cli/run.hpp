#pragma once
// The `tokengate` command line: parses `argv` (docs/CONTRACT.md, "CLI"), runs the command chosen
// and returns the process's exit code: 0 done, 2 usage or configuration (the message says what to
// change), 1 anything else (a store that cannot be reached, a server that stopped on an error).
// Messages go to std::cerr, results to std::cout.
namespace tokengate::cli {

int run(int argc, const char* const* argv);

}  // namespace tokengate::cli
