#include "cli/app.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "pipewright/version.hpp"

namespace pw::cli {
namespace {

void print_error(const std::string& details, const std::string& message) {
  if (!details.empty())
    std::cerr << details;
  std::cerr << "pipewright: error: " << message << "\n";
}

int parse_error(CLI::App& app, const CLI::ParseError& e) {
  // --help and --version are "errors" in CLI11 that exit 0 after printing.
  if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success))
    return app.exit(e);
  print_error({}, std::string(e.what()) + "\n  hint: run 'pipewright --help'");
  return to_int(ExitCode::usage);
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"pipewright: build, test, release and promote container images from one spec",
               "pipewright"};
  app.set_version_flag("-V,--version", std::string("pipewright ") + k_version);
  app.require_subcommand(1);
  app.fallthrough();
  GlobalOptions options;
  app.add_option("-f,--file", options.spec_file,
                 "Pipeline spec (default: pipewright.yaml at the repository root)");
  app.add_option("-C,--directory", options.directory, "Run as if started in this directory");
  app.footer("Run 'pipewright COMMAND --help' for a command's options and exit codes.");
  // In the order of the flow: check, build and test, release, promote, look back, tidy up.
  add_validate_command(app, options);
  add_plan_command(app, options);
  add_build_command(app, options);
  add_run_command(app, options);
  add_release_command(app, options);
  add_promote_command(app, options);
  add_rollback_command(app, options);
  add_push_command(app, options);
  add_fetch_command(app, options);
  add_ci_command(app, options);
  add_status_command(app, options);
  add_history_command(app, options);
  add_clean_command(app, options);
  add_hook_command(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return parse_error(app, e);
  } catch (const Error& e) {
    print_error(e.details(), e.what());
    return to_int(e.code());
  } catch (const std::exception& e) {
    print_error({}, std::string("internal error: ") + e.what() +
                        "\n  this is a bug in pipewright; please report it");
    return to_int(ExitCode::internal);
  }
  return to_int(ExitCode::ok);
}

}  // namespace pw::cli
