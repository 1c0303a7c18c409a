#include "run/run_identity.hpp"

#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <fstream>
#include <iomanip>
#include <random>
#include <sstream>

namespace pw::run {
namespace {

std::string host_name() {
  char buffer[256] = {};
  if (::gethostname(buffer, sizeof buffer - 1) != 0)
    return "unknown";
  return buffer;
}

// Field 22 of /proc/PID/stat: the start time in clock ticks since boot; "" if unreadable.
std::string start_time(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  const std::size_t close = stat.rfind(')');  // the command name may contain spaces
  if (close == std::string::npos)
    return {};
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 22)
      return field;
  }
  return {};
}

}  // namespace

std::map<std::string, std::string> RunIdentity::labels() const {
  return {{k_label_run, run_id}, {k_label_owner, owner}};
}

RunIdentity new_run_identity() {
  std::random_device random;
  std::ostringstream id;
  id << std::hex << std::setfill('0');
  for (int i = 0; i < 3; ++i)
    id << std::setw(4) << (random() & 0xffffu);
  const std::string run_id = id.str();
  const long pid = ::getpid();
  return {run_id, host_name() + ":" + std::to_string(pid) + ":" + start_time(pid)};
}

bool owner_alive(const std::string& owner) {
  const std::size_t first = owner.find(':');
  const std::size_t second = owner.find(':', first + 1);
  if (first == std::string::npos || second == std::string::npos)
    return false;
  if (owner.substr(0, first) != host_name())
    return true;
  long pid = 0;
  try {
    pid = std::stol(owner.substr(first + 1, second - first - 1));
  } catch (...) {
    return false;
  }
  if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH))
    return false;
  return start_time(pid) == owner.substr(second + 1);
}

}  // namespace pw::run
