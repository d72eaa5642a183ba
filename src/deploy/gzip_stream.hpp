#pragma once

// Internal to src/deploy: gzip (RFC 1952) written in pieces, with a fixed header so that
// the same input gives the same bytes: FLG 0 (no name, no comment), MTIME 0, OS 3 (Unix,
// what zlib and GNU gzip write), and the deflate output of this zlib at level 6.

#include <zlib.h>

#include <string>
#include <string_view>

namespace deploy {

class GzipStream {
 public:
  GzipStream();
  ~GzipStream();
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  void write(std::string_view data);
  // Ends the stream and returns every compressed byte; nothing may be written afterwards.
  std::string finish();

 private:
  void deflate_some(int flush);

  z_stream m_stream{};
  gz_header m_header{};
  std::string m_out;
};

// The whole of `data` gunzip'd; throws util::Error for bytes that are not gzip.
std::string gunzip(std::string_view data);

}  // namespace deploy
