#pragma once

#include <filesystem>
#include <string>

namespace pw {

/// A private (0700) temporary directory, removed with everything in it on destruction.
class TempDir {
 public:
  /// Creates $TMPDIR/<prefix>-XXXXXX (or under parent when given); throws on failure.
  explicit TempDir(const std::string& prefix, const std::filesystem::path& parent = {});
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;

  /// The directory.
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace pw
