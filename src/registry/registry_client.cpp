#include "registry/registry_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "core/interrupt.hpp"
#include "pipewright/version.hpp"
#include "registry/auth_challenge.hpp"
#include "registry/digest.hpp"
#include "registry/image_reference.hpp"

namespace pw::registry {
namespace {

// The distribution registry refuses manifests over 4 MiB; a larger answer is not a manifest.
constexpr std::size_t k_max_body = 4 * 1024 * 1024;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) {
    s.remove_suffix(1);
  }
  return s;
}

// Registry text reaches the user's terminal: keep it short and free of control characters.
std::string sanitize(std::string_view s, std::size_t limit) {
  std::string out;
  for (char c : s.substr(0, limit)) {
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  }
  if (s.size() > limit) {
    out += "...";
  }
  return out;
}

// Percent-encodes a query parameter value (scope values hold ':' and ',').
std::string url_encode(std::string_view s) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += k_hex[u >> 4];
      out += k_hex[u & 15];
    }
  }
  return out;
}

bool is_index_type(std::string_view media_type) {
  return media_type == k_oci_index || media_type == k_docker_manifest_list;
}

bool is_manifest_type(std::string_view media_type) {
  return media_type == k_oci_manifest || media_type == k_docker_manifest;
}

bool is_retryable_curl_error(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      return true;
    default:
      return false;
  }
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

struct Response {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lowercased; repeats joined with ", "
  std::string body;
  bool body_too_large = false;
  int attempts = 1;  // how many tries it took (for "gave up after N attempts")

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

size_t write_body(char* data, size_t size, size_t count, void* user) {
  auto* r = static_cast<Response*>(user);
  std::size_t n = size * count;
  if (r->body.size() + n > k_max_body) {
    r->body_too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  r->body.append(data, n);
  return n;
}

size_t write_header(char* data, size_t size, size_t count, void* user) {
  auto* r = static_cast<Response*>(user);
  std::size_t n = size * count;
  std::string_view line(data, n);
  // A new status line (after a 100 Continue) starts a new header block.
  if (line.substr(0, 5) == "HTTP/") {
    r->headers.clear();
    return n;
  }
  std::size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name = lower(trim(line.substr(0, colon)));
    std::string value(trim(line.substr(colon + 1)));
    auto [it, inserted] = r->headers.emplace(name, value);
    if (!inserted) {
      it->second += ", " + value;
    }
  }
  return n;
}

struct Request {
  std::string method;  // GET HEAD PUT POST DELETE
  std::string url;
  std::vector<std::string> headers;
  std::optional<std::string> body;
  std::vector<std::string> scopes;  // bearer-token scopes this request needs
};

struct CurlError {
  CURLcode code;
  std::string text;
};

std::string image_name(const std::string& host, std::string_view repository,
                       std::string_view reference) {
  std::string out = host + "/" + std::string(repository);
  if (!reference.empty()) {
    out += (is_sha256_digest(reference) ? "@" : ":") + std::string(reference);
  }
  return out;
}

std::string host_of_url(std::string_view url) {
  if (auto p = url.find("://"); p != std::string_view::npos) {
    url.remove_prefix(p + 3);
  }
  return std::string(url.substr(0, url.find_first_of("/?#")));
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  std::string_view name = host;
  if (!name.empty() && name.front() == '[') {
    name = name.substr(1, name.find(']') - 1);
  } else if (auto colon = name.rfind(':');
             colon != std::string_view::npos && name.find(':') == colon) {
    name = name.substr(0, colon);
  }
  if (name == "localhost" || name == "::1") {
    return true;
  }
  // 127.0.0.0/8, written as a dotted quad.
  if (name.substr(0, 4) != "127.") {
    return false;
  }
  int dots = 0;
  for (char c : name) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

InfrastructureError to_infrastructure_error(const RegistryFailure& failure) {
  return InfrastructureError(failure.message);
}

std::string describe_registry_error(long http_status, std::string_view body) {
  std::string out = std::to_string(http_status);
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_discarded() && doc.is_object()) {
    auto errors = doc.find("errors");
    if (errors != doc.end() && errors->is_array() && !errors->empty()) {
      bool first = true;
      for (const auto& e : *errors) {
        if (!e.is_object()) {
          continue;
        }
        out += first ? " " : "; ";
        first = false;
        if (auto code = e.find("code"); code != e.end() && code->is_string()) {
          out += sanitize(code->get<std::string>(), 64);
        }
        if (auto msg = e.find("message"); msg != e.end() && msg->is_string()) {
          out += " " + sanitize(msg->get<std::string>(), 200);
        }
      }
      return out;
    }
  }
  std::string_view excerpt = trim(body);
  if (!excerpt.empty()) {
    out += " " + sanitize(excerpt, 200);
  }
  return out;
}

struct RegistryClient::Impl {
  std::string host;
  std::string base_url;  // scheme://host
  RegistryClientOptions options;
  CurlHandle curl;
  // Auth learned from the registry's challenges: Basic for the whole host, or Bearer tokens
  // per scope set (the token endpoint grants exactly the scopes asked for).
  bool use_basic = false;
  std::optional<AuthChallenge> bearer;
  std::map<std::string, std::string> tokens;

  std::string basic_header() const {
    return "Authorization: Basic " +
           base64_encode(options.credentials->username + ":" + options.credentials->password);
  }

  static std::string scope_key(const std::vector<std::string>& scopes) {
    std::string key;
    for (const auto& s : scopes) {
      key += s + " ";
    }
    return key;
  }

  // One HTTP exchange, no retry, no auth logic.
  Result<Response, CurlError> perform(const Request& req,
                                      const std::optional<std::string>& auth_header) {
    CURL* c = curl.get();
    // reset keeps the connection cache: keep-alive survives between requests.
    curl_easy_reset(c);
    Response response;
    char error_buffer[CURL_ERROR_SIZE] = {};
    Slist headers;
    auto add_header = [&headers](const std::string& h) {
      curl_slist* next = curl_slist_append(headers.get(), h.c_str());
      if (next != nullptr) {
        static_cast<void>(headers.release());
        headers.reset(next);
      }
    };
    for (const auto& h : req.headers) {
      add_header(h);
    }
    if (auth_header) {
      add_header(*auth_header);
    }
    add_header("Expect:");  // no 100-continue round trip for manifest bodies
    curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options.connect_timeout.count()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options.request_timeout.count()));
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
    static const std::string user_agent = std::string("pipewright/") + k_version;
    curl_easy_setopt(c, CURLOPT_USERAGENT, user_agent.c_str());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &write_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &write_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &response);
    if (req.method == "HEAD") {
      curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (req.method != "GET") {
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    }
    if (req.body) {
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body->size()));
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body->data());
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
      if (response.body_too_large) {
        return failure(CurlError{rc, "response larger than 4 MiB"});
      }
      std::string text = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
      return failure(CurlError{rc, text});
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
  }

  // Waits, in slices, so that Ctrl-C does not sit out a 30 s Retry-After.
  static bool sleep_interruptibly(std::chrono::milliseconds delay) {
    auto until = std::chrono::steady_clock::now() + delay;
    while (std::chrono::steady_clock::now() < until) {
      if (interrupt_flag().load()) {
        return false;
      }
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          std::chrono::milliseconds(50), until - std::chrono::steady_clock::now()));
    }
    return !interrupt_flag().load();
  }

  std::optional<std::string> auth_for(const std::vector<std::string>& scopes) const {
    if (bearer) {
      if (auto it = tokens.find(scope_key(scopes)); it != tokens.end()) {
        return "Authorization: Bearer " + it->second;
      }
      return std::nullopt;
    }
    if (use_basic && options.credentials) {
      return basic_header();
    }
    return std::nullopt;
  }

  // The request with retries on 5xx/429/connection errors and one authentication round on
  // 401. operation names the image for messages. Non-2xx final statuses are returned as a
  // Response: the caller decides what they mean (404 on a HEAD is an answer).
  Result<Response, RegistryFailure> send(const Request& req, const std::string& operation,
                                         bool authenticate = true) {
    bool auth_round_done = false;
    int attempts = 0;
    const int max_attempts = std::max(1, options.retry.max_attempts);
    while (true) {
      if (interrupt_flag().load()) {
        return failure(RegistryFailure{RegistryFailure::Kind::interrupted, 0, "",
                                       operation + ": interrupted"});
      }
      ++attempts;
      if (authenticate && bearer && !tokens.contains(scope_key(req.scopes))) {
        if (auto token = fetch_token(req.scopes, operation); !token) {
          return failure(token.error());
        }
      }
      auto result = perform(req, authenticate ? auth_for(req.scopes) : std::nullopt);
      if (!result) {
        const CurlError& e = result.error();
        if (is_retryable_curl_error(e.code) && attempts < max_attempts) {
          if (!sleep_interruptibly(backoff_delay(options.retry, attempts, std::nullopt))) {
            continue;  // the loop head reports the interruption
          }
          continue;
        }
        std::string message = operation + ": " + e.text;
        if (is_retryable_curl_error(e.code)) {
          message += " (gave up after " + std::to_string(attempts) +
                     (attempts == 1 ? " attempt)" : " attempts)");
        }
        return failure(RegistryFailure{RegistryFailure::Kind::connection, 0, "", message});
      }
      Response response = std::move(result).value();
      if (response.status == 401 && authenticate && !auth_round_done) {
        auth_round_done = true;
        --attempts;  // the authentication round is not a failed attempt
        auto learned = learn_auth(response, req.scopes, operation);
        if (!learned) {
          return failure(learned.error());
        }
        continue;
      }
      if (is_retryable_status(response.status) && attempts < max_attempts) {
        std::optional<std::chrono::milliseconds> retry_after;
        if (auto value = response.header("retry-after"); !value.empty()) {
          retry_after = parse_retry_after(value, std::chrono::system_clock::now());
        }
        sleep_interruptibly(backoff_delay(options.retry, attempts, retry_after));
        continue;
      }
      response.attempts = attempts;
      return response;
    }
  }

  // A 401 told us how to authenticate: remember it (and fetch a token for Bearer).
  Result<bool, RegistryFailure> learn_auth(const Response& response,
                                           const std::vector<std::string>& scopes,
                                           const std::string& operation) {
    auto challenges = parse_www_authenticate(response.header("www-authenticate"));
    for (const auto& ch : challenges) {
      if (ch.scheme == "bearer" && ch.params.contains("realm")) {
        bearer = ch;
        tokens.clear();  // an expired token is why we got here again
        auto token = fetch_token(scopes, operation);
        if (!token) {
          return failure(token.error());
        }
        return true;
      }
    }
    for (const auto& ch : challenges) {
      if (ch.scheme == "basic") {
        if (!options.credentials || use_basic) {
          return failure(RegistryFailure{
              RegistryFailure::Kind::auth, 401, "UNAUTHORIZED",
              operation + ": 401 unauthorized (" +
                  (options.credentials ? "credentials rejected" : "no credentials for " + host) +
                  ")"});
        }
        use_basic = true;
        return true;
      }
    }
    return failure(RegistryFailure{RegistryFailure::Kind::auth, 401, "UNAUTHORIZED",
                                   operation + ": " + describe_registry_error(401, response.body) +
                                       " (no supported authentication challenge)"});
  }

  // GET <realm>?service=..&scope=.. (with Basic credentials when we have them) → token.
  Result<bool, RegistryFailure> fetch_token(const std::vector<std::string>& scopes,
                                            const std::string& operation) {
    const std::string realm = bearer->params.at("realm");
    const bool https = realm.rfind("https://", 0) == 0;
    const bool loopback_http = realm.rfind("http://", 0) == 0 &&
                               options.transport == Transport::insecure_http &&
                               is_loopback_host(host_of_url(realm));
    if (!https && !loopback_http) {
      return failure(RegistryFailure{
          RegistryFailure::Kind::auth, 401, "",
          operation + ": refusing token realm '" + sanitize(realm, 200) + "' (not https)"});
    }
    Request req{"GET", realm, {}, std::nullopt, {}};
    char sep = realm.find('?') == std::string::npos ? '?' : '&';
    if (auto s = bearer->params.find("service"); s != bearer->params.end()) {
      req.url += sep + std::string("service=") + url_encode(s->second);
      sep = '&';
    }
    std::set<std::string> all(scopes.begin(), scopes.end());
    if (auto s = bearer->params.find("scope"); s != bearer->params.end()) {
      all.insert(s->second);
    }
    for (const auto& scope : all) {
      req.url += sep + std::string("scope=") + url_encode(scope);
      sep = '&';
    }
    if (options.credentials) {
      req.headers.push_back(basic_header());
    }
    auto result = send(req, operation + ": getting a token", /*authenticate=*/false);
    if (!result) {
      return failure(result.error());
    }
    const Response& r = result.value();
    if (r.status != 200) {
      return failure(RegistryFailure{
          RegistryFailure::Kind::auth, r.status, "",
          operation + ": token request: " + describe_registry_error(r.status, r.body)});
    }
    nlohmann::json doc = nlohmann::json::parse(r.body, nullptr, false);
    std::string token;
    if (doc.is_object()) {
      for (const char* key : {"token", "access_token"}) {
        if (auto it = doc.find(key); it != doc.end() && it->is_string() && token.empty()) {
          token = it->get<std::string>();
        }
      }
    }
    if (token.empty()) {
      return failure(RegistryFailure{RegistryFailure::Kind::auth, r.status, "",
                                     operation + ": token response holds no token"});
    }
    tokens[scope_key(scopes)] = token;
    return true;
  }

  RegistryFailure status_failure(const std::string& operation, const Response& r) const {
    RegistryFailure f{RegistryFailure::Kind::http_status, r.status, "",
                      operation + ": " + describe_registry_error(r.status, r.body)};
    nlohmann::json doc = nlohmann::json::parse(r.body, nullptr, false);
    if (doc.is_object() && doc.contains("errors") && doc["errors"].is_array() &&
        !doc["errors"].empty() && doc["errors"][0].is_object() &&
        doc["errors"][0].contains("code") && doc["errors"][0]["code"].is_string()) {
      f.code = doc["errors"][0]["code"].get<std::string>();
    }
    if (r.status == 401 || r.status == 403) {
      f.kind = RegistryFailure::Kind::auth;
    }
    if (is_retryable_status(r.status) && r.attempts > 1) {
      f.message += " (gave up after " + std::to_string(r.attempts) + " attempts)";
    }
    return f;
  }

  std::string url(std::string_view path) const { return base_url + std::string(path); }
};

namespace {

RegistryFailure invalid(const std::string& message) {
  return RegistryFailure{RegistryFailure::Kind::invalid_argument, 0, "", message};
}

std::string pull_scope(std::string_view repository) {
  return "repository:" + std::string(repository) + ":pull";
}

std::string push_scope(std::string_view repository) {
  return "repository:" + std::string(repository) + ":pull,push";
}

}  // namespace

Result<RegistryClient, RegistryFailure> RegistryClient::create(std::string host,
                                                               RegistryClientOptions options) {
  static std::once_flag curl_init;
  std::call_once(curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (host.empty() || host.find_first_of("/?#@ ") != std::string::npos) {
    return failure(invalid("invalid registry host '" + sanitize(host, 100) + "'"));
  }
  if (options.transport == Transport::insecure_http && !is_loopback_host(host)) {
    return failure(
        invalid("plain HTTP is allowed for loopback registries only, not '" + host + "'"));
  }
  auto impl = std::make_unique<Impl>();
  impl->curl.reset(curl_easy_init());
  if (!impl->curl) {
    return failure(invalid("could not initialise libcurl"));
  }
  // Docker Hub's API lives on another host than its name.
  std::string api_host = host == k_default_registry ? "registry-1.docker.io" : host;
  impl->base_url =
      (options.transport == Transport::insecure_http ? "http://" : "https://") + api_host;
  impl->host = std::move(host);
  impl->options = std::move(options);
  return RegistryClient(std::move(impl));
}

RegistryClient::RegistryClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RegistryClient::RegistryClient(RegistryClient&&) noexcept = default;
RegistryClient& RegistryClient::operator=(RegistryClient&&) noexcept = default;
RegistryClient::~RegistryClient() = default;

const std::string& RegistryClient::host() const {
  return impl_->host;
}

Result<Manifest, RegistryFailure> RegistryClient::get_manifest(std::string_view repository,
                                                               std::string_view reference) {
  const std::string op = "reading manifest " + image_name(impl_->host, repository, reference);
  if (!is_valid_repository(repository) ||
      !(is_valid_tag(reference) || is_sha256_digest(reference))) {
    return failure(invalid(op + ": invalid repository or reference"));
  }
  Request req{"GET",
              impl_->url("/v2/" + std::string(repository) + "/manifests/" + std::string(reference)),
              {"Accept: " + std::string(k_oci_index) + ", " + std::string(k_oci_manifest) + ", " +
               std::string(k_docker_manifest_list) + ", " + std::string(k_docker_manifest)},
              std::nullopt,
              {pull_scope(repository)}};
  auto result = impl_->send(req, op);
  if (!result) {
    return failure(result.error());
  }
  const Response& r = result.value();
  if (r.status != 200) {
    return failure(impl_->status_failure(op, r));
  }
  Manifest m;
  m.bytes = r.body;
  m.digest = sha256_digest(m.bytes);
  std::string content_type = r.header("content-type");
  m.media_type =
      std::string(trim(std::string_view(content_type).substr(0, content_type.find(';'))));
  if (!is_manifest_type(m.media_type) && !is_index_type(m.media_type)) {
    // Some registries answer application/json: the manifest's own mediaType then decides.
    nlohmann::json doc = nlohmann::json::parse(m.bytes, nullptr, false);
    if (doc.is_object() && doc.contains("mediaType") && doc["mediaType"].is_string()) {
      m.media_type = doc["mediaType"].get<std::string>();
    }
  }
  if (!is_manifest_type(m.media_type) && !is_index_type(m.media_type)) {
    return failure(RegistryFailure{
        RegistryFailure::Kind::protocol, r.status, "",
        op + ": unsupported manifest media type '" + sanitize(m.media_type, 100) + "'"});
  }
  if (auto claimed = r.header("docker-content-digest"); !claimed.empty() && claimed != m.digest) {
    return failure(RegistryFailure{RegistryFailure::Kind::protocol, r.status, "",
                                   op + ": registry says digest " + sanitize(claimed, 100) +
                                       " but the bytes hash to " + m.digest});
  }
  if (is_sha256_digest(reference) && reference != m.digest) {
    return failure(RegistryFailure{RegistryFailure::Kind::protocol, r.status, "",
                                   op + ": content hashes to " + m.digest});
  }
  return m;
}

Result<std::string, RegistryFailure> RegistryClient::put_manifest(std::string_view repository,
                                                                  std::string_view reference,
                                                                  std::string_view media_type,
                                                                  std::string_view bytes) {
  const std::string op = "writing manifest " + image_name(impl_->host, repository, reference);
  if (!is_valid_repository(repository) ||
      !(is_valid_tag(reference) || is_sha256_digest(reference))) {
    return failure(invalid(op + ": invalid repository or reference"));
  }
  if (!is_manifest_type(media_type) && !is_index_type(media_type)) {
    return failure(invalid(op + ": unsupported media type '" + sanitize(media_type, 100) + "'"));
  }
  const std::string digest = sha256_digest(bytes);
  if (is_sha256_digest(reference) && reference != digest) {
    return failure(invalid(op + ": content hashes to " + digest));
  }
  Request req{"PUT",
              impl_->url("/v2/" + std::string(repository) + "/manifests/" + std::string(reference)),
              {"Content-Type: " + std::string(media_type)},
              std::string(bytes),
              {push_scope(repository)}};
  auto result = impl_->send(req, op);
  if (!result) {
    return failure(result.error());
  }
  const Response& r = result.value();
  if (r.status != 201 && r.status != 200) {
    return failure(impl_->status_failure(op, r));
  }
  if (auto claimed = r.header("docker-content-digest"); !claimed.empty() && claimed != digest) {
    return failure(RegistryFailure{
        RegistryFailure::Kind::protocol, r.status, "",
        op + ": registry stored digest " + sanitize(claimed, 100) + ", expected " + digest});
  }
  return digest;
}

Result<bool, RegistryFailure> RegistryClient::blob_exists(std::string_view repository,
                                                          std::string_view digest) {
  const std::string op = "checking blob " + image_name(impl_->host, repository, digest);
  if (!is_valid_repository(repository) || !is_sha256_digest(digest)) {
    return failure(invalid(op + ": invalid repository or digest"));
  }
  Request req{"HEAD",
              impl_->url("/v2/" + std::string(repository) + "/blobs/" + std::string(digest)),
              {},
              std::nullopt,
              {pull_scope(repository)}};
  auto result = impl_->send(req, op);
  if (!result) {
    return failure(result.error());
  }
  const Response& r = result.value();
  if (r.status == 200) {
    return true;
  }
  if (r.status == 404) {
    return false;
  }
  return failure(impl_->status_failure(op, r));
}

Result<MountResult, RegistryFailure> RegistryClient::mount_blob(std::string_view to_repository,
                                                                std::string_view digest,
                                                                std::string_view from_repository) {
  const std::string op = "mounting blob " + std::string(digest) + " from " +
                         image_name(impl_->host, from_repository, "") + " into " +
                         image_name(impl_->host, to_repository, "");
  if (!is_valid_repository(to_repository) || !is_valid_repository(from_repository) ||
      !is_sha256_digest(digest)) {
    return failure(invalid(op + ": invalid repository or digest"));
  }
  Request req{"POST",
              impl_->url("/v2/" + std::string(to_repository) + "/blobs/uploads/?mount=" +
                         std::string(digest) + "&from=" + url_encode(from_repository)),
              {"Content-Type: application/octet-stream"},
              std::string(),
              {push_scope(to_repository), pull_scope(from_repository)}};
  auto result = impl_->send(req, op);
  if (!result) {
    return failure(result.error());
  }
  const Response& r = result.value();
  if (r.status == 201) {
    return MountResult::mounted;
  }
  if (r.status == 202) {
    // The registry opened an upload session instead; we never upload, so close it.
    std::string location = r.header("location");
    if (!location.empty()) {
      std::string cancel_url;
      if (location.front() == '/') {
        cancel_url = impl_->url(location);
      } else if (host_of_url(location) == host_of_url(impl_->base_url)) {
        cancel_url = location;
      }
      if (!cancel_url.empty()) {
        Request cancel{"DELETE", cancel_url, {}, std::nullopt, {push_scope(to_repository)}};
        // Best effort: an abandoned session expires on the registry anyway.
        static_cast<void>(impl_->send(cancel, op + ": cancelling the upload session"));
      }
    }
    return MountResult::not_mounted;
  }
  return failure(impl_->status_failure(op, r));
}

Result<CopyReport, RegistryFailure> RegistryClient::copy_image(std::string_view from_repository,
                                                               std::string_view reference,
                                                               std::string_view to_repository,
                                                               std::string_view to_tag) {
  const std::string op = "copying " + image_name(impl_->host, from_repository, reference) + " to " +
                         image_name(impl_->host, to_repository, to_tag);
  if (!is_valid_tag(to_tag)) {
    return failure(invalid(op + ": invalid destination tag"));
  }
  auto source = get_manifest(from_repository, reference);
  if (!source) {
    return failure(source.error());
  }
  const Manifest& top = source.value();
  CopyReport report{top.digest, top.media_type, {}, {}};
  const bool cross_repository = from_repository != to_repository;
  std::set<std::string> mounted;

  auto mount_blobs_of = [&](const Manifest& m) -> Result<bool, RegistryFailure> {
    nlohmann::json doc = nlohmann::json::parse(m.bytes, nullptr, false);
    if (!doc.is_object()) {
      return failure(RegistryFailure{RegistryFailure::Kind::protocol, 0, "",
                                     op + ": manifest " + m.digest + " is not a JSON object"});
    }
    std::vector<std::string> blobs;
    auto add = [&blobs](const nlohmann::json& descriptor) {
      if (descriptor.is_object() && descriptor.contains("digest") &&
          descriptor["digest"].is_string()) {
        blobs.push_back(descriptor["digest"].get<std::string>());
      }
    };
    if (doc.contains("config")) {
      add(doc["config"]);
    }
    if (doc.contains("layers") && doc["layers"].is_array()) {
      for (const auto& layer : doc["layers"]) {
        add(layer);
      }
    }
    for (const auto& blob : blobs) {
      if (mounted.contains(blob)) {
        continue;
      }
      auto result = mount_blob(to_repository, blob, from_repository);
      if (!result) {
        return failure(result.error());
      }
      if (result.value() == MountResult::not_mounted) {
        return failure(RegistryFailure{
            RegistryFailure::Kind::protocol, 202, "",
            op + ": the registry did not mount blob " + blob + " from " +
                std::string(from_repository) +
                " (it offered an upload instead; pipewright never re-uploads layers)"});
      }
      mounted.insert(blob);
      report.mounted_blobs.push_back(blob);
    }
    return true;
  };

  if (is_index_type(top.media_type)) {
    // Same repository: the children are already there (the registry checked them when the
    // index was pushed), so only the tag is new.
    if (cross_repository) {
      nlohmann::json doc = nlohmann::json::parse(top.bytes, nullptr, false);
      if (!doc.is_object() || !doc.contains("manifests") || !doc["manifests"].is_array()) {
        return failure(RegistryFailure{RegistryFailure::Kind::protocol, 0, "",
                                       op + ": index without a manifests list"});
      }
      for (const auto& child : doc["manifests"]) {
        if (!child.is_object() || !child.contains("digest") || !child["digest"].is_string()) {
          return failure(RegistryFailure{RegistryFailure::Kind::protocol, 0, "",
                                         op + ": index entry without a digest"});
        }
        const std::string child_digest = child["digest"].get<std::string>();
        auto manifest = get_manifest(from_repository, child_digest);
        if (!manifest) {
          return failure(manifest.error());
        }
        if (is_index_type(manifest.value().media_type)) {
          return failure(
              RegistryFailure{RegistryFailure::Kind::protocol, 0, "",
                              op + ": nested index " + child_digest + " is not supported"});
        }
        if (auto ok = mount_blobs_of(manifest.value()); !ok) {
          return failure(ok.error());
        }
        auto put = put_manifest(to_repository, child_digest, manifest.value().media_type,
                                manifest.value().bytes);
        if (!put) {
          return failure(put.error());
        }
        report.copied_manifests.push_back(child_digest);
      }
    }
  } else if (cross_repository) {
    if (auto ok = mount_blobs_of(top); !ok) {
      return failure(ok.error());
    }
  }

  auto put = put_manifest(to_repository, to_tag, top.media_type, top.bytes);
  // Two copies into one repository at the same moment (concurrent promotions) can make
  // registry 2.8 answer MANIFEST_BLOB_UNKNOWN for a blob the other copy is mounting: mount
  // again and retry the manifest a few times before giving up.
  for (int attempt = 1; !put && attempt < 4 && cross_repository && !is_index_type(top.media_type) &&
                        put.error().message.find("BLOB_UNKNOWN") != std::string::npos;
       ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(150 * attempt));
    mounted.clear();
    report.mounted_blobs.clear();
    if (auto ok = mount_blobs_of(top); !ok) {
      return failure(ok.error());
    }
    put = put_manifest(to_repository, to_tag, top.media_type, top.bytes);
  }
  if (!put) {
    return failure(put.error());
  }
  // Independent read-back: what the tag resolves to now, as any client would see it.
  Request check{
      "HEAD",
      impl_->url("/v2/" + std::string(to_repository) + "/manifests/" + std::string(to_tag)),
      {"Accept: " + top.media_type},
      std::nullopt,
      {pull_scope(to_repository)}};
  auto verified = impl_->send(check, op + ": verifying the destination");
  if (!verified) {
    return failure(verified.error());
  }
  const Response& r = verified.value();
  if (r.status != 200) {
    return failure(impl_->status_failure(op + ": verifying the destination", r));
  }
  if (std::string got = r.header("docker-content-digest"); got != top.digest) {
    return failure(RegistryFailure{RegistryFailure::Kind::protocol, r.status, "",
                                   op + ": destination resolves to '" + sanitize(got, 100) +
                                       "', not the source digest " + top.digest});
  }
  return report;
}

}  // namespace pw::registry
