// Rendering of spec diagnostics (spec/diagnostic.hpp): "FILE:LINE:COL: error: MESSAGE", the
// source line, a caret (and '~' span) under the column, a hint line; and how Diagnostics
// sorts, caps and bounds what it keeps.

#include <gtest/gtest.h>

#include <string>

#include "spec/diagnostic.hpp"

namespace pw::spec {
namespace {

std::string one(const std::string& source, Diagnostic d) {
  return render("f.yaml", source, {d});
}

TEST(SpecDiagnostic, CaretUnderTheColumn) {
  const std::string source = "version: 1\njobs:\n  unit: { image: tset }\n";
  EXPECT_EQ(one(source, {{3, 18}, "unknown image 'tset'", "", 1}),
            "f.yaml:3:18: error: unknown image 'tset'\n"
            " 3 |   unit: { image: tset }\n"
            "   |                  ^\n");
}

TEST(SpecDiagnostic, SpanIsUnderlinedWithTildes) {
  const std::string source = "version: 1\njobs:\n  unit: { image: tset }\n";
  EXPECT_EQ(one(source, {{3, 18}, "unknown image 'tset'", "did you mean 'test'?", 4}),
            "f.yaml:3:18: error: unknown image 'tset'\n"
            " 3 |   unit: { image: tset }\n"
            "   |                  ^~~~\n"
            "  hint: did you mean 'test'?\n");
}

TEST(SpecDiagnostic, SpanStopsAtTheEndOfTheLine) {
  EXPECT_EQ(one("a: bc\n", {{1, 4}, "m", "", 50}),
            "f.yaml:1:4: error: m\n"
            " 1 | a: bc\n"
            "   |    ^~\n");
}

TEST(SpecDiagnostic, CaretAtTheEndOfALineAndOnAnEmptyLine) {
  EXPECT_EQ(one("key:\n", {{1, 5}, "m", "", 3}),
            "f.yaml:1:5: error: m\n"
            " 1 | key:\n"
            "   |     ^\n");
  EXPECT_EQ(one("a: 1\n", {{2, 1}, "end", "", 1}),
            "f.yaml:2:1: error: end\n"
            " 2 | \n"
            "   | ^\n");
}

TEST(SpecDiagnostic, TabsAreKeptSoTheCaretLinesUp) {
  EXPECT_EQ(one("jobs:\n\t\tunit: x\n", {{2, 3}, "tab", "", 4}),
            "f.yaml:2:3: error: tab\n"
            " 2 | \t\tunit: x\n"
            "   | \t\t^~~~\n");
  EXPECT_EQ(one("a:\t\tb\n", {{1, 5}, "mixed", "", 1}),
            "f.yaml:1:5: error: mixed\n"
            " 1 | a:\t\tb\n"
            "   |   \t\t^\n");
}

TEST(SpecDiagnostic, NonAsciiTextTakesOneColumnPerCharacter) {
  // "café: x": columns count bytes (é is two), the caret counts characters.
  EXPECT_EQ(one("caf\xc3\xa9: xy\n", {{1, 8}, "m", "", 2}),
            "f.yaml:1:8: error: m\n"
            " 1 | caf\xc3\xa9: xy\n"
            "   |       ^~\n");
  EXPECT_EQ(one("n: \xe2\x9c\x93\xe2\x9c\x93 z\n", {{1, 4}, "m", "", 6}),
            "f.yaml:1:4: error: m\n"
            " 1 | n: \xe2\x9c\x93\xe2\x9c\x93 z\n"
            "   |    ^~\n");
}

TEST(SpecDiagnostic, HintLineWithoutASpan) {
  EXPECT_EQ(one("x: 1\n", {{1, 1}, "msg", "do this", 1}),
            "f.yaml:1:1: error: msg\n"
            " 1 | x: 1\n"
            "   | ^\n"
            "  hint: do this\n");
}

TEST(SpecDiagnostic, LineZeroHasNoPositionAndNoSourceLine) {
  EXPECT_EQ(one("x: 1\n", {{}, "the spec is 10240 KiB; the limit is 4096 KiB", "too big", 1}),
            "f.yaml: error: the spec is 10240 KiB; the limit is 4096 KiB\n"
            "  hint: too big\n");
}

TEST(SpecDiagnostic, LineNumbersOfDifferentWidthsAlign) {
  std::string source;
  for (int i = 1; i <= 120; ++i)
    source += "k" + std::to_string(i) + ": v\n";
  EXPECT_EQ(one(source, {{117, 2}, "m", "", 3}),
            "f.yaml:117:2: error: m\n"
            " 117 | k117: v\n"
            "     |  ^~~\n");
}

TEST(SpecDiagnostic, CarriageReturnsAreNotShown) {
  EXPECT_EQ(one("a: 1\r\nb: 2\r\n", {{2, 4}, "m", "", 1}),
            "f.yaml:2:4: error: m\n"
            " 2 | b: 2\n"
            "   |    ^\n");
}

TEST(SpecDiagnostic, LongLinesAreCutAroundTheColumn) {
  const std::string line = std::string(500, 'a') + "XYZ" + std::string(500, 'b');
  const std::string out = one(line + "\n", {{1, 501}, "here", "", 3});
  // 80 columns of context before the spot, 160 shown in all, "..." on both cut sides.
  const std::string shown = "..." + std::string(80, 'a') + "XYZ" + std::string(77, 'b') + "...";
  const std::string caret = std::string(83, ' ') + "^~~";
  EXPECT_EQ(out, "f.yaml:1:501: error: here\n 1 | " + shown + "\n   | " + caret + "\n");
}

TEST(SpecDiagnostic, LongLineCutOnlyAtTheEndNearItsStart) {
  const std::string line = "k: " + std::string(400, 'v');
  const std::string out = one(line + "\n", {{1, 4}, "m", "", 1000});
  const std::string shown = "k: " + std::string(157, 'v') + "...";
  const std::string caret = "   ^" + std::string(156, '~');
  EXPECT_EQ(out, "f.yaml:1:4: error: m\n 1 | " + shown + "\n   | " + caret + "\n");
}

TEST(SpecDiagnostic, ControlCharactersNeverReachTheTerminal) {
  // A hostile spec could carry escape sequences in values and in the source line.
  const std::string evil = "\x1b]0;owned\x07\x1b[2J";
  const std::string out = one("name: " + evil + "\n", {{1, 7}, "bad name '" + evil + "'", evil, 1});
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  EXPECT_EQ(out.find('\x07'), std::string::npos);
  EXPECT_EQ(out,
            "f.yaml:1:7: error: bad name '?]0;owned??[2J'\n"
            " 1 | name: ?]0;owned??[2J\n"
            "   |       ^\n"
            "  hint: ?]0;owned??[2J\n");
  // C1 controls (U+0080..U+009F, e.g. CSI) and bytes that are not UTF-8 are replaced too.
  EXPECT_EQ(one("a: \xc2\x9b"
                "2J \xff\n",
                {{1, 4}, "m", "", 1}),
            "f.yaml:1:4: error: m\n"
            " 1 | a: ??2J ?\n"
            "   |    ^\n");
}

TEST(SpecDiagnostic, SeveralDiagnosticsRenderInTheOrderGiven) {
  const std::string source = "a: 1\nb: 2\n";
  EXPECT_EQ(render("s.yaml", source, {{{2, 1}, "second", "", 1}, {{1, 1}, "first", "", 1}}),
            "s.yaml:2:1: error: second\n"
            " 2 | b: 2\n"
            "   | ^\n"
            "s.yaml:1:1: error: first\n"
            " 1 | a: 1\n"
            "   | ^\n");
}

TEST(SpecDiagnostic, SortedByLineThenColumnStably) {
  Diagnostics d;
  d.error({3, 5}, "c");
  d.error({1, 9}, "b");
  d.error({1, 2}, "a");
  d.error({3, 5}, "c2");
  d.error({}, "whole file");
  std::vector<std::string> order;
  for (const auto& x : d.sorted())
    order.push_back(x.message);
  EXPECT_EQ(order, (std::vector<std::string>{"whole file", "a", "b", "c", "c2"}));
}

TEST(SpecDiagnostic, KeepsAHundredAndCountsTheRest) {
  Diagnostics d;
  for (int i = 0; i < 250; ++i)
    d.error({i + 1, 1}, "problem " + std::to_string(i));
  EXPECT_EQ(d.size(), 250u);
  EXPECT_TRUE(d.full());
  const auto sorted = d.sorted();
  ASSERT_EQ(sorted.size(), k_max_diagnostics + 1);
  EXPECT_EQ(sorted[99].message, "problem 99");
  EXPECT_EQ(sorted.back().message, "150 more problems not shown");
  EXPECT_EQ(sorted.back().hint, "fix the ones above first");
  EXPECT_EQ(render("f", "", {sorted.back()}),
            "f: error: 150 more problems not shown\n  hint: fix the ones above first\n");
}

TEST(SpecDiagnostic, LongMessagesAreCutAtACharacterBoundary) {
  Diagnostics d;
  // 999 ASCII bytes then a two-byte character straddling the limit.
  d.error({1, 1}, std::string(999, 'm') + "\xc3\xa9tail", std::string(5000, 'h'));
  const Diagnostic kept = d.sorted()[0];
  EXPECT_EQ(kept.message, std::string(999, 'm') + "...");
  EXPECT_EQ(kept.hint, std::string(1000, 'h') + "...");
}

TEST(SpecDiagnostic, SpanIsAtLeastOne) {
  Diagnostics d;
  d.error({1, 1}, "m", "", 0);
  d.error({1, 1}, "n", "", -4);
  for (const auto& x : d.sorted())
    EXPECT_EQ(x.span, 1);
}

}  // namespace
}  // namespace pw::spec
