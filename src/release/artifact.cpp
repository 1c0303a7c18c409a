#include "release/artifact.hpp"

#include "git/notes.hpp"

namespace pw::release {
namespace {

constexpr int k_format = 1;

}  // namespace

std::string artifact_to_note(const Artifact& a) {
  const nlohmann::json note = {{"pipewright_artifact", k_format},
                               {"commit", a.commit},
                               {"repository", a.repository},
                               {"digest", a.digest},
                               {"built_at", a.built_at},
                               {"tool_version", a.tool_version},
                               {"run_id", a.run_id},
                               {"tests", a.tests}};
  return note.dump(2) + "\n";
}

Result<Artifact, std::string> artifact_from_note(std::string_view note) {
  const auto j = nlohmann::json::parse(note, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || j.value("pipewright_artifact", 0) != k_format) {
    return std::string("not a pipewright artifact record (format ") + std::to_string(k_format) +
           ")";
  }
  try {
    Artifact a;
    a.commit = j.at("commit").get<std::string>();
    a.repository = j.at("repository").get<std::string>();
    a.digest = j.at("digest").get<std::string>();
    a.built_at = j.value("built_at", "");
    a.tool_version = j.value("tool_version", "");
    a.run_id = j.value("run_id", "");
    a.tests = j.contains("tests") ? j["tests"] : nlohmann::json(nullptr);
    if (a.commit.empty() || a.repository.empty() || a.digest.rfind("sha256:", 0) != 0) {
      return std::string("artifact record lacks its commit, repository or sha256 digest");
    }
    return a;
  } catch (const nlohmann::json::exception& e) {
    return std::string("malformed artifact record: ") + e.what();
  }
}

Result<std::optional<Artifact>, git::GitFailure> read_artifact(const git::Repository& repository,
                                                               std::string_view commit) {
  auto note = git::read_note(repository, commit);
  if (!note)
    return note.error();
  if (!note.value())
    return std::optional<Artifact>{};
  auto artifact = artifact_from_note(*note.value());
  if (!artifact) {
    return git::GitFailure{"the note on " + std::string(commit) + " under " +
                           std::string(git::k_notes_ref) + ": " + artifact.error()};
  }
  return std::optional<Artifact>{artifact.value()};
}

Result<void, git::GitFailure> write_artifact(const git::Repository& repository,
                                             const Artifact& artifact,
                                             const git::Identity& author) {
  auto written = git::write_note(repository, artifact.commit, artifact_to_note(artifact), author,
                                 git::NoteOverwrite::replace);
  if (!written)
    return written.error();
  return success();
}

}  // namespace pw::release
