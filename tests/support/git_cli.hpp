#pragma once

// Helpers for integration tests that drive the real `git` CLI, through pw::proc (the one way
// the project starts processes). Header-only: each test binary includes what it uses.

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "proc/process.hpp"
#include "support/test_env.hpp"

namespace pw::test {

namespace fs = std::filesystem;

/// Runs argv through pw::proc (the one way the project starts processes), with `stdin_data`
/// on stdin when given.
inline pw::proc::Captured run(const std::vector<std::string>& argv,
                              std::optional<std::string> stdin_data = std::nullopt) {
  return run_captured(argv, std::move(stdin_data), std::chrono::seconds(60));
}

/// Runs `git -C dir args...` and returns its stdout (without the final newline); throws,
/// failing the test, unless git exits 0.
inline std::string git(const fs::path& dir, const std::vector<std::string>& args,
                       std::optional<std::string> stdin_data = std::nullopt) {
  std::vector<std::string> argv = {"git", "-C", dir.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  const pw::proc::Captured ran = run(argv, std::move(stdin_data));
  if (!ran.status.ok()) {
    std::string command;
    for (const std::string& arg : argv) {
      command += arg + " ";
    }
    throw std::runtime_error(command + "failed (" + ran.status.describe() + "): " + ran.err);
  }
  return ran.out;
}

/// Splits NUL-separated records (the output of git's -z options).
inline std::set<std::string> split_nul(const std::string& text) {
  std::set<std::string> items;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\0', start), text.size());
    items.insert(text.substr(start, end - start));
    start = end + 1;
  }
  return items;
}

inline void write_file(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

}  // namespace pw::test
