#pragma once

#include <v8.h>

#include <vector>

// Native operations: the C++ half of the runtime's JavaScript. Each file of this
// folder contributes a list; JavaScript reaches them as `__ops.<name>` (captured at
// snapshot time, then hidden).
namespace runtime::api {

struct Op {
  const char* name;
  v8::FunctionCallback callback;
};

std::vector<Op> text_ops();         // UTF-8 encode/decode
std::vector<Op> misc_ops();         // print, clocks, randomness
std::vector<Op> clone_ops();        // structuredClone
std::vector<Op> timer_ops();        // setTimeout/setInterval backing
std::vector<Op> http_ops();         // responses back to the server
std::vector<Op> websocket_ops();    // Deno.upgradeWebSocket, WebSocket clients
std::vector<Op> fs_ops();           // sandboxed Deno.readFile
std::vector<Op> stack_ops();        // source-mapped stack traces and source lines
std::vector<Op> compression_ops();  // CompressionStream/DecompressionStream (zlib)
std::vector<Op> fetch_ops();        // fetch's transfers (fetch/fetch_engine.hpp)
std::vector<Op> tmpfs_ops();        // /tmp and file metadata (tmp_fs.hpp)
std::vector<Op> net_ops();          // Deno.connect/connectTls/startTls/resolveDns
std::vector<Op> process_ops();      // Deno.memoryUsage, Deno.exit
std::vector<Op> node_ops();         // CommonJS require, Node built-in names, util.types
std::vector<Op> node_crypto_ops();  // node:crypto's incremental hashes and HMACs
std::vector<Op> node_zlib_ops();    // node:zlib's zlib and brotli engines
std::vector<Op> node_cipher_ops();  // (in node_crypto_ops) ciphers and key derivations
std::vector<Op> node_key_ops();     // (in node_crypto_ops) KeyObjects, signatures, RSA, ECDH
std::vector<Op> node_async_ops();   // the async context AsyncLocalStorage rides on
std::vector<Op> node_v8_ops();      // node:v8's serialize/deserialize
std::vector<Op> testing_ops();      // `sbfn test`'s runner (runtime/test_run.hpp)
std::vector<Op> idna_ops();         // tr46, loaded for URL hosts that are not plain ASCII
std::vector<Op> user_worker_ops();  // a main service's EdgeRuntime.userWorkers

// WebCrypto (crypto_key.hpp): keys, then the operations on them.
std::vector<Op> crypto_key_ops();
std::vector<Op> crypto_ops();

// Every op, in one fixed order (the snapshot's external references depend on it).
const std::vector<Op>& all_ops();

// Defines `globalThis.__ops` in `context` (snapshot build only).
void install_ops(v8::Local<v8::Context> context);

// Every op's callback, null-terminated: V8 needs the same table when it creates the worker
// snapshot and when it deserialises it.
const intptr_t* external_references();

}  // namespace runtime::api
