#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

// Image references as docker spells them: [host[:port]/]repo[/more][:tag][@sha256:<hex>].
// Pure: no network, so that every rule is unit-tested.

namespace pw::registry {

/// The registry docker assumes when a reference names no host.
inline constexpr std::string_view k_default_registry = "docker.io";

/// A parsed image reference; repository is lowercase, digest is "sha256:<64 hex>".
struct ImageReference {
  std::string registry;               ///< host[:port], "docker.io" when the reference had none
  std::string repository;             ///< path in the registry ("library/busybox" for docker.io)
  std::optional<std::string> tag;     ///< the tag, when the reference had one
  std::optional<std::string> digest;  ///< "sha256:<hex>", when the reference had one

  /// The reference the registry API resolves: the digest when present, else the tag, else
  /// "latest" (docker's default).
  std::string api_reference() const;
  /// host/repository[:tag][@digest], in canonical form.
  std::string to_string() const;
};

/// Parses text with docker's rules: the first path component is a registry host when it
/// contains '.' or ':', is "localhost", or has an uppercase letter; repository components are
/// lowercase [a-z0-9] joined by '.', '_', '__' or '-'s; tags match [A-Za-z0-9_][A-Za-z0-9_.-]
/// {0,127}; digests are sha256 with 64 lowercase hex digits. On failure: the reason.
Result<ImageReference, std::string> parse_image_reference(std::string_view text);

/// True when digest is "sha256:" followed by 64 lowercase hex digits.
bool is_sha256_digest(std::string_view digest);

/// True when tag is a valid tag (docker's rule above).
bool is_valid_tag(std::string_view tag);

/// True when repository is a valid repository path (lowercase components, as above).
bool is_valid_repository(std::string_view repository);

}  // namespace pw::registry
