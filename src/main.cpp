// tokengate: an OAuth 2.0 token service (see docs/CONTRACT.md). This file only hands over to cli/.
#include "cli/run.hpp"

int main(int argc, char** argv) { return tokengate::cli::run(argc, argv); }
