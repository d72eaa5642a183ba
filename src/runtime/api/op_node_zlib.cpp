// node:zlib's engines: zlib (deflate, inflate, gzip, gunzip, raw, unzip), brotli and zstd, one
// native stream per JavaScript zlib object (js/node/zlib.js). JavaScript holds an opaque
// handle (crypto_key.hpp's new_handle: a three-byte ArrayBuffer whose backing-store
// deleter frees the engine) and feeds it input; each call returns at most about
// `limit` bytes of output and keeps the rest of its input, so that a large input or a
// decompression bomb is worked through in slices the event loop can interleave, and the
// output is checked against the worker's memory budget as it grows.
#include "runtime/api/crypto_key.hpp"
#include "runtime/api/op_host.hpp"
#include "runtime/api/ops.hpp"
#include "runtime/v8_util.hpp"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <cstring>
#include <string>
#include <vector>

namespace runtime::api {
namespace {

// Node's mode numbers (zlib.constants.DEFLATE ... BROTLI_ENCODE).
enum Mode {
  k_deflate = 1,
  k_inflate = 2,
  k_gzip = 3,
  k_gunzip = 4,
  k_deflate_raw = 5,
  k_inflate_raw = 6,
  k_unzip = 7,
  k_brotli_decode = 8,
  k_brotli_encode = 9,
  k_zstd_compress = 10,
  k_zstd_decompress = 11,
};

struct Engine {
  // What the handle's ArrayBuffer points at; three bytes, so an engine handle is never
  // taken for a key's (one byte) or a hash's (two).
  unsigned char anchor[3] = {0, 0, 0};
  int mode = 0;
  z_stream z{};
  bool z_open = false;
  BrotliEncoderState* encoder = nullptr;
  BrotliDecoderState* decoder = nullptr;
  ZSTD_CCtx* zstd_compressor = nullptr;
  ZSTD_DCtx* zstd_decompressor = nullptr;
  bool ended = false;        // decompression reached the end of the data
  std::string pending;       // input not consumed yet
  std::size_t consumed = 0;  // of `pending`
  std::string dictionary;
  std::size_t chunk = 16384;
  // For reset(): what the engine was made with.
  int level = Z_DEFAULT_COMPRESSION, window_bits = 15, mem_level = 8, strategy = 0;

  bool decompress() const {
    return mode == k_inflate || mode == k_gunzip || mode == k_inflate_raw || mode == k_unzip ||
           mode == k_brotli_decode || mode == k_zstd_decompress;
  }
  bool brotli() const { return mode == k_brotli_decode || mode == k_brotli_encode; }
  bool zstd() const { return mode == k_zstd_compress || mode == k_zstd_decompress; }
  // The flush value that ends the data: Z_FINISH, BROTLI_OPERATION_FINISH, ZSTD_e_end.
  int finish() const { return brotli() ? BROTLI_OPERATION_FINISH : zstd() ? ZSTD_e_end : Z_FINISH; }
  bool open() const {
    return z_open || encoder != nullptr || decoder != nullptr || zstd_compressor != nullptr ||
           zstd_decompressor != nullptr;
  }
  void close() {
    if (z_open) {
      if (decompress()) {
        inflateEnd(&z);
      } else {
        deflateEnd(&z);
      }
      z_open = false;
    }
    if (encoder != nullptr) {
      BrotliEncoderDestroyInstance(encoder);
      encoder = nullptr;
    }
    if (decoder != nullptr) {
      BrotliDecoderDestroyInstance(decoder);
      decoder = nullptr;
    }
    ZSTD_freeCCtx(zstd_compressor);  // null is fine
    zstd_compressor = nullptr;
    ZSTD_freeDCtx(zstd_decompressor);
    zstd_decompressor = nullptr;
    pending.clear();
    consumed = 0;
  }
};

// Runs when V8 frees the handle's backing store (GC or isolate teardown); no V8 calls.
void free_engine(void* /*data*/, std::size_t /*length*/, void* owner) {
  auto* engine = static_cast<Engine*>(owner);
  engine->close();
  delete engine;
}

Engine* engine_of(v8::Isolate* isolate, v8::Local<v8::Value> handle) {
  static_assert(offsetof(Engine, anchor) == 0);
  return static_cast<Engine*>(crypto::handle_anchor(isolate, handle, 3, "zlib"));
}

// The windowBits zlib wants for `mode` from Node's 8..15 (0: from the header).
int zlib_window_bits(int mode, int bits) {
  switch (mode) {
    case k_gzip:
    case k_gunzip:
      return bits + 16;
    case k_unzip:
      return bits + 32;  // zlib or gzip, told by the header
    case k_deflate_raw:
    case k_inflate_raw:
      return -bits;
    default:
      return bits;
  }
}

// Starts (or restarts) the engine's codec; a zlib status (Z_OK when it worked).
int start(Engine& e) {
  e.ended = false;
  if (e.brotli()) {
    return Z_OK;  // brotli instances are made by the caller, with their parameters
  }
  int bits = zlib_window_bits(e.mode, e.window_bits);
  int status = e.decompress()
                   ? inflateInit2(&e.z, bits)
                   : deflateInit2(&e.z, e.level, Z_DEFLATED, bits, e.mem_level, e.strategy);
  if (status != Z_OK) {
    return status;
  }
  e.z_open = true;
  if (!e.dictionary.empty() && (e.mode == k_deflate || e.mode == k_deflate_raw)) {
    status = deflateSetDictionary(&e.z, reinterpret_cast<const Bytef*>(e.dictionary.data()),
                                  static_cast<uInt>(e.dictionary.size()));
  } else if (!e.dictionary.empty() && e.mode == k_inflate_raw) {
    status = inflateSetDictionary(&e.z, reinterpret_cast<const Bytef*>(e.dictionary.data()),
                                  static_cast<uInt>(e.dictionary.size()));
  }
  return status;
}

const char* zlib_code(int status) {
  switch (status) {
    case Z_NEED_DICT:
      return "Z_NEED_DICT";
    case Z_ERRNO:
      return "Z_ERRNO";
    case Z_STREAM_ERROR:
      return "Z_STREAM_ERROR";
    case Z_DATA_ERROR:
      return "Z_DATA_ERROR";
    case Z_MEM_ERROR:
      return "Z_MEM_ERROR";
    case Z_BUF_ERROR:
      return "Z_BUF_ERROR";
    case Z_VERSION_ERROR:
      return "Z_VERSION_ERROR";
    default:
      return "Z_UNKNOWN_ERROR";
  }
}

// A failure JavaScript turns into Node's error: { message, errno, code }.
struct Failure {
  std::string message;
  int errno_value = 0;
  std::string code;
};

Failure zlib_failure(const Engine& e, int status, const char* fallback) {
  return {e.z.msg != nullptr ? e.z.msg : fallback, status, zlib_code(status)};
}

enum class Step { done, more, failed };

// zstd's parameters are signed (negative compression levels are fast modes).
int value_as_int(v8::Local<v8::Context> context, v8::Local<v8::Value> value) {
  return value->Int32Value(context).FromMaybe(0);
}

// One slice of zlib work over the pending input: output appended to `out` until the input
// is used up (and, for a flush, the flush is complete) or `limit` bytes were made.
Step run_zlib(Engine& e, int flush, std::size_t limit, std::string& out, Failure& failure) {
  std::vector<unsigned char> chunk(e.chunk);
  bool decompress = e.decompress();
  for (;;) {
    if (decompress && e.ended) {
      // gunzip (and unzip of gzip data) go on into a next gzip member, as Node's do;
      // anything else after the end is ignored.
      std::string_view rest(e.pending.data() + e.consumed, e.pending.size() - e.consumed);
      bool gzip_member = (e.mode == k_gunzip || e.mode == k_unzip) && rest.size() >= 2 &&
                         static_cast<unsigned char>(rest[0]) == 0x1f &&
                         static_cast<unsigned char>(rest[1]) == 0x8b;
      if (!gzip_member) {
        e.pending.clear();
        e.consumed = 0;
        return Step::done;
      }
      inflateReset(&e.z);
      e.ended = false;
    }
    e.z.next_in = reinterpret_cast<Bytef*>(e.pending.data() + e.consumed);
    e.z.avail_in = static_cast<uInt>(e.pending.size() - e.consumed);
    e.z.next_out = chunk.data();
    e.z.avail_out = static_cast<uInt>(chunk.size());
    // inflate is never asked to finish: Z_FINISH makes it fail when the output needs more
    // than one buffer. Truncated input is found by the caller instead.
    int status =
        decompress ? inflate(&e.z, flush == Z_FINISH ? Z_SYNC_FLUSH : flush) : deflate(&e.z, flush);
    e.consumed = e.pending.size() - e.z.avail_in;
    out.append(reinterpret_cast<char*>(chunk.data()), chunk.size() - e.z.avail_out);
    if (status == Z_NEED_DICT) {
      if (e.dictionary.empty()) {
        failure = {"Missing dictionary", Z_NEED_DICT, "Z_NEED_DICT"};
        return Step::failed;
      }
      if (inflateSetDictionary(&e.z, reinterpret_cast<const Bytef*>(e.dictionary.data()),
                               static_cast<uInt>(e.dictionary.size())) != Z_OK) {
        failure = {"Bad dictionary", Z_DATA_ERROR, "Z_DATA_ERROR"};
        return Step::failed;
      }
      continue;
    }
    if (status == Z_STREAM_END) {
      if (decompress) {
        e.ended = true;
        continue;
      }
      e.pending.clear();
      e.consumed = 0;
      return Step::done;
    }
    if (status != Z_OK && status != Z_BUF_ERROR) {
      failure = zlib_failure(e, status, "zlib error");
      return Step::failed;
    }
    bool input_left = e.z.avail_in != 0;
    bool output_full = e.z.avail_out == 0;
    if (!input_left && !output_full) {
      // Everything in, and zlib had room to spare: the slice (and any flush) is complete,
      // but deflate's finish, which ends only at Z_STREAM_END.
      if (decompress || flush != Z_FINISH) {
        e.pending.clear();
        e.consumed = 0;
        return Step::done;
      }
    }
    if (status == Z_BUF_ERROR && !output_full) {
      return Step::done;  // no progress possible
    }
    if (out.size() >= limit) {
      return Step::more;
    }
  }
}

Step run_brotli(Engine& e, int operation, std::size_t limit, std::string& out, Failure& failure) {
  std::vector<uint8_t> chunk(e.chunk);
  for (;;) {
    std::size_t avail_in = e.pending.size() - e.consumed;
    const auto* next_in = reinterpret_cast<const uint8_t*>(e.pending.data() + e.consumed);
    std::size_t avail_out = chunk.size();
    uint8_t* next_out = chunk.data();
    bool finished_slice = false;
    if (e.encoder != nullptr) {
      if (BrotliEncoderCompressStream(e.encoder, static_cast<BrotliEncoderOperation>(operation),
                                      &avail_in, &next_in, &avail_out, &next_out,
                                      nullptr) == BROTLI_FALSE) {
        failure = {"Compression failed", -1, "ERR_BROTLI_COMPRESSION_FAILED"};
        return Step::failed;
      }
      bool more = BrotliEncoderHasMoreOutput(e.encoder) == BROTLI_TRUE;
      finished_slice = avail_in == 0 && !more &&
                       (operation != BROTLI_OPERATION_FINISH ||
                        BrotliEncoderIsFinished(e.encoder) == BROTLI_TRUE);
    } else {
      if (e.ended) {
        e.pending.clear();
        e.consumed = 0;
        return Step::done;
      }
      auto result = BrotliDecoderDecompressStream(e.decoder, &avail_in, &next_in, &avail_out,
                                                  &next_out, nullptr);
      if (result == BROTLI_DECODER_RESULT_ERROR) {
        auto code = BrotliDecoderGetErrorCode(e.decoder);
        failure = {"Decompression failed", static_cast<int>(code),
                   std::string("ERR_") + BrotliDecoderErrorString(code)};
        return Step::failed;
      }
      e.ended = result == BROTLI_DECODER_RESULT_SUCCESS;
      finished_slice = e.ended || result == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT;
    }
    e.consumed = e.pending.size() - avail_in;
    out.append(reinterpret_cast<char*>(chunk.data()), chunk.size() - avail_out);
    if (finished_slice) {
      e.pending.clear();
      e.consumed = 0;
      return Step::done;
    }
    if (out.size() >= limit) {
      return Step::more;
    }
  }
}

Step run_zstd(Engine& e, int operation, std::size_t limit, std::string& out, Failure& failure) {
  std::vector<char> chunk(e.chunk);
  for (;;) {
    ZSTD_inBuffer in{e.pending.data() + e.consumed, e.pending.size() - e.consumed, 0};
    ZSTD_outBuffer output{chunk.data(), chunk.size(), 0};
    std::size_t status = 0;
    bool finished_slice = false;
    if (e.zstd_compressor != nullptr) {
      status = ZSTD_compressStream2(e.zstd_compressor, &output, &in,
                                    static_cast<ZSTD_EndDirective>(operation));
      // A flush or end is complete when zstd has nothing left to write (status 0).
      finished_slice = !ZSTD_isError(status) && in.pos == in.size && output.pos < output.size &&
                       (operation == ZSTD_e_continue || status == 0);
    } else {
      status = ZSTD_decompressStream(e.zstd_decompressor, &output, &in);
      // 0: a frame is complete and flushed (more input may start another one). A call
      // with nothing in and nothing out says nothing new.
      if (in.size > 0 || output.pos > 0) {
        e.ended = !ZSTD_isError(status) && status == 0;
      }
      finished_slice = in.pos == in.size && output.pos < output.size;
    }
    if (ZSTD_isError(status)) {
      failure = {std::string(e.zstd_compressor != nullptr ? "Zstd compression failed: "
                                                          : "Zstd decompression failed: ") +
                     ZSTD_getErrorName(status),
                 -static_cast<int>(ZSTD_getErrorCode(status)),
                 e.zstd_compressor != nullptr ? "ERR_ZSTD_COMPRESSION_FAILED"
                                              : "ERR_ZSTD_DECOMPRESSION_FAILED"};
      return Step::failed;
    }
    e.consumed += in.pos;
    out.append(chunk.data(), output.pos);
    if (finished_slice) {
      e.pending.clear();
      e.consumed = 0;
      return Step::done;
    }
    if (out.size() >= limit) {
      return Step::more;
    }
  }
}

void return_failure(const v8::FunctionCallbackInfo<v8::Value>& info, const Failure& failure) {
  auto* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  auto error = v8::Object::New(isolate);
  std::ignore = error->Set(context, v8_str(isolate, "message"), v8_str(isolate, failure.message));
  std::ignore =
      error->Set(context, v8_str(isolate, "errno"), v8::Integer::New(isolate, failure.errno_value));
  std::ignore = error->Set(context, v8_str(isolate, "code"), v8_str(isolate, failure.code));
  info.GetReturnValue().Set(error);
}

// node_zlib_new(mode, level, windowBits, memLevel, strategy, chunkSize, dictionary,
// params) -> handle, or { message, errno, code } when the codec refuses the options.
// `params` (brotli's and zstd's) is a flat array [key, value, ...].
void zlib_new(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  auto* e = new Engine;
  e->mode = static_cast<int>(uint32_arg(info, 0));
  e->level = info[1]->Int32Value(context).FromMaybe(Z_DEFAULT_COMPRESSION);
  e->window_bits = info[2]->Int32Value(context).FromMaybe(15);
  e->mem_level = info[3]->Int32Value(context).FromMaybe(8);
  e->strategy = info[4]->Int32Value(context).FromMaybe(0);
  e->chunk = std::max<std::size_t>(64, uint32_arg(info, 5));
  if (auto bytes = buffer_source_bytes(info[6])) {
    e->dictionary = std::string(*bytes);
  }
  Failure failure;
  bool ok = true;
  if (e->mode == k_brotli_encode) {
    e->encoder = BrotliEncoderCreateInstance(nullptr, nullptr, nullptr);
    ok = e->encoder != nullptr;
  } else if (e->mode == k_brotli_decode) {
    e->decoder = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
    ok = e->decoder != nullptr;
  } else if (e->mode == k_zstd_compress) {
    e->zstd_compressor = ZSTD_createCCtx();
    ok = e->zstd_compressor != nullptr;
  } else if (e->mode == k_zstd_decompress) {
    e->zstd_decompressor = ZSTD_createDCtx();
    ok = e->zstd_decompressor != nullptr;
  }
  if (!ok) {
    failure = {"Initialization failed", -1, "ERR_ZLIB_INITIALIZATION_FAILED"};
  } else if ((e->brotli() || e->zstd()) && info[7]->IsArray()) {
    auto params = info[7].As<v8::Array>();
    for (uint32_t i = 0; ok && i + 1 < params->Length(); i += 2) {
      v8::Local<v8::Value> key;
      v8::Local<v8::Value> value;
      if (!params->Get(context, i).ToLocal(&key) || !params->Get(context, i + 1).ToLocal(&value)) {
        free_engine(nullptr, 0, e);
        return;
      }
      auto k = key->Uint32Value(context).FromMaybe(0);
      auto v = value->Uint32Value(context).FromMaybe(0);
      if (e->zstd()) {
        int number = value_as_int(context, value);
        ok = !ZSTD_isError(e->zstd_compressor != nullptr
                               ? ZSTD_CCtx_setParameter(e->zstd_compressor,
                                                        static_cast<ZSTD_cParameter>(k), number)
                               : ZSTD_DCtx_setParameter(e->zstd_decompressor,
                                                        static_cast<ZSTD_dParameter>(k), number));
        continue;
      }
      ok = e->encoder != nullptr
               ? BrotliEncoderSetParameter(e->encoder, static_cast<BrotliEncoderParameter>(k), v)
               : BrotliDecoderSetParameter(e->decoder, static_cast<BrotliDecoderParameter>(k), v);
    }
    if (!ok) {
      failure = {"Initialization failed", -1, "ERR_ZLIB_INITIALIZATION_FAILED"};
    }
  } else if (!e->brotli() && !e->zstd()) {
    int status = start(*e);
    if (status != Z_OK) {
      ok = false;
      failure = zlib_failure(*e, status, "Init error");
    }
  }
  if (!ok) {
    free_engine(nullptr, 0, e);
    return_failure(info, failure);
    return;
  }
  info.GetReturnValue().Set(crypto::new_handle(isolate, e->anchor, 3, free_engine, e));
}

// node_zlib_write(handle, input | undefined, flush, limit, maxOutput) ->
// [Uint8Array, more] or { message, errno, code }. `input` is added to the engine's pending
// input; the call returns after about `limit` bytes of output with `more` true (call again
// with no input to go on), or with `more` false once all input is used and the flush done.
// Output past `maxOutput` or past what the worker's memory budget allows is a failure
// (ERR_BUFFER_TOO_LARGE), so a decompression bomb stops there.
void zlib_write(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto* e = engine_of(isolate, info[0]);
  if (e == nullptr) {
    return;
  }
  if (!e->open()) {
    return_failure(info, {"zlib binding closed", -1, "ERR_ZLIB_BINDING_CLOSED"});
    return;
  }
  if (auto bytes = buffer_source_bytes(info[1]); bytes && !bytes->empty()) {
    if (e->consumed > 0) {
      e->pending.erase(0, e->consumed);
      e->consumed = 0;
    }
    e->pending.append(bytes->data(), bytes->size());
  }
  int flush = static_cast<int>(uint32_arg(info, 2));
  std::size_t limit = std::max<std::uint32_t>(uint32_arg(info, 3), 1);
  double max_output = info[4]->NumberValue(isolate->GetCurrentContext()).FromMaybe(0);
  double cap = std::min(max_output, static_cast<double>(OpHost::of(isolate).memory_remaining()));
  std::string out;
  Failure failure;
  Step step = e->brotli() ? run_brotli(*e, flush, limit, out, failure)
              : e->zstd() ? run_zstd(*e, flush, limit, out, failure)
                          : run_zlib(*e, flush, limit, out, failure);
  if (step == Step::failed) {
    e->close();
    return_failure(info, failure);
    return;
  }
  if (static_cast<double>(out.size()) > cap) {
    e->close();
    return_failure(info, {"Cannot create a Buffer larger than " +
                              std::to_string(static_cast<std::uint64_t>(cap)) + " bytes",
                          -1, "ERR_BUFFER_TOO_LARGE"});
    return;
  }
  // The end of the input of a decompression that never reached the end of its data.
  if (step == Step::done && e->decompress() && !e->ended && flush == e->finish()) {
    e->close();
    return_failure(info, {"unexpected end of file", Z_BUF_ERROR, "Z_BUF_ERROR"});
    return;
  }
  v8::Local<v8::ArrayBuffer> buffer;
  if (!crypto::bytes_to_buffer(isolate, reinterpret_cast<const unsigned char*>(out.data()),
                               out.size())
           .ToLocal(&buffer)) {
    return;
  }
  v8::Local<v8::Value> result[] = {v8::Uint8Array::New(buffer, 0, out.size()),
                                   v8::Boolean::New(isolate, step == Step::more)};
  info.GetReturnValue().Set(v8::Array::New(isolate, result, 2));
}

// node_zlib_params(handle, level, strategy) -> zlib status (deflate's params()).
void zlib_params(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  auto* e = engine_of(isolate, info[0]);
  if (e == nullptr || !e->z_open || e->decompress()) {
    return;
  }
  e->level = info[1]->Int32Value(context).FromMaybe(e->level);
  e->strategy = info[2]->Int32Value(context).FromMaybe(e->strategy);
  info.GetReturnValue().Set(deflateParams(&e->z, e->level, e->strategy));
}

// node_zlib_reset(handle): back to a fresh stream with the same options (zlib only; a
// brotli or zstd engine is remade by JavaScript).
void zlib_reset(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* e = engine_of(info.GetIsolate(), info[0]);
  if (e == nullptr || !e->z_open) {
    return;
  }
  e->pending.clear();
  e->consumed = 0;
  e->ended = false;
  if (e->decompress()) {
    inflateReset(&e->z);
  } else {
    deflateReset(&e->z);
  }
}

// node_zlib_close(handle): frees the codec now.
void zlib_close(const v8::FunctionCallbackInfo<v8::Value>& info) {
  if (auto* e = engine_of(info.GetIsolate(), info[0])) {
    e->close();
  }
}

// node_zlib_crc32(data, initial) -> the CRC-32 of `data` continued from `initial`.
void zlib_crc32(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto bytes = buffer_source_bytes(info[0]);
  uLong crc = uint32_arg(info, 1);
  if (bytes) {
    // zlib takes a uInt length: large inputs go in pieces.
    std::string_view rest = *bytes;
    while (!rest.empty()) {
      auto piece = std::min<std::size_t>(rest.size(), 1U << 30);
      crc = crc32(crc, reinterpret_cast<const Bytef*>(rest.data()), static_cast<uInt>(piece));
      rest.remove_prefix(piece);
    }
  }
  info.GetReturnValue().Set(static_cast<double>(crc));
}

}  // namespace

std::vector<Op> node_zlib_ops() {
  return {{"node_zlib_new", zlib_new},       {"node_zlib_write", zlib_write},
          {"node_zlib_params", zlib_params}, {"node_zlib_reset", zlib_reset},
          {"node_zlib_close", zlib_close},   {"node_zlib_crc32", zlib_crc32}};
}

}  // namespace runtime::api
