#include "build/image_builder.hpp"

#include <chrono>
#include <ctime>
#include <deque>
#include <fstream>
#include <map>
#include <optional>
#include <regex>

#include "build/build_failure.hpp"
#include "build/image_inputs.hpp"
#include "build/image_naming.hpp"
#include "core/error.hpp"
#include "git/describe.hpp"
#include "git/object_hash.hpp"
#include "git/repository.hpp"
#include "git/tree_export.hpp"
#include "util/temp_dir.hpp"

namespace pw::build {

// The exported source tree, made once per build() and shared by every image that needs it.
struct ImageBuilder::Context {
  std::string commit;
  std::string source_url;
  std::string version;
  std::optional<TempDir> tree;
};

namespace {

std::string now_rfc3339() {
  const std::time_t t = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

// "." / "./" / "sub/dir/" → "" / "" / "sub/dir": the form git tree paths use.
std::string tree_path(const std::string& path) {
  std::string normal = std::filesystem::path(path).lexically_normal().generic_string();
  while (!normal.empty() && normal.back() == '/')
    normal.pop_back();
  return normal == "." ? "" : normal;
}

template <class T>
T git_or_throw(Result<T, git::GitFailure> result) {
  if (!result)
    throw GitError(result.error().message);
  return std::move(result).value();
}

std::string object_at(git::Repository& repo, const std::string& commit, const std::string& path,
                      const std::string& kind, const std::string& image) {
  auto id = repo.tree_id(commit, tree_path(path));
  if (!id) {
    throw SpecError(kind + " '" + path + "' of image '" + image + "' is not in commit " +
                    commit.substr(0, k_short_sha) +
                    "\n  hint: images are built from the committed tree; commit it, or build "
                    "the working copy with --dirty");
  }
  return id.value();
}

ImageInputs inputs_of(const spec::Image& image, git::Repository& repo, const std::string& commit) {
  ImageInputs inputs;
  inputs.context_path = image.context.value;
  inputs.dockerfile_path = image.dockerfile.value;
  inputs.context_tree = object_at(repo, commit, image.context.value, "build context", image.name);
  inputs.dockerfile_blob =
      object_at(repo, commit, image.dockerfile.value, "Dockerfile", image.name);
  inputs.target = image.target;
  for (const auto& [name, value] : image.args)
    inputs.args.emplace_back(name, value.value);
  for (const auto& secret : image.secrets)
    inputs.secret_ids.push_back(secret.value);
  inputs.cache_from = image.cache_from;
  return inputs;
}

}  // namespace

std::string image_inputs_key(const spec::Image& image, git::Repository& repository,
                             const std::string& commit) {
  return git::hash_text(describe_inputs(inputs_of(image, repository, commit)));
}

ImageBuilder::ImageBuilder(const spec::Spec& spec, git::Repository& repository,
                           docker::DockerEngine& engine, secret::SecretStore& secrets,
                           BuildReporter& reporter)
    : spec_(spec),
      repository_(repository),
      engine_(engine),
      secrets_(secrets),
      reporter_(reporter) {}

std::vector<BuiltImage> ImageBuilder::build(const BuildOptions& options) {
  if (auto version = engine_.server_version(); !version) {
    throw InfrastructureError(version.error().message);
  }
  if (options.commit && options.source == Source::working_copy)
    throw UsageError("a build from the working copy cannot also be a build of a given commit");
  Context context;
  context.commit = options.commit ? git_or_throw(repository_.resolve(*options.commit))
                                  : git_or_throw(repository_.head_commit());
  const auto remote = git::remote_url(repository_, "origin");
  context.source_url =
      remote ? strip_credentials(*remote) : "file://" + repository_.workdir().string();
  context.version =
      git::describe(repository_, context.commit).value_or(context.commit.substr(0, k_short_sha));
  std::vector<BuiltImage> built;
  for (const auto& image : spec_.images) {
    const bool wanted =
        options.images.empty() ||
        std::find(options.images.begin(), options.images.end(), image.name) != options.images.end();
    if (wanted)
      built.push_back(build_one(image, context, options));
  }
  return built;
}

BuiltImage ImageBuilder::build_one(const spec::Image& image, Context& context,
                                   const BuildOptions& options) {
  BuiltImage result;
  result.name = image.name;
  result.repository = image_repository(spec_, image);
  result.commit = context.commit;
  result.tags = commit_tags(result.repository, context.commit);
  result.dirty = options.source == Source::working_copy;
  // Unchanged inputs: reuse the image that has them (docker tag is idempotent).
  if (!result.dirty) {
    result.inputs = image_inputs_key(image, repository_, context.commit);
    auto existing = engine_.find_image(k_label_inputs, result.inputs);
    if (!existing)
      throw InfrastructureError(existing.error().message);
    if (existing.value()) {
      result.image_id = existing.value()->id;
      result.up_to_date = true;
      const auto& has = existing.value()->repo_tags;
      for (const auto& tag : result.tags) {
        if (std::find(has.begin(), has.end(), tag) != has.end())
          continue;
        if (auto tagged = engine_.tag(result.image_id, tag); !tagged) {
          throw InfrastructureError(tagged.error().message);
        }
      }
      reporter_.finished(result);
      return result;
    }
  } else {
    result.inputs = "dirty";
  }
  // Export the source once for all images.
  if (!context.tree) {
    context.tree.emplace("pipewright-context");
    const auto target = context.tree->path() / "tree";
    auto exported = result.dirty ? git::export_worktree_tracked(repository_, target)
                                 : git::export_tree(repository_, context.commit, target);
    if (!exported)
      throw GitError(exported.error().message);
  }
  const auto tree = context.tree->path() / "tree";
  if (!std::filesystem::is_regular_file(tree / image.dockerfile.value)) {
    throw SpecError(
        "the Dockerfile '" + image.dockerfile.value + "' of image '" + image.name +
        "' is not tracked by git\n  hint: git add it, or fix 'dockerfile:' in the spec");
  }
  reporter_.started(image.name);
  const auto start = std::chrono::steady_clock::now();

  TempDir secret_dir("pipewright-secrets");
  docker::BuildRequest request;
  request.context_dir = tree / tree_path(image.context.value);
  request.dockerfile = tree / image.dockerfile.value;
  request.target = image.target;
  for (const auto& [name, value] : image.args)
    request.args.emplace_back(name, value.value);
  for (const auto& secret : image.secrets) {
    const auto file = secret_dir.path() / secret.value;
    {
      std::ofstream out(file, std::ios::binary);
      out << secrets_.value(secret.value);
    }
    std::filesystem::permissions(
        file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    request.secrets.push_back({secret.value, file});
  }
  request.cache_from = image.cache_from;
  request.labels = image_labels({spec_.name, image.name, context.commit, context.source_url,
                                 context.version, now_rfc3339(), result.inputs, result.dirty});
  request.tags = result.tags;
  request.cancel = options.cancel;

  std::filesystem::create_directories(options.log_dir);
  result.log = options.log_dir / ("build-" + image.name + ".log");
  std::ofstream log(result.log, std::ios::trunc);
  FailureTracker failure;
  const auto outcome = engine_.build(request, [&](proc::Stream, std::string_view line) {
    log << line << '\n';
    log.flush();  // the log can be followed (tail -f) and survives a killed build
    failure.observe(line);
    reporter_.line(image.name, line);
  });
  log.flush();
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  if (!outcome.status.ok()) {
    throw BuildError("building image '" + image.name + "' failed (" + outcome.status.describe() +
                         "); full log: " + result.log.string(),
                     failure.report());
  }
  result.image_id = outcome.image_id;
  reporter_.finished(result);
  return result;
}

}  // namespace pw::build
