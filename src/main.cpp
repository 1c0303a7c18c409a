#include "cli/app.hpp"

// Everything lives in the library; main only hands over the command line.
int main(int argc, char** argv) {
  return pw::cli::run(argc, argv);
}
