#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include "ci/ci_context.hpp"
#include "ci/ci_flow.hpp"
#include "ci/github_commands.hpp"
#include "ci/gitlab_report.hpp"
#include "cli/commands.hpp"
#include "cli/console.hpp"
#include "cli/run_console.hpp"
#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "docker/container_cli.hpp"
#include "docker/docker_cli.hpp"
#include "git/changes_since.hpp"
#include "git/failure.hpp"
#include "git/remote_push.hpp"
#include "git/repository.hpp"
#include "report/summary.hpp"
#include "secret/secret_store.hpp"
#include "spec/load.hpp"
#include "state/state_dir.hpp"

namespace pw::cli {
namespace {

// GitHub's event payload is small; a bigger file is not read (the variables still decide).
constexpr std::uintmax_t k_max_event_bytes = 4u << 20;
// Annotations GitHub shows per step are limited; more would only be dropped.
constexpr std::size_t k_max_test_annotations = 10;

struct CiCommandOptions {
  std::string branch;
  std::string tag;
  std::string base;
  bool all = false;
  std::string approved_by;
  std::string remote;
  bool no_sync = false;
  int parallelism = 0;
  bool keep_going = false;
  bool no_cache = false;
  std::string junit = ".pipewright/ci/junit.xml";
  std::string dotenv = ".pipewright/ci/pipewright.env";
};

std::string read_event_file() {
  const char* path = std::getenv("GITHUB_EVENT_PATH");
  if (path == nullptr || *path == '\0')
    return {};
  std::error_code ec;
  if (std::filesystem::file_size(path, ec) > k_max_event_bytes || ec)
    return {};
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

ci::CiContext detect(const CiCommandOptions& options) {
  auto detected = ci::detect_context(spec::process_environment(), read_event_file());
  if (!detected)
    throw UsageError(detected.error().message);
  ci::CiContext context = detected.value();
  if (!options.branch.empty())
    context.ref = GitRefName{spec::RefKind::branch, options.branch};
  if (!options.tag.empty())
    context.ref = GitRefName{spec::RefKind::tag, options.tag};
  return context;
}

// The CI's log, phase by phase: GitLab sections, GitHub groups, status lines locally.
class CiConsoleLog final : public ci::CiLog {
 public:
  CiConsoleLog(Console& console, ci::CiSystem system) : console_(console), system_(system) {}

  void begin(std::string_view id, std::string_view title) override {
    switch (system_) {
      case ci::CiSystem::gitlab:
        console_.command(ci::gitlab::section_start(now(), id, title, /*collapsed=*/false));
        break;
      case ci::CiSystem::github:
        console_.command(ci::github::group_start(title));
        break;
      case ci::CiSystem::local:
        console_.status(title);
        break;
    }
  }
  void end(std::string_view id) override {
    if (system_ == ci::CiSystem::gitlab)
      console_.command(ci::gitlab::section_end(now(), id));
    else if (system_ == ci::CiSystem::github)
      console_.command(ci::github::group_end());
  }
  void note(std::string_view text) override { console_.status(text); }

 private:
  static std::int64_t now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  Console& console_;
  ci::CiSystem system_;
};

std::string relative_to(const std::filesystem::path& file, const std::filesystem::path& root) {
  std::error_code ec;
  const auto relative = std::filesystem::relative(std::filesystem::absolute(file),
                                                  std::filesystem::absolute(root), ec);
  return ec || relative.empty() ? file.string() : relative.generic_string();
}

// Spec problems as GitHub annotations on the spec's lines, then the error goes on to main.
spec::Spec load_for_ci(const GlobalOptions& global, ci::CiSystem system, Console& console) {
  const auto [file, root] = locate_spec(global);
  try {
    return spec::load_spec(spec::LoadRequest{file, root, {}, nullptr});
  } catch (const SpecError& e) {
    if (system == ci::CiSystem::github) {
      for (const auto& problem : e.problems()) {
        console.command(ci::github::error_annotation(
            {relative_to(problem.file, root), problem.line, problem.col}, "invalid spec",
            problem.message));
      }
    }
    throw;
  }
}

GitRefName local_ref(const git::Repository& repository) {
  auto branch = git::value_or_throw(repository.current_branch());
  if (!branch)
    throw UsageError(
        "HEAD is detached and no CI variables name a branch or tag; pass "
        "--branch NAME or --tag NAME");
  return GitRefName{spec::RefKind::branch, *branch};
}

// The CI checked out context.commit; anything else would test one commit and report another.
void require_ci_commit(const ci::CiContext& context, const git::Repository& repository) {
  if (context.commit.empty())
    return;
  const std::string head = git::value_or_throw(repository.head_commit());
  if (head == context.commit)
    return;
  throw GitError("the CI runs for commit " + context.commit.substr(0, 12) + " but HEAD is " +
                 head.substr(0, 12) + "\n  hint: run 'pipewright ci' in the job's own checkout");
}

// What selection compares against: --base, the change request's base or target, the default
// branch; nothing (every job runs) for tags, the default branch itself and --all.
std::optional<ChangeSet> change_set(const ci::CiContext& context, const CiCommandOptions& options,
                                    const git::Repository& repository) {
  if (options.all || !context.ref || context.ref->kind == spec::RefKind::tag)
    return std::nullopt;
  std::string target = options.base;
  // The system's own base of the change request, when this clone has it.
  if (target.empty() && !context.diff_base.empty() && repository.resolve(context.diff_base))
    target = context.diff_base;
  if (target.empty()) {
    const std::string branch = ci::comparison_branch(context);
    if (branch.empty() && context.system != ci::CiSystem::local)
      return std::nullopt;
    if (branch.empty()) {
      if (!repository.resolve("refs/remotes/origin/HEAD"))
        return std::nullopt;
      target = "refs/remotes/origin/HEAD";
    } else {
      // CI checkouts have the target as a remote-tracking branch, local clones as a branch.
      target = repository.resolve("refs/remotes/origin/" + branch) ? "refs/remotes/origin/" + branch
                                                                   : branch;
    }
  }
  return git::value_or_throw(git::changes_since(repository, "HEAD", target));
}

// GitHub masks these values in its own logs too (pipewright masks them in everything it
// prints); declared secrets that are not available now are left out.
void register_masks(const spec::Spec& spec, Console& console) {
  secret::SecretStore store(spec, spec::process_environment(), spec.root);
  for (const auto& [name, source] : spec.secrets) {
    try {
      const std::string mask = ci::github::add_mask(store.value(name));
      if (!mask.empty())
        console.command(mask);
    } catch (const SecretError&) {
    }
  }
}

std::optional<std::string> approval(const ci::CiContext& context, const CiCommandOptions& options) {
  if (!options.approved_by.empty())
    return options.approved_by;
  // A person started this job by hand (GitLab manual job, GitHub workflow_dispatch): that
  // start is the approval, recorded under their login.
  if (context.manual && !context.actor.empty())
    return context.actor;
  return std::nullopt;
}

// In CI the clone is thrown away after the job: what a release or promotion records goes to
// the remote (origin unless told otherwise). Locally nothing is pushed unless asked.
std::string sync_remote(const ci::CiContext& context, const CiCommandOptions& options,
                        const git::Repository& repository) {
  if (options.no_sync)
    return {};
  if (!options.remote.empty()) {
    if (!git::has_remote(repository, options.remote))
      throw UsageError("no remote named '" + options.remote + "' in this repository");
    return options.remote;
  }
  if (context.system != ci::CiSystem::local && git::has_remote(repository, "origin"))
    return "origin";
  return {};
}

void append_to(const char* variable, const std::string& text) {
  const char* path = std::getenv(variable);
  if (path == nullptr || *path == '\0')
    return;
  std::ofstream out(path, std::ios::app | std::ios::binary);
  out << text;
  if (!out)
    throw InfrastructureError(std::string("cannot append to $") + variable + " (" + path + ")");
}

void write_file(const std::filesystem::path& file, const std::string& text) {
  std::error_code ec;
  if (file.has_parent_path())
    std::filesystem::create_directories(file.parent_path(), ec);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out)
    throw InfrastructureError("cannot write " + file.string());
}

std::filesystem::path at_root(const spec::Spec& spec, const std::string& path) {
  const std::filesystem::path p(path);
  return p.is_absolute() ? p : std::filesystem::path(spec.root) / p;
}

void copy_junit(const spec::Spec& spec, const CiCommandOptions& options, ci::CiOutcome& outcome) {
  if (outcome.junit.empty())
    return;
  const auto target = at_root(spec, options.junit);
  std::error_code ec;
  std::filesystem::create_directories(target.parent_path(), ec);
  std::filesystem::copy_file(outcome.junit, target,
                             std::filesystem::copy_options::overwrite_existing, ec);
  if (ec)
    throw InfrastructureError("cannot copy the JUnit report to " + target.string() + ": " +
                              ec.message());
  outcome.junit = target.string();
}

void annotate_failed_tests(const ci::CiOutcome& outcome, Console& console) {
  if (outcome.junit.empty())
    return;
  auto failed = report::failed_cases(outcome.junit, k_max_test_annotations);
  if (!failed)
    return;
  for (const auto& test : failed.value()) {
    console.command(ci::github::error_annotation({test.file, test.line, 0},
                                                 "test failed: " + test.name, test.message));
  }
}

// The CI's own reports of the run, whatever its outcome.
void write_reports(const spec::Spec& spec, const CiCommandOptions& options, ci::CiOutcome& outcome,
                   Console& console) {
  copy_junit(spec, options, outcome);
  switch (outcome.context.system) {
    case ci::CiSystem::gitlab: {
      auto text = ci::gitlab::dotenv(ci::dotenv_values(outcome));
      if (!text)
        throw InfrastructureError("cannot write the dotenv report: " + text.error().message);
      write_file(at_root(spec, options.dotenv), text.value());
      break;
    }
    case ci::CiSystem::github: {
      annotate_failed_tests(outcome, console);
      std::string entries;
      for (const auto& [name, value] : ci::output_values(outcome))
        entries += ci::github::output_entry(name, value);
      append_to("GITHUB_OUTPUT", entries);
      append_to("GITHUB_STEP_SUMMARY", ci::step_summary_markdown(outcome));
      break;
    }
    case ci::CiSystem::local:
      break;
  }
}

void print_summary(const ci::CiOutcome& outcome, Console& console) {
  if (!outcome.jobs.empty()) {
    std::cout << "\n" << report::render_summary_table(outcome.jobs, report::Color::never);
  }
  for (const auto& line : outcome.not_selected)
    console.status("not selected: " + line);
  if (!outcome.junit.empty())
    std::cout << "JUnit report: " << outcome.junit << "\n";
  std::cout.flush();
}

void run_ci_command(const GlobalOptions& global, const CiCommandOptions& options) {
  const ci::CiContext detected = detect(options);
  const bool github = detected.system == ci::CiSystem::github;
  Console console(github ? Console::Target::stdout_only : Console::Target::stdout_and_stderr);
  ci::github::CommandWindow window;
  const spec::Spec spec = load_for_ci(global, detected.system, console);
  git::Repository repository = open_repository(spec);
  ci::CiRequest request;
  request.context = detected;
  if (!request.context.ref)
    request.context.ref = local_ref(repository);
  require_ci_commit(request.context, repository);
  if (github) {
    register_masks(spec, console);
    console.set_command_window(&window);  // from here on, printed text cannot issue commands
  }
  install_interrupt_handlers();
  request.changes = change_set(request.context, options, repository);
  request.approved_by = approval(request.context, options);
  request.remote = sync_remote(request.context, options, repository);
  request.parallelism = parallelism_or_cores(options.parallelism);
  request.policy =
      options.keep_going ? run::FailurePolicy::keep_going : run::FailurePolicy::fail_fast;
  request.use_cache = !options.no_cache;
  console.status("pipewright ci: " + std::string(ci::system_name(request.context.system)) +
                 (request.context.change_request
                      ? ", change request " + request.context.change_request->id
                      : std::string()));
  if (request.changes)
    console.status("selection: " + request.changes->note);
  ConsoleBuildReporter build_reporter(console, Lines::shown);
  ConsoleRunOutput output(console, Lines::shown);
  proc::SystemProcessRunner processes;
  docker::DockerCli engine(processes);
  docker::ContainerCli runtime(processes);
  CiConsoleLog log(console, request.context.system);
  ci::CiRun result = ci::run_ci(spec, repository, request,
                                {engine, runtime, processes, build_reporter, output}, log);
  print_summary(result.outcome, console);
  write_reports(spec, options, result.outcome, console);
  if (result.failure)
    std::rethrow_exception(result.failure);
}

}  // namespace

void add_ci_command(CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand(
      "ci", "Run the flow for this CI job's branch or tag (GitLab CI, GitHub Actions, or local)");
  auto options = std::make_shared<CiCommandOptions>();
  cmd->add_option("--branch", options->branch, "Run the flow for this branch (overrides the CI)");
  cmd->add_option("--tag", options->tag, "Run the flow for this tag (overrides the CI)")
      ->excludes("--branch");
  cmd->add_option("--base", options->base,
                  "Select jobs by the files changed since the merge base with this revision "
                  "(default: the merge request's target, else the default branch)");
  cmd->add_flag("--all", options->all, "Run every job of the flow, whatever changed")
      ->excludes("--base");
  cmd->add_option("--approved-by", options->approved_by,
                  "Who approved the promotion (default: who started a manual job)");
  cmd->add_option("--remote", options->remote,
                  "Share environment state through this remote: fetched before a release or "
                  "promotion, pushed after (default in CI: origin; locally: none)");
  cmd->add_flag("--no-sync", options->no_sync,
                "Keep environment state in this clone (no fetch, no push)")
      ->excludes("--remote");
  cmd->add_option("-j,--jobs", options->parallelism, "Run at most N jobs at once (default: cores)")
      ->check(CLI::Range(1, 256));
  cmd->add_flag("--keep-going", options->keep_going,
                "Run everything that can run after a failure (default: stop at the first)");
  cmd->add_flag("--no-cache", options->no_cache,
                "Run jobs even when nothing they depend on changed");
  cmd->add_option("--junit", options->junit,
                  "Where to put the merged JUnit report (default: .pipewright/ci/junit.xml)");
  cmd->add_option("--dotenv", options->dotenv,
                  "GitLab: where to write the dotenv report (default: "
                  ".pipewright/ci/pipewright.env)");
  cmd->footer(
      "Detects GitLab CI (GITLAB_CI=true), GitHub Actions (GITHUB_ACTIONS=true) or a local\n"
      "checkout, takes the branch or tag, commit, merge/pull request and actor from the CI's\n"
      "variables (from git locally), picks the first flow whose patterns match, and runs it:\n"
      "its jobs (those whose paths changed since the merge base with the target branch, and\n"
      "what they need), then its release, then its promotion. Flows that release or promote\n"
      "first fetch the environment state from the remote and push what they recorded after\n"
      "(see --remote): the CI's clone is thrown away after the job.\n"
      "GitLab: collapsible sections; the JUnit report for artifacts:reports:junit; a dotenv\n"
      "report (PIPEWRIGHT_IMAGE, PIPEWRIGHT_DIGEST, PIPEWRIGHT_COMMIT, ...) for later jobs.\n"
      "GitHub: groups; annotations for spec errors and failed tests; a job summary; step\n"
      "outputs (image, digest, commit, ...); secrets registered with ::add-mask::; printed\n"
      "output cannot issue workflow commands.\n"
      "Exit status: 0 the flow passed (or no flow matches); 1 a job, deploy or verify failed;\n"
      "2 usage; 3 invalid spec; 4 a job timed out; 5 Docker or registry failed; 6 build\n"
      "failed; 7 secret missing; 8 git error (e.g. HEAD is not the CI's commit); 9 refused by\n"
      "policy; 10 environment moved concurrently; 130/143 interrupted.");
  cmd->callback([&global, options, cmd] {
    if (cmd->get_subcommands().empty())
      run_ci_command(global, *options);
  });
  add_ci_export_command(*cmd, global);
}

}  // namespace pw::cli
