// What a person sees while serve and bundle download: on a terminal (a real pty here) a
// line per finished download and a status line for those in flight; through a pipe
// (logs, CI) nothing at all.
#include "bundler/download_progress.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <pty.h>
#include <unistd.h>

#include <string>

namespace {

std::string drain(int fd) {
  std::string text;
  char buffer[4096];
  ssize_t got;
  while ((got = ::read(fd, buffer, sizeof buffer)) > 0) {
    text.append(buffer, static_cast<std::size_t>(got));
  }
  return text;
}

}  // namespace

TEST_SUITE_BEGIN("bundler");

TEST_CASE("terminal_download_progress: lines on a terminal, silence through a pipe") {
  int leader = -1;
  int follower = -1;
  REQUIRE(::openpty(&leader, &follower, nullptr, nullptr, nullptr) == 0);
  ::fcntl(leader, F_SETFL, O_NONBLOCK);
  auto report = bundler::terminal_download_progress(follower);
  REQUIRE(report);
  report("https://registry.npmjs.org/zod", 0, false);
  report("https://registry.npmjs.org/zod/-/zod-3.23.8.tgz", 0, false);
  report("https://registry.npmjs.org/zod", 1536, true);
  report("https://registry.npmjs.org/zod/-/zod-3.23.8.tgz", 3 << 20, true);
  auto text = drain(leader);
  CHECK(text.find("Download https://registry.npmjs.org/zod (1.5 KiB)") != std::string::npos);
  CHECK(text.find("Download https://registry.npmjs.org/zod/-/zod-3.23.8.tgz (3.0 MiB)") !=
        std::string::npos);
  CHECK(text.find("Downloading 1 file") != std::string::npos);  // the tarball, in flight
  // The status line is cleared once nothing is in flight.
  CHECK(text.ends_with("\r\x1b[K"));
  ::close(leader);
  ::close(follower);

  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  CHECK(!bundler::terminal_download_progress(pipe_fds[1]));
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

TEST_SUITE_END();
