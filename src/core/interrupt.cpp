#include "core/interrupt.hpp"

#include <csignal>

namespace pw {
namespace {

std::atomic<bool> g_interrupted{false};
std::atomic<int> g_signal{0};

extern "C" void on_signal(int signal) {
  g_signal.store(signal);
  g_interrupted.store(true);
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

const std::atomic<bool>& interrupt_flag() {
  return g_interrupted;
}

void throw_if_interrupted() {
  if (g_interrupted.load())
    throw InterruptedError(g_signal.load());
}

InterruptedError::InterruptedError(int signal)
    : Error(signal == SIGTERM ? ExitCode::terminated : ExitCode::interrupted,
            signal == SIGTERM ? "terminated (SIGTERM); stopped what was running"
                              : "interrupted (Ctrl-C); stopped what was running") {}

}  // namespace pw
