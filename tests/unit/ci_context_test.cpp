#include "ci/ci_context.hpp"

#include <gtest/gtest.h>

#include <map>

namespace pw::ci {
namespace {

using Env = std::map<std::string, std::string>;

spec::VarLookup lookup(const Env& env) {
  return [env](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(std::string(name));
    if (it == env.end())
      return std::nullopt;
    return it->second;
  };
}

const std::string k_sha = "0123456789abcdef0123456789abcdef01234567";

CiContext detect(const Env& env, std::string_view event = {}) {
  auto context = detect_context(lookup(env), event);
  EXPECT_TRUE(context) << (context ? "" : context.error().message);
  return context ? context.value() : CiContext{};
}

TEST(CiContext, LocalWhenNoCiVariables) {
  const CiContext context = detect({{"CI", "true"}});
  EXPECT_EQ(CiSystem::local, context.system);
  EXPECT_FALSE(context.ref);
  EXPECT_EQ("", context.commit);
}

TEST(CiContext, GitLabBranchPush) {
  const CiContext context = detect({{"CI", "true"},
                                    {"GITLAB_CI", "true"},
                                    {"CI_COMMIT_SHA", k_sha},
                                    {"CI_COMMIT_BRANCH", "feature/login"},
                                    {"CI_DEFAULT_BRANCH", "main"},
                                    {"CI_COMMIT_BEFORE_SHA", std::string(40, '0')},
                                    {"GITLAB_USER_LOGIN", "ada"},
                                    {"CI_PIPELINE_URL", "https://gitlab.example/p/-/pipelines/7"}});
  EXPECT_EQ(CiSystem::gitlab, context.system);
  ASSERT_TRUE(context.ref);
  EXPECT_EQ(spec::RefKind::branch, context.ref->kind);
  EXPECT_EQ("feature/login", context.ref->name);
  EXPECT_EQ(k_sha, context.commit);
  EXPECT_EQ("ada", context.actor);
  EXPECT_EQ("", context.before_commit) << "the all-zero sha of a new branch means none";
  EXPECT_EQ("main", comparison_branch(context));
  EXPECT_FALSE(context.manual);
}

TEST(CiContext, GitLabTagWinsOverBranch) {
  const CiContext context =
      detect({{"GITLAB_CI", "true"}, {"CI_COMMIT_TAG", "v1.2.0"}, {"CI_COMMIT_SHA", k_sha}});
  ASSERT_TRUE(context.ref);
  EXPECT_EQ(spec::RefKind::tag, context.ref->kind);
  EXPECT_EQ("v1.2.0", context.ref->name);
  EXPECT_EQ("", comparison_branch(context));
}

TEST(CiContext, GitLabMergeRequestComparesWithTarget) {
  const CiContext context = detect({{"GITLAB_CI", "true"},
                                    {"CI_MERGE_REQUEST_IID", "12"},
                                    {"CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "feature/x"},
                                    {"CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "develop"},
                                    {"CI_DEFAULT_BRANCH", "main"},
                                    {"CI_MERGE_REQUEST_DIFF_BASE_SHA", k_sha},
                                    {"CI_JOB_MANUAL", "true"}});
  ASSERT_TRUE(context.ref);
  EXPECT_EQ("feature/x", context.ref->name);
  ASSERT_TRUE(context.change_request);
  EXPECT_EQ("!12", context.change_request->id);
  EXPECT_EQ("develop", comparison_branch(context));
  EXPECT_EQ(k_sha, context.diff_base);
  EXPECT_TRUE(context.manual);
}

TEST(CiContext, DefaultBranchItselfHasNoComparison) {
  const CiContext context =
      detect({{"GITLAB_CI", "true"}, {"CI_COMMIT_BRANCH", "main"}, {"CI_DEFAULT_BRANCH", "main"}});
  EXPECT_EQ("", comparison_branch(context));
}

TEST(CiContext, GitHubPushToBranch) {
  const CiContext context =
      detect({{"GITHUB_ACTIONS", "true"},
              {"GITHUB_SHA", k_sha},
              {"GITHUB_REF", "refs/heads/develop"},
              {"GITHUB_REF_NAME", "develop"},
              {"GITHUB_EVENT_NAME", "push"},
              {"GITHUB_ACTOR", "grace"},
              {"GITHUB_SERVER_URL", "https://github.com"},
              {"GITHUB_REPOSITORY", "acme/churn"},
              {"GITHUB_RUN_ID", "99"}},
             R"({"before": ")" + k_sha + R"(", "repository": {"default_branch": "main"}})");
  EXPECT_EQ(CiSystem::github, context.system);
  ASSERT_TRUE(context.ref);
  EXPECT_EQ("develop", context.ref->name);
  EXPECT_EQ("grace", context.actor);
  EXPECT_EQ("main", context.default_branch);
  EXPECT_EQ(k_sha, context.before_commit);
  EXPECT_EQ("https://github.com/acme/churn/actions/runs/99", context.url);
  EXPECT_EQ("main", comparison_branch(context));
}

TEST(CiContext, GitHubTag) {
  const CiContext context =
      detect({{"GITHUB_ACTIONS", "true"}, {"GITHUB_REF", "refs/tags/v2.0.0"}});
  ASSERT_TRUE(context.ref);
  EXPECT_EQ(spec::RefKind::tag, context.ref->kind);
  EXPECT_EQ("v2.0.0", context.ref->name);
}

TEST(CiContext, GitHubPullRequestUsesHeadAndBase) {
  const CiContext context = detect({{"GITHUB_ACTIONS", "true"},
                                    {"GITHUB_REF", "refs/pull/34/merge"},
                                    {"GITHUB_HEAD_REF", "feature/y"},
                                    {"GITHUB_BASE_REF", "main"},
                                    {"GITHUB_EVENT_NAME", "pull_request"}},
                                   R"({"pull_request": {"base": {"sha": ")" + k_sha + R"("}}})");
  EXPECT_EQ(k_sha, context.diff_base);
  ASSERT_TRUE(context.ref);
  EXPECT_EQ("feature/y", context.ref->name);
  ASSERT_TRUE(context.change_request);
  EXPECT_EQ("#34", context.change_request->id);
  EXPECT_EQ("main", comparison_branch(context));
}

TEST(CiContext, GitHubWorkflowDispatchIsManual) {
  const CiContext context = detect({{"GITHUB_ACTIONS", "true"},
                                    {"GITHUB_REF", "refs/heads/main"},
                                    {"GITHUB_EVENT_NAME", "workflow_dispatch"}});
  EXPECT_TRUE(context.manual);
}

TEST(CiContext, MalformedEventFileIsIgnored) {
  const CiContext context =
      detect({{"GITHUB_ACTIONS", "true"}, {"GITHUB_REF", "refs/heads/main"}}, "{not json");
  EXPECT_EQ("", context.default_branch);
}

TEST(CiContext, RefusesControlCharacters) {
  auto context = detect_context(
      lookup({{"GITLAB_CI", "true"}, {"CI_COMMIT_BRANCH", "feature/x\n::set-output name=a::b"}}));
  ASSERT_FALSE(context);
  EXPECT_NE(std::string::npos, context.error().message.find("CI_COMMIT_BRANCH"));
}

TEST(CiContext, RefusesACommitThatIsNotAnObjectId) {
  auto context =
      detect_context(lookup({{"GITLAB_CI", "true"}, {"CI_COMMIT_SHA", "HEAD; rm -rf /"}}));
  ASSERT_FALSE(context);
}

TEST(CiContext, RefusesUnknownGitHubRefShapes) {
  auto context = detect_context(lookup({{"GITHUB_ACTIONS", "true"}, {"GITHUB_REF", "refs/x/y"}}));
  ASSERT_FALSE(context);
}

TEST(CiContext, ShellMetacharactersAreKeptVerbatim) {
  const CiContext context =
      detect({{"GITLAB_CI", "true"}, {"CI_COMMIT_BRANCH", "feature/$(touch pwned);`id`|x&&y"}});
  ASSERT_TRUE(context.ref);
  EXPECT_EQ("feature/$(touch pwned);`id`|x&&y", context.ref->name);
}

}  // namespace
}  // namespace pw::ci
