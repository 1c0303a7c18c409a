#include "plan/plan.hpp"

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
name: demo
images:
  test: { dockerfile: cicd/build/Dockerfile }
  release: { dockerfile: cicd/release/Dockerfile }
  tools: { dockerfile: cicd/tools/Dockerfile }
services:
  db: { image: postgres:15, ready: { tcp: 5432 } }
jobs:
  unit: { image: test, run: "true" }
  lint: { image: test, run: "true" }
  integration: { image: release, needs: [unit], services: [db], run: "true" }
  report: { host: true, needs: [integration, lint], run: "true" }
  smoke: { image: tools, run: "true" }
  canary: { image: release, run: "true" }
environments:
  integration: {}
  staging: { git_tag: Staging, from: integration, verify: [smoke, canary] }
flows:
  - { branches: ["feature/*"], run: [unit, lint] }
  - { branches: [develop], run: [report], release: true }
  - { branches: [main, "release/**"], promote: staging }
)";

Names names_of(const std::vector<PlannedJob>& level) {
  Names out;
  for (const auto& job : level)
    out.push_back(job.name);
  return out;
}

TEST(Plan, FeatureBranchRunsItsFlowJobsWithTheTestImage) {
  const auto s = parse(k_spec);
  const Plan plan = plan_for_ref(s, {spec::RefKind::branch, "feature/login"});
  ASSERT_NE(plan.flow, nullptr);
  ASSERT_EQ(plan.levels.size(), 1u);
  EXPECT_EQ(names_of(plan.levels[0]), (Names{"unit", "lint"}));
  EXPECT_EQ(plan.images, (Names{"test"}));
  EXPECT_FALSE(plan.release);
  EXPECT_EQ(plan.levels[0][0].reason, "in flow 'branches:feature/*'");
}

TEST(Plan, NeedsArePulledInAndOrderedByLevel) {
  const auto s = parse(k_spec);
  const Plan plan = plan_for_ref(s, {spec::RefKind::branch, "develop"});
  ASSERT_EQ(plan.levels.size(), 3u);
  EXPECT_EQ(names_of(plan.levels[0]), (Names{"unit", "lint"}));
  EXPECT_EQ(names_of(plan.levels[1]), (Names{"integration"}));
  EXPECT_EQ(names_of(plan.levels[2]), (Names{"report"}));
  EXPECT_EQ(plan.levels[1][0].reason, "needed by 'report'");
  EXPECT_EQ(plan.levels[1][0].services, (Names{"db"}));
  EXPECT_EQ(plan.levels[2][0].place, "host");
  EXPECT_TRUE(plan.release);
  EXPECT_EQ(plan.images, (Names{"test", "release"}));
}

TEST(Plan, PromotionBringsTheVerifyJobsImages) {
  const auto s = parse(k_spec);
  const Plan plan = plan_for_ref(s, {spec::RefKind::branch, "release/2026/11"});
  EXPECT_EQ(plan.promote, "staging");
  EXPECT_EQ(plan.verify, (Names{"smoke", "canary"}));
  // canary runs in the release image, which is promoted by digest, never rebuilt.
  EXPECT_EQ(plan.images, (Names{"tools"}));
  EXPECT_TRUE(plan.levels.empty());
}

TEST(Plan, NoMatchingFlowMeansNothingToRun) {
  const auto s = parse(k_spec);
  const Plan plan = plan_for_ref(s, {spec::RefKind::branch, "experiment"});
  EXPECT_EQ(plan.flow, nullptr);
  EXPECT_TRUE(plan.levels.empty());
  EXPECT_TRUE(plan.images.empty());
  // A tag is not a branch, even with the same name.
  EXPECT_EQ(plan_for_ref(s, {spec::RefKind::tag, "main"}).flow, nullptr);
}

TEST(Plan, OnlyNamedJobsLeaveTheirNeedsOut) {
  const auto s = parse(k_spec);
  const Plan plan = plan_for_jobs(s, {"report"}, NeedsScope::named_only);
  ASSERT_EQ(plan.levels.size(), 1u);
  EXPECT_EQ(names_of(plan.levels[0]), Names{"report"});
  EXPECT_TRUE(plan.levels[0][0].needs.empty()) << "needs outside the plan are not waited for";
  EXPECT_TRUE(plan.images.empty()) << "a host job needs no image";
  // Named jobs that need each other keep that order.
  const Plan two = plan_for_jobs(s, {"integration", "unit"}, NeedsScope::named_only);
  ASSERT_EQ(two.levels.size(), 2u);
  EXPECT_EQ(names_of(two.levels[0]), Names{"unit"});
  EXPECT_EQ(names_of(two.levels[1]), Names{"integration"});
  EXPECT_EQ(two.levels[1][0].needs, Names{"unit"});
}

TEST(Plan, NamedJobsBringWhatTheyNeed) {
  const auto s = parse(k_spec);
  const Plan plan = plan_for_jobs(s, {"integration"});
  Names order;
  for (const auto* job : jobs_in_order(plan))
    order.push_back(job->name);
  EXPECT_EQ(order, (Names{"unit", "integration"}));
  EXPECT_EQ(plan.images, (Names{"test", "release"}));
}

TEST(Plan, NoNamedJobsMeansAllJobs) {
  const auto s = parse(k_spec);
  EXPECT_EQ(jobs_in_order(plan_for_jobs(s, {})).size(), 6u);
}

}  // namespace
}  // namespace pw
