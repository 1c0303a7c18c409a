#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "proc/process.hpp"

// Registry credentials: from PIPEWRIGHT_REGISTRY_USER/PIPEWRIGHT_REGISTRY_PASSWORD, or from
// Docker's ~/.docker/config.json (inline "auth", or a credential helper run through pw::proc).
// The parsing is pure; only resolve_credentials reads files and starts helpers. No function
// here ever puts a secret into an error message.

namespace pw::registry {

/// A user name and password (or token); never printed.
struct Credentials {
  std::string username;
  std::string password;
};

/// Where config.json says the credentials for a host come from.
struct DockerConfigEntry {
  std::optional<Credentials> inline_credentials;  ///< from auths.<host>.auth (or username/password)
  std::optional<std::string> helper;  ///< credential helper name: docker-credential-<helper>
};

/// Standard base64 (with padding) of bytes.
std::string base64_encode(std::string_view bytes);

/// Decodes standard base64 (padding optional, whitespace refused); nullopt when invalid.
std::optional<std::string> base64_decode(std::string_view text);

/// The key forms under which docker stores a host in config.json reduced to the host:
/// "https://index.docker.io/v1/" → "docker.io", "http://localhost:5000/x" → "localhost:5000".
std::string normalize_config_host(std::string_view key);

/// Reads what config.json (its text) holds for host: credHelpers.<host> wins over
/// auths.<host>, which wins over credsStore. Errors (invalid JSON, undecodable auth) name the
/// file's part but never a secret.
Result<DockerConfigEntry, std::string> parse_docker_config(std::string_view json,
                                                           std::string_view host);

/// Parses a credential helper's `get` output ({"ServerURL","Username","Secret"}).
Result<Credentials, std::string> parse_credential_helper_output(std::string_view json);

/// Where credentials are looked up; the defaults read the real environment and home.
struct CredentialSources {
  std::map<std::string, std::string> env;  ///< the variables consulted (see below)
  std::filesystem::path docker_config;     ///< config.json; empty: none
};

/// The sources of the current process: PIPEWRIGHT_REGISTRY_USER/PASSWORD, and
/// $DOCKER_CONFIG/config.json or else $HOME/.docker/config.json.
CredentialSources default_credential_sources();

/// Credentials for host: the environment pair when both are set, else config.json (running a
/// helper through runner when it names one); nullopt when nothing applies (anonymous).
Result<std::optional<Credentials>, std::string> resolve_credentials(
    std::string_view host, const CredentialSources& sources, proc::ProcessRunner& runner);

}  // namespace pw::registry
