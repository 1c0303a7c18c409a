// Hostile input through the spec loader: deep nesting, alias and merge bombs, huge files,
// binary garbage, huge names and very large (but valid) specs. Each must end in clear
// diagnostics within bounded time and memory: never a crash, a hang or a flood of output.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "core/error.hpp"
#include "spec/load.hpp"
#include "spec/parser.hpp"
#include "spec/validator.hpp"
#include "util/temp_dir.hpp"

namespace pw::spec {
namespace {

std::optional<std::string> no_env(std::string_view /*name*/) {
  return std::nullopt;
}

// Every path exists, as a file or as a directory as asked: these tests are not about paths.
class AnyPathProbe final : public PathProbe {
 public:
  PathState probe(std::string_view relative) const override {
    return relative.find("Dockerfile") != std::string_view::npos ? PathState::file
                                                                 : PathState::directory;
  }
};

// Parses and validates source. "Bounded time" is enforced by the CTest timeout of the unit
// tests (a hang or a quadratic blow-up fails there); speed itself is measured in bench/.
Diagnostics check(const std::string& source) {
  Diagnostics diagnostics;
  const Spec spec = parse_spec(source, no_env, diagnostics);
  validate_spec(spec, AnyPathProbe(), diagnostics);
  const std::string rendered = render("hostile.yaml", source, diagnostics.sorted());
  // Output stays short whatever the input: at most k_max_diagnostics (+1 summary) entries,
  // each with a bounded message, hint and source excerpt.
  EXPECT_LT(rendered.size(), (k_max_diagnostics + 1) * 4 * k_max_message_bytes);
  return diagnostics;
}

std::vector<std::string> messages(const Diagnostics& diagnostics) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics.sorted())
    out.push_back(d.message);
  return out;
}

std::string repeat(const std::string& text, std::size_t n) {
  std::string out;
  out.reserve(text.size() * n);
  for (std::size_t i = 0; i < n; ++i)
    out += text;
  return out;
}

const std::string k_header = "version: 1\nname: hostile\n";

TEST(SpecHostile, HundredThousandNestedSequencesGiveOneDiagnostic) {
  const auto d = check(k_header + "jobs: " + repeat("[", 100'000) + repeat("]", 100'000) + "\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d.sorted()[0].message, "the YAML is nested too deeply");
  EXPECT_EQ(d.sorted()[0].pos.line, 3);
}

TEST(SpecHostile, HundredThousandNestedFlowMapsGiveOneDiagnostic) {
  const auto d =
      check(k_header + "jobs: " + repeat("{a: ", 100'000) + "x" + repeat("}", 100'000) + "\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d.sorted()[0].message, "the YAML is nested too deeply");
}

TEST(SpecHostile, DeeplyIndentedBlockMapsGiveOneDiagnostic) {
  std::string source = k_header + "jobs:\n";
  for (std::size_t depth = 1; depth <= 2'500; ++depth)
    source += std::string(depth, ' ') + "a:\n";
  const auto d = check(source);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d.sorted()[0].message, "the YAML is nested too deeply");
}

TEST(SpecHostile, UnclosedNestingGivesOneDiagnostic) {
  const auto d = check(k_header + "jobs: " + repeat("[", 100'000) + "\n");
  ASSERT_EQ(d.size(), 1u);
}

// Billion laughs: ten levels of nine aliases each, 9^10 leaves if anything expanded them.
std::string laughs() {
  std::string out = "  a: &a [x, x, x, x, x, x, x, x, x]\n";
  const std::string names = "abcdefghij";
  for (std::size_t i = 1; i < names.size(); ++i) {
    std::string items;
    for (int k = 0; k < 9; ++k)
      items += std::string(k ? ", " : "") + "*" + names[i - 1];
    out += std::string("  ") + names[i] + ": &" + names[i] + " [" + items + "]\n";
  }
  return out;
}

TEST(SpecHostile, AliasBombUnderVariablesIsATypeError) {
  const auto d = check(k_header + "variables:\n" + laughs() + "  V: *j\njobs: {}\n");
  const auto all = messages(d);
  EXPECT_NE(
      std::find(all.begin(), all.end(), "'V' in 'variables' must be a string, not a sequence"),
      all.end());
  EXPECT_LE(d.size(), 11u);  // the ten anchors and V, each one type error
}

TEST(SpecHostile, AliasBombWhereListsAreReadStaysBounded) {
  // The bomb is defined under an environment's approvers and used everywhere a list of
  // names is read: each use is read one level deep (nine type errors), never expanded.
  std::string source = k_header +
                       "images:\n  test: { dockerfile: Dockerfile }\n"
                       "environments:\n  staging:\n    approval:\n      approvers:\n" +
                       laughs() +
                       "jobs:\n"
                       "  x: { image: test, run: x, needs: *j, services: *j, secrets: *j,"
                       " paths: *j, env: { E: *j }, reports: { junit: *j } }\n"
                       "  y: { image: test, run: *j, timeout: *j, workdir: *j }\n"
                       "flows:\n  - { branches: *j, run: *j, promote: *j }\n";
  const auto d = check(source);
  EXPECT_GT(d.size(), 0u);
  const auto all = messages(d);
  EXPECT_NE(std::find(all.begin(), all.end(),
                      "each entry of 'needs' of job 'x' must be a string, not a sequence"),
            all.end());
  EXPECT_NE(
      std::find(all.begin(), all.end(), "'E' in 'env' of job 'x' must be a string, not a sequence"),
      all.end());
}

TEST(SpecHostile, MergeBombIsMergedOnce) {
  // m1 merges m0 nine times, m2 merges m1 nine times, ...: 9^10 merges if repeats were walked.
  std::string source = k_header + "jobs:\n  j0: &m0 { host: true, run: x }\n";
  for (int level = 1; level <= 10; ++level) {
    std::string items;
    for (int k = 0; k < 9; ++k)
      items += std::string(k ? ", " : "") + "*m" + std::to_string(level - 1);
    source += "  j" + std::to_string(level) + ": &m" + std::to_string(level) + " { <<: [" + items +
              "] }\n";
  }
  const auto d = check(source);
  EXPECT_TRUE(d.empty()) << messages(d)[0];
}

TEST(SpecHostile, TooManyMergedMappingsAreRefused) {
  std::string items;
  for (int k = 0; k <= 1000; ++k)
    items += (k ? ", {K" : "{K") + std::to_string(k) + ": x}";
  const auto d = check(k_header + "variables: { <<: [" + items + "] }\njobs: {}\n");
  const auto all = messages(d);
  EXPECT_NE(std::find(all.begin(), all.end(), "too many merge keys '<<' in 'variables'"),
            all.end());
}

TEST(SpecHostile, TenMegabyteSourceIsRefusedBeforeParsing) {
  const auto d = check(k_header + "jobs: {}\n# " + std::string(10 * 1024 * 1024, 'x') + "\n");
  ASSERT_EQ(d.size(), 1u);
  const Diagnostic first = d.sorted()[0];
  EXPECT_EQ(first.pos.line, 0);
  EXPECT_EQ(first.message, "the spec is 10240 KiB; the limit is 4096 KiB");
}

TEST(SpecHostile, LoadSpecRefusesAHugeFileWithoutReadingIt) {
  const TempDir dir("pw-hostile");
  const auto file = dir.path() / "pipewright.yaml";
  std::ofstream(file) << "version: 1\n";
  // Sparse: reading it all would take a gigabyte of memory and a long while.
  std::filesystem::resize_file(file, std::uintmax_t{1} << 30);
  try {
    load_spec({file, dir.path(), no_env});
    FAIL() << "a 1 GiB spec was accepted";
  } catch (const SpecError& e) {
    EXPECT_NE(std::string(e.what()).find("is 1048576 KiB; the limit is 4096 KiB"),
              std::string::npos)
        << e.what();
  }
}

TEST(SpecHostile, LoadSpecReadsAnEndlessDeviceOnlyUpToTheLimit) {
  // /dev/zero has no size to check first: the read itself must stop.
  try {
    load_spec({"/dev/zero", "/", no_env});
    FAIL() << "/dev/zero was accepted";
  } catch (const SpecError& e) {
    EXPECT_NE(std::string(e.what()).find("is larger than 4096 KiB"), std::string::npos) << e.what();
  }
}

TEST(SpecHostile, NulByteIsReportedWhereItIs) {
  const auto d = check(std::string("version: 1\nname: a\0b\njobs: {}\n", 30));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d.sorted()[0].message, "the spec contains a NUL byte");
  EXPECT_EQ(d.sorted()[0].pos, (SourcePos{2, 8}));
}

TEST(SpecHostile, InvalidUtf8IsReportedWhereItIs) {
  for (const std::string bad :
       {"\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xff", "\xe2\x82"}) {
    const auto d = check("version: 1\nname: x" + bad + "\njobs: {}\n");
    ASSERT_EQ(d.size(), 1u) << bad;
    EXPECT_EQ(d.sorted()[0].pos, (SourcePos{2, 8})) << bad;
    EXPECT_EQ(d.sorted()[0].message.rfind("the spec is not UTF-8: byte 0x", 0), 0u) << bad;
  }
}

TEST(SpecHostile, Utf16IsRefusedAsNotUtf8) {
  const auto d = check(std::string("\xff\xfev\0e\0r\0", 8));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d.sorted()[0].message, "the spec is not UTF-8: byte 0xFF is not valid here");
}

TEST(SpecHostile, Utf8TextAndByteOrderMarkAreFine) {
  const auto d = check(
      "\xef\xbb\xbfversion: 1\nname: caf\xc3\xa9-\xe2\x9c\x93\njobs:\n"
      "  unit: { host: true, run: \"echo \xf0\x9f\x9a\x80\" }\n");
  // Only the project name is refused (names are ASCII), not the encoding.
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d.sorted()[0].message.rfind("invalid project name", 0), 0u);
}

TEST(SpecHostile, RandomBytesGiveDiagnosticsNotCrashes) {
  std::mt19937 rng(20240601);
  for (int round = 0; round < 300; ++round) {
    std::string blob(1 + rng() % 4096, '\0');
    for (char& c : blob)
      c = static_cast<char>(rng() % 256);
    EXPECT_FALSE(check(blob).empty()) << "round " << round;
  }
}

TEST(SpecHostile, MutatedSpecsNeverCrash) {
  // Printable mutations of a valid spec reach deep into the reader and the validator.
  const std::string valid = k_header +
                            "images:\n  test: { dockerfile: Dockerfile }\n"
                            "services:\n  db: { image: postgres, ready: { tcp: 5432 } }\n"
                            "jobs:\n  unit: &u { image: test, run: \"${A:-x}\", needs: [lint] }\n"
                            "  lint: { <<: *u, needs: [], services: [db], timeout: 5m }\n"
                            "environments:\n  staging: { git_tag: Staging }\n"
                            "  production: { from: staging }\n"
                            "flows:\n  - { branches: [main], run: [unit], promote: staging }\n";
  ASSERT_TRUE(check(valid).empty());
  const std::string alphabet = "{}[],:&*!|>'\"#%@`-?<$ \n\tabz019";
  std::mt19937 rng(7);
  for (int round = 0; round < 2'000; ++round) {
    std::string mutated = valid;
    for (int edits = 1 + static_cast<int>(rng() % 4); edits > 0; --edits) {
      const std::size_t at = rng() % mutated.size();
      const char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0:
          mutated[at] = c;
          break;
        case 1:
          mutated.insert(mutated.begin() + static_cast<std::ptrdiff_t>(at), c);
          break;
        default:
          mutated.erase(at, 1);
          break;
      }
    }
    check(mutated);  // any diagnostics, but no crash, no hang, bounded output
  }
}

TEST(SpecHostile, ThousandJobsWithNeedsChainsValidate) {
  std::string source = k_header + "jobs:\n";
  for (int i = 0; i < 1000; ++i) {
    std::string needs;
    if (i >= 1)
      needs += "j" + std::to_string(i - 1);
    if (i >= 2)
      needs += ", j" + std::to_string(i - 2);
    if (i >= 10)
      needs += ", j" + std::to_string(i / 10);
    source += "  j" + std::to_string(i) + ": { host: true, run: \"make " + std::to_string(i) +
              "\", needs: [" + needs + "] }\n";
  }
  source += "flows:\n  - { branches: [main], run: [j999] }\n";
  const auto d = check(source);
  EXPECT_TRUE(d.empty()) << messages(d)[0];
}

TEST(SpecHostile, ThousandJobCycleIsOneDiagnostic) {
  std::string source = k_header + "jobs:\n";
  for (int i = 0; i < 1000; ++i) {
    source += "  j" + std::to_string(i) + ": { host: true, run: x, needs: [j" +
              std::to_string((i + 1) % 1000) + "] }\n";
  }
  const auto d = check(source);
  ASSERT_EQ(d.size(), 1u);
  const Diagnostic cycle = d.sorted()[0];
  EXPECT_EQ(cycle.pos, (SourcePos{4, 3}));
  EXPECT_EQ(cycle.message,
            "jobs need each other in a cycle: j0 → j1 → j2 → j3 → j4 → ... 990 more ... → "
            "j995 → j996 → j997 → j998 → j999 → j0");
}

TEST(SpecHostile, HugeNeedsListIsCountedNotFlooded) {
  // Fifty thousand unknown names: every one is counted, a hundred are kept (with their
  // "did you mean"), the rest summarised.
  std::string needs;
  for (int i = 0; i < 50'000; ++i)
    needs += (i ? ",b" : "b") + std::to_string(i % 10);
  const auto d = check(k_header + "jobs:\n  a: { host: true, run: x, needs: [" + needs +
                       "] }\n  b: { host: true, run: x }\n");
  EXPECT_EQ(d.size(), 50'000u);
  const auto sorted = d.sorted();
  ASSERT_EQ(sorted.size(), k_max_diagnostics + 1);
  EXPECT_EQ(sorted.front().message, "unknown job 'b0' in 'needs' of job 'a'");
  EXPECT_EQ(sorted.front().hint, "did you mean 'b'?");
  EXPECT_EQ(sorted.back().message, "49900 more problems not shown");
  EXPECT_EQ(sorted.back().pos.line, 0);
}

TEST(SpecHostile, ManyKeysInOneMappingStayLinear) {
  // Duplicate keys are found by hashing: 50k variables must not cost 50k x 50k comparisons.
  std::string source = k_header + "variables:\n";
  for (int i = 0; i < 50'000; ++i)
    source += "  V" + std::to_string(i) + ": x\n";
  source += "  V7: again\njobs: {}\n";
  const auto d = check(source);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d.sorted()[0].message, "duplicate key 'V7' in 'variables'");
}

TEST(SpecHostile, HugeNamesGetNoCostlySuggestionAndShortMessages) {
  // Two megabyte-long names one letter apart: "did you mean" would cost 10^12 steps.
  const std::string name(1 << 20, 'a');
  const auto d = check(k_header + "jobs:\n  " + name + ": { host: true, run: x }\n" +
                       "  b: { host: true, run: x, needs: [" + name + "b] }\n");
  ASSERT_FALSE(d.empty());
  for (const auto& diagnostic : d.sorted()) {
    EXPECT_LE(diagnostic.message.size(), k_max_message_bytes + 3);
    EXPECT_EQ(diagnostic.hint.find("did you mean"), std::string::npos);
  }
}

TEST(SpecHostile, AliasedHugeValueIsNotCopiedWithoutBound) {
  // One 1 MiB scalar named by an alias in 4000 places: 4 GiB if every use were copied.
  std::string uses;
  for (int i = 0; i < 4000; ++i)
    uses += (i ? ", *big" : "*big");
  const auto d = check(k_header + "variables:\n  BIG: &big " + std::string(1 << 20, 'v') +
                       "\njobs:\n  a: { host: true, run: x, needs: [" + uses + "] }\n");
  ASSERT_EQ(d.size(), 1u) << messages(d)[0];
  EXPECT_EQ(d.sorted()[0].message, "the spec holds more than 64 MiB of text (aliases included)");
}

TEST(SpecHostile, AliasedBigMappingIsNotReadWithoutBound) {
  // A mapping of 20k keys used as env by 2000 jobs: 40M keys to copy.
  std::string keys;
  for (int i = 0; i < 20'000; ++i)
    keys += (i ? ", K" : "K") + std::to_string(i) + ": v";
  std::string source = k_header + "variables: &m { " + keys + " }\njobs:\n";
  for (int i = 0; i < 2000; ++i) {
    source += "  j" + std::to_string(i) + ": { host: true, run: x, env: *m }\n";
  }
  const auto d = check(source);
  ASSERT_EQ(d.size(), 1u) << messages(d)[0];
  EXPECT_EQ(d.sorted()[0].message,
            "the spec holds more than 250000 keys and values (aliases included)");
}

}  // namespace
}  // namespace pw::spec
