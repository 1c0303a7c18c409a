# Every dependency comes from a Debian package (see cicd/install-deps).
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBGIT2 REQUIRED IMPORTED_TARGET libgit2)
find_package(yaml-cpp REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(Threads REQUIRED)
find_package(CURL REQUIRED)
# SHA-256 of manifests (src/registry/digest.cpp).
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
# JUnit XML reports (src/report/junit.cpp); 1.11+ names the target pugixml::pugixml.
find_package(pugixml 1.11 REQUIRED)
if(PIPEWRIGHT_TESTS)
  find_package(GTest REQUIRED)
endif()
