#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "git/failure.hpp"
#include "git/repository.hpp"
#include "git/tag_records.hpp"

// Artifact notes: text attached to a commit under a notes ref (`refs/notes/pipewright`), the
// way `git notes --ref=pipewright` reads and writes them, so the record travels with the
// repository. Commits are named by any revspec and reported as full hex oids.

namespace pw::git {

/// The notes ref pipewright writes its artifact records under.
inline constexpr std::string_view k_notes_ref = "refs/notes/pipewright";

/// Whether write_note may replace a note the commit already has.
enum class NoteOverwrite { refuse, replace };

/// The note on `commit` under `notes_ref`, or nullopt when it has none (or the ref is absent).
Result<std::optional<std::string>, GitFailure> read_note(const Repository& repository,
                                                         std::string_view commit,
                                                         std::string_view notes_ref = k_notes_ref);

/// Attaches `text` to `commit` as a new commit on `notes_ref` by `author`; returns the note
/// blob's oid. With NoteOverwrite::refuse an existing note is a failure ("already has a
/// note"). A concurrent writer of the same notes ref is retried, never overwritten.
Result<std::string, GitFailure> write_note(const Repository& repository, std::string_view commit,
                                           const std::string& text, const Identity& author,
                                           NoteOverwrite overwrite,
                                           std::string_view notes_ref = k_notes_ref);

/// One note: the commit it is attached to and the blob holding its text.
struct NoteEntry {
  std::string commit;
  std::string blob;
  bool operator==(const NoteEntry&) const = default;
};

/// Every note under `notes_ref`, sorted by commit oid; empty when the ref does not exist.
Result<std::vector<NoteEntry>, GitFailure> list_notes(const Repository& repository,
                                                      std::string_view notes_ref = k_notes_ref);

}  // namespace pw::git
