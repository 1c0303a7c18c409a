#include "cli/promote_console.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

namespace pw::cli {

PromoteConsole::PromoteConsole(bool json)
    : console_(json ? Console::Target::stderr_only : Console::Target::stdout_and_stderr),
      build_reporter_(console_, Lines::shown),
      output_(console_, Lines::shown),
      engine_(processes_),
      runtime_(processes_) {}

run::RunAdapters PromoteConsole::adapters() {
  return {engine_, runtime_, processes_, build_reporter_, output_};
}

void print_promotion(const promote::PromoteResult& result, bool json) {
  if (json) {
    nlohmann::json out = {{"environment", result.environment},
                          {"commit", result.commit},
                          {"digest", result.digest},
                          {"image", result.image},
                          {"previous_commit", result.previous_commit},
                          {"ref", result.state_ref},
                          {"tag_object", result.tag_object},
                          {"history_ref", result.history_ref},
                          {"mounted_blobs", result.mounted_blobs},
                          {"verify_run", result.verify_run}};
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::cout << "promoted " << result.commit.substr(0, 12) << " to " << result.environment
            << "\n  image:    " << result.image << "\n  ref:      " << result.state_ref << " ("
            << result.tag_object.substr(0, 12) << ")\n  history:  " << result.history_ref
            << "\n  previous: "
            << (result.previous_commit.empty() ? "(none)" : result.previous_commit.substr(0, 12))
            << "\n";
}

}  // namespace pw::cli
