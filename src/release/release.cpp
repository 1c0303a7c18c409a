#include "release/release.hpp"

#include <chrono>
#include <ctime>

#include "core/error.hpp"
#include "pipewright/version.hpp"
#include "registry/credentials.hpp"
#include "registry/image_reference.hpp"
#include "registry/registry_client.hpp"
#include "state/run_records.hpp"

namespace pw::release {

std::string push_reference(std::string_view repository, std::string_view commit) {
  return std::string(repository) + ":" + std::string(commit);
}

bool records_same_release(const std::optional<Artifact>& existing, std::string_view repository,
                          std::string_view digest) {
  return existing && existing->repository == repository && existing->digest == digest;
}

std::string now_rfc3339() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  const std::size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string(buffer, n);
}

DigestResolver registry_digest_resolver(proc::ProcessRunner& runner) {
  return [&runner](const std::string& reference) {
    auto parsed = registry::parse_image_reference(reference);
    if (!parsed)
      throw InfrastructureError("resolving the digest of " + reference + ": " + parsed.error());
    const registry::ImageReference& ref = parsed.value();
    registry::RegistryClientOptions options;
    if (registry::is_loopback_host(ref.registry))
      options.transport = registry::Transport::insecure_http;
    auto credentials =
        registry::resolve_credentials(ref.registry, registry::default_credential_sources(), runner);
    if (!credentials) {
      throw InfrastructureError("credentials for " + ref.registry + " (resolving " + reference +
                                "): " + credentials.error());
    }
    options.credentials = credentials.value();
    auto client = registry::RegistryClient::create(ref.registry, options);
    if (!client)
      throw registry::to_infrastructure_error(client.error());
    auto manifest = client.value().get_manifest(ref.repository, ref.api_reference());
    if (!manifest)
      throw registry::to_infrastructure_error(manifest.error());
    return manifest.value().digest;
  };
}

ReleaseOutcome publish_release(const git::Repository& repository, docker::DockerEngine& engine,
                               const DigestResolver& resolve, const build::BuiltImage& image,
                               const git::Identity& author) {
  ReleaseOutcome outcome;
  outcome.reference = push_reference(image.repository, image.commit);
  if (auto tagged = engine.tag(image.image_id, outcome.reference); !tagged)
    throw InfrastructureError(tagged.error().message);
  if (auto pushed = engine.push(outcome.reference); !pushed)
    throw InfrastructureError(pushed.error().message);
  const std::string digest = resolve(outcome.reference);
  auto existing = git::value_or_throw(read_artifact(repository, image.commit));
  if (records_same_release(existing, image.repository, digest)) {
    outcome.artifact = std::move(*existing);
    return outcome;
  }
  Artifact artifact;
  artifact.commit = image.commit;
  artifact.repository = image.repository;
  artifact.digest = digest;
  artifact.built_at = now_rfc3339();
  artifact.tool_version = std::string(k_version);
  // The evidence: the latest run that passed on a clean checkout of this very commit.
  if (auto run = state::passing_run(repository.workdir() / ".pipewright", image.commit)) {
    artifact.run_id = run->run_id;
    artifact.tests = run->summary;
  }
  git::value_or_throw(write_artifact(repository, artifact, author));
  outcome.artifact = std::move(artifact);
  outcome.note_written = true;
  return outcome;
}

}  // namespace pw::release
