#include <iostream>
#include <nlohmann/json.hpp>

#include "build/image_builder.hpp"
#include "cli/commands.hpp"
#include "cli/console.hpp"
#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "docker/docker_cli.hpp"
#include "git/repository.hpp"
#include "proc/process.hpp"
#include "secret/secret_store.hpp"
#include "spec/load.hpp"
#include "state/state_dir.hpp"
#include "util/duration.hpp"

namespace pw::cli {
namespace {

struct BuildCommandOptions {
  std::vector<std::string> images;
  bool dirty = false;
  bool json = false;
  bool quiet = false;
};

nlohmann::json to_json(const build::BuiltImage& image) {
  return {
      {"name", image.name},
      {"repository", image.repository},
      {"image_id", image.image_id},
      {"tags", image.tags},
      {"commit", image.commit},
      {"inputs", image.inputs},
      {"up_to_date", image.up_to_date},
      {"dirty", image.dirty},
      {"duration_ms", image.duration.count()},
      {"log", image.log.empty() ? nlohmann::json(nullptr) : nlohmann::json(image.log.string())}};
}

void run_build(const GlobalOptions& global, const BuildCommandOptions& options) {
  const spec::Spec spec = load_spec(global);
  require_known(spec, NameKind::image, options.images);
  auto repo = git::Repository::discover(spec.root);
  if (!repo)
    throw GitError(repo.error().message);
  Console console(options.json ? Console::Target::stderr_only : Console::Target::stdout_and_stderr);
  if (auto dirty = repo.value().status_dirty(); !options.dirty && dirty && dirty.value()) {
    console.note(
        "uncommitted changes are not built (images come from the committed tree; "
        "--dirty builds the working copy)");
  }
  install_interrupt_handlers();
  proc::SystemProcessRunner runner;
  docker::DockerCli engine(runner);
  secret::SecretStore secrets(spec, spec::process_environment(), spec.root);
  const auto state = state::ensure_state_dir(spec.root);
  ConsoleBuildReporter reporter(console, options.quiet ? Lines::hidden : Lines::shown);
  build::ImageBuilder builder(spec, repo.value(), engine, secrets, reporter);
  build::BuildOptions build_options{
      options.images, options.dirty ? build::Source::working_copy : build::Source::commit,
      state / "logs", &interrupt_flag()};
  std::vector<build::BuiltImage> built;
  try {
    built = builder.build(build_options);
  } catch (const Error&) {
    throw_if_interrupted();  // a build stopped by Ctrl-C reports the interruption
    throw;
  }
  state::record_images(state, built.empty() ? "" : built.front().commit, built);
  if (options.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& image : built)
      out.push_back(to_json(image));
    std::cout << out.dump(2) << "\n";
  }
}

}  // namespace

void add_build_command(CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand("build", "Build the spec's images from the committed tree");
  auto options = std::make_shared<BuildCommandOptions>();
  cmd->add_option("images", options->images, "Images to build (default: all)");
  cmd->add_flag("--dirty", options->dirty,
                "Build from the working copies of tracked files instead of HEAD (labelled dirty)");
  cmd->add_flag("--json", options->json, "Print what was built as JSON (logs go to stderr)");
  cmd->add_flag("-q,--quiet", options->quiet, "Do not stream build logs (they still go to files)");
  cmd->footer(
      "Images are built with BuildKit from HEAD's tracked files only, tagged\n"
      "<registry>/<image>:<sha> and :<short sha>, and labelled with the OCI annotations.\n"
      "An image whose inputs (context tree, Dockerfile, args, target) are unchanged is\n"
      "reported 'up to date' and not rebuilt. The client is $PIPEWRIGHT_DOCKER or 'docker'.\n"
      "Exit status: 0; 3 invalid spec or Dockerfile not committed; 5 Docker daemon\n"
      "unreachable; 6 build failed; 7 build secret missing; 8 git error; 130/143 interrupted.");
  cmd->callback([&global, options] { run_build(global, *options); });
}

}  // namespace pw::cli
