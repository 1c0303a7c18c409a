#include <gtest/gtest.h>

#include "promote/policy.hpp"

namespace {

using pw::promote::FromCheck;
using pw::promote::policy_refusals;
using pw::promote::PolicyInput;

const std::string k_commit(40, 'c');
const std::string k_other(40, 'b');

PolicyInput allowed() {
  PolicyInput in;
  in.environment = "production";
  in.commit = k_commit;
  in.has_artifact = true;
  in.from = "staging";
  in.from_commit = k_commit;
  return in;
}

struct Case {
  const char* name;
  void (*edit)(PolicyInput&);
  const char* expected;  ///< substring of the single refusal; nullptr: allowed
};

const Case k_cases[] = {
    {"allowed", [](PolicyInput&) {}, nullptr},
    {"no_artifact", [](PolicyInput& in) { in.has_artifact = false; }, "run 'pipewright release'"},
    {"from_holds_nothing", [](PolicyInput& in) { in.from_commit.reset(); },
     "run 'pipewright promote staging' first"},
    {"not_what_from_holds", [](PolicyInput& in) { in.from_commit = k_other; },
     "is not what 'staging' holds (bbbbbbbbbbbb)"},
    {"rollback_skips_from",
     [](PolicyInput& in) {
       in.from_commit = k_other;
       in.from_check = FromCheck::skip;
     },
     nullptr},
    {"no_from_rule",
     [](PolicyInput& in) {
       in.from.reset();
       in.from_commit.reset();
     },
     nullptr},
    {"approval_missing", [](PolicyInput& in) { in.approval_required = true; },
     "pass --approved-by NAME"},
    {"approval_missing_lists_approvers",
     [](PolicyInput& in) {
       in.approval_required = true;
       in.approvers = {"alice", "bob"};
     },
     "(one of: alice, bob)"},
    {"approval_by_anyone",
     [](PolicyInput& in) {
       in.approval_required = true;
       in.approved_by = "carol";
     },
     nullptr},
    {"approval_by_listed",
     [](PolicyInput& in) {
       in.approval_required = true;
       in.approvers = {"alice", "bob"};
       in.approved_by = "bob";
     },
     nullptr},
    {"approval_by_unlisted",
     [](PolicyInput& in) {
       in.approval_required = true;
       in.approvers = {"alice"};
       in.approved_by = "mallory";
     },
     "'mallory' may not approve promotions to 'production'; approvers: alice"},
    {"approval_not_required_ignores_name", [](PolicyInput& in) { in.approved_by = "anyone"; },
     nullptr},
};

TEST(PromotePolicyTest, Table) {
  for (const Case& c : k_cases) {
    SCOPED_TRACE(c.name);
    PolicyInput in = allowed();
    c.edit(in);
    const auto refusals = policy_refusals(in);
    if (c.expected == nullptr) {
      EXPECT_TRUE(refusals.empty()) << refusals.front();
    } else {
      ASSERT_EQ(refusals.size(), 1u);
      EXPECT_NE(refusals.front().find(c.expected), std::string::npos) << refusals.front();
    }
  }
}

TEST(PromotePolicyTest, EveryBrokenRuleIsReported) {
  PolicyInput in = allowed();
  in.has_artifact = false;
  in.from_commit = k_other;
  in.approval_required = true;
  EXPECT_EQ(policy_refusals(in).size(), 3u);
}

}  // namespace
