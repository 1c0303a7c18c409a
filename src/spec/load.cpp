#include "spec/load.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <vector>

#include "core/error.hpp"
#include "spec/parser.hpp"
#include "spec/path_probe.hpp"
#include "spec/validator.hpp"

namespace pw::spec {
namespace {

std::string read_spec_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    throw SpecError("spec '" + file.string() + "' is a directory, not a file");
  }
  const auto size = std::filesystem::file_size(file, ec);
  if (!ec && size > k_max_spec_bytes) {
    throw SpecError("spec '" + file.string() + "' is " + std::to_string(size / 1024) +
                    " KiB; the limit is " + std::to_string(k_max_spec_bytes / 1024) +
                    " KiB (is this really a pipeline spec?)");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw SpecError("cannot read spec '" + file.string() + "': " + std::strerror(errno) +
                    "\n  hint: create " + k_default_spec_name +
                    " at the repository root, or pass -f PATH");
  }
  // The size check above cannot see pipes and devices (-f <(...), -f /dev/zero): read at
  // most one byte past the limit, whatever the file is.
  std::string text;
  std::vector<char> chunk(64 * 1024);
  while (in && text.size() <= k_max_spec_bytes) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (text.size() > k_max_spec_bytes) {
    throw SpecError("spec '" + file.string() + "' is larger than " +
                    std::to_string(k_max_spec_bytes / 1024) +
                    " KiB, the limit (is this really a pipeline spec?)");
  }
  return text;
}

// The nearest directory at or above start that holds .git (a work tree root).
std::filesystem::path enclosing_work_tree(const std::filesystem::path& start) {
  std::error_code ec;
  for (auto dir = std::filesystem::absolute(start); !dir.empty(); dir = dir.parent_path()) {
    if (std::filesystem::exists(dir / ".git", ec))
      return dir;
    if (dir == dir.parent_path())
      break;
  }
  return {};
}

[[noreturn]] void throw_invalid(const std::string& file, const std::string& source,
                                const Diagnostics& diagnostics) {
  const std::size_t n = diagnostics.size();
  const auto sorted = diagnostics.sorted();
  std::vector<SpecProblem> problems;
  for (const auto& d : sorted) {
    problems.push_back(SpecProblem{file, d.pos.line, d.pos.col,
                                   d.hint.empty() ? d.message : d.message + " (" + d.hint + ")"});
  }
  throw SpecError(
      "invalid spec " + file + " (" + std::to_string(n) + (n == 1 ? " error)" : " errors)"),
      render(file, source, sorted), std::move(problems));
}

}  // namespace

VarLookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr)
      return std::nullopt;
    return std::string(value);
  };
}

std::pair<std::filesystem::path, std::filesystem::path> locate_spec(
    const std::filesystem::path& explicit_file) {
  const auto cwd = std::filesystem::current_path();
  if (!explicit_file.empty()) {
    const auto file = std::filesystem::absolute(explicit_file);
    auto root = enclosing_work_tree(file.parent_path());
    return {explicit_file, root.empty() ? file.parent_path() : root};
  }
  auto root = enclosing_work_tree(cwd);
  if (root.empty())
    root = cwd;
  // Shown in diagnostics: relative to where the user stands, like compilers do.
  auto shown = (root / k_default_spec_name).lexically_relative(cwd);
  if (shown.empty() || *shown.begin() == "..")
    shown = root / k_default_spec_name;
  return {shown, root};
}

std::string read_spec_source(const std::filesystem::path& file) {
  return read_spec_file(file);
}

Spec load_spec(const LoadRequest& request) {
  return load_spec_source(request, read_spec_file(request.file));
}

Spec load_spec_source(const LoadRequest& request, const std::string& source) {
  const std::filesystem::path root =
      request.root.empty() ? std::filesystem::absolute(request.file).parent_path() : request.root;
  Diagnostics diagnostics;
  Spec spec = parse_spec(source, request.env ? request.env : process_environment(), diagnostics);
  spec.file = request.file.string();
  spec.root = root.string();
  if (!diagnostics.empty() && spec.jobs.empty() && spec.name.empty()) {
    // Nothing usable was read (syntax error, wrong top-level type): semantic checks would
    // only add noise.
    throw_invalid(spec.file, source, diagnostics);
  }
  if (request.paths != nullptr) {
    validate_spec(spec, *request.paths, diagnostics);
  } else {
    validate_spec(spec, DiskPathProbe(root), diagnostics);
  }
  if (!diagnostics.empty())
    throw_invalid(spec.file, source, diagnostics);
  return spec;
}

}  // namespace pw::spec
