#pragma once

#include <chrono>
#include <string>

namespace pw::run {

/// True when a TCP connection to host:port succeeds within timeout (the connection is closed
/// at once). host is a numeric IPv4 or IPv6 address.
bool tcp_connects(const std::string& host, int port, std::chrono::milliseconds timeout);

}  // namespace pw::run
