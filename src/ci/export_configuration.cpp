#include "ci/ci_export.hpp"
#include "ci/export_model.hpp"

namespace pw::ci {

std::filesystem::path default_export_path(CiSystem system) {
  return system == CiSystem::gitlab ? std::filesystem::path(".gitlab-ci.yml")
                                    : std::filesystem::path(".github/workflows/pipewright.yml");
}

std::string regenerate_command(CiSystem system, const ExportSettings& settings) {
  std::string out = "pipewright";
  if (settings.spec_path != "pipewright.yaml")
    out += " -f " + shell_quote(settings.spec_path);
  return out + " ci export " + (system == CiSystem::gitlab ? "gitlab" : "github");
}

std::string export_configuration(CiSystem system, const spec::Spec& spec,
                                 const ExportSettings& settings) {
  return system == CiSystem::gitlab ? export_gitlab(spec, settings) : export_github(spec, settings);
}

}  // namespace pw::ci
