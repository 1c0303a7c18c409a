#include "spec/model.hpp"

#include <algorithm>

namespace pw::spec {
namespace {

template <class T>
const T* find_by_name(const std::vector<T>& items, std::string_view name) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.name == name; });
  return it == items.end() ? nullptr : &*it;
}

}  // namespace

const Image* Spec::find_image(std::string_view n) const {
  return find_by_name(images, n);
}
const Service* Spec::find_service(std::string_view n) const {
  return find_by_name(services, n);
}
const Job* Spec::find_job(std::string_view n) const {
  return find_by_name(jobs, n);
}
const Environment* Spec::find_environment(std::string_view n) const {
  return find_by_name(environments, n);
}

}  // namespace pw::spec
