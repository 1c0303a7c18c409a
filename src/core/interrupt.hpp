#pragma once

#include <atomic>

#include "core/error.hpp"

// Ctrl-C and SIGTERM turn into a flag that long operations watch (proc::Command::cancel), so
// that children are stopped and cleanup runs before pipewright exits 130 or 143.

namespace pw {

/// Installs the SIGINT/SIGTERM handlers (idempotent). Until then signals keep their default.
void install_interrupt_handlers();

/// The flag that becomes true on SIGINT or SIGTERM; pass it as a cancel pointer.
const std::atomic<bool>& interrupt_flag();

/// Throws InterruptedError when a signal arrived.
void throw_if_interrupted();

/// Pipewright was interrupted: exit 130 for SIGINT, 143 for SIGTERM.
struct InterruptedError : Error {
  explicit InterruptedError(int signal);
};

}  // namespace pw
