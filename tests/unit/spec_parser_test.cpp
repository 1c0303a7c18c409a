// What the loader builds from valid input, where the corpus (spec_corpus_test) can only show
// that nothing was reported: merge-key precedence, variables using variables, defaults, and
// load_spec's rendering of every problem into one SpecError.

#include <gtest/gtest.h>

#include <fstream>

#include "core/error.hpp"
#include "spec/load.hpp"
#include "spec/parser.hpp"
#include "spec/validator.hpp"
#include "util/temp_dir.hpp"

namespace pw::spec {
namespace {

using namespace std::chrono_literals;

std::optional<std::string> ci_env(std::string_view name) {
  if (name == "CI_TAG")
    return std::string("from-ci");
  return std::nullopt;
}

Spec parsed(const std::string& source) {
  Diagnostics diagnostics;
  Spec spec = parse_spec(source, ci_env, diagnostics);
  for (const auto& d : diagnostics.sorted())
    ADD_FAILURE() << d.pos.line << ":" << d.pos.col << ": " << d.message;
  return spec;
}

std::string value_of(const VarList& vars, const std::string& name) {
  for (const auto& [key, value] : vars) {
    if (key == name)
      return value.value;
  }
  return "<unset>";
}

TEST(SpecParser, MergeKeysFollowYamlPrecedence) {
  const Spec spec = parsed(R"(version: 1
name: merges
jobs:
  base: &base { image: test, run: base, timeout: 1m, env: { A: base } }
  mid: &mid { <<: *base, run: mid }
  top:
    <<: [*mid, { timeout: 2m, workdir: /w }]
    env: { B: top }
)");
  const Job* mid = spec.find_job("mid");
  ASSERT_NE(mid, nullptr);
  EXPECT_EQ(mid->run.value, "mid");  // explicit beats merged
  EXPECT_EQ(mid->timeout, 1min);     // merged from base
  const Job* top = spec.find_job("top");
  ASSERT_NE(top, nullptr);
  EXPECT_EQ(top->image->value, "test");  // through mid's own merge of base
  EXPECT_EQ(top->run.value, "mid");      // mid's own key beats what mid merged
  EXPECT_EQ(top->timeout, 1min);         // the earlier mapping of the list wins
  EXPECT_EQ(top->workdir, "/w");         // only the later mapping has it
  ASSERT_EQ(top->env.size(), 1u);        // explicit env replaces, never deep-merges
  EXPECT_EQ(value_of(top->env, "B"), "top");
  // A merged key keeps the position where it was written, for diagnostics.
  EXPECT_EQ(top->run.pos, (SourcePos{5, 31}));
}

TEST(SpecParser, VariablesUseTheEnvironmentAndVariablesAboveThem) {
  const Spec spec = parsed(R"(version: 1
name: vars
variables:
  CI_TAG: spec-default
  BASE: registry.local
  IMAGE: "${BASE}/app:${CI_TAG}"
registry: ${IMAGE}
jobs:
  unit: { host: true, run: "echo ${IMAGE}", env: { TAG: "${CI_TAG}", LIT: "$${CI_TAG}" } }
)");
  EXPECT_EQ(value_of(spec.variables, "IMAGE"), "registry.local/app:from-ci");  // CI wins
  EXPECT_EQ(spec.registry, "registry.local/app:from-ci");
  const Job* unit = spec.find_job("unit");
  ASSERT_NE(unit, nullptr);
  EXPECT_EQ(unit->run.value, "echo ${IMAGE}");  // commands are the shell's business
  EXPECT_EQ(value_of(unit->env, "TAG"), "from-ci");
  EXPECT_EQ(value_of(unit->env, "LIT"), "${CI_TAG}");
}

TEST(SpecParser, EmptyBodiesTakeEveryDefault) {
  const Spec spec = parsed(R"(version: 1
name: defaults
images:
  test:
jobs:
  unit: { image: test, run: "true" }
environments:
  integration:
)");
  ASSERT_EQ(spec.images.size(), 1u);
  EXPECT_EQ(spec.images[0].dockerfile.value, "Dockerfile");
  EXPECT_EQ(spec.images[0].context.value, ".");
  EXPECT_EQ(spec.registry, "localhost:5000/defaults");
  ASSERT_EQ(spec.environments.size(), 1u);
  EXPECT_FALSE(spec.environments[0].git_tag);
  EXPECT_EQ(spec.environments[0].tag, "integration");
  EXPECT_EQ(spec.environments[0].repository, "localhost:5000/defaults");
  EXPECT_EQ(spec.jobs[0].timeout, 1h);
}

// An empty repository: only its root directory exists.
class EmptyRepositoryProbe final : public PathProbe {
 public:
  PathState probe(std::string_view path) const override {
    return path == "." ? PathState::directory : PathState::missing;
  }
};

TEST(SpecParser, MissingDefaultDockerfileIsReportedAtTheImageName) {
  Diagnostics diagnostics;
  const Spec spec =
      parse_spec("version: 1\nname: d\nimages:\n  test:\njobs: {}\n", ci_env, diagnostics);
  validate_spec(spec, EmptyRepositoryProbe(), diagnostics);
  ASSERT_EQ(diagnostics.size(), 1u);
  const Diagnostic d = diagnostics.sorted()[0];
  EXPECT_EQ(d.pos, (SourcePos{4, 3}));
  EXPECT_EQ(d.span, 4);
  EXPECT_EQ(d.message, "image 'test' gives no 'dockerfile' and there is no 'Dockerfile' file");
  EXPECT_EQ(d.hint,
            "the default is the Dockerfile at the top of the build context; add dockerfile: PATH "
            "(relative to the repository root)");
}

TEST(SpecParser, LoadSpecRendersEveryProblemIntoOneError) {
  const TempDir dir("pw-parser");
  std::ofstream(dir.path() / "pipewright.yaml")
      << "version: 1\nname: demo\njobs:\n"
         "  unit: { image: tset, run: x }\n"
         "  lint: { host: true, run: x, needs: [unti] }\n";
  try {
    load_spec({dir.path() / "pipewright.yaml", dir.path(), ci_env});
    FAIL() << "an invalid spec was accepted";
  } catch (const SpecError& e) {
    const std::string file = (dir.path() / "pipewright.yaml").string();
    EXPECT_EQ(std::string(e.what()), "invalid spec " + file + " (2 errors)");
    EXPECT_EQ(e.details(), file +
                               ":4:18: error: unknown image 'tset' in job 'unit'\n"
                               " 4 |   unit: { image: tset, run: x }\n"
                               "   |                  ^~~~\n"
                               "  hint: no image is defined\n" +
                               file +
                               ":5:39: error: unknown job 'unti' in 'needs' of job 'lint'\n"
                               " 5 |   lint: { host: true, run: x, needs: [unti] }\n"
                               "   |                                       ^~~~\n"
                               "  hint: did you mean 'unit'?\n");
  }
}

TEST(SpecParser, LoadSpecStopsAfterSyntaxErrors) {
  // Nothing usable was read: the semantic checks would only add noise.
  const TempDir dir("pw-parser");
  std::ofstream(dir.path() / "p.yaml") << "version: 1\nname: [unclosed\n";
  try {
    load_spec({dir.path() / "p.yaml", dir.path(), ci_env});
    FAIL() << "an invalid spec was accepted";
  } catch (const SpecError& e) {
    EXPECT_NE(std::string(e.what()).find("(1 error)"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace pw::spec
