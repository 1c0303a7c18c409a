#include "ci/ci_export.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <random>
#include <regex>

#include "ci/export_glob.hpp"
#include "ci/export_model.hpp"
#include "core/error.hpp"
#include "spec/load.hpp"
#include "support/spec_text.hpp"
#include "util/glob.hpp"

namespace pw::ci {
namespace {

using Names = std::vector<std::string>;

spec::Spec parse(const std::string& text) {
  return test::parse_spec_text(text);
}

spec::Spec load(const std::string& file, const std::string& root) {
  const std::string source = PIPEWRIGHT_SOURCE_DIR;
  return spec::load_spec(spec::LoadRequest{source + "/" + file, source + "/" + root,
                                           [](std::string_view) { return std::nullopt; }, nullptr});
}

Names strings(const YAML::Node& node) {
  Names out;
  for (const auto& item : node)
    out.push_back(item.IsMap() ? item["job"].as<std::string>() : item.as<std::string>());
  return out;
}

// The GitLab regex of a rule's `if:` as a std::regex (ECMAScript, like gitlab-ci-local's
// JavaScript): "$CI_COMMIT_BRANCH =~ /RE/" → RE.
std::string regex_of(const std::string& condition) {
  const auto open = condition.find("=~ /");
  const auto close = condition.rfind('/');
  return condition.substr(open + 4, close - open - 4);
}

const std::string k_spec = R"(
version: 1
name: demo
images:
  test: { dockerfile: Dockerfile }
  release: { dockerfile: Dockerfile }
jobs:
  unit: { image: test, run: "true", reports: { junit: unit.xml } }
  lint: { image: test, run: "true" }
  integration: { image: release, needs: [unit], run: "true" }
  smoke: { image: release, run: "true" }
  manual-only: { image: test, needs: [lint], run: "true" }
  image: { image: test, run: "true" }
environments:
  integration: {}
  staging: { git_tag: Staging, from: integration, verify: [smoke] }
  production: { git_tag: Production, from: staging, approval: { approvers: [alice] } }
flows:
  - { branches: ["feature/**"], run: [unit, lint, image] }
  - { branches: [develop], run: [integration, smoke], release: true }
  - { branches: [main, master], promote: staging }
  - { tags: ["v[0-9]*"], promote: production }
)";

TEST(CiExportGitlab, MirrorsJobsNeedsAndFlows) {
  const auto s = parse(k_spec);
  const std::string text = export_gitlab(s, {});
  const YAML::Node doc = YAML::Load(text);
  EXPECT_EQ(doc["variables"]["PIPEWRIGHT"].as<std::string>(), "pipewright");
  EXPECT_EQ(strings(doc["stages"]), (Names{"test", "release", "promote"}));
  const YAML::Node unit = doc["unit"];
  ASSERT_TRUE(unit.IsMap());
  EXPECT_EQ(strings(unit["needs"]), Names{});
  EXPECT_EQ(unit["script"][0].as<std::string>(),
            "\"$PIPEWRIGHT\" run --only unit --junit .pipewright/ci/junit/unit.xml");
  EXPECT_EQ(unit["artifacts"]["reports"]["junit"].as<std::string>(),
            ".pipewright/ci/junit/unit.xml");
  // unit runs on feature/** and (as integration's need) on develop.
  ASSERT_EQ(unit["rules"].size(), 2u);
  EXPECT_EQ(unit["rules"][0]["if"].as<std::string>(),
            "$CI_COMMIT_BRANCH =~ /^feature(\\/[^\\/]*)*$/");
  EXPECT_FALSE(unit["rules"][0]["when"]);
  EXPECT_EQ(unit["rules"][1]["if"].as<std::string>(), "$CI_COMMIT_BRANCH =~ /^develop$/");
  const YAML::Node integration = doc["integration"];
  EXPECT_EQ(strings(integration["needs"]), Names{"unit"});
  EXPECT_FALSE(integration["artifacts"]["reports"]);
  // Only develop: the feature flow comes first and does not run it, so it says never.
  ASSERT_EQ(integration["rules"].size(), 2u);
  EXPECT_EQ(integration["rules"][0]["when"].as<std::string>(), "never");
  EXPECT_FALSE(integration["rules"][1]["when"]);
  // A job no flow runs is manual and does not block; its needs are optional.
  const YAML::Node manual = doc["manual-only"];
  EXPECT_EQ(manual["rules"][0]["if"].as<std::string>(), "$CI_COMMIT_BRANCH || $CI_COMMIT_TAG");
  EXPECT_EQ(manual["rules"][0]["when"].as<std::string>(), "manual");
  EXPECT_TRUE(manual["allow_failure"].as<bool>());
  EXPECT_TRUE(manual["needs"][0]["optional"].as<bool>());
  // A job named like a top-level keyword gets a prefix.
  EXPECT_FALSE(doc["image"].IsDefined() && doc["image"].IsMap() && doc["image"]["script"]);
  EXPECT_EQ(doc["job:image"]["script"][0].as<std::string>(), "\"$PIPEWRIGHT\" run --only image");
}

TEST(CiExportGitlab, ReleaseAndManualPromotionsBoundToEnvironments) {
  const auto s = parse(k_spec);
  const YAML::Node doc = YAML::Load(export_gitlab(s, {}));
  const YAML::Node release = doc["pipewright:release"];
  EXPECT_EQ(release["stage"].as<std::string>(), "release");
  ASSERT_EQ(release["rules"].size(), 2u);
  EXPECT_EQ(release["rules"][0]["when"].as<std::string>(), "never");
  EXPECT_EQ(release["rules"][1]["if"].as<std::string>(), "$CI_COMMIT_BRANCH =~ /^develop$/");
  EXPECT_EQ(release["script"][1].as<std::string>(), "\"$PIPEWRIGHT\" release");
  const YAML::Node staging = doc["promote:staging"];
  EXPECT_EQ(staging["environment"]["name"].as<std::string>(), "staging");
  const YAML::Node last = staging["rules"][staging["rules"].size() - 1];
  EXPECT_EQ(last["if"].as<std::string>(),
            "$CI_COMMIT_BRANCH =~ /^main$/ || $CI_COMMIT_BRANCH =~ /^master$/");
  EXPECT_EQ(last["when"].as<std::string>(), "manual");
  EXPECT_EQ(staging["script"][1].as<std::string>(), "\"$PIPEWRIGHT\" promote staging");
  const YAML::Node production = doc["promote:production"];
  ASSERT_EQ(production["rules"].size(), 1u);
  EXPECT_EQ(production["rules"][0]["if"].as<std::string>(), "$CI_COMMIT_TAG =~ /^v[0-9][^\\/]*$/");
  EXPECT_EQ(production["script"][1].as<std::string>(),
            "\"$PIPEWRIGHT\" promote production --approved-by \"$GITLAB_USER_LOGIN\"");
  // No flow promotes to integration: manual everywhere, not blocking.
  EXPECT_EQ(doc["promote:integration"]["rules"][0]["when"].as<std::string>(), "manual");
  EXPECT_TRUE(doc["promote:integration"]["allow_failure"].as<bool>());
}

TEST(CiExportGitlab, HeaderAndSpecPathAreQuoted) {
  const auto s = parse(k_spec);
  ExportSettings settings;
  settings.spec_path = "ci/my spec's.yaml";
  const std::string text = export_gitlab(s, settings);
  EXPECT_EQ(text.rfind("# Generated by pipewright from ci/my spec's.yaml: do not edit.\n", 0), 0u);
  EXPECT_NE(text.find("# Regenerate with: pipewright -f 'ci/my spec'\\''s.yaml' ci export gitlab"),
            std::string::npos);
  const YAML::Node doc = YAML::Load(text);
  EXPECT_EQ(doc["lint"]["script"][0].as<std::string>(),
            "\"$PIPEWRIGHT\" -f 'ci/my spec'\\''s.yaml' run --only lint");
  settings.spec_path = "evil\n  injected: true";
  const std::string evil = export_gitlab(s, settings);
  EXPECT_EQ(evil.find("\n  injected"), std::string::npos);
  EXPECT_FALSE(YAML::Load(evil)["injected"]);
}

TEST(CiExportGitlab, HostilePatternsAndNamesStayData) {
  const auto s = parse(R"SPEC(
version: 1
name: demo
jobs:
  "yes": { host: true, run: "true" }
  "123": { host: true, needs: ["yes"], run: "true" }
  on: { host: true, run: "true" }
flows:
  - { branches: ["feature/$(touch x)", "a.b+c|d/**/[!x]?"], run: ["123"] }
  - { tags: ["release-'\"*"], run: [on] }
)SPEC");
  const std::string text = export_gitlab(s, {});
  const YAML::Node doc = YAML::Load(text);
  ASSERT_TRUE(doc["yes"].IsMap());
  ASSERT_TRUE(doc["123"].IsMap());
  EXPECT_EQ(strings(doc["123"]["needs"]), Names{"yes"});
  EXPECT_EQ(doc["123"]["rules"][0]["if"].as<std::string>(),
            "$CI_COMMIT_BRANCH =~ /^feature\\/\\$\\(touch x\\)$/ || "
            "$CI_COMMIT_BRANCH =~ /^a\\.b\\+c\\|d(\\/[^\\/]*)*\\/[^\\/x][^\\/]$/");
  EXPECT_EQ(doc["on"]["rules"][0]["if"].as<std::string>(),
            "$CI_COMMIT_TAG =~ /^release-'\"[^\\/]*$/");
  const std::regex tag(regex_of(doc["on"]["rules"][0]["if"].as<std::string>()));
  EXPECT_TRUE(std::regex_search("release-'\"1.0", tag));
  EXPECT_FALSE(std::regex_search("release-'\"1/0", tag));
  // A YAML 1.1 reader (GitLab's) must not take these keys for a boolean or a number.
  EXPECT_NE(text.find("\n'yes':"), std::string::npos);
  EXPECT_NE(text.find("\n'123':"), std::string::npos);
  EXPECT_NE(text.find("\n'on':"), std::string::npos);
}

// Every generated regex accepts exactly what glob_match accepts (ECMAScript, as in
// gitlab-ci-local; GitLab's RE2 agrees on this subset).
TEST(CiExportGlob, RegexAgreesWithGlobMatch) {
  const Names patterns = {"main",    "feature/*",       "feature/**", "**",
                          "**/x",    "release/**/rc-*", "a/**/**/b",  "v[0-9]*",
                          "[!a]?",   "x\\*y",           "a.b",        "[a-c]/[[:digit:]]",
                          "*",       "a/*/b",           "[]]x",       "[!]]",
                          "**/a/**", "a+(b)|c",         "[\\]a]",     "x["};
  std::mt19937 random(42);
  const std::string alphabet = "ab/x1]*.+(|[";
  std::vector<std::string> names = {"",
                                    "a",
                                    "main",
                                    "feature",
                                    "feature/",
                                    "feature/x",
                                    "feature/x/y",
                                    "release",
                                    "release/rc-1",
                                    "release/2026/rc-1",
                                    "release/1/rc-2/x",
                                    "v1.2",
                                    "a.b",
                                    "axb",
                                    "x*y",
                                    "xay"};
  for (int i = 0; i < 3000; ++i) {
    std::string name;
    const int length = static_cast<int>(random() % 7);
    for (int k = 0; k < length; ++k)
      name += alphabet[random() % alphabet.size()];
    names.push_back(name);
  }
  for (const auto& pattern : patterns) {
    const std::regex re(glob_to_regex(pattern), std::regex::ECMAScript);
    for (const auto& name : names) {
      if (name.empty())
        continue;
      EXPECT_EQ(std::regex_search(name, re), glob_match(pattern, name))
          << "pattern '" << pattern << "' regex '" << glob_to_regex(pattern) << "' name '" << name
          << "'";
    }
  }
}

TEST(CiExportGlob, RandomPatternsAgreeWithGlobMatch) {
  std::mt19937 random(7);
  const std::vector<std::string> pieces = {"a", "b", "*", "?", "/", "**", "[ab]", "[!a]", "."};
  const std::string alphabet = "ab/.c";
  for (int p = 0; p < 300; ++p) {
    std::string pattern;
    const int length = 1 + static_cast<int>(random() % 5);
    for (int k = 0; k < length; ++k)
      pattern += pieces[random() % pieces.size()];
    const std::regex re(glob_to_regex(pattern), std::regex::ECMAScript);
    for (int n = 0; n < 200; ++n) {
      std::string name;
      const int size = 1 + static_cast<int>(random() % 6);
      for (int k = 0; k < size; ++k)
        name += alphabet[random() % alphabet.size()];
      ASSERT_EQ(std::regex_search(name, re), glob_match(pattern, name))
          << "pattern '" << pattern << "' regex '" << glob_to_regex(pattern) << "' name '" << name
          << "'";
    }
  }
}

TEST(CiExportGlob, GithubFiltersAreSupersets) {
  EXPECT_EQ(glob_to_github_filters("main"), Names{"main"});
  EXPECT_EQ(glob_to_github_filters("feature/*"), Names{"feature/*"});
  EXPECT_EQ(glob_to_github_filters("feature/**"), (Names{"feature/**", "feature"}));
  EXPECT_EQ(glob_to_github_filters("**/x"), Names{"**"});
  EXPECT_EQ(glob_to_github_filters("v[0-9]*"), Names{"*"});
  EXPECT_EQ(glob_to_github_filters("a/b?/c"), Names{"a/*/c"});
  EXPECT_EQ(glob_to_github_filters("!x"), Names{"*"});
}

const std::string k_github_spec = R"(
version: 1
name: demo
jobs:
  unit: { host: true, run: "true", reports: { junit: u.xml } }
  1st.check: { host: true, needs: [unit], run: "true" }
environments:
  staging: {}
  production: { from: staging, approval: {} }
flows:
  - { branches: ["feature/**"], run: [unit] }
  - { branches: [develop], run: [1st.check], release: true }
  - { branches: [main], promote: staging }
  - { tags: ["v*"], promote: production }
)";

TEST(CiExportGithub, JobsIdsNeedsAndPlanDrivenConditions) {
  const auto s = parse(k_github_spec);
  const std::string text = export_github(s, {});
  const YAML::Node doc = YAML::Load(text);
  EXPECT_EQ(strings(doc["on"]["push"]["branches"]),
            (Names{"feature/**", "feature", "develop", "main"}));
  EXPECT_EQ(strings(doc["on"]["push"]["tags"]), Names{"v*"});
  EXPECT_EQ(strings(doc["on"]["workflow_dispatch"]["inputs"]["promote"]["options"]),
            (Names{"none", "staging", "production"}));
  const YAML::Node jobs = doc["jobs"];
  ASSERT_TRUE(jobs["pipewright-plan"].IsMap());
  const YAML::Node check = jobs["_1st_check"];
  ASSERT_TRUE(check.IsMap());
  EXPECT_EQ(check["name"].as<std::string>(), "1st.check");
  EXPECT_EQ(strings(check["needs"]), (Names{"pipewright-plan", "unit"}));
  EXPECT_EQ(check["if"].as<std::string>(),
            "contains(fromJSON(needs.pipewright-plan.outputs.jobs), '1st.check')");
  EXPECT_EQ(check["steps"][1]["run"].as<std::string>(), "\"$PIPEWRIGHT\" run --only 1st.check");
  EXPECT_EQ(jobs["unit"]["steps"][2]["uses"].as<std::string>(), "actions/upload-artifact@v4");
  const YAML::Node release = jobs["pipewright-release"];
  EXPECT_EQ(strings(release["needs"]), (Names{"pipewright-plan", "unit", "_1st_check"}));
  EXPECT_NE(release["if"].as<std::string>().find("outputs.release == 'true'"), std::string::npos);
  const YAML::Node production = jobs["promote-production"];
  EXPECT_EQ(production["environment"].as<std::string>(), "production");
  EXPECT_NE(production["if"].as<std::string>().find("outputs.promote == 'production'"),
            std::string::npos);
  EXPECT_NE(production["steps"][1]["run"].as<std::string>().find(
                "\"$PIPEWRIGHT\" promote production --approved-by \"$GITHUB_TRIGGERING_ACTOR\""),
            std::string::npos);
  const std::string plan = jobs["pipewright-plan"]["steps"][1]["run"].as<std::string>();
  EXPECT_NE(plan.find("\"$PIPEWRIGHT\" plan \"$kind\" \"$GITHUB_REF_NAME\" --json"),
            std::string::npos);
}

TEST(CiExportGithub, IdClashIsAnError) {
  const auto s = parse(R"(
version: 1
name: demo
jobs:
  a.b: { host: true, run: "true" }
  a_b: { host: true, run: "true" }
)");
  try {
    (void)export_github(s, {});
    FAIL() << "expected a SpecError";
  } catch (const SpecError& e) {
    EXPECT_NE(std::string(e.what()).find("job 'a.b' and job 'a_b' both become job id 'a_b'"),
              std::string::npos)
        << e.what();
  }
  const auto generated = parse(R"(
version: 1
name: demo
jobs:
  promote-staging: { host: true, run: "true" }
environments:
  staging: {}
)");
  EXPECT_THROW((void)export_github(generated, {}), SpecError);
  EXPECT_NO_THROW((void)export_gitlab(generated, {}));
}

TEST(CiExport, TemplateSpec) {
  const auto s = load("pipelines/template.yaml", ".");
  ExportSettings settings;
  settings.spec_path = "pipelines/template.yaml";
  const YAML::Node gitlab = YAML::Load(export_gitlab(s, settings));
  for (const char* job : {"unit", "lint", "security", "integration", "smoke"})
    EXPECT_TRUE(gitlab[job].IsMap()) << job;
  EXPECT_EQ(strings(gitlab["integration"]["needs"]), Names{"unit"});
  EXPECT_EQ(gitlab["unit"]["script"][0].as<std::string>(),
            "\"$PIPEWRIGHT\" -f pipelines/template.yaml run --only unit --junit "
            ".pipewright/ci/junit/unit.xml");
  EXPECT_EQ(gitlab["promote:production"]["rules"][0]["if"].as<std::string>(),
            "$CI_COMMIT_TAG =~ /^v[^\\/]*$/");
  EXPECT_TRUE(gitlab["pipewright:release"].IsMap());
  const YAML::Node github = YAML::Load(export_github(s, settings));
  EXPECT_EQ(strings(github["jobs"]["integration"]["needs"]), (Names{"pipewright-plan", "unit"}));
}

TEST(CiExport, QuickstartSpec) {
  const auto s = load("examples/quickstart/pipewright.yaml", "examples/quickstart");
  const YAML::Node gitlab = YAML::Load(export_gitlab(s, {}));
  EXPECT_EQ(strings(gitlab["integration"]["needs"]), Names{"unit"});
  EXPECT_EQ(gitlab["smoke"]["rules"].size(), 2u);
  EXPECT_EQ(gitlab["promote:staging"]["environment"]["name"].as<std::string>(), "staging");
  const YAML::Node github = YAML::Load(export_github(s, {}));
  EXPECT_TRUE(github["jobs"]["promote-production"].IsMap());
}

TEST(CiExport, LargePipelineIsFastDeterministicAndComplete) {
  std::string text = "version: 1\nname: big\njobs:\n";
  for (int i = 0; i < 200; ++i) {
    text += "  job" + std::to_string(i) + ": { host: true, run: \"true\"";
    if (i > 0)
      text += ", needs: [job" + std::to_string(i - 1) + (i > 1 ? ", job0" : "") + "]";
    text += " }\n";
  }
  text += "flows:\n";
  for (int f = 0; f < 20; ++f)
    text += "  - { branches: [\"team" + std::to_string(f) + "/**\"], run: [job" +
            std::to_string(f * 10) + "] }\n";
  const auto s = parse(text);
  const auto start = std::chrono::steady_clock::now();
  const std::string gitlab = export_gitlab(s, {});
  const std::string github = export_github(s, {});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(2));
  EXPECT_EQ(gitlab, export_gitlab(s, {}));
  const YAML::Node doc = YAML::Load(gitlab);
  EXPECT_EQ(strings(doc["job199"]["needs"]), (Names{"job198", "job0"}));
  // job0 is needed by every flow; job199 by none (manual).
  EXPECT_EQ(doc["job0"]["rules"].size(), 20u);
  EXPECT_EQ(doc["job199"]["rules"][0]["when"].as<std::string>(), "manual");
  // job100 is run by flows 10..19 only: flows 0..9 come first and say never.
  EXPECT_EQ(doc["job100"]["rules"][0]["when"].as<std::string>(), "never");
  EXPECT_FALSE(doc["job100"]["rules"][19]["when"]);
  EXPECT_EQ(YAML::Load(github)["jobs"].size(), 201u);
}

}  // namespace
}  // namespace pw::ci
