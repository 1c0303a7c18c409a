#include "run/scheduler.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "spec/parser.hpp"

namespace pw::run {
namespace {

using namespace std::chrono_literals;

// Records start/end order and the highest concurrency; outcomes come from a table.
class FakeExecutor : public JobExecutor {
 public:
  std::map<std::string, JobOutcome> outcome_of;
  std::map<std::string, std::chrono::milliseconds> duration_of;
  std::vector<std::string> started, finished;
  std::map<std::string, std::string> skipped_because;
  int running = 0, max_running = 0;
  bool saw_stop = false;

  JobOutcome execute(const PlannedJob& job, const std::atomic<bool>& stop) override {
    {
      std::lock_guard lock(mutex_);
      started.push_back(job.name);
      max_running = std::max(max_running, ++running);
    }
    auto deadline = std::chrono::steady_clock::now() + duration_of[job.name];
    bool stopped = false;
    while (std::chrono::steady_clock::now() < deadline) {
      if (stop.load()) {
        stopped = true;
        break;
      }
      std::this_thread::sleep_for(2ms);
    }
    std::lock_guard lock(mutex_);
    --running;
    finished.push_back(job.name);
    if (stopped) {
      saw_stop = true;
      return JobOutcome::cancelled;
    }
    auto it = outcome_of.find(job.name);
    return it == outcome_of.end() ? JobOutcome::passed : it->second;
  }
  void skipped(const PlannedJob& job, const std::string& failed_need) override {
    skipped_because[job.name] = failed_need;
  }

 private:
  std::mutex mutex_;
};

spec::Spec parse(const std::string& jobs) {
  spec::Diagnostics diagnostics;
  auto s = spec::parse_spec(
      "version: 1\nname: t\njobs:\n" + jobs, [](std::string_view) { return std::nullopt; },
      diagnostics);
  EXPECT_TRUE(diagnostics.empty());
  return s;
}

std::size_t index_of(const std::vector<std::string>& v, const std::string& x) {
  return static_cast<std::size_t>(std::find(v.begin(), v.end(), x) - v.begin());
}

TEST(Scheduler, RunsNeedsBeforeTheJobsThatNeedThem) {
  const auto s = parse(
      "  a: { host: true, run: x }\n  b: { host: true, run: x, needs: [a] }\n"
      "  c: { host: true, run: x, needs: [b, a] }\n");
  FakeExecutor fake;
  const auto outcomes =
      run_schedule(plan_for_jobs(s, {}), fake, {4, FailurePolicy::fail_fast, nullptr});
  EXPECT_EQ(fake.finished, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(outcomes.at("c"), JobOutcome::passed);
  EXPECT_EQ(fake.max_running, 1);
}

TEST(Scheduler, IndependentJobsOverlapUpToTheLimit) {
  const auto s = parse(
      "  a: { host: true, run: x }\n  b: { host: true, run: x }\n  c: { host: true, run: x }\n"
      "  d: { host: true, run: x }\n");
  FakeExecutor fake;
  for (auto n : {"a", "b", "c", "d"})
    fake.duration_of[n] = 60ms;
  run_schedule(plan_for_jobs(s, {}), fake, {2, FailurePolicy::fail_fast, nullptr});
  EXPECT_EQ(fake.max_running, 2);
  EXPECT_EQ(fake.finished.size(), 4u);
}

TEST(Scheduler, FailFastCancelsRunningJobsAndSkipsTheRest) {
  const auto s = parse(
      "  quick: { host: true, run: x }\n  slow: { host: true, run: x }\n"
      "  after: { host: true, run: x, needs: [quick] }\n");
  FakeExecutor fake;
  fake.outcome_of["quick"] = JobOutcome::failed;
  fake.duration_of["quick"] = 20ms;
  fake.duration_of["slow"] = 5s;
  const auto outcomes =
      run_schedule(plan_for_jobs(s, {}), fake, {2, FailurePolicy::fail_fast, nullptr});
  EXPECT_EQ(outcomes.at("quick"), JobOutcome::failed);
  EXPECT_EQ(outcomes.at("slow"), JobOutcome::cancelled);
  EXPECT_EQ(outcomes.at("after"), JobOutcome::skipped);
  EXPECT_EQ(fake.skipped_because.at("after"), "quick");
}

TEST(Scheduler, KeepGoingRunsEverythingThatCanRun) {
  const auto s = parse(
      "  broken: { host: true, run: x }\n  fine: { host: true, run: x }\n"
      "  after_broken: { host: true, run: x, needs: [broken] }\n"
      "  after_fine: { host: true, run: x, needs: [fine] }\n");
  FakeExecutor fake;
  fake.outcome_of["broken"] = JobOutcome::failed;
  fake.duration_of["fine"] = 30ms;
  const auto outcomes =
      run_schedule(plan_for_jobs(s, {}), fake, {2, FailurePolicy::keep_going, nullptr});
  EXPECT_EQ(outcomes.at("after_broken"), JobOutcome::skipped);
  EXPECT_EQ(outcomes.at("after_fine"), JobOutcome::passed);
  EXPECT_FALSE(fake.saw_stop);
}

TEST(Scheduler, CachedCountsAsSuccessForDependents) {
  const auto s = parse("  a: { host: true, run: x }\n  b: { host: true, run: x, needs: [a] }\n");
  FakeExecutor fake;
  fake.outcome_of["a"] = JobOutcome::cached;
  const auto outcomes =
      run_schedule(plan_for_jobs(s, {}), fake, {1, FailurePolicy::fail_fast, nullptr});
  EXPECT_EQ(outcomes.at("b"), JobOutcome::passed);
}

TEST(Scheduler, AnInterruptStopsRunningJobsAndSkipsPendingOnes) {
  const auto s = parse("  a: { host: true, run: x }\n  b: { host: true, run: x, needs: [a] }\n");
  FakeExecutor fake;
  fake.duration_of["a"] = 10s;
  std::atomic<bool> interrupt{false};
  std::thread trigger([&] {
    std::this_thread::sleep_for(100ms);
    interrupt.store(true);
  });
  const auto start = std::chrono::steady_clock::now();
  const auto outcomes =
      run_schedule(plan_for_jobs(s, {}), fake, {2, FailurePolicy::keep_going, &interrupt});
  trigger.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(outcomes.at("a"), JobOutcome::cancelled);
  EXPECT_EQ(outcomes.at("b"), JobOutcome::skipped);
}

TEST(Scheduler, ManyJobsAllRunExactlyOnce) {
  std::string jobs;
  for (int i = 0; i < 200; ++i) {
    jobs += "  j" + std::to_string(i) + ": { host: true, run: x" +
            (i >= 10 ? ", needs: [j" + std::to_string(i % 10) + "]" : std::string()) + " }\n";
  }
  const auto s = parse(jobs);
  FakeExecutor fake;
  const auto outcomes =
      run_schedule(plan_for_jobs(s, {}), fake, {8, FailurePolicy::fail_fast, nullptr});
  EXPECT_EQ(fake.started.size(), 200u);
  EXPECT_EQ(outcomes.size(), 200u);
  for (int i = 10; i < 200; ++i) {
    EXPECT_LT(index_of(fake.finished, "j" + std::to_string(i % 10)),
              index_of(fake.started, "j" + std::to_string(i)));
  }
}

}  // namespace
}  // namespace pw::run
