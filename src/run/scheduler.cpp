#include "run/scheduler.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace pw::run {
namespace {

// Shared state of one schedule; every field is guarded by mutex.
class Schedule {
 public:
  Schedule(const Plan& plan, JobExecutor& executor, const ScheduleOptions& options)
      : executor_(executor), options_(options) {
    for (const auto* job : jobs_in_order(plan)) {
      jobs_.push_back(job);
      pending_.push_back(job);
    }
  }

  std::map<std::string, JobOutcome> run() {
    const int workers =
        std::max(1, std::min<int>(options_.parallelism, static_cast<int>(jobs_.size())));
    std::vector<std::thread> threads;
    for (int i = 0; i < workers; ++i)
      threads.emplace_back([this] { work(); });
    watch_interrupt();
    for (auto& t : threads)
      t.join();
    return outcomes_;
  }

 private:
  // Polls the external interrupt flag: signal handlers cannot notify a condition variable.
  void watch_interrupt() {
    std::unique_lock lock(mutex_);
    while (!finished_locked()) {
      if (options_.interrupt != nullptr && options_.interrupt->load() && !stop_.load()) {
        stop_.store(true);
        changed_.notify_all();  // waiting workers skip what is pending
      }
      changed_.wait_for(lock, std::chrono::milliseconds(50));
    }
  }

  bool finished_locked() const { return pending_.empty() && running_ == 0; }

  // The state of a job's needs: all succeeded → ready; one failed → its name; else waiting.
  enum class Readiness { ready, waiting, blocked };
  Readiness readiness(const PlannedJob& job, std::string& failed_need) const {
    for (const auto& need : job.needs) {
      auto it = outcomes_.find(need);
      if (it == outcomes_.end())
        return Readiness::waiting;
      if (!succeeded(it->second)) {
        failed_need = need;
        return Readiness::blocked;
      }
    }
    return Readiness::ready;
  }

  // Next job to run, skipping what can no longer run; nullptr when there is nothing to do now.
  const PlannedJob* take_locked() {
    for (auto it = pending_.begin(); it != pending_.end();) {
      std::string failed_need;
      const PlannedJob* job = *it;
      Readiness state = readiness(*job, failed_need);
      if (stop_.load() && state != Readiness::blocked)
        state = Readiness::blocked;  // need: ""
      if (state == Readiness::blocked) {
        outcomes_[job->name] = JobOutcome::skipped;
        executor_.skipped(*job, failed_need);
        it = pending_.erase(it);
        changed_.notify_all();
        continue;
      }
      if (state == Readiness::ready) {
        pending_.erase(it);
        return job;
      }
      ++it;
    }
    return nullptr;
  }

  void work() {
    std::unique_lock lock(mutex_);
    while (true) {
      const PlannedJob* job = take_locked();
      if (job == nullptr) {
        if (pending_.empty()) {
          changed_.notify_all();  // the interrupt watcher waits for the last one
          return;
        }
        changed_.wait(lock);
        continue;
      }
      ++running_;
      lock.unlock();
      const JobOutcome outcome = executor_.execute(*job, stop_);
      lock.lock();
      --running_;
      outcomes_[job->name] = outcome;
      if (!succeeded(outcome) && options_.policy == FailurePolicy::fail_fast)
        stop_.store(true);
      changed_.notify_all();
    }
  }

  JobExecutor& executor_;
  const ScheduleOptions& options_;
  std::vector<const PlannedJob*> jobs_;
  std::deque<const PlannedJob*> pending_;
  std::map<std::string, JobOutcome> outcomes_;
  int running_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable changed_;
};

}  // namespace

std::map<std::string, JobOutcome> run_schedule(const Plan& plan, JobExecutor& executor,
                                               const ScheduleOptions& options) {
  Schedule schedule(plan, executor, options);
  return schedule.run();
}

}  // namespace pw::run
