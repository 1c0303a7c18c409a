// Data-driven validation tests: every tests/specs/bad/NAME.yaml comes with NAME.expected, the
// exact diagnostics ("LINE:COL: MESSAGE", then "  hint: HINT" when there is one) that
// validating it must produce, in order. Paths in the specs resolve against tests/specs/repo.
// Every tests/specs/good/*.yaml must validate without a single diagnostic.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "spec/parser.hpp"
#include "spec/path_probe.hpp"
#include "spec/validator.hpp"

namespace pw::spec {
namespace {

namespace fs = std::filesystem;

const fs::path k_specs = fs::path(PIPEWRIGHT_TEST_DATA) / "specs";

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A fixed environment so that expansion results do not depend on the machine.
std::optional<std::string> fixed_env(std::string_view name) {
  if (name == "REGISTRY")
    return "registry.example:5000";
  if (name == "EMPTY")
    return "";
  return std::nullopt;
}

std::string diagnose(const fs::path& file) {
  Diagnostics diagnostics;
  const Spec spec = parse_spec(read(file), fixed_env, diagnostics);
  validate_spec(spec, DiskPathProbe(k_specs / "repo"), diagnostics);
  std::string out;
  for (const auto& d : diagnostics.sorted()) {
    out += std::to_string(d.pos.line) + ":" + std::to_string(d.pos.col) + ": " + d.message + "\n";
    if (!d.hint.empty())
      out += "  hint: " + d.hint + "\n";
  }
  return out;
}

std::vector<fs::path> specs_in(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".yaml")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// gtest names cannot hold '-' or '.'.
std::string test_name(const testing::TestParamInfo<fs::path>& param) {
  std::string name = param.param.stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)))
      c = '_';
  }
  return name;
}

class BadSpec : public testing::TestWithParam<fs::path> {};

TEST_P(BadSpec, ReportsExactlyTheExpectedDiagnostics) {
  const fs::path spec = GetParam();
  fs::path expected = spec;
  expected.replace_extension(".expected");
  ASSERT_TRUE(fs::exists(expected)) << "missing " << expected;
  const std::string wanted = read(expected);
  ASSERT_FALSE(wanted.empty()) << expected << " must list at least one diagnostic";
  EXPECT_EQ(diagnose(spec), wanted) << "for " << spec;
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadSpec, testing::ValuesIn(specs_in(k_specs / "bad")), test_name);

class GoodSpec : public testing::TestWithParam<fs::path> {};

TEST_P(GoodSpec, ValidatesWithoutDiagnostics) {
  EXPECT_EQ(diagnose(GetParam()), "");
}

INSTANTIATE_TEST_SUITE_P(Corpus, GoodSpec, testing::ValuesIn(specs_in(k_specs / "good")),
                         test_name);

}  // namespace
}  // namespace pw::spec
