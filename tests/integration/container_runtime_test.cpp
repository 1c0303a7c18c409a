// Integration tests of pw::docker::ContainerCli against the real Docker daemon, with the busybox
// test image (cicd/busybox-image). Each test labels what it creates with a label of its own and
// removes it in TearDown. Without a daemon the tests are skipped, unless CI=true or
// PIPEWRIGHT_REQUIRE_DOCKER=1, where that is a failure.

#include <arpa/inet.h>
#include <dirent.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "docker/container_cli.hpp"
#include "support/test_env.hpp"

namespace pw::docker {
namespace {

using pw::test::adopt_state_environment;
using pw::test::docker_required;
using pw::test::env_or;
using pw::test::run_captured;

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Kind = proc::ExitStatus::Kind;

/// The label every object of a test carries (value: the test's id), as in tests/lib/common.sh.
constexpr char k_test_label[] = "pipewright.test";
/// Bounds a run_attached that should end by itself, so a broken runtime fails instead of hanging.
constexpr auto k_safety_timeout = 60s;

std::string docker_binary() {
  return env_or("PIPEWRIGHT_DOCKER", "docker");
}

std::string busybox_image() {
  return env_or("PIPEWRIGHT_BUSYBOX_IMAGE", "pipewright-test/busybox:latest");
}

/// The docker client, for the test's own set-up and checks (not the code under test).
proc::Captured docker(std::vector<std::string> args,
                      std::optional<std::string> stdin_data = std::nullopt) {
  args.insert(args.begin(), docker_binary());
  return run_captured(std::move(args), std::move(stdin_data));
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) {
      lines.push_back(line);
    }
  }
  return lines;
}

/// Runs commands for real and records each one (argv, environment, stdin) for inspection.
class RecordingRunner final : public proc::ProcessRunner {
 public:
  proc::ExitStatus run(const proc::Command& command, const proc::LineSink& sink) override {
    {
      std::lock_guard lock(mutex_);
      commands_.push_back(command);
    }
    return real_.run(command, sink);
  }

  std::vector<proc::Command> commands() const {
    std::lock_guard lock(mutex_);
    return commands_;
  }

 private:
  proc::SystemProcessRunner real_;
  mutable std::mutex mutex_;
  std::vector<proc::Command> commands_;
};

/// Collects attached output from run_attached (called on its thread) for the test's thread.
class OutputLog {
 public:
  proc::LineSink sink() {
    return [this](proc::Stream stream, std::string_view line) {
      std::lock_guard lock(mutex_);
      lines_.emplace_back(stream, std::string(line));
    };
  }
  std::vector<std::pair<proc::Stream, std::string>> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  bool has(const std::string& line) const {
    for (const auto& [stream, text] : lines()) {
      if (text == line) {
        return true;
      }
    }
    return false;
  }
  /// Waits up to limit for a line; false when it did not come.
  bool wait_for(const std::string& line, std::chrono::milliseconds limit = 20s) const {
    for (const auto deadline = Clock::now() + limit; Clock::now() < deadline;
         std::this_thread::sleep_for(20ms)) {
      if (has(line)) {
        return true;
      }
    }
    return false;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<proc::Stream, std::string>> lines_;
};

/// The value, or a test failure naming the error and T{}: a failed call fails the test rather
/// than terminating the whole suite (which would leave containers behind).
template <class T>
T ok(const Result<T, DockerFailure>& result) {
  if (result) {
    return result.value();
  }
  ADD_FAILURE() << result.error().message;
  return T{};
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// The pid of the docker client attached to container id (`docker start --attach -- ID`), found
/// through /proc; -1 until it runs.
pid_t attached_client_pid(const std::string& id) {
  DIR* proc_dir = ::opendir("/proc");
  if (proc_dir == nullptr) {
    return -1;
  }
  pid_t found = -1;
  while (const dirent* entry = ::readdir(proc_dir)) {
    const std::string name = entry->d_name;
    if (name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    std::ifstream in("/proc/" + name + "/cmdline", std::ios::binary);
    std::vector<std::string> argv;
    for (std::string arg; std::getline(in, arg, '\0');) {
      argv.push_back(arg);
    }
    if (argv.size() >= 5 && argv[1] == "start" && argv[2] == "--attach" && argv.back() == id) {
      found = static_cast<pid_t>(std::stol(name));
      break;
    }
  }
  ::closedir(proc_dir);
  return found;
}

/// Connects to ip:port over TCP and returns the first line the server sends ("" on failure).
std::string tcp_first_line(const std::string& ip, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return {};
  }
  timeval limit{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  std::string line;
  if (::inet_pton(AF_INET, ip.c_str(), &address.sin_addr) == 1 &&
      ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
    char buffer[256];
    const auto n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      line.assign(buffer, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  return line.substr(0, line.find('\n'));
}

class ContainerRuntimeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    adopt_state_environment();
    const auto version = docker({"version", "--format", "{{.Server.Version}}"});
    daemon_problem_ =
        version.status.ok()
            ? std::string()
            : "no Docker daemon answers (DOCKER_HOST=" + env_or("DOCKER_HOST", "unset") +
                  "): " + version.err;
    if (daemon_problem_.empty() && !docker({"image", "inspect", busybox_image()}).status.ok()) {
      const auto built = run_captured(
          {std::string(PIPEWRIGHT_SOURCE_DIR) + "/cicd/busybox-image", busybox_image()});
      if (!built.status.ok()) {
        daemon_problem_ = "cannot build " + busybox_image() + ": " + built.err;
      }
    }
  }

  void SetUp() override {
    if (!daemon_problem_.empty()) {
      if (docker_required()) {
        FAIL() << daemon_problem_;
      }
      GTEST_SKIP() << daemon_problem_;
    }
    static std::atomic<int> counter{0};
    std::random_device random;
    test_id_ = "pw-ct-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + "-" +
               std::to_string(random() % 100000);
  }

  void TearDown() override {
    if (test_id_.empty()) {
      return;
    }
    const std::string filter = "label=" + std::string(k_test_label) + "=" + test_id_;
    const auto remove_all = [](std::vector<std::string> list, std::vector<std::string> remove) {
      const auto base = remove.size();
      for (const auto& id : lines_of(docker(std::move(list)).out)) {
        remove.push_back(id);
      }
      if (remove.size() > base) {
        docker(std::move(remove));
      }
    };
    for (const auto& id : extra_containers_) {
      docker({"rm", "-f", "-v", "--", id});
    }
    remove_all({"ps", "-aq", "--no-trunc", "--filter", filter}, {"rm", "-f", "-v", "--"});
    remove_all({"network", "ls", "-q", "--no-trunc", "--filter", filter}, {"network", "rm", "--"});
    remove_all({"image", "ls", "-q", "--no-trunc", "--filter", filter},
               {"image", "rm", "-f", "--"});
  }

  std::map<std::string, std::string> labels() const { return {{k_test_label, test_id_}}; }

  ContainerSpec spec(std::vector<std::string> command) {
    ContainerSpec s;
    s.image = busybox_image();
    s.name = test_id_ + "-" + std::to_string(++containers_);
    s.command = std::move(command);
    s.labels = labels();
    return s;
  }

  /// The new container's id, or "" after failing the test.
  std::string create(const ContainerSpec& s) {
    auto id = cli_.create_container(s);
    if (!id) {
      ADD_FAILURE() << id.error().message;
      return {};
    }
    EXPECT_FALSE(id.value().empty());
    return id.value();
  }

  /// The new network's id (named <test id>-net), or "" after failing the test.
  std::string create_network() {
    auto id = cli_.create_network(test_id_ + "-net", labels());
    if (!id) {
      ADD_FAILURE() << id.error().message;
      return {};
    }
    return id.value();
  }

  /// Whether `docker ps` (running containers only) lists the container.
  static bool listed_running(const std::string& id) {
    return !lines_of(docker({"ps", "-q", "--no-trunc", "--filter", "id=" + id}).out).empty();
  }

  static std::string daemon_problem_;
  RecordingRunner runner_;
  ContainerCli cli_{runner_};
  std::string test_id_;
  std::vector<std::string> extra_containers_;  ///< created without this test's label
  int containers_ = 0;
};

std::string ContainerRuntimeTest::daemon_problem_;

TEST_F(ContainerRuntimeTest, RunAttachedStreamsBothStreamsAndReportsTheExitCode) {
  const auto id = create(spec({"sh", "-c", "echo to-out; echo to-err >&2; exit 3"}));
  ASSERT_FALSE(id.empty());
  OutputLog log;
  const auto exit = cli_.run_attached(id, k_safety_timeout, nullptr, log.sink());
  EXPECT_EQ(exit.client.kind, Kind::exited) << exit.client.describe();
  EXPECT_EQ(exit.exit_code, 3);
  const auto lines = log.lines();
  EXPECT_NE(
      std::find(lines.begin(), lines.end(), std::pair{proc::Stream::out, std::string("to-out")}),
      lines.end());
  EXPECT_NE(
      std::find(lines.begin(), lines.end(), std::pair{proc::Stream::err, std::string("to-err")}),
      lines.end());
}

TEST_F(ContainerRuntimeTest, EnvValuesReachTheContainerButNoCommandLine) {
  const std::string secret = "pw-secret-" + test_id_ + "-c0ffee";
  auto s = spec({"sh", "-c",
                 "echo \"secret=$PW_SECRET\"; echo \"lines=$(printf '%s' \"$PW_MULTI\" | wc -l)\";"
                 " echo \"path=$PATH\"; echo \"home=$HOME\"; echo \"host=$DOCKER_HOST\";"
                 " echo ready; sleep 3"});
  // PATH, HOME and DOCKER_HOST are read by the docker client itself: the job's values must reach
  // the container without redirecting the client (it would not find docker, or the daemon).
  s.env = {{"PW_SECRET", secret},
           {"PW_MULTI", "first\nsecond " + secret},
           {"PATH", "/bin:/usr/bin:/pw-extra"},
           {"HOME", "/pw-home"},
           {"DOCKER_HOST", "tcp://192.0.2.1:1"}};

  // A concurrent reader of every process's argv, for the whole create and run.
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  std::atomic<int> saw_client{0};
  std::string leaked;
  std::mutex id_mutex;
  std::string id;
  std::thread watcher([&] {
    while (!stop) {
      const auto ps = run_captured({"ps", "-eww", "-o", "args"});  // ww: never truncated
      ++reads;
      if (ps.out.find(secret) != std::string::npos) {
        leaked = ps.out;
      }
      std::lock_guard lock(id_mutex);
      if (!id.empty() && ps.out.find("start --attach -- " + id) != std::string::npos) {
        ++saw_client;
      }
    }
  });
  const auto created = cli_.create_container(s);
  if (created) {
    std::lock_guard lock(id_mutex);
    id = created.value();
  }
  OutputLog log;
  std::future<ContainerExit> run;
  if (created) {
    run = std::async(std::launch::async,
                     [&] { return cli_.run_attached(id, k_safety_timeout, nullptr, log.sink()); });
    EXPECT_TRUE(log.wait_for("ready"));
    const int before = reads;
    while (reads < before + 3 && run.wait_for(0s) != std::future_status::ready) {
      std::this_thread::sleep_for(20ms);  // a few reads while the attached client runs
    }
  }
  const auto exit = created ? run.get() : ContainerExit{};
  stop = true;
  watcher.join();
  ASSERT_TRUE(created) << created.error().message;

  EXPECT_EQ(exit.exit_code, 0) << exit.client.describe();
  EXPECT_TRUE(log.has("secret=" + secret));
  EXPECT_TRUE(log.has("lines=1"));  // the line break survived
  EXPECT_TRUE(log.has("path=/bin:/usr/bin:/pw-extra"));
  EXPECT_TRUE(log.has("home=/pw-home"));
  EXPECT_TRUE(log.has("host=tcp://192.0.2.1:1"));
  EXPECT_GT(saw_client, 0) << "ps never showed the attached client: the check proved nothing";
  EXPECT_EQ(leaked, "") << "the secret is visible in ps";
  for (const auto& command : runner_.commands()) {
    for (const auto& arg : command.argv) {
      EXPECT_EQ(arg.find(secret), std::string::npos) << arg;
    }
    EXPECT_EQ(command.env.count("DOCKER_HOST"), 0U) << "the job's DOCKER_HOST reached the client";
    EXPECT_EQ(command.env.count("PATH"), 0U) << "the job's PATH reached the client";
  }
}

TEST_F(ContainerRuntimeTest, TimeoutKillsTheContainer) {
  // busybox sleep as pid 1 ignores the forwarded SIGTERM: only the daemon's SIGKILL ends it.
  const auto id = create(spec({"sleep", "60"}));
  ASSERT_FALSE(id.empty());
  const auto start = Clock::now();
  const auto exit = cli_.run_attached(id, 1s, nullptr, {});
  const double elapsed = seconds_since(start);
  EXPECT_EQ(exit.client.kind, Kind::timed_out) << exit.client.describe();
  EXPECT_EQ(exit.exit_code, 137);
  EXPECT_LT(elapsed, 1 + 5) << "seconds";
  EXPECT_FALSE(listed_running(id));
  std::cout << "timeout 1 s: run_attached returned after " << elapsed << " s\n";
}

TEST_F(ContainerRuntimeTest, CancelKillsTheContainer) {
  const auto id = create(spec({"sh", "-c", "echo started; exec sleep 60"}));
  ASSERT_FALSE(id.empty());
  std::atomic<bool> cancel{false};
  const auto start = Clock::now();
  const auto exit =
      cli_.run_attached(id, k_safety_timeout, &cancel, [&](proc::Stream, std::string_view line) {
        if (line == "started") {
          cancel = true;
        }
      });
  EXPECT_EQ(exit.client.kind, Kind::cancelled) << exit.client.describe();
  EXPECT_EQ(exit.exit_code, 137);
  EXPECT_LT(seconds_since(start), 10);
  EXPECT_FALSE(listed_running(id));
}

TEST_F(ContainerRuntimeTest, CancelBeforeTheStartLeavesTheExitCodeUnknown) {
  const auto id = create(spec({"true"}));
  ASSERT_FALSE(id.empty());
  const std::atomic<bool> cancel{true};
  const auto exit = cli_.run_attached(id, k_safety_timeout, &cancel, {});
  EXPECT_EQ(exit.client.kind, Kind::cancelled);
  EXPECT_EQ(exit.exit_code, -1) << "the daemon's 0 for a never-started container is not success";
}

TEST_F(ContainerRuntimeTest, ClientKilledFromOutsideStillKillsTheContainer) {
  const auto id = create(spec({"sh", "-c", "echo started; exec sleep 60"}));
  ASSERT_FALSE(id.empty());
  OutputLog log;
  auto run = std::async(std::launch::async, [&] {
    return cli_.run_attached(id, k_safety_timeout, nullptr, log.sink());
  });
  ASSERT_TRUE(log.wait_for("started"));
  const pid_t client = attached_client_pid(id);
  ASSERT_GT(client, 0) << "no `docker start --attach` process found";
  EXPECT_EQ(::getpgid(client), client) << "the client leads its own process group";
  ASSERT_EQ(::kill(-client, SIGKILL), 0) << std::strerror(errno);
  ASSERT_EQ(run.wait_for(20s), std::future_status::ready);
  const auto exit = run.get();
  EXPECT_EQ(exit.client.kind, Kind::signaled) << exit.client.describe();
  EXPECT_EQ(exit.client.signal, SIGKILL);
  EXPECT_EQ(exit.exit_code, 137);
  EXPECT_FALSE(listed_running(id));
}

TEST_F(ContainerRuntimeTest, SinkExceptionStillKillsTheContainer) {
  const auto id = create(spec({"sh", "-c", "echo started; exec sleep 60"}));
  ASSERT_FALSE(id.empty());
  EXPECT_THROW(cli_.run_attached(
                   id, k_safety_timeout, nullptr,
                   [](proc::Stream, std::string_view) { throw std::runtime_error("sink failed"); }),
               std::runtime_error);
  EXPECT_FALSE(listed_running(id));
}

TEST_F(ContainerRuntimeTest, MissingProgramIsTheContainersExitCode) {
  const auto id = create(spec({"pw-no-such-program"}));
  ASSERT_FALSE(id.empty());
  OutputLog log;
  const auto exit = cli_.run_attached(id, k_safety_timeout, nullptr, log.sink());
  EXPECT_EQ(exit.exit_code, 127) << exit.client.describe();
}

TEST_F(ContainerRuntimeTest, ServiceIsReachedByItsAliasOnTheNetwork) {
  const auto network = create_network();
  ASSERT_FALSE(network.empty());
  auto service = spec({"sh", "-c", "while true; do echo pong | nc -l -p 8080; done"});
  service.network = network;
  service.network_aliases = {"pw-db"};
  const auto service_id = create(service);
  ASSERT_FALSE(service_id.empty());
  ASSERT_TRUE(cli_.start_container(service_id));

  auto client = spec({"sh", "-c",
                      "for i in $(seq 1 100); do out=$(nc pw-db 8080 </dev/null) &&"
                      " [ -n \"$out\" ] && echo \"got $out\" && exit 0; sleep 0.1; done; exit 1"});
  client.network = network;
  const auto client_id = create(client);
  ASSERT_FALSE(client_id.empty());
  OutputLog log;
  const auto exit = cli_.run_attached(client_id, k_safety_timeout, nullptr, log.sink());
  EXPECT_EQ(exit.exit_code, 0);
  EXPECT_TRUE(log.has("got pong"));
}

constexpr std::chrono::milliseconds k_exec_timeout{30000};

TEST_F(ContainerRuntimeTest, ExecReturnsExitCodes) {
  const auto id = create(spec({"sleep", "60"}));
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(cli_.start_container(id));
  EXPECT_EQ(ok(cli_.exec(id, {"true"}, k_exec_timeout)), 0);
  EXPECT_EQ(ok(cli_.exec(id, {"sh", "-c", "echo noise >&2; exit 7"}, k_exec_timeout)), 7);
  EXPECT_EQ(ok(cli_.exec(id, {"sh", "-c", "exit 1"}, k_exec_timeout)), 1);
  const auto missing = cli_.exec(id, {"pw-no-such-program"}, k_exec_timeout);
  ASSERT_TRUE(missing);
  EXPECT_TRUE(missing.value() == 126 || missing.value() == 127) << missing.value();
  EXPECT_FALSE(cli_.exec(id, {}, k_exec_timeout));

  ASSERT_TRUE(docker({"kill", id}).status.ok());
  const auto stopped = cli_.exec(id, {"true"}, k_exec_timeout);
  ASSERT_FALSE(stopped);
  EXPECT_NE(stopped.error().message.find("is not running"), std::string::npos)
      << stopped.error().message;
  const auto nowhere = cli_.exec(test_id_ + "-no-such-container", {"true"}, k_exec_timeout);
  ASSERT_FALSE(nowhere);
  EXPECT_NE(nowhere.error().message.find("No such container"), std::string::npos)
      << nowhere.error().message;
}

TEST_F(ContainerRuntimeTest, IpAddressIsReachableFromTheHost) {
  const auto network = create_network();
  ASSERT_FALSE(network.empty());
  auto s = spec({"sh", "-c", "while true; do echo hello | nc -l -p 5432; done"});
  s.network = test_id_ + "-net";  // by name; the lookup below also goes by id
  const auto id = create(s);
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(cli_.start_container(id));

  const auto by_name = cli_.ip_address(id, test_id_ + "-net");
  ASSERT_TRUE(by_name) << by_name.error().message;
  EXPECT_FALSE(by_name.value().empty());
  EXPECT_EQ(ok(cli_.ip_address(id, network)), by_name.value());
  EXPECT_EQ(ok(cli_.ip_address(id, network.substr(0, 12))), by_name.value());
  EXPECT_EQ(ok(cli_.ip_address(id, "bridge")), "") << "not attached to the default bridge";

  std::string answer;
  for (const auto deadline = Clock::now() + 10s; answer.empty() && Clock::now() < deadline;
       std::this_thread::sleep_for(100ms)) {
    answer = tcp_first_line(by_name.value(), 5432);
  }
  EXPECT_EQ(answer, "hello") << "no TCP connection from the host to " << by_name.value()
                             << ":5432 (is the container network routable from here?)";
}

TEST_F(ContainerRuntimeTest, HealthIsNoneWithoutAHealthcheck) {
  const auto id = create(spec({"sleep", "60"}));
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(ok(cli_.health(id)), std::pair(std::string("none"), false));
  ASSERT_TRUE(cli_.start_container(id));
  EXPECT_EQ(ok(cli_.health(id)), std::pair(std::string("none"), true));
  EXPECT_FALSE(cli_.health(test_id_ + "-no-such-container"));
}

TEST_F(ContainerRuntimeTest, HealthFollowsTheImagesHealthcheck) {
  // ContainerSpec has no healthcheck field: services get theirs from the image.
  const std::string image = "pipewright-test/health:" + test_id_;
  const auto built =
      docker({"build", "--label", std::string(k_test_label) + "=" + test_id_, "-t", image, "-"},
             "FROM " + busybox_image() +
                 "\nHEALTHCHECK --interval=1s --timeout=2s --retries=1"
                 " CMD test -e /tmp/ready\n");
  ASSERT_TRUE(built.status.ok()) << built.err;
  auto s = spec({"sh", "-c", "sleep 2; touch /tmp/ready; exec sleep 60"});
  s.image = image;
  const auto id = create(s);
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(cli_.start_container(id));
  EXPECT_EQ(ok(cli_.health(id)).first, "starting");
  std::string status;
  for (const auto deadline = Clock::now() + 20s; status != "healthy" && Clock::now() < deadline;
       std::this_thread::sleep_for(200ms)) {
    status = ok(cli_.health(id)).first;
  }
  EXPECT_EQ(status, "healthy");
}

TEST_F(ContainerRuntimeTest, LogsTailHasTheLastLinesOfBothStreams) {
  // The daemon copies the two streams into the log independently: the pauses fix their order.
  const auto id = create(spec({"sh", "-c",
                               "echo one; sleep 0.2; echo two >&2; sleep 0.2; echo three;"
                               " sleep 0.2; echo four >&2"}));
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(cli_.run_attached(id, k_safety_timeout, nullptr, {}).exit_code, 0);
  const auto tail = cli_.logs_tail(id, 2);
  ASSERT_TRUE(tail) << tail.error().message;
  auto lines = lines_of(tail.value());
  std::sort(lines.begin(), lines.end());  // the client's two pipes may swap adjacent lines
  EXPECT_EQ(lines, (std::vector<std::string>{"four", "three"}));
  EXPECT_EQ(lines_of(ok(cli_.logs_tail(id, -1))).size(), 4U);
  EXPECT_EQ(ok(cli_.logs_tail(id, 0)), "");
  EXPECT_FALSE(cli_.logs_tail(test_id_ + "-no-such-container", 5));
}

TEST_F(ContainerRuntimeTest, RemovingWhatIsGoneSucceeds) {
  const auto id = create(spec({"sleep", "60"}));
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(cli_.start_container(id));
  EXPECT_TRUE(cli_.remove_container(id)) << "a running container is killed and removed";
  EXPECT_TRUE(cli_.remove_container(id));
  EXPECT_TRUE(cli_.remove_container(test_id_ + "-never-existed"));
  EXPECT_TRUE(lines_of(docker({"ps", "-aq", "--filter", "id=" + id}).out).empty());

  const auto network = create_network();
  ASSERT_FALSE(network.empty());
  EXPECT_TRUE(cli_.remove_network(network));
  EXPECT_TRUE(cli_.remove_network(network));
  EXPECT_TRUE(cli_.remove_network(test_id_ + "-never-existed"));
}

TEST_F(ContainerRuntimeTest, RemovingANetworkInUseFailsWithTheReason) {
  const auto network = create_network();
  ASSERT_FALSE(network.empty());
  auto s = spec({"sleep", "60"});
  s.network = network;
  const auto id = create(s);
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(cli_.start_container(id));
  const auto removed = cli_.remove_network(network);
  ASSERT_FALSE(removed);
  EXPECT_NE(removed.error().message.find("removing network " + network), std::string::npos)
      << removed.error().message;
  EXPECT_NE(removed.error().message.find("active endpoints"), std::string::npos)
      << removed.error().message;
}

TEST_F(ContainerRuntimeTest, ListsFindExactlyTheLabelledObjectsWithTheirLabels) {
  const std::string tricky = "a,b=c, d=" + test_id_;  // `docker ps` would print this ambiguously
  auto first = spec({"true"});
  first.labels["pipewright.test.role"] = "first";
  auto second = spec({"true"});
  second.labels["pipewright.test.role"] = "second";
  second.labels["pipewright.test.tricky"] = tricky;
  auto other = spec({"true"});  // someone else's: same keys, another test id
  other.labels = {{k_test_label, test_id_ + "-other"}, {"pipewright.test.role", "first"}};
  const auto first_id = create(first);
  const auto second_id = create(second);
  const auto other_id = create(other);
  ASSERT_FALSE(first_id.empty() || second_id.empty() || other_id.empty());
  extra_containers_.push_back(other_id);

  const auto all = cli_.list_containers(k_test_label, test_id_);
  ASSERT_TRUE(all) << all.error().message;
  std::map<std::string, LabelledObject> by_id;
  for (const auto& object : all.value()) {
    by_id[object.id] = object;
  }
  ASSERT_EQ(by_id.size(), 2U);
  ASSERT_EQ(by_id.count(first_id), 1U);
  ASSERT_EQ(by_id.count(second_id), 1U);
  EXPECT_EQ(by_id[first_id].name, first.name);
  EXPECT_EQ(by_id[second_id].labels.at("pipewright.test.tricky"), tricky);
  EXPECT_EQ(by_id[second_id].labels.at("pipewright.test.role"), "second");
  EXPECT_EQ(by_id[second_id].labels.at(k_test_label), test_id_);
  EXPECT_EQ(by_id[first_id].labels.count("pipewright.test.tricky"), 0U);

  const auto by_tricky = cli_.list_containers("pipewright.test.tricky", tricky);
  ASSERT_TRUE(by_tricky);
  ASSERT_EQ(by_tricky.value().size(), 1U);
  EXPECT_EQ(by_tricky.value()[0].id, second_id);
  EXPECT_TRUE(ok(cli_.list_containers(k_test_label, test_id_ + "-nobody")).empty());

  auto network_labels = labels();
  network_labels["pipewright.test.tricky"] = tricky;
  const auto network = cli_.create_network(test_id_ + "-net", network_labels);
  ASSERT_TRUE(network) << network.error().message;
  const auto networks = cli_.list_networks("pipewright.test.tricky", tricky);
  ASSERT_TRUE(networks) << networks.error().message;
  ASSERT_EQ(networks.value().size(), 1U);
  EXPECT_EQ(networks.value()[0].id, network.value());
  EXPECT_EQ(networks.value()[0].name, test_id_ + "-net");
  EXPECT_EQ(networks.value()[0].labels, network_labels);
  const auto any_value = cli_.list_networks(k_test_label, "");
  ASSERT_TRUE(any_value);
  EXPECT_TRUE(std::any_of(any_value.value().begin(), any_value.value().end(),
                          [&](const LabelledObject& o) { return o.id == network.value(); }));
}

TEST_F(ContainerRuntimeTest, InvalidSpecsAreRefusedBeforeTheClientRuns) {
  auto bad_label = spec({"true"});
  bad_label.labels["a=b"] = "c";
  auto relative_mount = spec({"true"});
  relative_mount.mounts = {{"relative/dir", "/work", false}};
  auto colon_mount = spec({"true"});
  colon_mount.mounts = {{"/tmp/a:b", "/work", true}};
  auto bad_env = spec({"true"});
  bad_env.env["A=B"] = "c";
  auto alias_without_network = spec({"true"});
  alias_without_network.network_aliases = {"db"};
  auto client_var_with_newline = spec({"true"});
  client_var_with_newline.env["HOME"] = "a\nb";
  for (const auto& s : {bad_label, relative_mount, colon_mount, bad_env, alias_without_network,
                        client_var_with_newline}) {
    const auto result = cli_.create_container(s);
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find("creating container " + s.name), std::string::npos)
        << result.error().message;
  }
  EXPECT_TRUE(runner_.commands().empty());
  EXPECT_FALSE(cli_.create_network(test_id_ + "-net", {{"", "x"}}));
  EXPECT_FALSE(cli_.list_containers("a=b", ""));
}

TEST_F(ContainerRuntimeTest, ImageThatLooksLikeAnOptionIsNotOne) {
  auto s = spec({"true"});
  s.image = "--privileged";
  const auto result = cli_.create_container(s);
  ASSERT_FALSE(result) << "created " << result.value();
  EXPECT_TRUE(lines_of(docker({"ps", "-aq", "--filter", "name=" + s.name}).out).empty());
}

TEST_F(ContainerRuntimeTest, BindMountsAreReadOnlyWhenAsked) {
  char pattern[] = "/tmp/pw-ct-mount-XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  const std::string dir = pattern;
  std::ofstream(dir + "/in.txt") << "from-host\n";
  auto s = spec({"sh", "-c",
                 "cat /in/in.txt; touch /in/new 2>/dev/null && echo writable || echo ro;"
                 " pwd"});
  s.mounts = {{dir, "/in", true}};
  s.workdir = "/tmp";
  const auto id = create(s);
  OutputLog log;
  if (!id.empty()) {
    cli_.run_attached(id, k_safety_timeout, nullptr, log.sink());
  }
  std::filesystem::remove_all(dir);
  EXPECT_TRUE(log.has("from-host"));
  EXPECT_TRUE(log.has("ro"));
  EXPECT_TRUE(log.has("/tmp"));
}

TEST_F(ContainerRuntimeTest, MissingDaemonNamesTheEndpoint) {
  const std::string saved = env_or("DOCKER_HOST", "");
  const std::string nowhere = "unix:///tmp/" + test_id_ + "-no-daemon.sock";
  ::setenv("DOCKER_HOST", nowhere.c_str(), 1);
  const auto listed = cli_.list_containers(k_test_label, test_id_);
  const auto removed = cli_.remove_container(test_id_);
  saved.empty() ? ::unsetenv("DOCKER_HOST") : ::setenv("DOCKER_HOST", saved.c_str(), 1);
  ASSERT_FALSE(listed);
  EXPECT_NE(listed.error().message.find("does not answer at DOCKER_HOST=" + nowhere),
            std::string::npos)
      << listed.error().message;
  EXPECT_FALSE(removed) << "an unreachable daemon is not 'already gone'";
}

TEST_F(ContainerRuntimeTest, MissingClientIsNamed) {
  proc::SystemProcessRunner runner;
  ContainerCli cli(runner, "/nonexistent/pw-docker");
  const auto result = cli.create_network(test_id_ + "-net", labels());
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("cannot run the Docker client '/nonexistent/pw-docker'"),
            std::string::npos)
      << result.error().message;
  const auto exit = cli.run_attached("x", 1s, nullptr, {});
  EXPECT_EQ(exit.client.kind, Kind::failed_to_start);
  EXPECT_EQ(exit.exit_code, -1);
}

}  // namespace
}  // namespace pw::docker
