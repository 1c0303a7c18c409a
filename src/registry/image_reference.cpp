#include "registry/image_reference.hpp"

#include <algorithm>
#include <cctype>

namespace pw::registry {
namespace {

// Docker's name length limit (host and repository together, as docker counts it).
constexpr std::size_t k_max_name_length = 255;

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// One repository component: [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)*
bool is_valid_component(std::string_view c) {
  if (c.empty() || !is_lower_alnum(c.front()) || !is_lower_alnum(c.back())) {
    return false;
  }
  std::size_t i = 0;
  while (i < c.size()) {
    if (is_lower_alnum(c[i])) {
      ++i;
      continue;
    }
    std::size_t start = i;
    while (i < c.size() && !is_lower_alnum(c[i])) {
      ++i;
    }
    std::string_view sep = c.substr(start, i - start);
    bool dashes = std::all_of(sep.begin(), sep.end(), [](char ch) { return ch == '-'; });
    if (!(sep == "." || sep == "_" || sep == "__" || dashes)) {
      return false;
    }
  }
  return true;
}

// host[:port], where host is dot-separated labels of [A-Za-z0-9-] not starting or ending
// with '-'. Bracketed IPv6 literals are not supported (refused with a clear reason).
bool is_valid_host(std::string_view host) {
  std::size_t colon = host.find(':');
  std::string_view name = host.substr(0, colon);
  if (colon != std::string_view::npos) {
    std::string_view port = host.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return false;
    }
  }
  if (name.empty()) {
    return false;
  }
  std::size_t start = 0;
  while (true) {
    std::size_t dot = name.find('.', start);
    std::string_view label = name.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (label.empty() || label.front() == '-' || label.back() == '-' ||
        !std::all_of(label.begin(), label.end(), [](char c) { return is_alnum(c) || c == '-'; })) {
      return false;
    }
    if (dot == std::string_view::npos) {
      return true;
    }
    start = dot + 1;
  }
}

}  // namespace

bool is_sha256_digest(std::string_view digest) {
  constexpr std::string_view prefix = "sha256:";
  if (digest.size() != prefix.size() + 64 || digest.substr(0, prefix.size()) != prefix) {
    return false;
  }
  return std::all_of(digest.begin() + prefix.size(), digest.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool is_valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128 || tag.front() == '.' || tag.front() == '-') {
    return false;
  }
  return std::all_of(tag.begin(), tag.end(),
                     [](char c) { return is_alnum(c) || c == '_' || c == '.' || c == '-'; });
}

bool is_valid_repository(std::string_view repository) {
  if (repository.empty()) {
    return false;
  }
  std::size_t start = 0;
  while (true) {
    std::size_t slash = repository.find('/', start);
    std::string_view component =
        repository.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (!is_valid_component(component)) {
      return false;
    }
    if (slash == std::string_view::npos) {
      return true;
    }
    start = slash + 1;
  }
}

std::string ImageReference::api_reference() const {
  if (digest) {
    return *digest;
  }
  return tag ? *tag : "latest";
}

std::string ImageReference::to_string() const {
  std::string out = registry + "/" + repository;
  if (tag) {
    out += ":" + *tag;
  }
  if (digest) {
    out += "@" + *digest;
  }
  return out;
}

Result<ImageReference, std::string> parse_image_reference(std::string_view text) {
  if (text.empty()) {
    return failure(std::string("empty image reference"));
  }
  ImageReference ref;
  std::string_view rest = text;
  if (std::size_t at = rest.find('@'); at != std::string_view::npos) {
    std::string_view digest = rest.substr(at + 1);
    if (!is_sha256_digest(digest)) {
      return failure("invalid digest '" + std::string(digest) +
                     "' (expected sha256: and 64 lowercase hex digits)");
    }
    ref.digest = std::string(digest);
    rest = rest.substr(0, at);
  }
  // The tag separator is the last ':' after the last '/': a ':' before it is a port.
  std::size_t last_slash = rest.rfind('/');
  std::size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || colon > last_slash)) {
    std::string_view tag = rest.substr(colon + 1);
    if (!is_valid_tag(tag)) {
      return failure("invalid tag '" + std::string(tag) + "'");
    }
    ref.tag = std::string(tag);
    rest = rest.substr(0, colon);
  }
  std::size_t first_slash = rest.find('/');
  if (first_slash != std::string_view::npos) {
    std::string_view first = rest.substr(0, first_slash);
    bool is_host =
        first.find_first_of(".:") != std::string_view::npos || first == "localhost" ||
        std::any_of(first.begin(), first.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    if (is_host) {
      if (first.front() == '[') {
        return failure("IPv6 registry hosts are not supported: '" + std::string(first) + "'");
      }
      if (!is_valid_host(first)) {
        return failure("invalid registry host '" + std::string(first) + "'");
      }
      ref.registry = std::string(first);
      rest = rest.substr(first_slash + 1);
    }
  }
  if (ref.registry.empty()) {
    ref.registry = std::string(k_default_registry);
  }
  if (rest.empty()) {
    return failure("missing repository name in '" + std::string(text) + "'");
  }
  if (std::any_of(rest.begin(), rest.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return failure("repository name must be lowercase: '" + std::string(rest) + "'");
  }
  if (!is_valid_repository(rest)) {
    return failure("invalid repository name '" + std::string(rest) + "'");
  }
  if (ref.registry.size() + 1 + rest.size() > k_max_name_length) {
    return failure("repository name longer than 255 characters");
  }
  ref.repository = std::string(rest);
  // Docker Hub's official images live under library/.
  if (ref.registry == k_default_registry && ref.repository.find('/') == std::string::npos) {
    ref.repository = "library/" + ref.repository;
  }
  return ref;
}

}  // namespace pw::registry
