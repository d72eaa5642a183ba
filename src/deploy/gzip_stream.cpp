#include "deploy/gzip_stream.hpp"

#include "util/error.hpp"

namespace deploy {
namespace {

constexpr int k_gzip_window_bits = 15 + 16;  // 32 KiB window, gzip wrapper
constexpr int k_level = 6;                   // gzip's own default

}  // namespace

GzipStream::GzipStream() {
  if (deflateInit2(&m_stream, k_level, Z_DEFLATED, k_gzip_window_bits, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    throw util::Error("zlib could not start a gzip stream");
  }
  // Spelled out rather than left to zlib's defaults, so the header never depends on them.
  m_header.text = 0;
  m_header.time = 0;
  m_header.os = 3;
  m_header.extra = Z_NULL;
  m_header.name = Z_NULL;
  m_header.comment = Z_NULL;
  m_header.hcrc = 0;
  deflateSetHeader(&m_stream, &m_header);
}

GzipStream::~GzipStream() {
  deflateEnd(&m_stream);
}

void GzipStream::deflate_some(int flush) {
  char buffer[64 * 1024];
  int status = Z_OK;
  do {
    m_stream.next_out = reinterpret_cast<Bytef*>(buffer);
    m_stream.avail_out = sizeof buffer;
    status = deflate(&m_stream, flush);
    if (status == Z_STREAM_ERROR) {
      throw util::Error("zlib failed while compressing a layer");
    }
    m_out.append(buffer, sizeof buffer - m_stream.avail_out);
  } while (m_stream.avail_out == 0 || (flush == Z_FINISH && status != Z_STREAM_END));
}

void GzipStream::write(std::string_view data) {
  while (!data.empty()) {
    // avail_in is 32 bits wide; feed at most 1 GiB at a time.
    auto piece = data.substr(0, std::size_t{1} << 30);
    m_stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(piece.data()));
    m_stream.avail_in = static_cast<uInt>(piece.size());
    deflate_some(Z_NO_FLUSH);
    data.remove_prefix(piece.size());
  }
}

std::string GzipStream::finish() {
  m_stream.next_in = Z_NULL;
  m_stream.avail_in = 0;
  deflate_some(Z_FINISH);
  return std::move(m_out);
}

std::string gunzip(std::string_view data) {
  z_stream stream{};
  if (inflateInit2(&stream, k_gzip_window_bits) != Z_OK) {
    throw util::Error("zlib could not start inflating");
  }
  std::string out;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  char buffer[64 * 1024];
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
  }
  inflateEnd(&stream);
  if (status != Z_STREAM_END) {
    throw util::Error("not a complete gzip stream");
  }
  return out;
}

}  // namespace deploy
