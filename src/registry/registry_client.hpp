#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/result.hpp"
#include "registry/credentials.hpp"
#include "registry/retry.hpp"

// A client of the OCI distribution API over libcurl, for promotion: read a manifest, put it
// under another tag, mount blobs across repositories, copy an image without ever moving a
// layer. Every failure names the operation and the image; credentials never appear in one.

namespace pw::registry {

/// How the registry is reached. insecure_http is accepted for loopback hosts only.
enum class Transport { https, insecure_http };

/// Why a registry operation failed; message is complete and user-facing.
struct RegistryFailure {
  /// What kind of failure, for callers that react differently (e.g. not found vs. outage).
  enum class Kind { http_status, connection, protocol, auth, invalid_argument, interrupted };
  Kind kind = Kind::protocol;
  long http_status = 0;  ///< the final HTTP status, 0 when no response
  std::string code;      ///< the registry's error code (MANIFEST_UNKNOWN, ...), may be empty
  std::string message;   ///< "<operation> <image>: <reason>"
};

/// The failure as the exception the upper layers throw (exit code: infrastructure).
InfrastructureError to_infrastructure_error(const RegistryFailure& failure);

/// "<status> <CODE> <message>[; <CODE> <message>...]" from a registry error body
/// ({"errors":[{"code","message"}]}); for other bodies the status and a short, sanitized
/// excerpt. Pure.
std::string describe_registry_error(long http_status, std::string_view body);

/// Options of a client; the defaults suit a production registry over HTTPS.
struct RegistryClientOptions {
  Transport transport = Transport::https;
  std::optional<Credentials> credentials;              ///< none: anonymous (tokens too)
  RetryPolicy retry;                                   ///< 5xx, 429 and connection errors
  std::chrono::milliseconds connect_timeout{10'000};   ///< per attempt
  std::chrono::milliseconds request_timeout{120'000};  ///< per attempt, whole transfer
};

/// A manifest as stored: its media type, exact bytes and verified digest.
struct Manifest {
  std::string media_type;
  std::string bytes;
  std::string digest;  ///< sha256 of bytes, checked against Docker-Content-Digest
};

/// What a cross-repository mount did.
enum class MountResult { mounted, not_mounted };

/// What copy_image did.
struct CopyReport {
  std::string digest;                         ///< source digest == destination digest
  std::string media_type;                     ///< of the top-level manifest
  std::vector<std::string> mounted_blobs;     ///< digests mounted (201) into the destination
  std::vector<std::string> copied_manifests;  ///< child manifests put by digest (indexes)
};

/// The media types a manifest GET accepts: OCI manifest and index, Docker v2 and list.
inline constexpr std::string_view k_oci_manifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view k_oci_index = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view k_docker_manifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view k_docker_manifest_list =
    "application/vnd.docker.distribution.manifest.list.v2+json";

/// One registry host, one libcurl handle (connections reused across calls). Not thread-safe:
/// use one client per thread. Repositories and references are validated before any request.
class RegistryClient {
 public:
  /// A client for host ("registry.example.com", "127.0.0.1:5000"); fails when insecure_http
  /// is asked for a non-loopback host. No request is made yet.
  static Result<RegistryClient, RegistryFailure> create(std::string host,
                                                        RegistryClientOptions options);
  RegistryClient(RegistryClient&&) noexcept;
  RegistryClient& operator=(RegistryClient&&) noexcept;
  ~RegistryClient();

  /// The host this client talks to.
  const std::string& host() const;

  /// Reads the manifest of repository at reference (a tag or a sha256 digest).
  Result<Manifest, RegistryFailure> get_manifest(std::string_view repository,
                                                 std::string_view reference);

  /// Puts bytes as the manifest of repository at reference (a tag or its own digest); returns
  /// the digest, checked against the registry's Docker-Content-Digest.
  Result<std::string, RegistryFailure> put_manifest(std::string_view repository,
                                                    std::string_view reference,
                                                    std::string_view media_type,
                                                    std::string_view bytes);

  /// Whether repository holds the blob (HEAD).
  Result<bool, RegistryFailure> blob_exists(std::string_view repository, std::string_view digest);

  /// Mounts a blob of from_repository into to_repository without transferring it. A registry
  /// that answers 202 (upload started instead) gives not_mounted, and that session is cancelled.
  Result<MountResult, RegistryFailure> mount_blob(std::string_view to_repository,
                                                  std::string_view digest,
                                                  std::string_view from_repository);

  /// Copies from_repository@reference to to_repository:to_tag on this registry: child
  /// manifests of an index first (by digest), blobs mounted when the repositories differ,
  /// then the manifest; verifies that the destination tag resolves to the source digest.
  /// Never downloads or uploads a layer: a blob that cannot be mounted is a failure.
  Result<CopyReport, RegistryFailure> copy_image(std::string_view from_repository,
                                                 std::string_view reference,
                                                 std::string_view to_repository,
                                                 std::string_view to_tag);

 private:
  struct Impl;
  explicit RegistryClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// True for hosts that name this machine: localhost, 127.0.0.0/8, ::1 (port ignored).
bool is_loopback_host(std::string_view host);

}  // namespace pw::registry
