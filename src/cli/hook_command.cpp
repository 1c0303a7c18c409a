#include <iostream>
#include <iterator>
#include <thread>

#include "cli/commands.hpp"
#include "cli/console.hpp"
#include "cli/run_console.hpp"
#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "docker/container_cli.hpp"
#include "docker/docker_cli.hpp"
#include "git/hooks_dir.hpp"
#include "git/repository.hpp"
#include "hook/hook_install.hpp"
#include "hook/hook_script.hpp"
#include "hook/pre_push.hpp"

namespace pw::cli {
namespace {

struct HookOptions {
  bool force = false;
  std::string remote;
  std::string url;
  int parallelism = 0;
  bool no_cache = false;
};

// The repository of the current directory (after -C) and where its hooks live.
std::pair<git::Repository, std::filesystem::path> repository_and_hooks(
    const GlobalOptions& global) {
  locate_spec(global);  // applies -C
  auto repo = git::Repository::discover(std::filesystem::current_path());
  if (!repo)
    throw GitError(repo.error().message);
  auto hooks = git::hooks_dir(repo.value());
  if (!hooks)
    throw GitError(hooks.error().message);
  return {std::move(repo).value(), std::move(hooks).value()};
}

// This very binary, so the hook runs the pipewright that installed it.
std::string own_binary() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("pipewright") : self.string();
}

void run_install(const GlobalOptions& global, const HookOptions& options) {
  auto [repo, hooks] = repository_and_hooks(global);
  std::string spec_file;
  if (!global.spec_file.empty())
    spec_file = std::filesystem::absolute(global.spec_file).lexically_normal().string();
  const auto result =
      hook::install_hook(hooks, hook::hook_script(own_binary(), spec_file),
                         options.force ? hook::Overwrite::force : hook::Overwrite::refuse);
  switch (result.action) {
    case hook::Installed::unchanged:
      std::cout << "pre-push hook already installed: " << result.hook.string() << "\n";
      break;
    case hook::Installed::updated:
      std::cout << "updated the pre-push hook: " << result.hook.string() << "\n";
      break;
    case hook::Installed::replaced_foreign:
      std::cout << "installed the pre-push hook: " << result.hook.string() << " (the previous "
                << "hook is kept as " << result.backup->string() << ")\n";
      break;
    case hook::Installed::written:
      std::cout << "installed the pre-push hook: " << result.hook.string() << "\n";
      break;
  }
}

void run_uninstall(const GlobalOptions& global) {
  auto [repo, hooks] = repository_and_hooks(global);
  const auto result = hook::uninstall_hook(hooks);
  switch (result.action) {
    case hook::Uninstalled::absent:
      std::cout << "no pre-push hook installed: " << result.hook.string() << "\n";
      break;
    case hook::Uninstalled::removed:
      std::cout << "removed the pre-push hook: " << result.hook.string() << "\n";
      break;
    case hook::Uninstalled::restored_backup:
      std::cout << "removed the pre-push hook and restored the previous one: "
                << result.hook.string() << "\n";
      break;
  }
}

void run_pre_push(const GlobalOptions& global, const HookOptions& options) {
  const std::string input{std::istreambuf_iterator<char>(std::cin),
                          std::istreambuf_iterator<char>()};
  std::string problem;
  auto updates = hook::parse_push_lines(input, problem);
  if (!updates)
    throw UsageError(problem);
  const auto [file, root] = locate_spec(global);
  auto repo = git::Repository::discover(root);
  if (!repo)
    throw GitError(repo.error().message);
  install_interrupt_handlers();
  // git shows a hook's standard error; progress and job output go there too.
  Console console(Console::Target::stderr_only);
  ConsoleBuildReporter build_reporter(console, Lines::shown);
  ConsoleRunOutput output(console, Lines::shown);
  proc::SystemProcessRunner processes;
  docker::DockerCli engine(processes);
  docker::ContainerCli runtime(processes);
  hook::PrePushRequest request;
  request.spec_file = std::filesystem::absolute(file);
  request.root = std::filesystem::absolute(root);
  request.remote = options.remote;
  request.updates = std::move(updates).value();
  request.parallelism = parallelism_or_cores(options.parallelism);
  request.use_cache = !options.no_cache;
  ExitCode code = ExitCode::ok;
  try {
    code = hook::run_pre_push(request, repo.value(),
                              {engine, runtime, processes, build_reporter, output}, std::cerr);
  } catch (const Error& e) {
    std::cerr << "pipewright pre-push: " << hook::k_bypass_hint << "\n";
    throw;
  }
  if (code != ExitCode::ok)
    throw Error(code, "the pre-push check failed (see above)");
}

}  // namespace

void add_hook_command(CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand("hook", "Install or remove the git pre-push hook");
  cmd->require_subcommand(1);
  auto options = std::make_shared<HookOptions>();

  auto* install = cmd->add_subcommand(
      "install", "Write .git/hooks/pre-push (or under core.hooksPath) running `hook pre-push`");
  install->add_flag("--force", options->force,
                    "Replace a pre-push hook that is not pipewright's (kept as a backup)");
  install->footer(
      "The hook runs this pipewright binary (its absolute path, or `pipewright` on PATH when\n"
      "that is gone). Installing again is harmless. Exit status: 0; 2 when a foreign hook is\n"
      "in the way (use --force); 8 for git.");
  install->callback([&global, options] { run_install(global, *options); });

  auto* uninstall = cmd->add_subcommand(
      "uninstall", "Remove pipewright's pre-push hook, restoring the hook it replaced");
  uninstall->footer("A hook pipewright did not write is left alone (exit status 2).");
  uninstall->callback([&global] { run_uninstall(global); });

  auto* pre_push = cmd->add_subcommand(
      "pre-push", "What the hook runs: checks each pushed commit (reads git's pre-push input)");
  pre_push->add_option("remote", options->remote, "The remote's name (git's first argument)");
  pre_push->add_option("url", options->url, "The remote's URL (git's second argument)");
  pre_push
      ->add_option("-j,--jobs", options->parallelism, "Run at most N jobs at once (default: cores)")
      ->check(CLI::Range(1, 256));
  pre_push->add_flag("--no-cache", options->no_cache,
                     "Run every selected job, ignoring cached verdicts and job results");
  pre_push->footer(
      "For each branch or tag pushed (deletions skipped), runs the jobs of its flow (never the\n"
      "release or promotion; a branch whose flow runs no jobs uses the first branch flow that\n"
      "does) on exactly the pushed commit, with the jobs selected by what changed since the\n"
      "remote's value. A repeated push of unchanged work is answered from a cached verdict.\n"
      "Exit status: 0 passed (the push goes on); 1 a job failed; 4 timed out; 3 invalid spec at\n"
      "the commit; 5 Docker; 6 build; 7 secret. Bypass once: git push --no-verify.");
  pre_push->callback([&global, options] { run_pre_push(global, *options); });
}

}  // namespace pw::cli
