#include <gtest/gtest.h>

#include "release/environment_state.hpp"
#include "release/release.hpp"

namespace pw::release {
namespace {

const std::string k_digest = "sha256:" + std::string(64, 'b');

git::PromotionRecord record(std::string environment, char commit_char, std::string from) {
  git::PromotionRecord r;
  r.environment = std::move(environment);
  r.commit = std::string(40, commit_char);
  r.digest = k_digest;
  r.from = std::move(from);
  r.who = "Rel Manager <rm@example.invalid>";
  r.when = "2026-11-22T01:02:03Z";
  r.run = "run-1";
  return r;
}

nlohmann::json run_summary() {
  return {{"jobs", nlohmann::json::array()},
          {"totals",
           {{"jobs", 3},
            {"passed", 2},
            {"cached", 1},
            {"failed", 0},
            {"tests",
             {{"tests", 14}, {"passed", 12}, {"failures", 0}, {"errors", 0}, {"skipped", 2}}}}}};
}

TEST(ReleaseRefs, StateRefFollowsTheGitTagElseThePipewrightNamespace) {
  EXPECT_EQ(state_ref("staging", std::string("Staging")), "refs/tags/Staging");
  EXPECT_EQ(state_ref("integration", std::nullopt), "refs/pipewright/env/integration");
  EXPECT_EQ(history_prefix("staging"), "refs/pipewright/history/staging/");
}

TEST(ReleaseStatus, TestsSummaryCountsCachedJobsAsPassedAndShowsNonZeroCounts) {
  EXPECT_EQ(format_tests_summary(run_summary()), "3/3 jobs passed, 12 tests passed, 2 skipped");
  EXPECT_EQ(format_tests_summary(nullptr), "");
  EXPECT_EQ(format_tests_summary({{"unexpected", 1}}), "");
}

TEST(ReleaseStatus, ShortDigestKeepsTwelveHexDigits) {
  EXPECT_EQ(short_digest(k_digest), "sha256:bbbbbbbbbbbb");
  EXPECT_EQ(short_digest("not-a-digest"), "not-a-digest");
}

TEST(ReleaseStatus, RendersAlignedRowsAndDashesForEmptyEnvironments) {
  const std::vector<StatusRow> rows{
      {"integration", record("integration", 'a', ""), "", run_summary()},
      {"staging", record("staging", 'c', "integration"), "", nullptr},
      {"production", std::nullopt, "", nullptr}};
  // clang-format off
  const std::string expected =
R"(ENVIRONMENT  COMMIT        DIGEST               WHEN                  WHO                               FROM         TESTS
integration  aaaaaaaaaaaa  sha256:bbbbbbbbbbbb  2026-11-22T01:02:03Z  Rel Manager <rm@example.invalid>  —            3/3 jobs passed, 12 tests passed, 2 skipped
staging      cccccccccccc  sha256:bbbbbbbbbbbb  2026-11-22T01:02:03Z  Rel Manager <rm@example.invalid>  integration  —
production   —             —                    —                     —                                 —            —
)";
  // clang-format on
  EXPECT_EQ(render_status(rows), expected);
}

TEST(ReleaseStatus, ShowsWhyAStateRefHoldsNoRecord) {
  const std::vector<StatusRow> rows{
      {"staging", std::nullopt, "refs/tags/Staging is lightweight", nullptr}};
  EXPECT_NE(render_status(rows).find("(refs/tags/Staging is lightweight)"), std::string::npos);
  EXPECT_EQ(status_json(rows)[0]["problem"], "refs/tags/Staging is lightweight");
}

TEST(ReleaseStatus, JsonHasNullsForAnEmptyEnvironment) {
  const std::vector<StatusRow> rows{{"staging", record("staging", 'c', "integration"), "", nullptr},
                                    {"production", std::nullopt, "", nullptr}};
  const nlohmann::json j = status_json(rows);
  ASSERT_EQ(j.size(), 2U);
  EXPECT_EQ(j[0]["environment"], "staging");
  EXPECT_EQ(j[0]["commit"], std::string(40, 'c'));
  EXPECT_EQ(j[0]["digest"], k_digest);
  EXPECT_EQ(j[0]["from"], "integration");
  EXPECT_EQ(j[0]["previous_commit"], nullptr);
  EXPECT_EQ(j[0]["tests"], nullptr);
  EXPECT_EQ(j[1]["environment"], "production");
  EXPECT_EQ(j[1]["commit"], nullptr);
  EXPECT_EQ(j[1]["digest"], nullptr);
  EXPECT_EQ(j[1]["problem"], nullptr);
}

TEST(ReleaseHistory, RendersEntriesInTheGivenOrder) {
  const std::vector<HistoryEntry> entries{
      {2, "refs/pipewright/history/staging/000002", record("staging", 'd', "integration")},
      {1, "refs/pipewright/history/staging/000001", record("staging", 'c', "")}};
  // clang-format off
  const std::string expected =
R"(SEQ  COMMIT        DIGEST               WHEN                  WHO                               FROM
2    dddddddddddd  sha256:bbbbbbbbbbbb  2026-11-22T01:02:03Z  Rel Manager <rm@example.invalid>  integration
1    cccccccccccc  sha256:bbbbbbbbbbbb  2026-11-22T01:02:03Z  Rel Manager <rm@example.invalid>  —
)";
  // clang-format on
  EXPECT_EQ(render_history("staging", entries), expected);
  EXPECT_EQ(render_history("staging", {}), "no promotions of staging yet\n");
}

TEST(ReleaseHistory, JsonListsEntriesWithFullValues) {
  const std::vector<HistoryEntry> entries{
      {7, "refs/pipewright/history/staging/000007", record("staging", 'd', "integration")}};
  const nlohmann::json j = history_json("staging", entries);
  EXPECT_EQ(j["environment"], "staging");
  ASSERT_EQ(j["entries"].size(), 1U);
  EXPECT_EQ(j["entries"][0]["seq"], 7);
  EXPECT_EQ(j["entries"][0]["commit"], std::string(40, 'd'));
  EXPECT_EQ(j["entries"][0]["digest"], k_digest);
  EXPECT_EQ(j["entries"][0]["from"], "integration");
  EXPECT_EQ(j["entries"][0]["run"], "run-1");
}

TEST(ReleasePublish, SameRepositoryAndDigestIsTheSameRelease) {
  Artifact a;
  a.repository = "localhost:5000/app/release";
  a.digest = k_digest;
  EXPECT_TRUE(records_same_release(a, a.repository, k_digest));
  EXPECT_FALSE(records_same_release(a, a.repository, "sha256:" + std::string(64, 'c')));
  EXPECT_FALSE(records_same_release(a, "localhost:5000/other/release", k_digest));
  EXPECT_FALSE(records_same_release(std::nullopt, a.repository, k_digest));
  EXPECT_EQ(push_reference("localhost:5000/app/release", std::string(40, 'a')),
            "localhost:5000/app/release:" + std::string(40, 'a'));
  EXPECT_EQ(now_rfc3339().size(), 20U);
}

}  // namespace
}  // namespace pw::release
