#include "promote/promotion.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <set>

#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "git/repository.hpp"
#include "promote/policy.hpp"
#include "registry/credentials.hpp"
#include "registry/image_reference.hpp"
#include "registry/registry_client.hpp"
#include "release/artifact.hpp"
#include "run/run_identity.hpp"

namespace pw::promote {
namespace {

std::string short_oid(const std::string& oid) {
  return oid.substr(0, 12);
}

std::string now_rfc3339() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

// Who promotes: the CI user when a CI says so, else the git identity.
struct Promoter {
  git::Identity identity;
  std::string who;
};

Promoter promoter(const git::Repository& repository) {
  std::string ci_user = env_or_empty("GITLAB_USER_LOGIN");
  if (ci_user.empty())
    ci_user = env_or_empty("GITHUB_ACTOR");
  auto identity = git::default_identity(repository);
  if (!identity) {
    if (ci_user.empty())
      throw GitError(identity.error().message + "; set user.name and user.email");
    return {{ci_user, ci_user + "@ci.invalid", std::nullopt, 0}, ci_user};
  }
  const std::string who =
      !ci_user.empty() ? ci_user : identity.value().name + " <" + identity.value().email + ">";
  return {identity.value(), who};
}

const spec::Environment& find_environment(const spec::Spec& spec, const std::string& name) {
  const spec::Environment* environment = spec.find_environment(name);
  if (environment == nullptr) {
    std::string known;
    for (const auto& e : spec.environments)
      known += (known.empty() ? "" : ", ") + e.name;
    throw UsageError("unknown environment '" + name + "' (environments: " + known + ")");
  }
  return *environment;
}

std::optional<git::TagState> read_state(const git::Repository& repository, const std::string& ref) {
  auto state = git::read_ref_state(repository, ref);
  if (!state)
    throw GitError(state.error().message);
  return state.value();
}

std::optional<git::PromotionRecord> record_of(const std::optional<git::TagState>& state) {
  if (!state || state->kind != git::TagKind::annotated)
    return std::nullopt;
  auto record = git::parse_record(state->message);
  if (!record)
    return std::nullopt;
  return record.value();
}

registry::ImageReference parse_repository(const std::string& text, const std::string& what) {
  auto parsed = registry::parse_image_reference(text);
  if (!parsed || parsed.value().tag || parsed.value().digest)
    throw SpecError(what + " '" + text + "' is not a registry repository (host/path)" +
                    (parsed ? "" : ": " + parsed.error()));
  return parsed.value();
}

// One client for the environment's registry host; plain HTTP only on loopback.
registry::RegistryClient registry_client(const std::string& host, proc::ProcessRunner& processes) {
  registry::RegistryClientOptions options;
  options.transport = registry::is_loopback_host(host) ? registry::Transport::insecure_http
                                                       : registry::Transport::https;
  auto credentials =
      registry::resolve_credentials(host, registry::default_credential_sources(), processes);
  if (!credentials)
    throw InfrastructureError("credentials for " + host + ": " + credentials.error());
  options.credentials = credentials.value();
  auto client = registry::RegistryClient::create(host, std::move(options));
  if (!client)
    throw registry::to_infrastructure_error(client.error());
  return std::move(client).value();
}

// Copies repository@digest to the environment's tag and checks the destination digest.
registry::CopyReport copy_digest(registry::RegistryClient& client, const std::string& from_repo,
                                 const std::string& digest, const std::string& to_repo,
                                 const std::string& tag) {
  auto copied = client.copy_image(from_repo, digest, to_repo, tag);
  if (!copied)
    throw registry::to_infrastructure_error(copied.error());
  auto check = client.get_manifest(to_repo, tag);
  if (!check)
    throw registry::to_infrastructure_error(check.error());
  if (check.value().digest != digest || copied.value().digest != digest) {
    throw InfrastructureError("copy to " + client.host() + "/" + to_repo + ":" + tag +
                              ": the registry holds " + check.value().digest + ", not " + digest);
  }
  return copied.value();
}

[[noreturn]] void throw_move_failure(const git::TagMoveFailure& failure) {
  if (failure.kind == git::TagMoveError::conflict)
    throw Error(ExitCode::conflict, failure.message);
  throw GitError(failure.message);
}

// The immutable history entry: the next free sequence number, created only if absent.
std::string write_history(const git::Repository& repository, const std::string& environment,
                          const std::string& tag_object) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    const auto history = git::list_refs(repository, history_prefix(environment));
    if (!history)
      throw GitError(history.error().message);
    long next = 1;
    for (const auto& entry : history.value()) {
      const std::string seq = entry.name.substr(history_prefix(environment).size());
      next = std::max(next, std::strtol(seq.c_str(), nullptr, 10) + 1);
    }
    char seq[32];  // room for any long: -O2 checks snprintf truncation
    std::snprintf(seq, sizeof seq, "%06ld", next);
    const std::string ref = history_prefix(environment) + seq;
    auto created =
        git::set_ref(repository, ref, tag_object, git::ExpectedRef::absent(), "history " + ref);
    if (created)
      return ref;
    if (created.error().kind != git::TagMoveError::conflict)
      throw GitError(created.error().message);
    // Another promotion took that number: take the next one.
  }
  throw Error(ExitCode::conflict, "could not write a history entry for '" + environment +
                                      "': other promotions keep taking the numbers");
}

// The deploy command on the host: `sh -c DEPLOY` at the repository root, told what to deploy
// through its environment (never spliced into the command).
proc::ExitStatus deploy(const spec::Spec& spec, const spec::Environment& environment,
                        const std::string& image, const std::string& commit,
                        const run::RunAdapters& adapters) {
  proc::Command command;
  command.argv = {"sh", "-c", environment.deploy->value};
  command.working_dir = spec.root;
  command.env = {{"PIPEWRIGHT_ENVIRONMENT", environment.name},
                 {"PIPEWRIGHT_IMAGE", image},
                 {"PIPEWRIGHT_COMMIT", commit}};
  command.cancel = &interrupt_flag();
  adapters.output.message("deploy", "deploying " + image + " to " + environment.name);
  return adapters.processes.run(command, [&](proc::Stream, std::string_view line) {
    adapters.output.message("deploy", std::string(line));
  });
}

// The verify jobs, with the release image taken from the promoted digest, never rebuilt.
// They are told what they verify, as deploy is.
std::string verify(const spec::Spec& spec, git::Repository& repository,
                   const spec::Environment& environment, const std::string& image,
                   const std::string& commit, const run::RunAdapters& adapters,
                   std::string& run_id) {
  run::RunRequest request;
  for (const auto& job : environment.verify)
    request.jobs.push_back(job.value);
  request.use_cache = false;
  request.image_overrides["release"] = image;
  request.extra_env = {{"PIPEWRIGHT_ENVIRONMENT", environment.name},
                       {"PIPEWRIGHT_IMAGE", image},
                       {"PIPEWRIGHT_COMMIT", commit}};
  const run::RunReport report = run::run_pipeline(spec, repository, request, adapters);
  run_id = report.run_id;
  if (report.exit_code == ExitCode::ok)
    return {};
  std::string failed;
  for (const auto& job : report.jobs) {
    if (job.outcome == run::JobOutcome::failed || job.outcome == run::JobOutcome::timed_out)
      failed += (failed.empty() ? "" : ", ") + job.name;
  }
  return "verify job(s) " + failed + " failed (logs in " + report.run_dir.string() + "/logs)";
}

}  // namespace

std::string state_ref(const spec::Environment& environment) {
  return environment.git_tag ? "refs/tags/" + environment.git_tag->value
                             : "refs/pipewright/env/" + environment.name;
}

std::string history_prefix(std::string_view environment) {
  return "refs/pipewright/history/" + std::string(environment) + "/";
}

std::string environment_repository(const spec::Spec& spec, const spec::Environment& environment) {
  return environment.repository.empty() ? spec.registry : environment.repository;
}

std::vector<HistoryEntry> read_history(const git::Repository& repository,
                                       std::string_view environment) {
  auto refs = git::list_refs(repository, history_prefix(environment));
  if (!refs)
    throw GitError(refs.error().message);
  std::vector<HistoryEntry> history;
  for (const auto& ref : refs.value()) {
    auto state = git::read_ref_state(repository, ref.name);
    if (!state || !state.value())
      continue;
    if (auto record = record_of(state.value()))
      history.push_back({ref.name, ref.value, *record});
  }
  return history;
}

std::optional<HistoryEntry> rollback_target(const std::vector<HistoryEntry>& history,
                                            const std::string& current_commit,
                                            const RollbackChoice& choice, std::string& why) {
  if (choice.to_commit) {
    for (auto it = history.rbegin(); it != history.rend(); ++it) {
      if (it->record.commit == *choice.to_commit)
        return *it;
    }
    why = "commit " + short_oid(*choice.to_commit) + " was never promoted to this environment";
    return std::nullopt;
  }
  std::set<std::string> seen{current_commit};
  int remaining = choice.steps;
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (!seen.insert(it->record.commit).second)
      continue;
    if (--remaining == 0)
      return *it;
  }
  why = "the history holds " + std::to_string(seen.size() - 1) + " earlier commit(s), fewer than " +
        std::to_string(choice.steps);
  return std::nullopt;
}

PromoteResult promote(const spec::Spec& spec, git::Repository& repository,
                      const PromoteRequest& request, const run::RunAdapters& adapters) {
  const spec::Environment& environment = find_environment(spec, request.environment);
  const std::string ref = state_ref(environment);
  const std::string display =
      environment.git_tag ? "tag " + environment.git_tag->value : "environment ref " + ref;
  PromoteResult result;
  result.environment = environment.name;
  result.state_ref = ref;

  // 1. read the environment's state once: its value is the compare-and-swap's expected value
  const std::optional<git::TagState> previous = read_state(repository, ref);
  const std::optional<git::PromotionRecord> previous_record = record_of(previous);
  result.previous_commit = previous ? previous->target_commit : "";

  // 2. the commit and the bytes it ships: its artifact, or for a rollback the digest recorded
  auto commit = repository.resolve(request.commit);
  if (!commit)
    throw GitError(commit.error().message);
  result.commit = commit.value();
  const std::string destination = environment_repository(spec, environment);
  const registry::ImageReference to = parse_repository(destination, "environment repository");
  std::optional<std::string> source;
  if (request.kind == PromotionKind::rollback) {
    source = destination;
    result.digest = request.rollback_digest;
  } else {
    auto artifact = release::read_artifact(repository, result.commit);
    if (!artifact)
      throw GitError(artifact.error().message);
    if (artifact.value()) {
      source = artifact.value()->repository;
      result.digest = artifact.value()->digest;
    }
  }

  // 3. policy: artifact, `from`, approval (every refusal named, exit 9)
  PolicyInput policy{environment.name,
                     result.commit,
                     source.has_value() && !result.digest.empty(),
                     {},
                     {},
                     request.kind == PromotionKind::rollback ? FromCheck::skip : FromCheck::enforce,
                     environment.approval.required,
                     environment.approval.approvers,
                     request.approved_by};
  if (environment.from) {
    policy.from = environment.from->value;
    const spec::Environment& from = find_environment(spec, environment.from->value);
    if (const auto held = read_state(repository, state_ref(from)))
      policy.from_commit = held->target_commit;
  }
  if (const auto refusals = policy_refusals(policy); !refusals.empty()) {
    std::string message =
        "promotion of " + short_oid(result.commit) + " to '" + environment.name + "' refused:";
    for (const auto& refusal : refusals)
      message += "\n  - " + refusal;
    throw Error(ExitCode::policy_refused, message);
  }

  // 4. claim: move the state ref (compare-and-swap on what step 1 read) and record the history
  //    entry before touching the registry, so that a promotion losing the race changes nothing
  const Promoter by = promoter(repository);
  git::PromotionRecord record;
  record.environment = environment.name;
  record.commit = result.commit;
  record.digest = result.digest;
  record.previous_commit = result.previous_commit;
  record.from = request.kind == PromotionKind::rollback
                    ? "rollback"
                    : (environment.from ? environment.from->value : "");
  record.who = by.who;
  record.when = now_rfc3339();
  record.run = env_or_empty("PIPEWRIGHT_RUN_ID");
  if (record.run.empty())
    record.run = run::new_run_identity().run_id;
  record.approved_by = request.approved_by.value_or("");
  auto message = git::format_record(record);
  if (!message)
    throw GitError(message.error().message);
  const std::string tag_name =
      environment.git_tag ? environment.git_tag->value : "pipewright-env-" + environment.name;
  auto moved = git::move_ref(
      repository, ref, tag_name, result.commit, message.value(), by.identity,
      previous ? git::ExpectedRef::at(previous->ref_value) : git::ExpectedRef::absent(), display);
  if (!moved)
    throw_move_failure(moved.error());
  result.tag_object = moved.value();
  result.history_ref = write_history(repository, environment.name, result.tag_object);

  // 5. copy by digest (blobs mounted across repositories) and check the destination; a failure
  //    gives the claim back
  const auto give_back = [&] {
    (void)(previous ? git::set_ref(repository, ref, previous->ref_value,
                                   git::ExpectedRef::at(result.tag_object), display)
                    : git::remove_ref(repository, ref, result.tag_object, display));
  };
  const registry::ImageReference from = parse_repository(*source, "artifact repository");
  if (from.registry != to.registry) {
    give_back();
    throw InfrastructureError("promoting from " + from.registry + " to " + to.registry +
                              ": copying between registries is not supported yet");
  }
  registry::RegistryClient client = registry_client(to.registry, adapters.processes);
  try {
    const registry::CopyReport copied =
        copy_digest(client, from.repository, result.digest, to.repository, environment.tag);
    result.mounted_blobs = copied.mounted_blobs;
  } catch (const Error&) {
    give_back();
    throw;
  }
  result.image = destination + "@" + result.digest;
  // A promotion that claimed after ours may have copied before we did: the registry must
  // follow git, so it gets that promotion's digest back and ours reports the conflict.
  if (auto now = git::read_ref_state(repository, ref);
      now && now.value() && now.value()->ref_value != result.tag_object) {
    if (auto newer = git::parse_record(now.value()->message)) {
      (void)copy_digest(client, to.repository, newer.value().digest, to.repository,
                        environment.tag);
    }
    throw Error(ExitCode::conflict, display + " moved to commit " +
                                        short_oid(now.value()->target_commit) +
                                        " while this promotion copied its image; the registry "
                                        "follows that promotion");
  }
  throw_if_interrupted();

  // 6. deploy, then 7. verify; either failing puts the previous promotion back
  std::string failed;
  bool interrupted = false;
  try {
    if (environment.deploy) {
      const proc::ExitStatus status =
          deploy(spec, environment, result.image, result.commit, adapters);
      if (!status.ok())
        failed = "deploy command failed (" + status.describe() + ")";
    }
    throw_if_interrupted();
    if (failed.empty() && !environment.verify.empty())
      failed = verify(spec, repository, environment, result.image, result.commit, adapters,
                      result.verify_run);
  } catch (const InterruptedError& e) {
    failed = e.what();
    interrupted = true;
  } catch (const Error& e) {
    failed = std::string("verify could not run: ") + e.what();
  }
  if (failed.empty())
    return result;

  // 8. restore: the state ref back to the previous tag object (compare-and-swap from ours),
  //    the registry tag back to the previous digest, and the previous digest redeployed
  auto restored = previous ? git::set_ref(repository, ref, previous->ref_value,
                                          git::ExpectedRef::at(result.tag_object), display)
                           : git::remove_ref(repository, ref, result.tag_object, display);
  if (!restored) {
    throw Error(ExitCode::job_failed,
                failed + "; could not restore " + display + ": " + restored.error().message);
  }
  std::string back =
      "nothing was promoted to '" + environment.name + "' before; " + display + " was removed";
  if (previous_record) {
    back = environment.name + " is back on commit " + short_oid(previous_record->commit);
    try {
      copy_digest(client, to.repository, previous_record->digest, to.repository, environment.tag);
      if (environment.deploy) {
        const proc::ExitStatus status =
            deploy(spec, environment, destination + "@" + previous_record->digest,
                   previous_record->commit, adapters);
        if (!status.ok())
          back += ", but redeploying it failed (" + status.describe() + ")";
      }
    } catch (const Error& e) {
      back += ", but restoring its image failed: " + std::string(e.what());
    }
  }
  if (interrupted)
    throw_if_interrupted();
  throw Error(ExitCode::job_failed, "promotion of " + short_oid(result.commit) + " to '" +
                                        environment.name + "': " + failed + "; " + back);
}

}  // namespace pw::promote
