#include "release/release_head.hpp"

#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "git/repository.hpp"
#include "git/tag_records.hpp"
#include "secret/secret_store.hpp"
#include "spec/load.hpp"
#include "state/state_dir.hpp"

namespace pw::release {
namespace {

void require_release_image(const spec::Spec& spec) {
  if (spec.find_image(k_release_image) != nullptr)
    return;
  throw SpecError("no image named '" + std::string(k_release_image) + "' in " + spec.file +
                  "\n  hint: add one under images: (e.g. release: { dockerfile: "
                  "cicd/release/Dockerfile }); 'pipewright release' builds and pushes it");
}

void require_clean(const git::Repository& repository) {
  if (!git::value_or_throw(repository.status_dirty()))
    return;
  throw Error(ExitCode::policy_refused,
              "the working tree has uncommitted changes to tracked files; a release is built "
              "from a commit\n  hint: commit or stash them, then run 'pipewright release' again");
}

build::BuiltImage build_release_image(const spec::Spec& spec, git::Repository& repository,
                                      const ReleaseAdapters& adapters,
                                      const std::filesystem::path& state) {
  secret::SecretStore secrets(spec, spec::process_environment(), spec.root);
  build::ImageBuilder builder(spec, repository, adapters.engine, secrets, adapters.reporter);
  const build::BuildOptions options{
      {std::string(k_release_image)}, build::Source::commit, state / "logs", &interrupt_flag()};
  std::vector<build::BuiltImage> built;
  try {
    built = builder.build(options);
  } catch (const Error&) {
    throw_if_interrupted();
    throw;
  }
  if (built.size() != 1)
    throw Error(ExitCode::internal, "the release image was not built");
  state::record_images(state, built.front().commit, built);
  throw_if_interrupted();
  return built.front();
}

}  // namespace

ReleaseOutcome release_head(const spec::Spec& spec, git::Repository& repository,
                            const ReleaseAdapters& adapters) {
  require_release_image(spec);
  require_clean(repository);
  const git::Identity author = git::value_or_throw(git::default_identity(repository));
  const auto state = state::ensure_state_dir(spec.root);
  const build::BuiltImage image = build_release_image(spec, repository, adapters, state);
  try {
    return publish_release(repository, adapters.engine,
                           registry_digest_resolver(adapters.processes), image, author);
  } catch (const Error&) {
    throw_if_interrupted();  // a push stopped by Ctrl-C reports the interruption
    throw;
  }
}

}  // namespace pw::release
