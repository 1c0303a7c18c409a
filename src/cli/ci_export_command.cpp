#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "ci/ci_export.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"

namespace pw::cli {
namespace {

struct CiExportOptions {
  std::string system;
  std::string output;
  bool to_stdout = false;
  bool check = false;
};

// The spec's path relative to the repository root, '/'-separated (as commands in CI jobs,
// which start at the root, must name it).
std::string spec_relative_to_root(const spec::Spec& spec) {
  namespace fs = std::filesystem;
  const fs::path file = fs::weakly_canonical(fs::absolute(spec.file));
  const fs::path root = fs::weakly_canonical(fs::absolute(spec.root));
  const fs::path relative = file.lexically_relative(root);
  if (relative.empty() || *relative.begin() == "..")
    throw UsageError("the spec " + spec.file + " is outside the repository " + spec.root +
                     ": CI jobs could not name it");
  return relative.generic_string();
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return {};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::error_code ec;
  if (path.has_parent_path())
    std::filesystem::create_directories(path.parent_path(), ec);
  // Write beside, then rename: a reader never sees half a file.
  const std::filesystem::path temporary = path.string() + ".pipewright-tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush())
      throw Error(ExitCode::internal, "cannot write " + temporary.string());
  }
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    throw Error(ExitCode::internal, "cannot write " + path.string() + ": " + ec.message());
  }
}

void run_ci_export(const GlobalOptions& global, const CiExportOptions& options) {
  if (options.to_stdout && !options.output.empty())
    throw UsageError("give either -o FILE or --stdout, not both");
  const spec::Spec spec = load_spec(global);
  const ci::CiSystem system =
      options.system == "gitlab" ? ci::CiSystem::gitlab : ci::CiSystem::github;
  ci::ExportSettings settings;
  settings.spec_path = spec_relative_to_root(spec);
  const std::string text = ci::export_configuration(system, spec, settings);
  if (options.to_stdout && !options.check) {
    std::cout << text;
    return;
  }
  // -o is relative to the current directory (after -C); the default to the repository root.
  const std::filesystem::path path =
      options.output.empty() ? std::filesystem::path(spec.root) / ci::default_export_path(system)
                             : std::filesystem::path(options.output);
  if (options.check) {
    if (!std::filesystem::exists(path))
      throw Error(ExitCode::job_failed, path.string() + " does not exist; write it with '" +
                                            ci::regenerate_command(system, settings) + "'");
    if (read_file(path) != text)
      throw Error(ExitCode::job_failed, path.string() + " is out of date with " + spec.file +
                                            "; regenerate it with '" +
                                            ci::regenerate_command(system, settings) + "'");
    std::cout << path.string() << ": up to date\n";
    return;
  }
  write_file(path, text);
  std::cout << "wrote " << path.string() << "\n";
}

}  // namespace

void add_ci_export_command(CLI::App& ci, const GlobalOptions& global) {
  auto* cmd = ci.add_subcommand(
      "export", "Write the spec as GitLab CI or GitHub Actions configuration (one CI job per job)");
  auto options = std::make_shared<CiExportOptions>();
  cmd->add_option("system", options->system, "gitlab or github")
      ->required()
      ->check(CLI::IsMember({"gitlab", "github"}));
  cmd->add_option("-o,--output", options->output,
                  "Write to FILE (default: .gitlab-ci.yml or .github/workflows/pipewright.yml "
                  "at the repository root)");
  cmd->add_flag("--stdout", options->to_stdout, "Print the configuration instead of writing it");
  cmd->add_flag("--check", options->check,
                "Write nothing; exit 1 when the file differs from what would be written");
  cmd->footer(
      "One CI job per spec job runs `pipewright run JOB` with the spec's needs; the flows'\n"
      "branch and tag patterns decide where each runs; a release job runs `pipewright release`\n"
      "where a flow releases, and each environment gets a manual promotion job bound to a CI\n"
      "environment. Runners need pipewright installed ($PIPEWRIGHT names the binary). See\n"
      "docs/ci.md.\n"
      "Exit status: 0 written (or up to date with --check); 1 --check found the file missing\n"
      "or different; 2 usage; 3 invalid spec, or a spec the CI system cannot express.");
  cmd->callback([&global, options] { run_ci_export(global, *options); });
}

}  // namespace pw::cli
