#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "spec/diagnostic.hpp"

// The pipeline spec as data: what pipewright.yaml says after variable expansion. Secret
// references stay as NUL-delimited placeholders (spec::secret_placeholder) inside strings; they are
// resolved only where a value is handed to a process environment, never when anything is printed.

namespace pw::spec {

/// A value with the place in the spec it came from, for precise later diagnostics.
template <class T>
struct Located {
  T value{};
  SourcePos pos;
};

/// Ordered name → value pairs (environment variables, build args): order as written.
using VarList = std::vector<std::pair<std::string, Located<std::string>>>;

/// Where a secret's value comes from at run time.
struct SecretSource {
  enum class Kind { env, file };
  Kind kind = Kind::env;
  std::string ref;  ///< the environment variable name, or the file path
  SourcePos pos;
};

/// A named Docker image built from the repository.
struct Image {
  std::string name;
  SourcePos pos;
  Located<std::string> dockerfile{"Dockerfile", {}};  ///< relative to the repository root
  Located<std::string> context{".", {}};              ///< relative to the repository root
  std::optional<std::string> target;                  ///< multi-stage build target
  VarList args;                                       ///< --build-arg NAME=VALUE
  std::vector<Located<std::string>> secrets;          ///< build secrets, by secret name
  std::vector<std::string> cache_from;                ///< extra --cache-from references
  std::vector<Located<std::string>> paths;            ///< inputs that select this image
};

/// How to tell that a service is ready.
struct ReadyCheck {
  enum class Kind { none, tcp, command, healthcheck };
  Kind kind = Kind::none;
  int port = 0;                      ///< for tcp
  std::vector<std::string> command;  ///< for command: argv run inside the service container
  std::chrono::milliseconds timeout{60'000};
  std::chrono::milliseconds interval{1'000};
};

/// A container started beside jobs on the run's private network, reachable by its name.
struct Service {
  std::string name;
  SourcePos pos;
  Located<std::string> image;  ///< an external reference, or the name of a spec image
  VarList env;
  std::vector<std::string> command;  ///< argv overriding the image's command; empty: image's
  std::vector<Located<std::string>> secrets;
  ReadyCheck ready;
};

/// Where a job's command runs.
enum class JobPlace { container, host };

/// A command run inside an image (or on the host).
struct Job {
  std::string name;
  SourcePos pos;
  JobPlace place = JobPlace::container;
  std::optional<Located<std::string>> image;  ///< spec image name when place == container
  Located<std::string> run;                   ///< shell command, passed to `sh -c` verbatim
  std::vector<Located<std::string>> needs;
  std::vector<Located<std::string>> services;
  VarList env;
  std::vector<Located<std::string>> secrets;  ///< exposed as environment variables
  std::chrono::milliseconds timeout{3'600'000};
  std::vector<std::string> junit;           ///< report files/globs under $PIPEWRIGHT_REPORTS
  std::vector<Located<std::string>> paths;  ///< declared inputs (cache keys, selection)
  std::optional<std::string> workdir;       ///< working directory inside the container
};

/// Who must approve a promotion into an environment.
struct Approval {
  bool required = false;
  std::vector<std::string> approvers;  ///< empty: anyone may approve
};

/// A deployment target; environments are ordered as written in the spec.
struct Environment {
  std::string name;
  SourcePos pos;
  std::optional<Located<std::string>> git_tag;  ///< e.g. "Staging"; none: no git tag moves
  std::string repository;                       ///< registry repository; default: spec registry
  std::string tag;                              ///< registry tag; default: environment name
  std::optional<Located<std::string>> from;     ///< the environment promotion must come from
  std::optional<Located<std::string>> deploy;   ///< host shell command run after promotion
  std::vector<Located<std::string>> verify;     ///< jobs run after deploy
  Approval approval;
};

/// Which git refs a flow applies to.
enum class RefKind { branch, tag };

/// What `pipewright ci` runs for matching branches or tags.
struct Flow {
  SourcePos pos;
  std::string name;  ///< given, or derived from the patterns
  RefKind ref_kind = RefKind::branch;
  std::vector<std::string> patterns;            ///< globs over branch or tag names
  std::vector<Located<std::string>> run;        ///< jobs to run (their needs come along)
  bool release = false;                         ///< build, push and record the release artifact
  std::optional<Located<std::string>> promote;  ///< environment to promote to
};

/// A whole pipeline spec.
struct Spec {
  std::string file;  ///< path of the spec as given
  std::string root;  ///< repository root that relative paths are resolved against
  int version = 1;
  std::string name;
  std::string registry;  ///< e.g. "localhost:5000/churn-model"
  VarList variables;
  std::map<std::string, SecretSource> secrets;  ///< declared secret sources
  std::vector<Image> images;
  std::vector<Service> services;
  std::vector<Job> jobs;
  std::vector<Environment> environments;  ///< in promotion order as written
  std::vector<Flow> flows;

  /// Lookups by name; nullptr when absent.
  const Image* find_image(std::string_view n) const;
  const Service* find_service(std::string_view n) const;
  const Job* find_job(std::string_view n) const;
  const Environment* find_environment(std::string_view n) const;
};

}  // namespace pw::spec
