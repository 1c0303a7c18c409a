#include "cli/options.hpp"

#include <filesystem>

#include "core/error.hpp"
#include "spec/load.hpp"

namespace pw::cli {

spec::Spec load_spec(const GlobalOptions& options) {
  if (!options.directory.empty()) {
    std::error_code ec;
    std::filesystem::current_path(options.directory, ec);
    if (ec) throw UsageError("cannot change to directory '" + options.directory + "': " + ec.message());
  }
  auto [file, root] = spec::locate_spec(options.spec_file);
  return spec::load_spec(spec::LoadRequest{file, root, {}});
}

}  // namespace pw::cli
