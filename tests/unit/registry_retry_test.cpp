// Retry decisions, Retry-After parsing and the backoff schedule (src/registry/retry.hpp).

#include <gtest/gtest.h>

#include "registry/retry.hpp"

namespace pw::registry {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

TEST(RegistryRetry, RetryableStatuses) {
  for (long s : {500L, 502L, 503L, 504L, 429L}) {
    EXPECT_TRUE(is_retryable_status(s)) << s;
  }
  for (long s : {200L, 201L, 202L, 400L, 401L, 403L, 404L, 501L, 505L}) {
    EXPECT_FALSE(is_retryable_status(s)) << s;
  }
}

TEST(RegistryRetry, RetryAfterSeconds) {
  auto now = std::chrono::system_clock::now();
  EXPECT_EQ(parse_retry_after("120", now), milliseconds(120'000));
  EXPECT_EQ(parse_retry_after(" 0 ", now), milliseconds(0));
  EXPECT_EQ(parse_retry_after("99999999999999999999999", now), milliseconds(86'400'000));
  EXPECT_FALSE(parse_retry_after("", now));
  EXPECT_FALSE(parse_retry_after("-1", now));
  EXPECT_FALSE(parse_retry_after("1.5", now));
  EXPECT_FALSE(parse_retry_after("soon", now));
}

TEST(RegistryRetry, RetryAfterHttpDate) {
  // 1994-11-06T08:49:37Z
  auto date = std::chrono::system_clock::from_time_t(784111777);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", date - 10s), milliseconds(10'000));
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", date + 10s), milliseconds(0));
  EXPECT_FALSE(parse_retry_after("Sun, 06 Nov 1994 08:49:37 PST", date));
}

TEST(RegistryRetry, ExponentialBackoffCapped) {
  RetryPolicy policy{10, 500ms, 30s};
  EXPECT_EQ(backoff_delay(policy, 1, std::nullopt), 500ms);
  EXPECT_EQ(backoff_delay(policy, 2, std::nullopt), 1000ms);
  EXPECT_EQ(backoff_delay(policy, 3, std::nullopt), 2000ms);
  EXPECT_EQ(backoff_delay(policy, 7, std::nullopt), 30s);
  EXPECT_EQ(backoff_delay(policy, 1000, std::nullopt), 30s);
}

TEST(RegistryRetry, RetryAfterWinsButIsCapped) {
  RetryPolicy policy{5, 500ms, 30s};
  EXPECT_EQ(backoff_delay(policy, 1, 7s), 7s);
  EXPECT_EQ(backoff_delay(policy, 1, 0ms), 0ms);
  EXPECT_EQ(backoff_delay(policy, 4, std::chrono::hours(1)), 30s);
}

}  // namespace
}  // namespace pw::registry
