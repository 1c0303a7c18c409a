#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

// WWW-Authenticate challenges (RFC 7235) as registries send them: "Bearer realm=...,
// service=..., scope=..." or "Basic realm=...". Pure.

namespace pw::registry {

/// One challenge: its scheme (lowercased) and parameters (names lowercased, values unquoted).
struct AuthChallenge {
  std::string scheme;
  std::map<std::string, std::string> params;
};

/// Parses a WWW-Authenticate header value into its challenges, in order. Quoted values may
/// hold commas and backslash escapes (scope="repository:a:pull,push"). Malformed trailing text
/// is ignored rather than failing: the caller then simply finds no usable challenge.
std::vector<AuthChallenge> parse_www_authenticate(std::string_view header);

}  // namespace pw::registry
