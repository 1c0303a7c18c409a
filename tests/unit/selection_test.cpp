#include "plan/selection.hpp"

#include <gtest/gtest.h>

#include "support/spec_text.hpp"

namespace pw {
namespace {

using Names = std::vector<std::string>;

spec::Spec parse(const std::string& text) {
  return test::parse_spec_text(text);
}

const std::string k_spec = R"(
version: 1
name: mono
images:
  test: { dockerfile: cicd/test/Dockerfile }
  web: { dockerfile: web/Dockerfile, paths: [web] }
  release: { dockerfile: cicd/release/Dockerfile }
jobs:
  lint: { image: test, run: "true" }
  api-unit: { image: test, paths: [services/api, libs/common], run: "true" }
  worker-unit: { image: test, paths: [services/worker], run: "true" }
  web-unit: { image: web, run: "true" }
  web-e2e: { image: web, paths: [e2e], needs: [web-unit], run: "true" }
  build-common: { host: true, run: "true" }
  api-int: { image: test, paths: [services/api], needs: [build-common], run: "true" }
flows:
  - { branches: ["feature/*"], run: [lint, api-unit, worker-unit, web-e2e, api-int] }
  - { branches: [develop], run: [api-unit], release: true }
)";

Names planned(const Plan& plan) {
  Names out;
  for (const auto* job : jobs_in_order(plan))
    out.push_back(job->name);
  return out;
}

Names left_out(const Plan& plan) {
  Names out;
  for (const auto& job : plan.left_out)
    out.push_back(job.name);
  return out;
}

const PlannedJob& find(const Plan& plan, const std::string& name) {
  for (const auto* job : jobs_in_order(plan)) {
    if (job->name == name)
      return *job;
  }
  throw std::runtime_error("no job " + name);
}

Plan feature_plan(const spec::Spec& s, const ChangeSet& changes) {
  return select_changes(s, plan_for_ref(s, {spec::RefKind::branch, "feature/x"}), changes);
}

TEST(PathUnder, MatchesWholeSegmentsOnly) {
  EXPECT_TRUE(path_under("src/a.py", "src"));
  EXPECT_TRUE(path_under("src", "src"));
  EXPECT_TRUE(path_under("src/deep/a.py", "src/"));
  EXPECT_TRUE(path_under("src/deep/a.py", "./src/deep"));
  EXPECT_FALSE(path_under("srcx/a", "src"));
  EXPECT_FALSE(path_under("sr", "src"));
  EXPECT_FALSE(path_under("other/src/a", "src"));
  EXPECT_TRUE(path_under("anything/at/all", "."));
  EXPECT_TRUE(path_under("anything", ""));
  EXPECT_TRUE(path_under("src/a.py", "lib/../src"));
}

TEST(Selection, EverythingKeepsThePlan) {
  const auto s = parse(k_spec);
  const Plan all = plan_for_ref(s, {spec::RefKind::branch, "feature/x"});
  const Plan plan = feature_plan(s, ChangeSet::everything("no merge base"));
  EXPECT_EQ(planned(plan), planned(all));
  EXPECT_TRUE(plan.left_out.empty());
  ASSERT_TRUE(plan.changes);
  EXPECT_EQ(plan.changes->note, "no merge base");
}

TEST(Selection, AJobRunsWhenAFileUnderItsPathsChanged) {
  const auto s = parse(k_spec);
  const Plan plan =
      feature_plan(s, ChangeSet::listed({"libs/common/x.py", "libs/common/y.py"}, "b", "n"));
  EXPECT_EQ(planned(plan), (Names{"lint", "api-unit"}));
  EXPECT_EQ(find(plan, "api-unit").reason,
            "changed: libs/common/x.py under libs/common (and 1 more)");
  EXPECT_EQ(find(plan, "lint").reason, "in flow 'branches:feature/*'");
  EXPECT_EQ(left_out(plan),
            (Names{"worker-unit", "web-unit", "build-common", "web-e2e", "api-int"}));
  EXPECT_EQ(plan.left_out[0].reason, "no changes under services/worker");
  EXPECT_EQ(plan.left_out[1].reason, "no changes under web, web/Dockerfile");
  EXPECT_EQ(plan.left_out[2].reason, "only needed by jobs that were not selected");
  EXPECT_EQ(plan.images, (Names{"test"}));
}

TEST(Selection, PathPrefixesAreWholeSegments) {
  const auto s = parse(k_spec);
  const Plan plan = feature_plan(s, ChangeSet::listed({"services/apix/a.py"}, "b", "n"));
  EXPECT_EQ(planned(plan), (Names{"lint"}));
}

TEST(Selection, NeedsOfASelectedJobComeAlong) {
  const auto s = parse(k_spec);
  const Plan plan = feature_plan(s, ChangeSet::listed({"services/api/main.py"}, "b", "n"));
  EXPECT_EQ(planned(plan), (Names{"lint", "api-unit", "build-common", "api-int"}));
  EXPECT_EQ(find(plan, "build-common").reason, "needed by 'api-int'");
  // levels stay valid: every need sits in an earlier level
  ASSERT_EQ(plan.levels.size(), 2u);
  EXPECT_EQ(plan.levels[1][0].name, "api-int");
}

TEST(Selection, ANeededJobWithPathsRunsWhenItsNeederRuns) {
  const auto s = parse(k_spec);
  const Plan plan = feature_plan(s, ChangeSet::listed({"e2e/login.spec"}, "b", "n"));
  EXPECT_EQ(planned(plan), (Names{"lint", "web-unit", "web-e2e"}));
  EXPECT_EQ(find(plan, "web-unit").reason, "needed by 'web-e2e'");
  EXPECT_EQ(plan.images, (Names{"test", "web"}));
}

TEST(Selection, AnImageWithPathsSelectsItsJobs) {
  const auto s = parse(k_spec);
  const Plan plan = feature_plan(s, ChangeSet::listed({"web/Dockerfile"}, "b", "n"));
  EXPECT_EQ(planned(plan), (Names{"lint", "web-unit", "web-e2e"}));
  EXPECT_EQ(find(plan, "web-unit").reason, "changed: web/Dockerfile under web");
  EXPECT_EQ(find(plan, "web-e2e").reason, "changed: web/Dockerfile under web");
}

TEST(Selection, NoChangesRunsOnlyJobsWithoutPaths) {
  const auto s = parse(k_spec);
  const Plan plan = feature_plan(s, ChangeSet::listed({}, "b", "n"));
  EXPECT_EQ(planned(plan), (Names{"lint"}));
  EXPECT_EQ(plan.left_out.size(), 6u);
}

TEST(Selection, TheReleaseImageStaysWithTheRelease) {
  const auto s = parse(k_spec);
  const Plan plan = select_changes(s, plan_for_ref(s, {spec::RefKind::branch, "develop"}),
                                   ChangeSet::listed({"README"}, "b", "n"));
  EXPECT_TRUE(planned(plan).empty());
  EXPECT_EQ(plan.images, (Names{"release"}));
  EXPECT_TRUE(plan.release);
}

TEST(Selection, ExplicitJobListsAreSelectedToo) {
  const auto s = parse(k_spec);
  const Plan plan = select_changes(s, plan_for_jobs(s, {"api-int", "worker-unit"}),
                                   ChangeSet::listed({"services/worker/w.py"}, "b", "n"));
  EXPECT_EQ(planned(plan), (Names{"worker-unit"}));
  EXPECT_EQ(left_out(plan), (Names{"build-common", "api-int"}));
}

}  // namespace
}  // namespace pw
