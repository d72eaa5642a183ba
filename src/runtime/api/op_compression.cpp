// CompressionStream / DecompressionStream backing: one zlib stream per JS stream object.
// JavaScript holds the stream as an opaque handle (a v8::External); the zlib state is
// released when the stream ends, when JavaScript closes it, or when the handle is
// collected. States still alive when the worker's thread ends are freed with it.
#include "runtime/api/ops.hpp"
#include "runtime/v8_util.hpp"

#include <zlib.h>

#include <memory>
#include <string>
#include <unordered_map>

namespace runtime::api {
namespace {

enum class Format { gzip = 0, deflate = 1, deflate_raw = 2 };

struct ZStream {
  z_stream z{};
  bool decompress = false;
  bool open = false;   // inflateInit/deflateInit succeeded and End not yet called
  bool ended = false;  // decompression reached the end of the compressed data
  // In a union so that ~ZStream never destroys it: the weak callback empties it, and a
  // state freed at the thread's end outlived its isolate, which took the slot with it.
  union {
    v8::Global<v8::External> handle;
  };

  ZStream() : handle() {}
  ZStream(const ZStream&) = delete;
  ZStream& operator=(const ZStream&) = delete;
  ~ZStream() { close(); }
  void close() {
    if (open) {
      if (decompress) {
        inflateEnd(&z);
      } else {
        deflateEnd(&z);
      }
      open = false;
    }
  }
};

// Every live state of this thread's worker: the weak callback erases its own entry; the
// thread's end frees the rest (V8 runs no weak callbacks when an isolate is disposed).
thread_local std::unordered_map<ZStream*, std::unique_ptr<ZStream>> live_streams;

ZStream* from_handle(v8::Local<v8::Value> value) {
  if (!value->IsExternal()) {
    return nullptr;
  }
  auto* stream = static_cast<ZStream*>(value.As<v8::External>()->Value());
  return live_streams.count(stream) != 0 ? stream : nullptr;
}

int window_bits(Format format) {
  switch (format) {
    case Format::gzip:
      return 15 + 16;
    case Format::deflate:
      return 15;
    case Format::deflate_raw:
      return -15;
  }
  return 15;
}

// zlib_new(format, decompress): a handle for a new stream.
void zlib_new(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto format = static_cast<Format>(uint32_arg(info, 0));
  auto stream = std::make_unique<ZStream>();
  stream->decompress = info[1]->BooleanValue(isolate);
  int bits = window_bits(format);
  int status = stream->decompress ? inflateInit2(&stream->z, bits)
                                  : deflateInit2(&stream->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED,
                                                 bits, 8, Z_DEFAULT_STRATEGY);
  if (status != Z_OK) {
    throw_type_error(isolate, "Failed to initialise the compression stream");
    return;
  }
  stream->open = true;
  auto external = v8::External::New(isolate, stream.get());
  stream->handle.Reset(isolate, external);
  stream->handle.SetWeak(
      stream.get(),
      [](const v8::WeakCallbackInfo<ZStream>& data) {
        auto* self = data.GetParameter();
        self->handle.Reset();
        live_streams.erase(self);
      },
      v8::WeakCallbackType::kParameter);
  live_streams.emplace(stream.get(), std::move(stream));
  info.GetReturnValue().Set(external);
}

// Runs zlib over `input` with `flush`; appends the output. False (and a TypeError thrown)
// when the data is corrupt.
bool run(v8::Isolate* isolate, ZStream& stream, std::string_view input, int flush,
         std::string& out) {
  auto& z = stream.z;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  z.avail_in = static_cast<uInt>(input.size());
  unsigned char chunk[16384];
  for (;;) {
    if (stream.decompress && stream.ended) {
      if (z.avail_in != 0) {
        throw_type_error(isolate, "Junk found after end of compressed data.");
        return false;
      }
      return true;
    }
    z.next_out = chunk;
    z.avail_out = sizeof chunk;
    int status = stream.decompress ? inflate(&z, flush) : deflate(&z, flush);
    out.append(reinterpret_cast<char*>(chunk), sizeof chunk - z.avail_out);
    if (status == Z_STREAM_END) {
      if (stream.decompress) {
        stream.ended = true;
        continue;
      }
      return true;
    }
    if (status == Z_BUF_ERROR) {
      return true;  // no progress possible: all input consumed, output flushed
    }
    if (status != Z_OK) {
      std::string message = z.msg != nullptr ? z.msg : "corrupt compressed data";
      stream.close();
      throw_type_error(isolate, message);
      return false;
    }
    if (z.avail_in == 0 && z.avail_out != 0 && flush == Z_NO_FLUSH) {
      return true;
    }
  }
}

void give_bytes(const v8::FunctionCallbackInfo<v8::Value>& info, const std::string& bytes) {
  v8::Local<v8::Uint8Array> array;
  if (new_uint8_array(info.GetIsolate(), bytes).ToLocal(&array)) {
    info.GetReturnValue().Set(array);
  }
}

// zlib_push(handle, chunk): the output `chunk` produced so far (maybe empty).
void zlib_push(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto* stream = from_handle(info[0]);
  if (stream == nullptr || !stream->open) {
    throw_type_error(isolate, "The compression stream is closed");
    return;
  }
  auto bytes = buffer_source_bytes(info[1]);
  if (!bytes) {
    throw_type_error(isolate, "chunk is not of type '(ArrayBuffer or ArrayBufferView)'");
    return;
  }
  std::string out;
  if (run(isolate, *stream, *bytes, Z_NO_FLUSH, out)) {
    give_bytes(info, out);
  }
}

// zlib_finish(handle): the rest of the output; a TypeError when compressed input ended early.
void zlib_finish(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto* stream = from_handle(info[0]);
  if (stream == nullptr || !stream->open) {
    throw_type_error(isolate, "The compression stream is closed");
    return;
  }
  std::string out;
  if (!run(isolate, *stream, {}, Z_FINISH, out)) {
    return;
  }
  if (stream->decompress && !stream->ended) {
    stream->close();
    throw_type_error(isolate, "unexpected end of file");
    return;
  }
  stream->close();
  give_bytes(info, out);
}

// zlib_close(handle): frees zlib's memory now (a cancelled or errored stream).
void zlib_close(const v8::FunctionCallbackInfo<v8::Value>& info) {
  if (auto* stream = from_handle(info[0])) {
    stream->close();
  }
}

}  // namespace

std::vector<Op> compression_ops() {
  return {{"zlib_new", zlib_new},
          {"zlib_push", zlib_push},
          {"zlib_finish", zlib_finish},
          {"zlib_close", zlib_close}};
}

}  // namespace runtime::api
