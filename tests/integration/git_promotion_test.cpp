// Promotion records in git, written with libgit2 and checked with the git CLI: annotated
// environment tags moved with compare-and-swap, artifact notes, and pushing both to a real
// bare remote with a lease.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "git/failure.hpp"
#include "git/notes.hpp"
#include "git/remote_push.hpp"
#include "git/repository.hpp"
#include "git/tag_records.hpp"
#include "proc/process.hpp"
#include "support/git_cli.hpp"
#include "util/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using pw::git::ExpectedRef;
using pw::git::GitFailure;
using pw::git::Identity;
using pw::git::PromotionRecord;
using pw::git::PushError;
using pw::git::PushMode;
using pw::git::PushRef;
using pw::git::Repository;
using pw::git::TagMoveError;
using pw::test::git;
using pw::test::run;
using pw::test::split_nul;
using pw::test::write_file;

/// Fixed identity and no user-level surprises, written straight into a repository's config.
void configure(const fs::path& git_dir) {
  std::ofstream config(git_dir / "config", std::ios::app);
  config << "[user]\n\tname = Pipewright Test\n\temail = test@pipewright.invalid\n"
         << "[commit]\n\tgpgsign = false\n[tag]\n\tgpgsign = false\n"
         << "[core]\n\tautocrlf = false\n";
}

void commit_file(const fs::path& dir, const std::string& name, const std::string& message) {
  write_file(dir / name, message + "\n");
  git(dir, {"add", "-A"});
  git(dir, {"commit", "-q", "-m", message});
}

Repository open_repo(const fs::path& start) {
  auto repo = Repository::discover(start);
  if (!repo) {
    throw std::runtime_error("discover failed: " + repo.error().message);
  }
  return std::move(repo).value();
}

template <class T, class E>
T ok(pw::Result<T, E> result) {
  if (!result) {
    throw std::runtime_error("unexpected failure: " + result.error().message);
  }
  if constexpr (!std::is_void_v<T>) {
    return std::move(result).value();
  }
}

Identity tester() {
  return Identity{"Release Manager", "rm@pipewright.invalid", 1700000000, 60};
}

PromotionRecord record_for(const std::string& commit, const std::string& previous) {
  PromotionRecord record;
  record.environment = "staging";
  record.commit = commit;
  record.digest = "sha256:" + std::string(64, 'a');
  record.previous_commit = previous;
  record.from = "integration";
  record.who = "Release Manager <rm@pipewright.invalid>";
  record.when = "2023-11-14T22:13:20Z";
  record.run = "run-42";
  return record;
}

// --- format_record / parse_record (pure) --------------------------------------------------

TEST(PromotionRecordTest, FormatThenParseGivesTheSameRecord) {
  const PromotionRecord record = record_for(std::string(40, 'c'), std::string(40, 'b'));
  const std::string text = ok(pw::git::format_record(record));
  EXPECT_EQ(
      text.substr(0, text.find('\n')),
      "promote " + std::string(40, 'c') + " to staging (sha256:" + std::string(64, 'a') + ")");
  EXPECT_NE(text.find("\n\nPipewright-Record: 1\nEnvironment: staging\n"), std::string::npos)
      << text;
  EXPECT_EQ(ok(pw::git::parse_record(text)), record);
}

TEST(PromotionRecordTest, OptionalFieldsMayBeEmpty) {
  PromotionRecord record = record_for(std::string(40, 'c'), "");
  record.from.clear();
  record.run.clear();
  const std::string text = ok(pw::git::format_record(record));
  EXPECT_EQ(text.find("From:"), std::string::npos) << text;
  EXPECT_EQ(ok(pw::git::parse_record(text)), record);
}

TEST(PromotionRecordTest, FormatRefusesMissingFieldsAndControlCharacters) {
  PromotionRecord record = record_for(std::string(40, 'c'), "");
  record.digest.clear();
  EXPECT_FALSE(pw::git::format_record(record));
  record = record_for(std::string(40, 'c'), "");
  record.who = "mallory\nDigest: sha256:evil";
  const auto refused = pw::git::format_record(record);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("Who contains a control character"), std::string::npos);
}

TEST(PromotionRecordTest, ParseRejectsWhatIsNotOneOfOurRecords) {
  EXPECT_FALSE(pw::git::parse_record("version 1\n"));
  EXPECT_FALSE(pw::git::parse_record(""));
  const std::string text = ok(pw::git::format_record(record_for(std::string(40, 'c'), "")));
  // A repeated key could smuggle a second value: refused.
  EXPECT_FALSE(pw::git::parse_record(text + "Digest: sha256:" + std::string(64, 'e') + "\n"));
  // A record block that is not the last paragraph is not the record.
  EXPECT_FALSE(pw::git::parse_record(text + "\nsigned-off\n"));
  std::string newer = text;
  newer.replace(newer.find("Pipewright-Record: 1"), 20, "Pipewright-Record: 2");
  const auto unsupported = pw::git::parse_record(newer);
  ASSERT_FALSE(unsupported);
  EXPECT_NE(unsupported.error().message.find("unsupported"), std::string::npos);
  // Unknown keys are tolerated (a newer writer may add fields).
  EXPECT_TRUE(pw::git::parse_record(text + "Approved-By: someone\n"));
}

// --- tags and notes on a real repository --------------------------------------------------

/// A working copy with two commits, c1 and c2.
class GitPromotionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = base_ / "repo";
    fs::create_directories(root_);
    git(root_, {"init", "-q", "-b", "main"});
    configure(root_ / ".git");
    commit_file(root_, "a.txt", "first");
    c1_ = git(root_, {"rev-parse", "HEAD"});
    commit_file(root_, "b.txt", "second");
    c2_ = git(root_, {"rev-parse", "HEAD"});
  }

  std::string message_for(const std::string& commit, const std::string& previous) {
    return ok(pw::git::format_record(record_for(commit, previous)));
  }

  pw::TempDir tmp_{"pw-git-promotion"};
  fs::path base_ = fs::canonical(tmp_.path());  ///< the form git prints
  fs::path root_;
  std::string c1_;
  std::string c2_;
};

TEST_F(GitPromotionTest, ReadTagOfAMissingTagIsAbsent) {
  const Repository repo = open_repo(root_);
  EXPECT_FALSE(ok(pw::git::read_tag(repo, "Staging")).has_value());
}

TEST_F(GitPromotionTest, FirstMoveWritesAnAnnotatedTagGitCanRead) {
  const Repository repo = open_repo(root_);
  const std::string tag_oid = ok(pw::git::move_tag(repo, "Staging", c1_, message_for(c1_, ""),
                                                   tester(), ExpectedRef::absent()));

  EXPECT_EQ(git(root_, {"for-each-ref", "--format=%(objecttype) %(objectname) %(*objectname)",
                        "refs/tags/Staging"}),
            "tag " + tag_oid + " " + c1_);
  const std::string object = git(root_, {"cat-file", "-p", "refs/tags/Staging"});
  EXPECT_NE(object.find("object " + c1_ +
                        "\ntype commit\ntag Staging\n"
                        "tagger Release Manager <rm@pipewright.invalid> 1700000000 +0100\n"),
            std::string::npos)
      << object;
  EXPECT_NE(object.find("Digest: sha256:" + std::string(64, 'a')), std::string::npos) << object;
  // git itself finds the trailers.
  const std::string trailers =
      git(root_, {"for-each-ref", "--format=%(trailers:key=Digest)", "refs/tags/Staging"});
  EXPECT_NE(trailers.find("Digest: sha256:"), std::string::npos) << trailers;

  const auto state = ok(pw::git::read_tag(repo, "Staging"));
  ASSERT_TRUE(state);
  EXPECT_EQ(state->ref_value, tag_oid);
  EXPECT_EQ(state->target_commit, c1_);
  EXPECT_EQ(state->kind, pw::git::TagKind::annotated);
  EXPECT_EQ(ok(pw::git::parse_record(state->message)), record_for(c1_, ""));
}

TEST_F(GitPromotionTest, MoveWithTheCurrentValueSucceeds) {
  const Repository repo = open_repo(root_);
  const std::string first = ok(pw::git::move_tag(repo, "Staging", c1_, message_for(c1_, ""),
                                                 tester(), ExpectedRef::absent()));
  const std::string second = ok(pw::git::move_tag(repo, "Staging", c2_, message_for(c2_, c1_),
                                                  tester(), ExpectedRef::at(first)));
  EXPECT_EQ(git(root_, {"rev-parse", "refs/tags/Staging"}), second);
  EXPECT_EQ(git(root_, {"rev-parse", "Staging^{commit}"}), c2_);
}

TEST_F(GitPromotionTest, StaleExpectedValueFailsAndChangesNothing) {
  const Repository repo = open_repo(root_);
  const std::string first = ok(pw::git::move_tag(repo, "Staging", c1_, message_for(c1_, ""),
                                                 tester(), ExpectedRef::absent()));
  const std::string second = ok(pw::git::move_tag(repo, "Staging", c2_, message_for(c2_, c1_),
                                                  tester(), ExpectedRef::at(first)));

  // A promotion that read the tag before the second move.
  const auto stale = pw::git::move_tag(repo, "Staging", c1_, message_for(c1_, c1_), tester(),
                                       ExpectedRef::at(first));
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().kind, TagMoveError::conflict);
  EXPECT_NE(stale.error().message.find("tag Staging moved from commit " + c1_), std::string::npos)
      << stale.error().message;
  EXPECT_NE(stale.error().message.find("to commit " + c2_), std::string::npos)
      << stale.error().message;
  EXPECT_EQ(git(root_, {"rev-parse", "refs/tags/Staging"}), second);

  // "Absent" is stale too once the tag exists.
  const auto absent = pw::git::move_tag(repo, "Staging", c1_, message_for(c1_, ""), tester(),
                                        ExpectedRef::absent());
  ASSERT_FALSE(absent);
  EXPECT_EQ(absent.error().kind, TagMoveError::conflict);
  EXPECT_NE(absent.error().message.find("moved from nothing (no tag) to commit " + c2_),
            std::string::npos)
      << absent.error().message;
  EXPECT_EQ(git(root_, {"rev-parse", "refs/tags/Staging"}), second);
}

TEST_F(GitPromotionTest, BadNameOrUnknownCommitIsAnOrdinaryFailure) {
  const Repository repo = open_repo(root_);
  const auto bad_name = pw::git::move_tag(repo, "Stag..ing", c1_, message_for(c1_, ""), tester(),
                                          ExpectedRef::absent());
  ASSERT_FALSE(bad_name);
  EXPECT_EQ(bad_name.error().kind, TagMoveError::failed);
  const auto unknown = pw::git::move_tag(repo, "Staging", "no-such-rev", message_for(c1_, ""),
                                         tester(), ExpectedRef::absent());
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, TagMoveError::failed);
  EXPECT_EQ(git(root_, {"tag", "--list"}), "");
}

TEST_F(GitPromotionTest, ConcurrentMovesFromTheSameValueHaveExactlyOneWinner) {
  std::string base;
  {
    const Repository repo = open_repo(root_);
    base = ok(pw::git::move_tag(repo, "Staging", c1_, message_for(c1_, ""), tester(),
                                ExpectedRef::absent()));
  }
  constexpr int k_threads = 8;
  for (int round = 0; round < 5; ++round) {
    std::atomic<bool> go{false};
    std::vector<std::optional<std::string>> won(k_threads);
    std::vector<std::string> lost(k_threads);
    std::vector<std::thread> threads;
    for (int i = 0; i < k_threads; ++i) {
      threads.emplace_back([&, i] {
        const Repository repo = open_repo(root_);  // one Repository per thread
        const std::string target = (i % 2 == 0) ? c2_ : c1_;
        // Each promotion is a distinct record (its run differs), so no two threads write the
        // same tag object and a "win" cannot be a no-op move to the value already there.
        PromotionRecord record = record_for(target, c1_);
        record.run = "run-" + std::to_string(round) + "-" + std::to_string(i);
        const std::string message = ok(pw::git::format_record(record));
        while (!go.load()) {
          std::this_thread::yield();
        }
        auto moved =
            pw::git::move_tag(repo, "Staging", target, message, tester(), ExpectedRef::at(base));
        if (moved) {
          won[static_cast<std::size_t>(i)] = moved.value();
        } else {
          lost[static_cast<std::size_t>(i)] =
              (moved.error().kind == TagMoveError::conflict ? "conflict: " : "failed: ") +
              moved.error().message;
        }
      });
    }
    go = true;
    for (std::thread& thread : threads) {
      thread.join();
    }
    int winners = 0;
    std::string winner;
    for (int i = 0; i < k_threads; ++i) {
      if (won[static_cast<std::size_t>(i)]) {
        ++winners;
        winner = *won[static_cast<std::size_t>(i)];
      } else {
        EXPECT_EQ(lost[static_cast<std::size_t>(i)].rfind("conflict: tag Staging ", 0), 0u)
            << lost[static_cast<std::size_t>(i)];
      }
    }
    std::string detail;
    for (int i = 0; i < k_threads; ++i) {
      const auto index = static_cast<std::size_t>(i);
      detail += std::to_string(i) + ": " + won[index].value_or(lost[index]) + "\n";
    }
    ASSERT_EQ(winners, 1) << "round " << round << " base " << base << "\n" << detail;
    EXPECT_EQ(git(root_, {"rev-parse", "refs/tags/Staging"}), winner);
    base = winner;
  }
}

TEST_F(GitPromotionTest, NotesAreReadableByGitNotes) {
  const Repository repo = open_repo(root_);
  EXPECT_FALSE(ok(pw::git::read_note(repo, c1_)).has_value());
  EXPECT_TRUE(ok(pw::git::list_notes(repo)).empty());

  const std::string blob = ok(pw::git::write_note(repo, c1_, "digest: sha256:abc\n", tester(),
                                                  pw::git::NoteOverwrite::refuse));
  EXPECT_EQ(git(root_, {"notes", "--ref=pipewright", "show", c1_}), "digest: sha256:abc");
  EXPECT_EQ(git(root_, {"notes", "--ref=pipewright", "list", c1_}), blob);
  EXPECT_EQ(ok(pw::git::read_note(repo, "HEAD~1")),
            std::optional<std::string>("digest: sha256:abc\n"));

  // Refused without replace, and the old note stays.
  const auto again =
      pw::git::write_note(repo, c1_, "other\n", tester(), pw::git::NoteOverwrite::refuse);
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("already has a note"), std::string::npos);
  EXPECT_EQ(git(root_, {"notes", "--ref=pipewright", "show", c1_}), "digest: sha256:abc");

  ok(pw::git::write_note(repo, c1_, "digest: sha256:def\n", tester(),
                         pw::git::NoteOverwrite::replace));
  EXPECT_EQ(git(root_, {"notes", "--ref=pipewright", "show", c1_}), "digest: sha256:def");
  const std::string blob2 =
      ok(pw::git::write_note(repo, c2_, "second\n", tester(), pw::git::NoteOverwrite::refuse));

  const auto notes = ok(pw::git::list_notes(repo));
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_NE(std::find(notes.begin(), notes.end(), pw::git::NoteEntry{c2_, blob2}), notes.end());
  for (const auto& note : notes) {
    EXPECT_EQ(git(root_, {"notes", "--ref=pipewright", "list", note.commit}), note.blob);
  }
  // Notes of another ref are separate.
  EXPECT_FALSE(ok(pw::git::read_note(repo, c1_, "refs/notes/commits")).has_value());
}

// A note written by git is read by pipewright.
TEST_F(GitPromotionTest, NotesWrittenByGitAreRead) {
  git(root_, {"notes", "--ref=pipewright", "add", "-m", "from git", c2_});
  const Repository repo = open_repo(root_);
  EXPECT_EQ(ok(pw::git::read_note(repo, c2_)), std::optional<std::string>("from git\n"));
}

// --- fetch and push with a lease against a real bare remote -------------------------------

/// The working copy of GitPromotionTest ("A", remote origin) plus a bare remote holding main
/// and a second clone ("B") of it: two release managers sharing one remote.
class GitRemotePromotionTest : public GitPromotionTest {
 protected:
  void SetUp() override {
    GitPromotionTest::SetUp();
    bare_ = base_ / "remote.git";
    git(base_, {"init", "-q", "--bare", "-b", "main", bare_.string()});
    git(root_, {"remote", "add", "origin", bare_.string()});
    git(root_, {"push", "-q", "origin", "main"});
    other_ = base_ / "other";
    git(base_, {"clone", "-q", bare_.string(), other_.string()});
    configure(other_ / ".git");
  }

  /// "<oid>" of `ref` in the bare remote as `git ls-remote` lists it, or "" when absent.
  std::string remote_value(const std::string& ref) {
    const std::string listing = git(base_, {"ls-remote", bare_.string(), ref});
    return listing.substr(0, listing.find('\t'));
  }

  std::string move(const Repository& repo, const std::string& commit, const ExpectedRef& expected) {
    return ok(
        pw::git::move_tag(repo, "Staging", commit, message_for(commit, ""), tester(), expected));
  }

  fs::path bare_;
  fs::path other_;
  const std::vector<PushRef> tag_and_notes_{{"refs/tags/Staging", PushMode::replace},
                                            {"refs/notes/pipewright", PushMode::fast_forward_only}};
};

TEST_F(GitRemotePromotionTest, PushedTagAndNotesShowUpOnTheRemote) {
  const Repository repo = open_repo(root_);
  ok(pw::git::fetch_promotion_refs(repo, "origin"));
  const std::string tag = move(repo, c1_, ExpectedRef::absent());
  ok(pw::git::write_note(repo, c1_, "digest: sha256:abc\n", tester(),
                         pw::git::NoteOverwrite::refuse));
  ok(pw::git::push_with_lease(repo, "origin", tag_and_notes_));

  const std::string listing = git(base_, {"ls-remote", bare_.string()});
  EXPECT_NE(listing.find(tag + "\trefs/tags/Staging\n"), std::string::npos) << listing;
  EXPECT_NE(listing.find(c1_ + "\trefs/tags/Staging^{}"), std::string::npos) << listing;
  EXPECT_EQ(remote_value("refs/notes/pipewright"),
            git(root_, {"rev-parse", "refs/notes/pipewright"}));
  EXPECT_EQ(git(bare_, {"notes", "--ref=pipewright", "show", c1_}), "digest: sha256:abc");
  EXPECT_EQ(git(bare_, {"cat-file", "-t", "Staging"}), "tag");
  // The pushed values are now the lease for the next push.
  EXPECT_EQ(git(root_, {"rev-parse", "refs/pipewright/remote/origin/tags/Staging"}), tag);

  // The other clone fetches them into its tracking refs, not into its own tags.
  const Repository other = open_repo(other_);
  ok(pw::git::fetch_promotion_refs(other, "origin"));
  EXPECT_EQ(git(other_, {"rev-parse", "refs/pipewright/remote/origin/tags/Staging"}), tag);
  EXPECT_EQ(git(other_, {"rev-parse", "refs/pipewright/remote/origin/notes/pipewright"}),
            remote_value("refs/notes/pipewright"));
  EXPECT_EQ(git(other_, {"tag", "--list"}), "");
  EXPECT_EQ(ok(pw::git::read_note(other, c1_, "refs/pipewright/remote/origin/notes/pipewright")),
            std::optional<std::string>("digest: sha256:abc\n"));
}

TEST_F(GitRemotePromotionTest, ARemoteTagMovedByAnotherCloneFailsOurPushAndSurvives) {
  const Repository repo = open_repo(root_);
  ok(pw::git::fetch_promotion_refs(repo, "origin"));
  const std::string first = move(repo, c1_, ExpectedRef::absent());
  ok(pw::git::push_with_lease(repo, "origin", {{"refs/tags/Staging", PushMode::replace}}));

  const Repository other = open_repo(other_);
  ok(pw::git::fetch_promotion_refs(other, "origin"));  // B saw `first`

  // A promotes again and pushes first.
  const std::string second = move(repo, c2_, ExpectedRef::at(first));
  ok(pw::git::push_with_lease(repo, "origin", {{"refs/tags/Staging", PushMode::replace}}));
  ASSERT_EQ(remote_value("refs/tags/Staging"), second);

  // B promotes from what it fetched and pushes: the lease no longer holds.
  move(other, c1_, ExpectedRef::absent());
  const auto pushed =
      pw::git::push_with_lease(other, "origin", {{"refs/tags/Staging", PushMode::replace}});
  ASSERT_FALSE(pushed);
  EXPECT_EQ(pushed.error().kind, PushError::lease_conflict);
  EXPECT_NE(
      pushed.error().message.find("refs/tags/Staging moved from commit " + c1_ + " (tag object " +
                                  first.substr(0, 12) + ") to " + second + " (not fetched)"),
      std::string::npos)
      << pushed.error().message;
  EXPECT_NE(pushed.error().message.find("nothing was pushed"), std::string::npos);
  EXPECT_EQ(remote_value("refs/tags/Staging"), second);
  EXPECT_EQ(git(other_, {"rev-parse", "refs/pipewright/remote/origin/tags/Staging"}), first);

  // After fetching (and, in pipewright, re-checking), B's lease holds again.
  ok(pw::git::fetch_promotion_refs(other, "origin"));
  EXPECT_EQ(git(other_, {"rev-parse", "refs/pipewright/remote/origin/tags/Staging"}), second);
  ok(pw::git::push_with_lease(other, "origin", {{"refs/tags/Staging", PushMode::replace}}));
  EXPECT_EQ(remote_value("refs/tags/Staging"), git(other_, {"rev-parse", "refs/tags/Staging"}));
}

TEST_F(GitRemotePromotionTest, ATagCreatedOnTheRemoteSinceTheFetchFailsTheLease) {
  const Repository repo = open_repo(root_);
  ok(pw::git::fetch_promotion_refs(repo, "origin"));
  git(other_, {"tag", "-a", "Staging", "-m", "by hand", "HEAD~1"});
  git(other_, {"push", "-q", "origin", "refs/tags/Staging"});
  const std::string theirs = remote_value("refs/tags/Staging");

  move(repo, c2_, ExpectedRef::absent());
  const auto pushed =
      pw::git::push_with_lease(repo, "origin", {{"refs/tags/Staging", PushMode::replace}});
  ASSERT_FALSE(pushed);
  EXPECT_EQ(pushed.error().kind, PushError::lease_conflict);
  EXPECT_NE(pushed.error().message.find("moved from nothing to"), std::string::npos)
      << pushed.error().message;
  EXPECT_EQ(remote_value("refs/tags/Staging"), theirs);
}

TEST_F(GitRemotePromotionTest, DivergedNotesAreNotForcedOntoTheRemote) {
  const Repository repo = open_repo(root_);
  const Repository other = open_repo(other_);
  ok(pw::git::fetch_promotion_refs(repo, "origin"));
  ok(pw::git::fetch_promotion_refs(other, "origin"));
  ok(pw::git::write_note(repo, c1_, "from A\n", tester(), pw::git::NoteOverwrite::refuse));
  ok(pw::git::push_with_lease(repo, "origin",
                              {{"refs/notes/pipewright", PushMode::fast_forward_only}}));
  const std::string theirs = remote_value("refs/notes/pipewright");

  // B fetched A's notes but wrote its own on a history that does not contain them.
  ok(pw::git::fetch_promotion_refs(other, "origin"));
  ok(pw::git::write_note(other, c2_, "from B\n", tester(), pw::git::NoteOverwrite::refuse));
  const auto pushed = pw::git::push_with_lease(
      other, "origin", {{"refs/notes/pipewright", PushMode::fast_forward_only}});
  ASSERT_FALSE(pushed);
  EXPECT_EQ(pushed.error().kind, PushError::rejected);
  EXPECT_NE(pushed.error().message.find("not a fast-forward of the remote origin: "
                                        "refs/notes/pipewright"),
            std::string::npos)
      << pushed.error().message;
  EXPECT_EQ(remote_value("refs/notes/pipewright"), theirs);
}

TEST_F(GitRemotePromotionTest, UnknownRemoteOrMissingLocalRefFailsClearly) {
  const Repository repo = open_repo(root_);
  const auto no_remote = pw::git::fetch_promotion_refs(repo, "upstream");
  ASSERT_FALSE(no_remote);
  EXPECT_NE(no_remote.error().message.find("no remote named 'upstream'"), std::string::npos);
  const auto no_ref =
      pw::git::push_with_lease(repo, "origin", {{"refs/tags/Staging", PushMode::replace}});
  ASSERT_FALSE(no_ref);
  EXPECT_EQ(no_ref.error().kind, PushError::failed);
  EXPECT_NE(no_ref.error().message.find("refs/tags/Staging does not exist"), std::string::npos);
}

// libgit2 returns success for a push in which the remote refused a ref; only the per-ref
// status callback tells. A stale lock file on the remote makes it refuse the tag update.
TEST_F(GitRemotePromotionTest, ARefTheRemoteRefusesIsReportedAsRejected) {
  const Repository repo = open_repo(root_);
  ok(pw::git::fetch_promotion_refs(repo, "origin"));
  move(repo, c1_, ExpectedRef::absent());
  write_file(bare_ / "refs" / "tags" / "Staging.lock", "");
  const auto pushed =
      pw::git::push_with_lease(repo, "origin", {{"refs/tags/Staging", PushMode::replace}});
  ASSERT_FALSE(pushed);
  EXPECT_EQ(pushed.error().kind, PushError::rejected) << pushed.error().message;
  EXPECT_NE(pushed.error().message.find("the remote origin rejected refs/tags/Staging: "),
            std::string::npos)
      << pushed.error().message;
  EXPECT_EQ(remote_value("refs/tags/Staging"), "");
  // Not recorded as pushed: the next lease still expects the tag to be absent.
  EXPECT_FALSE(run({"git", "-C", root_.string(), "rev-parse", "--verify", "--quiet",
                    "refs/pipewright/remote/origin/tags/Staging"})
                   .status.ok());
}

}  // namespace
