#include "spec/parse_sections.hpp"

namespace pw::spec {
namespace {

const std::vector<std::string> k_image_keys = {"dockerfile", "context",    "target", "args",
                                               "secrets",    "cache_from", "paths"};

Image parse_image(YamlReader& reader, const std::string& name, SourcePos pos,
                  const YAML::Node& node) {
  Image image;
  image.name = name;
  image.pos = pos;
  image.dockerfile.pos = pos;  // defaults point at the image's name
  image.context.pos = pos;
  // "test:" with nothing after it is an image with every default.
  if (node.IsNull())
    return image;
  const std::string what = "image '" + name + "'";
  auto entries = reader.entries(node, what, k_image_keys);
  if (!entries)
    return image;
  for (const auto& e : *entries) {
    const std::string field = "'" + e.key + "' of " + what;
    if (e.key == "dockerfile") {
      if (auto v = reader.located(e.value, field))
        image.dockerfile = *v;
    } else if (e.key == "context") {
      if (auto v = reader.located(e.value, field))
        image.context = *v;
    } else if (e.key == "target") {
      image.target = reader.string(e.value, field);
    } else if (e.key == "args") {
      image.args = reader.var_map(e.value, field);
    } else if (e.key == "secrets") {
      image.secrets = reader.string_list(e.value, field, Expand::no);
    } else if (e.key == "cache_from") {
      for (auto& v : reader.string_list(e.value, field))
        image.cache_from.push_back(v.value);
    } else if (e.key == "paths") {
      image.paths = reader.string_list(e.value, field);
    }
  }
  // Like `docker build`, the default Dockerfile is the one at the top of the context.
  if (image.dockerfile.pos == image.pos && image.context.value != ".") {
    std::string context = image.context.value;
    while (!context.empty() && context.back() == '/')
      context.pop_back();
    image.dockerfile.value = context + "/Dockerfile";
  }
  return image;
}

}  // namespace

std::vector<Image> parse_images(YamlReader& reader, const YAML::Node& node) {
  std::vector<Image> images;
  auto entries = reader.entries(node, "'images'", {});
  if (!entries)
    return images;
  for (const auto& e : *entries) {
    check_name(reader, e.key, e.key_pos, "image");
    images.push_back(parse_image(reader, e.key, e.key_pos, e.value));
  }
  return images;
}

}  // namespace pw::spec
