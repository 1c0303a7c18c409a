#include "git/tag_records.hpp"

#include <git2/errors.h>
#include <git2/object.h>
#include <git2/oid.h>
#include <git2/refs.h>
#include <git2/signature.h>
#include <git2/tag.h>

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "git/handle.hpp"
#include "git/libgit2_runtime.hpp"
#include "git/refname.hpp"

namespace pw::git {
namespace {

constexpr std::string_view k_record_marker = "Pipewright-Record: 1";
constexpr std::string_view k_record_key = "Pipewright-Record";

std::string oid_hex(const git_oid* oid) {
  char hex[GIT_OID_HEXSZ];
  git_oid_fmt(hex, oid);
  return std::string(hex, GIT_OID_HEXSZ);
}

bool has_control_character(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      return true;
    }
  }
  return false;
}

/// The trailer keys, in the order they are written; the pointer-to-member ties each key to
/// its field so format and parse cannot disagree.
struct Field {
  std::string_view key;
  std::string PromotionRecord::*member;
  bool required;
};
constexpr std::array<Field, 9> k_fields = {{
    {"Environment", &PromotionRecord::environment, true},
    {"Commit", &PromotionRecord::commit, true},
    {"Digest", &PromotionRecord::digest, true},
    {"Previous-Commit", &PromotionRecord::previous_commit, false},
    {"From", &PromotionRecord::from, false},
    {"Who", &PromotionRecord::who, true},
    {"When", &PromotionRecord::when, true},
    {"Run", &PromotionRecord::run, false},
    {"Approved-By", &PromotionRecord::approved_by, false},
}};

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

Result<SignatureHandle, GitFailure> make_signature(const Identity& who) {
  git_signature* raw = nullptr;
  const int rc = who.when_seconds ? git_signature_new(&raw, who.name.c_str(), who.email.c_str(),
                                                      *who.when_seconds, who.utc_offset_minutes)
                                  : git_signature_now(&raw, who.name.c_str(), who.email.c_str());
  SignatureHandle signature(raw);
  if (rc < 0) {
    return failure(
        last_git_failure("making the signature of '" + who.name + " <" + who.email + ">'"));
  }
  return signature;
}

std::string tag_ref_name(std::string_view name) {
  return "refs/tags/" + std::string(name);
}

/// The value a ref holds, or nullopt when it does not exist.
Result<std::optional<std::string>, GitFailure> ref_value(git_repository* repo,
                                                         const std::string& ref_name) {
  git_oid oid;
  const int rc = git_reference_name_to_id(&oid, repo, ref_name.c_str());
  if (rc == GIT_ENOTFOUND) {
    return std::optional<std::string>();
  }
  if (rc < 0) {
    return failure(last_git_failure("reading " + ref_name));
  }
  return std::optional<std::string>(oid_hex(&oid));
}

/// How a conflict message names a ref value: "no tag", or the commit it peels to with the tag
/// object, since two promotions of the same commit differ only in their tag objects.
std::string describe_value(git_repository* repo, const std::optional<std::string>& value) {
  if (!value) {
    return "nothing (no tag)";
  }
  git_oid oid;
  if (git_oid_fromstr(&oid, value->c_str()) < 0) {
    return *value;
  }
  git_object* raw = nullptr;
  if (git_object_lookup(&raw, repo, &oid, GIT_OBJECT_ANY) < 0) {
    return *value + " (not in this repository)";
  }
  const ObjectHandle object(raw);
  if (git_object_type(object.get()) != GIT_OBJECT_TAG) {
    return "commit " + *value;
  }
  git_object* peeled_raw = nullptr;
  if (git_object_peel(&peeled_raw, object.get(), GIT_OBJECT_COMMIT) < 0) {
    return "tag object " + *value;
  }
  const ObjectHandle peeled(peeled_raw);
  return "commit " + oid_hex(git_object_id(peeled.get())) + " (tag object " + value->substr(0, 12) +
         ")";
}

TagMoveFailure failed(GitFailure failure) {
  return TagMoveFailure{TagMoveError::failed, std::move(failure.message)};
}

}  // namespace

Result<Identity, GitFailure> default_identity(const Repository& repository) {
  git_signature* raw = nullptr;
  const int rc = git_signature_default(&raw, repository.native());
  const SignatureHandle signature(raw);
  if (rc < 0) {
    return failure(last_git_failure("reading the git identity (user.name and user.email) of " +
                                    repository.git_dir().string()));
  }
  return Identity{signature->name, signature->email, std::nullopt, 0};
}

Result<std::string, GitFailure> format_record(const PromotionRecord& record) {
  for (const Field& field : k_fields) {
    const std::string& value = record.*field.member;
    if (field.required && value.empty()) {
      return failure(GitFailure{"promotion record: " + std::string(field.key) + " is empty"});
    }
    if (has_control_character(value)) {
      return failure(GitFailure{"promotion record: " + std::string(field.key) +
                                " contains a control character"});
    }
  }
  std::string text =
      "promote " + record.commit + " to " + record.environment + " (" + record.digest + ")\n\n";
  text += k_record_marker;
  text += '\n';
  for (const Field& field : k_fields) {
    const std::string& value = record.*field.member;
    if (!value.empty()) {
      text += std::string(field.key) + ": " + value + "\n";
    }
  }
  return text;
}

Result<PromotionRecord, GitFailure> parse_record(std::string_view message) {
  const std::vector<std::string_view> lines = split_lines(message);
  // The record is the last paragraph, opened by the marker line: a record block elsewhere
  // (quoted in a human line) is not ours.
  std::size_t start = lines.size();
  for (std::size_t i = lines.size(); i > 0; --i) {
    if (lines[i - 1].empty()) {
      break;
    }
    start = i - 1;
  }
  if (start >= lines.size() ||
      lines[start].substr(0, k_record_key.size() + 1) != std::string(k_record_key) + ":") {
    return failure(GitFailure{"not a pipewright promotion record (no '" +
                              std::string(k_record_key) + "' trailer block)"});
  }
  if (lines[start] != k_record_marker) {
    return failure(
        GitFailure{"unsupported promotion record version: '" + std::string(lines[start]) + "'"});
  }
  PromotionRecord record;
  std::array<bool, k_fields.size()> seen{};
  for (std::size_t i = start + 1; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    const std::size_t colon = line.find(": ");
    if (colon == std::string_view::npos) {
      return failure(GitFailure{"promotion record: malformed line '" + std::string(line) + "'"});
    }
    const std::string_view key = line.substr(0, colon);
    for (std::size_t f = 0; f < k_fields.size(); ++f) {
      if (k_fields[f].key != key) {
        continue;
      }
      if (seen[f]) {
        return failure(GitFailure{"promotion record: " + std::string(key) + " appears twice"});
      }
      seen[f] = true;
      record.*k_fields[f].member = std::string(line.substr(colon + 2));
    }
    // Unknown keys are skipped: a newer pipewright may add fields.
  }
  for (std::size_t f = 0; f < k_fields.size(); ++f) {
    if (k_fields[f].required && (!seen[f] || (record.*k_fields[f].member).empty())) {
      return failure(
          GitFailure{"promotion record: " + std::string(k_fields[f].key) + " is missing"});
    }
  }
  return record;
}

Result<std::optional<TagState>, GitFailure> read_tag(const Repository& repository,
                                                     std::string_view name) {
  return read_ref_state(repository, tag_ref_name(name));
}

Result<std::optional<TagState>, GitFailure> read_ref_state(const Repository& repository,
                                                           std::string_view ref_name_view) {
  if (auto init = ensure_libgit2(); !init) {
    return failure(init.error());
  }
  const std::string ref_name(ref_name_view);
  const std::string name = ref_name;
  git_reference* raw_ref = nullptr;
  const int rc = git_reference_lookup(&raw_ref, repository.native(), ref_name.c_str());
  const ReferenceHandle ref(raw_ref);
  if (rc == GIT_ENOTFOUND) {
    return std::optional<TagState>();
  }
  if (rc < 0) {
    return failure(last_git_failure("reading " + name));
  }
  git_object* raw_object = nullptr;
  if (git_reference_peel(&raw_object, ref.get(), GIT_OBJECT_COMMIT) < 0) {
    return failure(last_git_failure("reading " + name + ": peeling to a commit"));
  }
  const ObjectHandle commit(raw_object);
  TagState state;
  state.ref_value = oid_hex(git_reference_target(ref.get()));
  state.target_commit = oid_hex(git_object_id(commit.get()));
  git_tag* raw_tag = nullptr;
  if (git_tag_lookup(&raw_tag, repository.native(), git_reference_target(ref.get())) == 0) {
    const TagHandle tag(raw_tag);
    state.kind = TagKind::annotated;
    const char* message = git_tag_message(tag.get());
    state.message = message != nullptr ? message : "";
  } else {
    git_error_clear();
    state.kind = TagKind::lightweight;
  }
  return std::optional<TagState>(std::move(state));
}

Result<std::string, TagMoveFailure> move_tag(const Repository& repository, std::string_view name,
                                             std::string_view target, const std::string& message,
                                             const Identity& tagger, const ExpectedRef& expected) {
  if (!is_valid_tag_name(name)) {
    return failure(failed(GitFailure{"moving tag " + std::string(name) +
                                     ": not a valid tag name (" + tag_name_problem(name) + ")"}));
  }
  return move_ref(repository, tag_ref_name(name), name, target, message, tagger, expected,
                  "tag " + std::string(name));
}

Result<std::string, TagMoveFailure> move_ref(const Repository& repository,
                                             std::string_view ref_name, std::string_view tag_name,
                                             std::string_view target, const std::string& message,
                                             const Identity& tagger, const ExpectedRef& expected,
                                             std::string_view display) {
  if (auto init = ensure_libgit2(); !init) {
    return failure(failed(init.error()));
  }
  const std::string doing = "moving " + std::string(display);
  auto commit = repository.resolve(target);
  if (!commit) {
    return failure(failed(std::move(commit).error()));
  }
  git_oid commit_oid;
  git_oid_fromstr(&commit_oid, commit.value().c_str());
  git_object* raw_target = nullptr;
  if (git_object_lookup(&raw_target, repository.native(), &commit_oid, GIT_OBJECT_COMMIT) < 0) {
    return failure(failed(last_git_failure(doing + ": looking up " + commit.value())));
  }
  const ObjectHandle target_object(raw_target);
  auto signature = make_signature(tagger);
  if (!signature) {
    return failure(failed(std::move(signature).error()));
  }

  // Only the object is written here; the ref is moved below under compare-and-swap, so a
  // loser of a race leaves an unreferenced object and nothing else.
  git_oid tag_oid;
  if (git_tag_annotation_create(&tag_oid, repository.native(), std::string(tag_name).c_str(),
                                target_object.get(), signature.value().get(),
                                message.c_str()) < 0) {
    return failure(failed(last_git_failure(doing + ": writing the tag object")));
  }
  const std::string tag_hex = oid_hex(&tag_oid);
  if (auto moved = set_ref(repository, ref_name, tag_hex, expected, display); !moved) {
    return failure(std::move(moved).error());
  }
  return tag_hex;
}

Result<void, TagMoveFailure> set_ref(const Repository& repository, std::string_view ref_name_view,
                                     std::string_view oid, const ExpectedRef& expected,
                                     std::string_view display_view) {
  if (auto init = ensure_libgit2(); !init) {
    return failure(failed(init.error()));
  }
  const std::string ref_name(ref_name_view);
  const std::string display(display_view);
  const std::string doing = "moving " + display;
  if (ref_name.rfind("refs/", 0) != 0) {
    return failure(failed(GitFailure{doing + ": '" + ref_name + "' does not start with refs/"}));
  }
  git_oid expected_oid;
  if (expected.oid() && git_oid_fromstr(&expected_oid, expected.oid()->c_str()) < 0) {
    return failure(
        failed(GitFailure{doing + ": expected value '" + *expected.oid() + "' is not an oid"}));
  }
  git_oid new_oid;
  if (git_oid_fromstr(&new_oid, std::string(oid).c_str()) < 0) {
    return failure(failed(GitFailure{doing + ": '" + std::string(oid) + "' is not an oid"}));
  }
  const std::string log_message = "pipewright: move " + display + " to " + std::string(oid);
  git_reference* raw_ref = nullptr;
  // Absent: plain create without force fails with GIT_EEXISTS when the ref appeared.
  // Present: libgit2 locks the ref file, compares its value with expected_oid, then writes.
  const int rc =
      expected.oid()
          ? git_reference_create_matching(&raw_ref, repository.native(), ref_name.c_str(), &new_oid,
                                          1, &expected_oid, log_message.c_str())
          : git_reference_create(&raw_ref, repository.native(), ref_name.c_str(), &new_oid, 0,
                                 log_message.c_str());
  const ReferenceHandle ref(raw_ref);
  if (rc == GIT_EEXISTS || rc == GIT_EMODIFIED || rc == GIT_ENOTFOUND || rc == GIT_ELOCKED) {
    const std::string libgit2_says = last_git_failure("libgit2").message;
    auto now = ref_value(repository.native(), ref_name);
    const std::optional<std::string> actual = now ? now.value() : std::nullopt;
    if (rc == GIT_ELOCKED && actual == expected.oid()) {
      // Someone holds the lock right now: they are moving it; report it as the race it is.
      return failure(
          TagMoveFailure{TagMoveError::conflict, display + " is being moved by another process (" +
                                                     libgit2_says + "); nothing was changed"});
    }
    return failure(TagMoveFailure{TagMoveError::conflict,
                                  display + " moved from " +
                                      describe_value(repository.native(), expected.oid()) + " to " +
                                      describe_value(repository.native(), actual) +
                                      " since it was read; nothing was changed"});
  }
  if (rc < 0) {
    return failure(failed(last_git_failure(doing + ": updating " + ref_name)));
  }
  return success();
}

Result<void, TagMoveFailure> remove_ref(const Repository& repository,
                                        std::string_view ref_name_view,
                                        std::string_view expected_oid,
                                        std::string_view display_view) {
  if (auto init = ensure_libgit2(); !init) {
    return failure(failed(init.error()));
  }
  const std::string ref_name(ref_name_view);
  const std::string display(display_view);
  git_reference* raw_ref = nullptr;
  const int rc = git_reference_lookup(&raw_ref, repository.native(), ref_name.c_str());
  const ReferenceHandle ref(raw_ref);
  const std::optional<std::string> actual =
      rc == 0 && git_reference_target(ref.get()) != nullptr
          ? std::optional<std::string>(oid_hex(git_reference_target(ref.get())))
          : std::nullopt;
  if (rc < 0 && rc != GIT_ENOTFOUND) {
    return failure(failed(last_git_failure("removing " + display)));
  }
  // libgit2 deletes under the ref lock only if the ref still holds the value looked up.
  if (actual != std::optional<std::string>(std::string(expected_oid)) ||
      git_reference_delete(ref.get()) < 0) {
    auto now = ref_value(repository.native(), ref_name);
    return failure(TagMoveFailure{
        TagMoveError::conflict,
        display + " moved from " + describe_value(repository.native(), std::string(expected_oid)) +
            " to " + describe_value(repository.native(), now ? now.value() : std::nullopt) +
            " since it was read; nothing was changed"});
  }
  return success();
}

Result<std::vector<RefEntry>, GitFailure> list_refs(const Repository& repository,
                                                    std::string_view prefix) {
  if (auto init = ensure_libgit2(); !init) {
    return failure(init.error());
  }
  const std::string glob = std::string(prefix) + "*";
  git_reference_iterator* raw_iter = nullptr;
  if (git_reference_iterator_glob_new(&raw_iter, repository.native(), glob.c_str()) < 0) {
    return failure(last_git_failure("listing " + glob));
  }
  std::vector<RefEntry> entries;
  git_reference* raw_ref = nullptr;
  int rc = 0;
  while ((rc = git_reference_next(&raw_ref, raw_iter)) == 0) {
    const ReferenceHandle ref(raw_ref);
    const git_oid* target = git_reference_target(ref.get());
    if (target != nullptr) {
      entries.push_back({git_reference_name(ref.get()), oid_hex(target)});
    }
  }
  git_reference_iterator_free(raw_iter);
  if (rc != GIT_ITEROVER) {
    return failure(last_git_failure("listing " + glob));
  }
  std::sort(entries.begin(), entries.end(),
            [](const RefEntry& a, const RefEntry& b) { return a.name < b.name; });
  return entries;
}

}  // namespace pw::git
