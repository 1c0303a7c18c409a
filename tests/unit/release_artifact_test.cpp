#include <gtest/gtest.h>

#include "release/artifact.hpp"

namespace pw::release {
namespace {

Artifact sample() {
  Artifact a;
  a.commit = std::string(40, 'a');
  a.repository = "localhost:5000/app/release";
  a.digest = "sha256:" + std::string(64, 'b');
  a.built_at = "2026-11-22T00:00:00Z";
  a.tool_version = "0.1.0";
  a.run_id = "0123456789ab";
  a.tests = {{"passed", 12}, {"failed", 0}};
  return a;
}

TEST(Artifact, NoteRoundTrips) {
  const Artifact a = sample();
  const auto back = artifact_from_note(artifact_to_note(a));
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back.value().commit, a.commit);
  EXPECT_EQ(back.value().repository, a.repository);
  EXPECT_EQ(back.value().digest, a.digest);
  EXPECT_EQ(back.value().run_id, a.run_id);
  EXPECT_EQ(back.value().tests, a.tests);
  EXPECT_EQ(back.value().image(), "localhost:5000/app/release@sha256:" + std::string(64, 'b'));
}

TEST(Artifact, OtherNotesAreNotArtifacts) {
  EXPECT_FALSE(artifact_from_note("just a human note"));
  EXPECT_FALSE(artifact_from_note(R"({"pipewright_artifact": 2, "commit": "x"})"));
  EXPECT_EQ(artifact_from_note(R"({"pipewright_artifact": 1, "commit": "c", "repository": "r",
                                   "digest": "md5:x"})")
                .error(),
            "artifact record lacks its commit, repository or sha256 digest");
  EXPECT_FALSE(artifact_from_note(R"({"pipewright_artifact": 1, "commit": 3})"));
}

}  // namespace
}  // namespace pw::release
