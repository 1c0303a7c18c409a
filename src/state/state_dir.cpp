#include "state/state_dir.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

namespace pw::state {
namespace {

std::filesystem::path records_file(const std::filesystem::path& state_dir,
                                   const std::string& commit) {
  return state_dir / "images" / (commit + ".json");
}

nlohmann::json read_json(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in)
    return nlohmann::json::object();
  // A damaged record is treated as absent: it only ever saves a rebuild.
  auto parsed = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  return parsed.is_object() ? parsed : nlohmann::json::object();
}

}  // namespace

std::filesystem::path ensure_state_dir(const std::filesystem::path& root) {
  const auto dir = root / ".pipewright";
  std::filesystem::create_directories(dir);
  const auto ignore = dir / ".gitignore";
  if (!std::filesystem::exists(ignore))
    std::ofstream(ignore) << "*\n";
  return dir;
}

void record_images(const std::filesystem::path& state_dir, const std::string& commit,
                   const std::vector<build::BuiltImage>& images) {
  const auto file = records_file(state_dir, commit);
  std::filesystem::create_directories(file.parent_path());
  nlohmann::json records = read_json(file);
  for (const auto& image : images) {
    records[image.name] = {{"repository", image.repository},
                           {"image_id", image.image_id},
                           {"tags", image.tags},
                           {"inputs", image.inputs},
                           {"dirty", image.dirty}};
  }
  // Write then rename, so a reader never sees half a file.
  const auto partial = file.string() + ".partial";
  std::ofstream(partial) << records.dump(2) << "\n";
  std::filesystem::rename(partial, file);
}

std::vector<ImageRecord> recorded_images(const std::filesystem::path& state_dir,
                                         const std::string& commit) {
  std::vector<ImageRecord> out;
  const nlohmann::json records = read_json(records_file(state_dir, commit));
  for (const auto& [name, r] : records.items()) {
    if (!r.is_object())
      continue;
    out.push_back({name, r.value("repository", ""), r.value("image_id", ""),
                   r.value("tags", std::vector<std::string>{}), r.value("inputs", ""),
                   r.value("dirty", false)});
  }
  return out;
}

}  // namespace pw::state
