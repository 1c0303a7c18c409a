#pragma once

#include <map>
#include <string>

// Who owns the containers and networks of a run. Each object carries the run id and the
// owner (host, pid and the process's start time, so a recycled pid is not mistaken for the
// owner); `pipewright clean` and the start of every run remove objects whose owner is dead.

namespace pw::run {

/// Label keys on every container and network a run creates.
inline constexpr const char* k_label_run = "dev.pipewright.run";
inline constexpr const char* k_label_owner = "dev.pipewright.owner";
inline constexpr const char* k_label_job = "dev.pipewright.job";
inline constexpr const char* k_label_service = "dev.pipewright.service";

/// The identity of this pipewright process's run.
struct RunIdentity {
  std::string run_id;  ///< 12 hex characters, random
  std::string owner;   ///< "<host>:<pid>:<start time>"

  /// Labels to put on everything the run creates.
  std::map<std::string, std::string> labels() const;
};

/// A fresh identity for a run of this process.
RunIdentity new_run_identity();

/// Whether an owner label names a live process (on this host; other hosts count as alive,
/// so that a shared daemon's objects of another machine's run are never touched).
bool owner_alive(const std::string& owner);

}  // namespace pw::run
