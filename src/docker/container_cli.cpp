#include "docker/container_cli.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>

#include "util/temp_dir.hpp"

// Design notes:
// - Every positional argument (image, id, name) comes after "--", so a value that starts with
//   '-' (an image reference from a spec, say) can never be read by the client as an option.
// - Environment values stay off every command line (`ps` shows argv to every user): `--env
//   NAME` makes the client copy NAME from its own environment. A job variable the client itself
//   reads (PATH, HOME, DOCKER_HOST, LD_PRELOAD, proxies, ...) must not become the client's own,
//   though: it would redirect the client to another daemon or binary, or load a library from a
//   directory the job could write. Those few go through `--env-file /dev/stdin` instead.
// - run_attached never lets a container outlive its attached client: the client forwards the
//   SIGTERM of a timeout or cancellation to the container (a grace period to stop), and whatever
//   ended the client, a container still running afterwards is killed through the daemon.

namespace pw::docker {
namespace {

using namespace std::chrono_literals;
using Kind = proc::ExitStatus::Kind;

/// Metadata calls answer in well under a second; the bound only stops a hung daemon connection.
constexpr std::chrono::milliseconds k_metadata_timeout = 2min;
/// `docker create` pulls a missing image first, which may take long on a slow link.
constexpr std::chrono::milliseconds k_create_timeout = 20min;
/// How long a timed-out or cancelled job has, after the SIGTERM the attached client forwards to
/// it, before the client is killed and the container with it (SIGKILL through the daemon).
constexpr std::chrono::milliseconds k_stop_grace = 2s;
/// Ids per `docker inspect` call when listing: bounds the command line's length.
constexpr std::size_t k_inspect_batch = 100;
/// What `docker inspect` reports as the start time of a container that never started.
constexpr std::string_view k_never = "0001-01-01T00:00:00Z";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const auto end = std::min(text.find('\n', begin), text.size());
    if (end > begin) {
      lines.push_back(text.substr(begin, end - begin));
    }
    begin = end + 1;
  }
  return lines;
}

std::string last_line(const std::string& text) {
  const auto lines = lines_of(text);
  return lines.empty() ? std::string() : lines.back();
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

/// The client's words when it cannot reach the daemon (unix socket, then TCP).
bool daemon_unreachable(std::string_view err) {
  return contains(err, "Cannot connect to the Docker daemon") ||
         contains(err, "error during connect");
}

/// An error of the client or the daemon rather than output of the program run in a container.
bool client_error_line(std::string_view line) {
  return line.starts_with("Error response from daemon:") || line.starts_with("Error: No such ") ||
         daemon_unreachable(line);
}

/// Whether an object the client was asked about no longer exists (wording of 20.10 and later).
bool gone(std::string_view err) {
  if (daemon_unreachable(err)) {
    return false;  // its wording may hold "not found" too
  }
  return contains(err, "No such container") || contains(err, "No such network") ||
         contains(err, "not found");
}

/// Environment variables the docker client reads itself, directly, through the Go runtime or
/// through the dynamic loader: a job's value for one of these must not become the client's own.
bool read_by_client(std::string_view name) {
  static constexpr std::array<std::string_view, 19> k_names = {
      "PATH",       "HOME",          "TMPDIR",       "HTTP_PROXY",    "HTTPS_PROXY",
      "NO_PROXY",   "ALL_PROXY",     "http_proxy",   "https_proxy",   "no_proxy",
      "all_proxy",  "SSL_CERT_FILE", "SSL_CERT_DIR", "GODEBUG",       "GOGC",
      "GOMAXPROCS", "GOTRACEBACK",   "GOMEMLIMIT",   "GLIBC_TUNABLES"};
  static constexpr std::array<std::string_view, 4> k_prefixes = {"DOCKER_", "LD_", "MALLOC_",
                                                                 "NOTARY_"};
  return std::find(k_names.begin(), k_names.end(), name) != k_names.end() ||
         std::any_of(k_prefixes.begin(), k_prefixes.end(),
                     [&](std::string_view prefix) { return name.starts_with(prefix); });
}

/// Why a label key cannot be passed as `KEY=VALUE` (the client splits at the first '='), or "".
std::string label_key_problem(const std::string& key) {
  if (key.empty()) {
    return "a label key is empty";
  }
  if (contains(key, "=")) {
    return "label key '" + key + "' contains '='";
  }
  return {};
}

std::map<std::string, std::string> labels_in(const nlohmann::json& object, const char* field) {
  std::map<std::string, std::string> labels;
  if (object.is_object() && object.contains(field) && object[field].is_object()) {
    for (const auto& [k, v] : object[field].items()) {
      if (v.is_string()) {
        labels[k] = v.get<std::string>();
      }
    }
  }
  return labels;
}

/// The parts of a container's State that run_attached and health() use.
struct ContainerState {
  std::string status;  ///< "created", "running", "exited", ...
  bool running = false;
  int exit_code = 0;
  std::string error;       ///< why the daemon could not start it
  std::string started_at;  ///< k_never when it never started
  std::string health;      ///< "none" without a healthcheck
};

ContainerState parse_state(const nlohmann::json& j) {
  ContainerState state;
  state.status = j.value("Status", "");
  state.running = j.value("Running", false);
  state.exit_code = j.value("ExitCode", 0);
  state.error = j.value("Error", "");
  state.started_at = j.value("StartedAt", "");
  state.health = "none";
  if (j.contains("Health") && j["Health"].is_object()) {
    state.health = j["Health"].value("Status", "none");
  }
  return state;
}

/// The container's own exit code, or -1 when it is still running or never ran: the daemon
/// reports 0 for a container that was never started, which must not read as success. A start
/// the daemon refused (no such program: 127) has a real code although the container never ran.
int exit_code_of(const ContainerState& state) {
  if (state.running) {
    return -1;
  }
  if (state.started_at == k_never && state.exit_code == 0 && state.error.empty()) {
    return -1;
  }
  return state.exit_code;
}

}  // namespace

ContainerCli::ContainerCli(proc::ProcessRunner& runner, std::string binary) : runner_(runner) {
  if (binary.empty()) {
    const char* configured = std::getenv("PIPEWRIGHT_DOCKER");
    binary = configured != nullptr && *configured != '\0' ? configured : "docker";
  }
  binary_ = std::move(binary);
}

proc::Captured ContainerCli::docker(std::vector<std::string> args,
                                    std::chrono::milliseconds timeout) {
  proc::Command command;
  command.argv.push_back(binary_);
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  command.timeout = timeout;
  return proc::capture(runner_, command);
}

DockerFailure ContainerCli::failure(const std::string& operation,
                                    const proc::Captured& captured) const {
  const auto& status = captured.status;
  if (status.kind == Kind::failed_to_start) {
    return DockerFailure{operation + ": cannot run the Docker client '" + binary_ + "': " +
                         status.describe() + " (install docker.io, or set PIPEWRIGHT_DOCKER)"};
  }
  const std::string said = last_line(captured.err);
  std::string detail = said.empty() ? status.describe() : said;
  if (status.kind != Kind::exited && !said.empty()) {
    detail = status.describe() + " (" + said + ")";  // a timeout's last line is not its cause
  }
  if (daemon_unreachable(captured.err)) {
    return DockerFailure{operation + ": the Docker daemon does not answer at " +
                         docker_endpoint_description() + ": " + detail};
  }
  return DockerFailure{operation + ": " + detail};
}

Result<std::string, DockerFailure> ContainerCli::inspect_format(const std::string& id,
                                                                const std::string& format) {
  const auto c = docker({"container", "inspect", "--format", format, "--", id}, k_metadata_timeout);
  if (!c.status.ok()) {
    return failure("inspecting container " + id, c);
  }
  return c.out;
}

// --- networks ---------------------------------------------------------------------------

Result<std::string, DockerFailure> ContainerCli::create_network(
    const std::string& name, const std::map<std::string, std::string>& labels) {
  const std::string operation = "creating network " + name;
  std::vector<std::string> args = {"network", "create", "--driver", "bridge"};
  for (const auto& [key, value] : labels) {
    if (const auto problem = label_key_problem(key); !problem.empty()) {
      return DockerFailure{operation + ": " + problem};
    }
    args.insert(args.end(), {"--label", key + "=" + value});
  }
  args.insert(args.end(), {"--", name});
  const auto c = docker(std::move(args), k_metadata_timeout);
  if (!c.status.ok()) {
    return failure(operation, c);
  }
  return last_line(c.out);
}

Result<void, DockerFailure> ContainerCli::remove_network(const std::string& id_or_name) {
  const auto c = docker({"network", "rm", "--", id_or_name}, k_metadata_timeout);
  if (!c.status.ok() && !(c.status.kind == Kind::exited && gone(c.err))) {
    return failure("removing network " + id_or_name, c);
  }
  return success();
}

// --- containers ---------------------------------------------------------------------------

Result<proc::Command, DockerFailure> ContainerCli::container_command(
    const ContainerSpec& spec, const std::vector<std::string>& verb) const {
  const std::string operation =
      "creating container " + (spec.name.empty() ? "from " + spec.image : spec.name);
  const auto refuse = [&](const std::string& why) { return DockerFailure{operation + ": " + why}; };

  proc::Command command;
  command.argv = {binary_};
  command.argv.insert(command.argv.end(), verb.begin(), verb.end());
  if (!spec.name.empty()) {
    command.argv.insert(command.argv.end(), {"--name", spec.name});
  }
  for (const auto& [key, value] : spec.labels) {
    if (const auto problem = label_key_problem(key); !problem.empty()) {
      return refuse(problem);
    }
    command.argv.insert(command.argv.end(), {"--label", key + "=" + value});
  }
  if (spec.workdir) {
    command.argv.insert(command.argv.end(), {"--workdir", *spec.workdir});
  }
  if (spec.entrypoint) {
    command.argv.insert(command.argv.end(), {"--entrypoint", *spec.entrypoint});
  }
  if (spec.network) {
    command.argv.insert(command.argv.end(), {"--network", *spec.network});
  } else if (!spec.network_aliases.empty()) {
    return refuse("network aliases need a network");
  }
  for (const auto& alias : spec.network_aliases) {
    command.argv.insert(command.argv.end(), {"--network-alias", alias});
  }
  for (const auto& mount : spec.mounts) {
    // `-v` splits at ':', and reads a relative source as the name of a volume to create.
    const std::string host = mount.host.string();
    if (!mount.host.is_absolute() || contains(host, ":")) {
      return refuse("mount source '" + host + "' must be an absolute path without ':'");
    }
    if (!mount.container.starts_with('/') || contains(mount.container, ":")) {
      return refuse("mount target '" + mount.container + "' must be an absolute path without ':'");
    }
    command.argv.insert(command.argv.end(), {"--volume", host + ":" + mount.container +
                                                             (mount.read_only ? ":ro" : "")});
  }
  std::string env_file;
  for (const auto& [name, value] : spec.env) {
    if (name.empty() || contains(name, "=") || contains(name, std::string_view("\0", 1))) {
      return refuse("invalid environment variable name '" + name + "'");
    }
    if (contains(value, std::string_view("\0", 1))) {
      return refuse("the value of " + name + " contains a NUL byte");
    }
    if (!read_by_client(name)) {
      command.argv.insert(command.argv.end(), {"--env", name});
      command.env[name] = value;
      continue;
    }
    // The env-file format is one NAME=VALUE per line, value verbatim (the client's line
    // scanner drops a trailing '\r', hence no CR either).
    if (value.find_first_of("\r\n") != std::string::npos) {
      return refuse("the value of " + name + " cannot hold a line break (" + name +
                    " is also read by the docker client, so it is passed as an env-file line)");
    }
    env_file += name + "=" + value + "\n";
  }
  if (!env_file.empty()) {
    command.argv.insert(command.argv.end(), {"--env-file", "/dev/stdin"});
    command.stdin_data = std::move(env_file);
  }
  command.argv.insert(command.argv.end(), {"--", spec.image});
  command.argv.insert(command.argv.end(), spec.command.begin(), spec.command.end());
  return command;
}

Result<std::string, DockerFailure> ContainerCli::create_container(const ContainerSpec& spec) {
  const std::string operation =
      "creating container " + (spec.name.empty() ? "from " + spec.image : spec.name);
  const auto refuse = [&](const std::string& why) { return DockerFailure{operation + ": " + why}; };
  auto command = container_command(spec, {"create"});
  if (!command) {
    return command.error();
  }
  command.value().timeout = k_create_timeout;
  const auto c = proc::capture(runner_, command.value());
  if (!c.status.ok()) {
    return failure(operation, c);
  }
  const std::string id = last_line(c.out);
  if (id.empty()) {
    return refuse("the Docker client printed no container id");
  }
  return id;
}

Result<void, DockerFailure> ContainerCli::start_container(const std::string& id) {
  const auto c = docker({"start", "--", id}, k_metadata_timeout);
  if (!c.status.ok()) {
    return failure("starting container " + id, c);
  }
  return success();
}

void ContainerCli::kill_container(const std::string& id) {
  // Errors cannot be reported from here (run_attached has no error channel, and this also runs
  // while an exception unwinds): "not running" is the expected answer after a natural exit, and
  // anything else leaves the container to the caller's remove_container and label cleanup.
  try {
    docker({"kill", "--", id}, k_metadata_timeout);
  } catch (...) {  // best effort, see above
  }
}

ContainerExit ContainerCli::run_container(const ContainerSpec& spec,
                                          std::optional<std::chrono::milliseconds> timeout,
                                          const std::atomic<bool>* cancel,
                                          const proc::LineSink& sink) {
  // One client call per job (`docker run --rm`): the daemon removes the container when it
  // exits; the id comes back through --cidfile for the kill on timeout or cancel.
  TempDir scratch("pipewright-run");
  const auto cid_file = scratch.path() / "cid";
  auto command = container_command(spec, {"run", "--rm", "--cidfile", cid_file.string()});
  ContainerExit result;
  if (!command) {
    result.client.kind = Kind::failed_to_start;
    result.client.error = command.error().message;
    return result;
  }
  command.value().timeout = timeout;
  command.value().cancel = cancel;
  command.value().kill_grace = k_stop_grace;
  const auto container_id = [&] {
    std::ifstream in(cid_file);
    std::string id;
    std::getline(in, id);
    return id;
  };
  try {
    result.client = runner_.run(command.value(), sink);
  } catch (...) {
    if (const auto id = container_id(); !id.empty())
      kill_container(id);
    throw;
  }
  if (result.client.kind == Kind::exited) {
    result.exit_code = result.client.code;  // `docker run` exits with the container's code
    return result;
  }
  // Timed out, cancelled or killed from outside: the container may run on unattended.
  if (const auto id = container_id(); !id.empty())
    kill_container(id);
  return result;
}

ContainerExit ContainerCli::run_attached(const std::string& id,
                                         std::optional<std::chrono::milliseconds> timeout,
                                         const std::atomic<bool>* cancel,
                                         const proc::LineSink& sink) {
  proc::Command command;
  command.argv = {binary_, "start", "--attach", "--", id};
  command.timeout = timeout;
  command.cancel = cancel;
  command.kill_grace = k_stop_grace;
  proc::ExitStatus client;
  try {
    client = runner_.run(command, sink);
  } catch (...) {
    kill_container(id);  // the client is gone; the container must not run on unattended
    throw;
  }
  return finish_attached(id, std::move(client));
}

ContainerExit ContainerCli::finish_attached(const std::string& id, proc::ExitStatus client) {
  ContainerExit result;
  result.client = std::move(client);
  if (result.client.kind == Kind::failed_to_start) {
    return result;  // nothing was started
  }

  const auto read_state = [&]() -> std::optional<ContainerState> {
    const auto text = inspect_format(id, "{{json .State}}");
    if (!text) {
      return std::nullopt;
    }
    try {
      return parse_state(nlohmann::json::parse(text.value()));
    } catch (const nlohmann::json::exception&) {
      return std::nullopt;
    }
  };
  // Timed out, cancelled or killed from outside: the container may run on (a SIGKILLed client
  // forwards nothing), so kill it without asking first; a daemon still busy starting it holds
  // the container's lock, so the kill lands after the start. A client that exited by itself
  // normally means the container exited, unless the client lost the daemon connection.
  bool must_kill = result.client.kind != Kind::exited;
  std::optional<ContainerState> state;
  if (!must_kill) {
    state = read_state();
    must_kill = !state || state->running;
  }
  if (must_kill) {
    kill_container(id);  // returns once the container stopped
    state = read_state();
  }
  if (state) {
    result.exit_code = exit_code_of(*state);
  }
  return result;
}

Result<int, DockerFailure> ContainerCli::exec(const std::string& id,
                                              const std::vector<std::string>& argv,
                                              std::chrono::milliseconds timeout) {
  const std::string operation = "running a command in container " + id;
  if (argv.empty()) {
    return DockerFailure{operation + ": the command is empty"};
  }
  proc::Command command;
  command.argv = {binary_, "exec", "--", id};
  command.argv.insert(command.argv.end(), argv.begin(), argv.end());
  command.timeout = timeout;
  // Only the last stderr line is kept: it explains a client failure, and the program's own
  // output may be unbounded.
  proc::Captured c;
  c.status = runner_.run(command, [&](proc::Stream stream, std::string_view line) {
    if (stream == proc::Stream::err && !line.empty()) {
      c.err.assign(line);
    }
  });
  if (c.status.kind != Kind::exited) {
    return failure(operation, c);
  }
  // The client reports its own and the daemon's errors (no such container, not running) with
  // code 1, which the program could return as well: the last stderr line tells them apart.
  if (c.status.code == 1 && client_error_line(c.err)) {
    return failure(operation, c);
  }
  return c.status.code;
}

Result<std::string, DockerFailure> ContainerCli::ip_address(const std::string& id,
                                                            const std::string& network) {
  const auto text = inspect_format(id, "{{json .NetworkSettings.Networks}}");
  if (!text) {
    return text.error();
  }
  try {
    const auto networks = nlohmann::json::parse(text.value());
    if (!networks.is_object() || network.empty()) {
      return std::string();
    }
    const auto address_of = [](const nlohmann::json& endpoint) {
      std::string address = endpoint.value("IPAddress", "");
      return address.empty() ? endpoint.value("GlobalIPv6Address", "") : address;
    };
    if (networks.contains(network)) {
      return address_of(networks.at(network));
    }
    for (const auto& endpoint : networks) {  // the keys are names; a network id is inside
      if (endpoint.value("NetworkID", "").starts_with(network)) {
        return address_of(endpoint);
      }
    }
    return std::string();
  } catch (const nlohmann::json::exception& e) {
    return DockerFailure{"inspecting container " + id + ": unreadable answer: " + e.what()};
  }
}

Result<std::pair<std::string, bool>, DockerFailure> ContainerCli::health(const std::string& id) {
  const auto text = inspect_format(id, "{{json .State}}");
  if (!text) {
    return text.error();
  }
  try {
    const auto state = parse_state(nlohmann::json::parse(text.value()));
    return std::pair{state.health, state.running};
  } catch (const nlohmann::json::exception& e) {
    return DockerFailure{"inspecting container " + id + ": unreadable answer: " + e.what()};
  }
}

Result<std::string, DockerFailure> ContainerCli::logs_tail(const std::string& id, int lines) {
  proc::Command command;
  command.argv = {binary_, "logs", "--tail", lines < 0 ? "all" : std::to_string(lines), "--", id};
  command.timeout = k_metadata_timeout;
  std::string merged;
  bool started = false;
  proc::Captured c;  // only the client's last stderr line, for a failure message
  c.status = runner_.run(command, [&](proc::Stream stream, std::string_view line) {
    if (started) {
      merged += '\n';
    }
    merged += line;
    started = true;
    if (stream == proc::Stream::err) {
      c.err.assign(line);
    }
  });
  if (!c.status.ok()) {
    return failure("reading the log of container " + id, c);
  }
  return merged;
}

Result<void, DockerFailure> ContainerCli::remove_container(const std::string& id) {
  const auto c = docker({"rm", "--force", "--volumes", "--", id}, k_metadata_timeout);
  if (!c.status.ok() && !(c.status.kind == Kind::exited && gone(c.err))) {
    return failure("removing container " + id, c);
  }
  return success();
}

// --- listing ------------------------------------------------------------------------------

Result<std::vector<LabelledObject>, DockerFailure> ContainerCli::list_containers(
    const std::string& key, const std::string& value) {
  return list(ObjectKind::container, key, value);
}

Result<std::vector<LabelledObject>, DockerFailure> ContainerCli::list_networks(
    const std::string& key, const std::string& value) {
  return list(ObjectKind::network, key, value);
}

Result<std::vector<LabelledObject>, DockerFailure> ContainerCli::list(ObjectKind kind,
                                                                      const std::string& key,
                                                                      const std::string& value) {
  const bool containers = kind == ObjectKind::container;
  const std::string noun = containers ? "containers" : "networks";
  const std::string selector = value.empty() ? key : key + "=" + value;
  const std::string operation = "listing " + noun + " labelled " + selector;
  if (const auto problem = label_key_problem(key); !problem.empty()) {
    return DockerFailure{operation + ": " + problem};
  }
  // `docker ps` prints labels as "k=v,k2=v2", ambiguous when a value holds ',' or '=': the
  // listing only finds the ids, and `inspect` reads the labels as JSON.
  std::vector<std::string> args = containers ? std::vector<std::string>{"ps", "--all"}
                                             : std::vector<std::string>{"network", "ls"};
  args.insert(args.end(), {"--no-trunc", "--filter", "label=" + selector, "--format", "{{.ID}}"});
  const auto listed = docker(std::move(args), k_metadata_timeout);
  if (!listed.status.ok()) {
    return failure(operation, listed);
  }
  const auto ids = lines_of(listed.out);

  std::vector<LabelledObject> found;
  for (std::size_t first = 0; first < ids.size(); first += k_inspect_batch) {
    std::vector<std::string> inspect = {containers ? "container" : "network", "inspect", "--"};
    const auto last = std::min(ids.size(), first + k_inspect_batch);
    inspect.insert(inspect.end(), ids.begin() + static_cast<std::ptrdiff_t>(first),
                   ids.begin() + static_cast<std::ptrdiff_t>(last));
    const auto c = docker(std::move(inspect), k_metadata_timeout);
    if (!c.status.ok()) {
      // Removed since the listing: the client still prints the others, and says which is gone.
      const auto errors = lines_of(c.err);
      const bool only_gone = c.status.kind == Kind::exited && !errors.empty() &&
                             std::all_of(errors.begin(), errors.end(),
                                         [](const std::string& line) { return gone(line); });
      if (!only_gone) {
        return failure(operation, c);
      }
    }
    if (lines_of(c.out).empty()) {
      continue;
    }
    try {
      for (const auto& object : nlohmann::json::parse(c.out)) {
        LabelledObject item;
        item.id = object.value("Id", "");
        item.name = object.value("Name", "");
        if (item.name.starts_with('/')) {
          item.name.erase(0, 1);  // containers' names are paths
        }
        item.labels = containers && object.contains("Config")
                          ? labels_in(object["Config"], "Labels")
                          : labels_in(object, "Labels");
        // The daemon filtered already; checking again costs nothing and guards its matching.
        const auto label = item.labels.find(key);
        if (label == item.labels.end() || (!value.empty() && label->second != value)) {
          continue;
        }
        found.push_back(std::move(item));
      }
    } catch (const nlohmann::json::exception& e) {
      return DockerFailure{operation + ": unreadable answer: " + e.what()};
    }
  }
  return found;
}

}  // namespace pw::docker
