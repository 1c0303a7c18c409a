#include "registry/credentials.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "registry/image_reference.hpp"

namespace pw::registry {
namespace {

constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
// config.json beyond this size is not a docker config; refuse rather than read it all.
constexpr std::uintmax_t k_max_config_size = 4 * 1024 * 1024;

// Helper names become argv[0] (docker-credential-<name>): no path separators or options.
bool is_valid_helper_name(std::string_view name) {
  return !name.empty() && name.front() != '-' && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
  });
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    auto n = (static_cast<unsigned char>(bytes[i]) << 16) |
             (static_cast<unsigned char>(bytes[i + 1]) << 8) |
             static_cast<unsigned char>(bytes[i + 2]);
    out += k_alphabet[(n >> 18) & 63];
    out += k_alphabet[(n >> 12) & 63];
    out += k_alphabet[(n >> 6) & 63];
    out += k_alphabet[n & 63];
  }
  if (std::size_t rest = bytes.size() - i; rest > 0) {
    auto n = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) {
      n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    }
    out += k_alphabet[(n >> 18) & 63];
    out += k_alphabet[(n >> 12) & 63];
    out += rest == 2 ? k_alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') {
    text.remove_suffix(1);
  }
  if (text.size() % 4 == 1) {
    return std::nullopt;
  }
  std::array<int, 256> value{};
  value.fill(-1);
  for (int i = 0; i < 64; ++i) {
    value[static_cast<unsigned char>(k_alphabet[i])] = i;
  }
  std::string out;
  unsigned int acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = value[static_cast<unsigned char>(c)];
    if (v < 0) {
      return std::nullopt;
    }
    acc = (acc << 6) | static_cast<unsigned int>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

std::string normalize_config_host(std::string_view key) {
  if (auto p = key.find("://"); p != std::string_view::npos) {
    key.remove_prefix(p + 3);
  }
  if (auto slash = key.find('/'); slash != std::string_view::npos) {
    key = key.substr(0, slash);
  }
  std::string host(key);
  // Docker Hub is stored under its legacy index names.
  if (host == "index.docker.io" || host == "registry-1.docker.io") {
    host = std::string(k_default_registry);
  }
  return host;
}

Result<DockerConfigEntry, std::string> parse_docker_config(std::string_view json,
                                                           std::string_view host) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return failure(std::string("not a JSON object"));
  }
  std::string wanted = normalize_config_host(host);
  DockerConfigEntry entry;
  if (auto helpers = doc.find("credHelpers"); helpers != doc.end() && helpers->is_object()) {
    for (const auto& [key, name] : helpers->items()) {
      if (normalize_config_host(key) == wanted && name.is_string()) {
        entry.helper = name.get<std::string>();
      }
    }
  }
  if (!entry.helper) {
    if (auto auths = doc.find("auths"); auths != doc.end() && auths->is_object()) {
      for (const auto& [key, value] : auths->items()) {
        if (normalize_config_host(key) != wanted || !value.is_object()) {
          continue;
        }
        if (auto auth = value.find("auth");
            auth != value.end() && auth->is_string() && !auth->get<std::string>().empty()) {
          auto decoded = base64_decode(auth->get<std::string>());
          auto colon = decoded ? decoded->find(':') : std::string::npos;
          if (!decoded || colon == std::string::npos) {
            return failure("auths." + key + ".auth is not base64 of user:password");
          }
          entry.inline_credentials =
              Credentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
        } else if (auto user = value.find("username"), pass = value.find("password");
                   user != value.end() && pass != value.end() && user->is_string() &&
                   pass->is_string()) {
          entry.inline_credentials =
              Credentials{user->get<std::string>(), pass->get<std::string>()};
        }
      }
    }
    if (!entry.inline_credentials) {
      if (auto store = doc.find("credsStore");
          store != doc.end() && store->is_string() && !store->get<std::string>().empty()) {
        entry.helper = store->get<std::string>();
      }
    }
  }
  if (entry.helper && !is_valid_helper_name(*entry.helper)) {
    return failure("invalid credential helper name '" + *entry.helper + "'");
  }
  return entry;
}

Result<Credentials, std::string> parse_credential_helper_output(std::string_view json) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return failure(std::string("output is not a JSON object"));
  }
  auto user = doc.find("Username");
  auto secret = doc.find("Secret");
  if (user == doc.end() || secret == doc.end() || !user->is_string() || !secret->is_string()) {
    return failure(std::string("output lacks Username or Secret"));
  }
  return Credentials{user->get<std::string>(), secret->get<std::string>()};
}

CredentialSources default_credential_sources() {
  CredentialSources sources;
  for (const char* name : {"PIPEWRIGHT_REGISTRY_USER", "PIPEWRIGHT_REGISTRY_PASSWORD"}) {
    if (const char* v = std::getenv(name); v != nullptr) {
      sources.env[name] = v;
    }
  }
  if (const char* dir = std::getenv("DOCKER_CONFIG"); dir != nullptr && *dir != '\0') {
    sources.docker_config = std::filesystem::path(dir) / "config.json";
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    sources.docker_config = std::filesystem::path(home) / ".docker" / "config.json";
  }
  return sources;
}

Result<std::optional<Credentials>, std::string> resolve_credentials(
    std::string_view host, const CredentialSources& sources, proc::ProcessRunner& runner) {
  auto user = sources.env.find("PIPEWRIGHT_REGISTRY_USER");
  auto pass = sources.env.find("PIPEWRIGHT_REGISTRY_PASSWORD");
  if (user != sources.env.end() && pass != sources.env.end() && !user->second.empty()) {
    return std::optional<Credentials>(Credentials{user->second, pass->second});
  }
  std::error_code ec;
  if (sources.docker_config.empty() ||
      !std::filesystem::is_regular_file(sources.docker_config, ec)) {
    return std::optional<Credentials>();
  }
  const std::string where = sources.docker_config.string();
  if (std::filesystem::file_size(sources.docker_config, ec) > k_max_config_size || ec) {
    return failure(where + ": unreadable or larger than 4 MiB");
  }
  std::ifstream in(sources.docker_config, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) {
    return failure(where + ": could not be read");
  }
  auto entry = parse_docker_config(text.str(), host);
  if (!entry) {
    return failure(where + ": " + entry.error());
  }
  if (entry.value().inline_credentials) {
    return std::optional<Credentials>(entry.value().inline_credentials);
  }
  if (!entry.value().helper) {
    return std::optional<Credentials>();
  }
  const std::string program = "docker-credential-" + *entry.value().helper;
  proc::Command command;
  command.argv = {program, "get"};
  // The helper protocol: the server URL on stdin, the credentials as JSON on stdout.
  command.stdin_data = std::string(host) + "\n";
  command.timeout = std::chrono::seconds(30);
  proc::Captured result = proc::capture(runner, command);
  if (!result.status.ok()) {
    // Helpers print "credentials not found in native keychain" when they have nothing.
    if (result.status.kind == proc::ExitStatus::Kind::exited &&
        result.out.find("credentials not found") != std::string::npos) {
      return std::optional<Credentials>();
    }
    // stderr/stdout of a failing helper are not quoted: a helper might echo what it read.
    return failure(program + " get failed for " + std::string(host) + ": " +
                   result.status.describe());
  }
  auto creds = parse_credential_helper_output(result.out);
  if (!creds) {
    return failure(program + " get: " + creds.error());
  }
  return std::optional<Credentials>(creds.value());
}

}  // namespace pw::registry
