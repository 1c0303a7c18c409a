#include "state/run_records.hpp"

#include <fstream>

namespace pw::state {
namespace {

nlohmann::json to_json(const RunRecord& r) {
  return {{"run_id", r.run_id},
          {"commit", r.commit},
          {"clean", r.clean},
          {"passed", r.passed},
          {"summary", r.summary}};
}

// Write then rename: a reader never sees half a record.
void write_json(const std::filesystem::path& file, const nlohmann::json& value) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  const auto partial = file.string() + ".partial";
  {
    std::ofstream out(partial);
    if (!out)
      return;  // best effort: evidence is a convenience, never a reason to fail a run
    out << value.dump(2) << "\n";
  }
  std::filesystem::rename(partial, file, ec);
}

}  // namespace

void record_run(const std::filesystem::path& state_dir, const RunRecord& record) {
  write_json(state_dir / "runs" / record.run_id / "summary.json", to_json(record));
  if (record.clean && record.passed && !record.commit.empty()) {
    write_json(state_dir / "evidence" / (record.commit + ".json"), to_json(record));
  }
}

std::optional<RunRecord> passing_run(const std::filesystem::path& state_dir,
                                     const std::string& commit) {
  std::ifstream in(state_dir / "evidence" / (commit + ".json"));
  if (!in)
    return std::nullopt;
  const auto j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || j.value("commit", "") != commit || !j.value("passed", false))
    return std::nullopt;
  return RunRecord{j.value("run_id", ""), commit, j.value("clean", false), true,
                   j.contains("summary") ? j["summary"] : nlohmann::json(nullptr)};
}

}  // namespace pw::state
