// Drives deploy::registry for tests/registry/test_registry.py: the library's calls with
// their results as JSON lines on stdout, so a Python test can start real servers around it.
//   push_driver parse REF
//   push_driver push LAYOUT REF [--user U --password P] [--docker-config DIR]
//                               [--chunk-size N] [--mount-from REPO] [--insecure]
//                               [--parallel N]   (default 1: the fault tests count requests)
// Each progress event is {"event":..,"digest":..,"bytes":..,"size":..}; the last line is
// {"digest":..,"reference":..,"uploaded":..,"skipped":..}. Errors go to stderr, exit 1.

#include "deploy/registry/registry.hpp"
#include "util/error.hpp"

#include <nlohmann/json.hpp>

#include <cstring>
#include <iostream>
#include <mutex>
#include <string>

namespace {

const char* event_name(deploy::registry::BlobProgress::Event event) {
  using Event = deploy::registry::BlobProgress::Event;
  switch (event) {
    case Event::Exists:
      return "exists";
    case Event::Mounted:
      return "mounted";
    case Event::Started:
      return "started";
    case Event::Sending:
      return "sending";
    case Event::Uploading:
      return "uploading";
    case Event::Resumed:
      return "resumed";
    case Event::Uploaded:
      return "uploaded";
  }
  return "?";
}

}  // namespace

int main(int argc, char** argv) {
  using nlohmann::json;
  namespace registry = deploy::registry;
  try {
    if (argc == 3 && std::strcmp(argv[1], "parse") == 0) {
      auto ref = registry::parse_reference(argv[2]);
      std::cout << json{{"registry", ref.registry},
                        {"repository", ref.repository},
                        {"tag", ref.tag},
                        {"digest", ref.digest},
                        {"api_host", ref.api_host()},
                        {"string", ref.to_string()}}
                       .dump()
                << "\n";
      return 0;
    }
    if (argc < 4 || std::strcmp(argv[1], "push") != 0) {
      std::cerr << "usage: push_driver parse REF | push LAYOUT REF [options]\n";
      return 2;
    }
    registry::PushOptions options;
    options.retry_delay_ms = 50;  // the tests' servers recover at once
    options.parallel_uploads = 1;
    for (int i = 4; i < argc; ++i) {
      const std::string arg = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) {
          throw util::Error(arg + " needs a value");
        }
        return argv[++i];
      };
      if (arg == "--user") {
        if (!options.credentials) {
          options.credentials.emplace();
        }
        options.credentials->username = value();
      } else if (arg == "--password") {
        if (!options.credentials) {
          options.credentials.emplace();
        }
        options.credentials->password = value();
      } else if (arg == "--docker-config") {
        options.docker_config_dir = value();
      } else if (arg == "--chunk-size") {
        options.chunk_size = std::stoull(value());
      } else if (arg == "--mount-from") {
        options.mount_from = value();
      } else if (arg == "--insecure") {
        options.insecure = true;
      } else if (arg == "--parallel") {
        options.parallel_uploads = std::stoi(value());
      } else {
        throw util::Error("unknown option " + arg);
      }
    }
    options.progress = [](const registry::BlobProgress& progress) {
      static std::mutex mutex;  // called from the upload threads
      std::lock_guard lock(mutex);
      std::cout << json{{"event", event_name(progress.event)},
                        {"digest", progress.digest},
                        {"bytes", progress.bytes},
                        {"size", progress.size}}
                       .dump()
                << std::endl;
    };
    auto result = registry::push_layout(argv[2], registry::parse_reference(argv[3]), options);
    std::cout << json{{"digest", result.digest},
                      {"reference", result.reference},
                      {"uploaded", result.blobs_uploaded},
                      {"skipped", result.blobs_skipped},
                      {"bytes", result.bytes_uploaded}}
                     .dump()
              << std::endl;
    return 0;
  } catch (const std::exception& error) {
    std::cerr << error.what() << "\n";
    return 1;
  }
}
