#include "plan/graph.hpp"

#include <gtest/gtest.h>

namespace pw {
namespace {

using Names = std::vector<std::string>;

TEST(Graph, LevelsPutEachNodeAfterEverythingItNeeds) {
  Graph g;
  g.add_node("unit");
  g.add_node("lint");
  g.add_edge("integration", "unit");
  g.add_edge("deploy", "integration");
  g.add_edge("deploy", "lint");
  const auto levels = g.levels({"unit", "lint", "integration", "deploy"});
  ASSERT_EQ(levels.size(), 3u);
  EXPECT_EQ(levels[0], (Names{"unit", "lint"}));
  EXPECT_EQ(levels[1], (Names{"integration"}));
  EXPECT_EQ(levels[2], (Names{"deploy"}));
}

TEST(Graph, LevelsIgnoreNodesOutsideTheSelection) {
  Graph g;
  g.add_edge("b", "a");
  g.add_edge("c", "b");
  EXPECT_EQ(g.levels({"c"}), (std::vector<Names>{{"c"}}));
}

TEST(Graph, ClosureFollowsNeedsTransitively) {
  Graph g;
  g.add_edge("c", "b");
  g.add_edge("b", "a");
  g.add_node("d");
  EXPECT_EQ(g.closure({"c"}), (Names{"c", "b", "a"}));
  EXPECT_EQ(g.closure({"d"}), (Names{"d"}));
  EXPECT_EQ(g.closure({"unknown"}), Names{});
}

TEST(Graph, FindsACycleAsAClosedPath) {
  Graph g;
  g.add_edge("a", "b");
  g.add_edge("b", "c");
  g.add_edge("c", "a");
  g.add_edge("d", "a");
  EXPECT_EQ(g.find_cycle(), (Names{"a", "b", "c", "a"}));
}

TEST(Graph, AcyclicGraphHasNoCycle) {
  Graph g;
  g.add_edge("a", "b");
  g.add_edge("a", "c");
  g.add_edge("b", "c");
  EXPECT_EQ(g.find_cycle(), std::nullopt);
}

TEST(Graph, LongChainsDoNotExhaustTheStack) {
  Graph g;
  const int n = 50'000;
  for (int i = 1; i < n; ++i)
    g.add_edge(std::to_string(i), std::to_string(i - 1));
  EXPECT_EQ(g.find_cycle(), std::nullopt);
  EXPECT_EQ(g.levels({std::to_string(n - 1)}).size(), 1u);
  EXPECT_EQ(g.closure({std::to_string(n - 1)}).size(), static_cast<std::size_t>(n));
  Names all;
  for (int i = 0; i < n; ++i)
    all.push_back(std::to_string(i));
  EXPECT_EQ(g.levels(all).size(), static_cast<std::size_t>(n));
}

}  // namespace
}  // namespace pw
