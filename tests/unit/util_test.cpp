#include <gtest/gtest.h>

#include "util/duration.hpp"
#include "util/edit_distance.hpp"
#include "util/glob.hpp"

namespace pw {
namespace {

using namespace std::chrono_literals;

TEST(EditDistance, CountsInsertionsDeletionsSubstitutionsAndSwaps) {
  EXPECT_EQ(edit_distance("image", "image"), 0u);
  EXPECT_EQ(edit_distance("imgae", "image"), 1u);  // a swap is one typo
  EXPECT_EQ(edit_distance("imgea", "image"), 2u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(ClosestMatch, SuggestsOnlyPlausibleTypos) {
  const std::vector<std::string> keys = {"image", "needs", "services", "timeout"};
  EXPECT_EQ(closest_match("imgae", keys), "image");
  EXPECT_EQ(closest_match("need", keys), "needs");
  EXPECT_EQ(closest_match("servies", keys), "services");
  EXPECT_EQ(closest_match("banana", keys), std::nullopt);
  EXPECT_EQ(closest_match("x", keys), std::nullopt);
}

TEST(Duration, ParsesUnitsAndCombinations) {
  EXPECT_EQ(parse_duration("90s").value(), 90s);
  EXPECT_EQ(parse_duration("5m").value(), 5min);
  EXPECT_EQ(parse_duration("1h30m").value(), 90min);
  EXPECT_EQ(parse_duration("250ms").value(), 250ms);
  EXPECT_EQ(parse_duration("1m30s").value(), 90s);
}

TEST(Duration, RejectsMalformedText) {
  EXPECT_EQ(parse_duration("90").error(), "missing unit after '90' (use h, m, s or ms)");
  EXPECT_EQ(parse_duration("").error(), "empty duration");
  EXPECT_EQ(parse_duration("-5s").error(), "expected a number at '-5s'");
  EXPECT_EQ(parse_duration("5 m").error(), "unknown unit ' m' after '5' (use h, m, s or ms)");
  EXPECT_EQ(parse_duration("1d").error(), "unknown unit 'd' after '1' (use h, m, s or ms)");
  EXPECT_EQ(parse_duration("1.5m").error(),
            "fractions are not supported; combine units instead, e.g. 1m30s");
  EXPECT_EQ(parse_duration("99999999h").error(), "longer than 596h, the longest allowed");
}

TEST(Duration, FormatsCompactly) {
  EXPECT_EQ(format_duration(250ms), "250ms");
  EXPECT_EQ(format_duration(1200ms), "1.2s");
  EXPECT_EQ(format_duration(90min), "1h30m");
  EXPECT_EQ(format_duration(61s), "1m1s");
}

TEST(Glob, StarStaysInOneSegmentAndDoubleStarCrosses) {
  EXPECT_TRUE(glob_match("feature/*", "feature/x"));
  EXPECT_FALSE(glob_match("feature/*", "feature/x/y"));
  EXPECT_TRUE(glob_match("release/**", "release/2024/01"));
  EXPECT_TRUE(glob_match("release/**", "release"));
  EXPECT_TRUE(glob_match("release/**/rc-*", "release/rc-1"));
  EXPECT_TRUE(glob_match("release/**/rc-*", "release/2024/rc-1"));
  // A single '*' next to '**' still stays within its segment.
  EXPECT_FALSE(glob_match("release/**/rc-*", "release/1/rc-2/x"));
  EXPECT_TRUE(glob_match("**", "a/b/c"));
  EXPECT_FALSE(glob_match("feature/*", "feature"));
  EXPECT_TRUE(glob_match("main", "main"));
  EXPECT_FALSE(glob_match("main", "maint"));
  EXPECT_TRUE(glob_match("v[0-9]*", "v1.2.3"));
  EXPECT_FALSE(glob_match("v[0-9]*", "vx"));
}

}  // namespace
}  // namespace pw
