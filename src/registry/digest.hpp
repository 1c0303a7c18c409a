#pragma once

#include <string>
#include <string_view>

// Content digests as the OCI distribution API spells them.

namespace pw::registry {

/// "sha256:" followed by the lowercase hex SHA-256 of bytes.
std::string sha256_digest(std::string_view bytes);

}  // namespace pw::registry
