#pragma once

#include <memory>

#include "cli/console.hpp"
#include "cli/run_console.hpp"
#include "docker/container_cli.hpp"
#include "docker/docker_cli.hpp"
#include "promote/promotion.hpp"

// What promote and rollback share on the command line: the adapters (console output, real
// processes and Docker) and how a result is printed.

namespace pw::cli {

/// The console and the real adapters a promotion uses; progress goes to stderr with --json.
class PromoteConsole {
 public:
  /// Output to stdout and stderr, or only stderr when stdout carries JSON.
  explicit PromoteConsole(bool json);
  /// The adapters for promote::promote; valid while this object lives.
  run::RunAdapters adapters();

 private:
  Console console_;
  ConsoleBuildReporter build_reporter_;
  ConsoleRunOutput output_;
  proc::SystemProcessRunner processes_;
  docker::DockerCli engine_;
  docker::ContainerCli runtime_;
};

/// Prints what a promotion did: one line per fact, or one JSON object.
void print_promotion(const promote::PromoteResult& result, bool json);

}  // namespace pw::cli
