#include "git/notes.hpp"

#include <git2/errors.h>
#include <git2/notes.h>
#include <git2/oid.h>
#include <git2/signature.h>

#include <algorithm>
#include <utility>

#include "git/handle.hpp"
#include "git/libgit2_runtime.hpp"

namespace pw::git {
namespace {

/// How many times write_note re-reads the notes tip after losing a race to another writer.
constexpr int k_note_write_attempts = 5;

std::string oid_hex(const git_oid* oid) {
  char hex[GIT_OID_HEXSZ];
  git_oid_fmt(hex, oid);
  return std::string(hex, GIT_OID_HEXSZ);
}

Result<git_oid, GitFailure> commit_oid(const Repository& repository, std::string_view commit) {
  auto resolved = repository.resolve(commit);
  if (!resolved) {
    return failure(std::move(resolved).error());
  }
  git_oid oid;
  git_oid_fromstr(&oid, resolved.value().c_str());
  return oid;
}

}  // namespace

Result<std::optional<std::string>, GitFailure> read_note(const Repository& repository,
                                                         std::string_view commit,
                                                         std::string_view notes_ref) {
  if (auto init = ensure_libgit2(); !init) {
    return failure(init.error());
  }
  auto oid = commit_oid(repository, commit);
  if (!oid) {
    return failure(std::move(oid).error());
  }
  const std::string ref(notes_ref);
  git_note* raw = nullptr;
  const int rc = git_note_read(&raw, repository.native(), ref.c_str(), &oid.value());
  const NoteHandle note(raw);
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    return std::optional<std::string>();
  }
  if (rc < 0) {
    return failure(last_git_failure("reading the " + ref + " note of " + std::string(commit)));
  }
  const char* message = git_note_message(note.get());
  return std::optional<std::string>(message != nullptr ? message : "");
}

Result<std::string, GitFailure> write_note(const Repository& repository, std::string_view commit,
                                           const std::string& text, const Identity& author,
                                           NoteOverwrite overwrite, std::string_view notes_ref) {
  if (auto init = ensure_libgit2(); !init) {
    return failure(init.error());
  }
  auto oid = commit_oid(repository, commit);
  if (!oid) {
    return failure(std::move(oid).error());
  }
  const std::string ref(notes_ref);
  const std::string doing = "writing the " + ref + " note of " + std::string(commit);
  git_signature* raw_signature = nullptr;
  const int signed_rc =
      author.when_seconds
          ? git_signature_new(&raw_signature, author.name.c_str(), author.email.c_str(),
                              *author.when_seconds, author.utc_offset_minutes)
          : git_signature_now(&raw_signature, author.name.c_str(), author.email.c_str());
  const SignatureHandle signature(raw_signature);
  if (signed_rc < 0) {
    return failure(last_git_failure(doing + ": making the signature"));
  }
  // git_note_create commits on top of the tip it read and moves the notes ref only if the tip
  // is still that commit (GIT_EMODIFIED otherwise): another writer's note is never lost, and
  // a retry re-reads the new tip.
  for (int attempt = 1;; ++attempt) {
    git_oid blob;
    const int rc =
        git_note_create(&blob, repository.native(), ref.c_str(), signature.get(), signature.get(),
                        &oid.value(), text.c_str(), overwrite == NoteOverwrite::replace ? 1 : 0);
    if (rc == 0) {
      return oid_hex(&blob);
    }
    if (rc == GIT_EEXISTS) {
      return failure(GitFailure{doing + ": the commit already has a note"});
    }
    if ((rc != GIT_EMODIFIED && rc != GIT_ELOCKED) || attempt == k_note_write_attempts) {
      return failure(last_git_failure(doing));
    }
  }
}

Result<std::vector<NoteEntry>, GitFailure> list_notes(const Repository& repository,
                                                      std::string_view notes_ref) {
  if (auto init = ensure_libgit2(); !init) {
    return failure(init.error());
  }
  const std::string ref(notes_ref);
  std::vector<NoteEntry> entries;
  const int rc = git_note_foreach(
      repository.native(), ref.c_str(),
      [](const git_oid* blob_id, const git_oid* annotated_id, void* payload) -> int {
        static_cast<std::vector<NoteEntry>*>(payload)->push_back(
            NoteEntry{oid_hex(annotated_id), oid_hex(blob_id)});
        return 0;
      },
      &entries);
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    return std::vector<NoteEntry>();
  }
  if (rc < 0) {
    return failure(last_git_failure("listing the notes of " + ref));
  }
  std::sort(entries.begin(), entries.end(),
            [](const NoteEntry& a, const NoteEntry& b) { return a.commit < b.commit; });
  return entries;
}

}  // namespace pw::git
