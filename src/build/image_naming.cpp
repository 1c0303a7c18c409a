#include "build/image_naming.hpp"

namespace pw::build {

std::string image_repository(const spec::Spec& spec, const spec::Image& image) {
  return spec.registry + "/" + image.name;
}

std::vector<std::string> commit_tags(const std::string& repository, const std::string& commit) {
  return {repository + ":" + commit, repository + ":" + commit.substr(0, k_short_sha)};
}

std::map<std::string, std::string> image_labels(const LabelFacts& facts) {
  std::map<std::string, std::string> labels = {
      {"org.opencontainers.image.revision", facts.commit},
      {"org.opencontainers.image.source", facts.source},
      {"org.opencontainers.image.created", facts.created},
      {"org.opencontainers.image.version", facts.version},
      {"org.opencontainers.image.title", facts.project + "/" + facts.image},
      {k_label_project, facts.project},
      {k_label_image, facts.image},
      {k_label_inputs, facts.inputs},
  };
  if (facts.dirty)
    labels[k_label_dirty] = "true";
  return labels;
}

std::string strip_credentials(const std::string& url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string::npos)
    return url;
  const std::size_t host_start = scheme + 3;
  const std::size_t path_start = url.find('/', host_start);
  const std::size_t at = url.rfind('@', path_start == std::string::npos ? url.size() : path_start);
  if (at == std::string::npos || at < host_start)
    return url;
  return url.substr(0, host_start) + url.substr(at + 1);
}

}  // namespace pw::build
