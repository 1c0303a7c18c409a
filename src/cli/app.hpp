#pragma once

namespace pw::cli {

/// Parses the command line, runs the subcommand and maps every error to its documented exit
/// code, printing "pipewright: error: ..." on stderr. The only catch of pw::Error.
int run(int argc, char** argv);

}  // namespace pw::cli
