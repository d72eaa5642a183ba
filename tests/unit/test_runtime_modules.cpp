// Module loading in a real worker: temporary function folders are booted as main
// modules, then snippets read what the modules left on globalThis.
#include "support/worker_fixture.hpp"

#include "runtime/modules/module_source.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>

namespace fs = std::filesystem;
using Files = std::map<std::string, std::string>;

namespace {

// A unique folder under the system temp dir holding the function's files and its own
// transpile cache (SBFN_CACHE_DIR, so every case is hermetic); removed at the end.
class FunctionDir {
 public:
  explicit FunctionDir(const Files& files) {
    static std::atomic<int> counter{0};
    auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    m_base = fs::temp_directory_path() / ("sbfn-modules-" + std::to_string(::getpid()) + "-" +
                                          std::to_string(stamp) + "-" + std::to_string(counter++));
    m_dir = m_base / "fn";
    fs::create_directories(m_dir);
    fs::create_directories(cache());
    if (const char* previous = std::getenv("SBFN_CACHE_DIR")) {
      m_previous_cache = previous;
    }
    ::setenv("SBFN_CACHE_DIR", cache().c_str(), 1);
    for (const auto& [name, content] : files) {
      write(name, content);
    }
  }
  ~FunctionDir() {
    // Later cases must not write into a folder that no longer exists.
    if (m_previous_cache) {
      ::setenv("SBFN_CACHE_DIR", m_previous_cache->c_str(), 1);
    } else {
      ::unsetenv("SBFN_CACHE_DIR");
    }
    std::error_code ignored;
    fs::remove_all(m_base, ignored);
  }
  FunctionDir(const FunctionDir&) = delete;
  FunctionDir& operator=(const FunctionDir&) = delete;

  void write(const std::string& name, const std::string& content) const {
    auto path = m_dir / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
  }

  const fs::path& dir() const { return m_dir; }
  fs::path base() const { return m_base; }
  fs::path cache() const { return m_base / "cache"; }
  std::string url(const std::string& name) const { return runtime::path_to_file_url(path(name)); }
  std::string path(const std::string& name) const { return (m_dir / name).string(); }

  // Boots a worker on `main` (relative to the folder), root = the folder.
  std::unique_ptr<test_support::ScriptWorker> boot(const std::string& main) const {
    runtime::WorkerOptions options;
    options.main_module = url(main);
    options.root = m_dir;
    return std::make_unique<test_support::ScriptWorker>(options);
  }

  size_t cache_entries() const {
    size_t n = 0;
    for (const auto& entry : fs::recursive_directory_iterator(cache())) {
      n += entry.is_regular_file() ? 1 : 0;
    }
    return n;
  }

 private:
  fs::path m_base;
  fs::path m_dir;
  std::optional<std::string> m_previous_cache;
};

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) {
    out += line + "\n";
  }
  return out;
}

// The main module must fail to boot; returns the logged reason.
std::string boot_error(const FunctionDir& dir, const std::string& main) {
  auto worker = dir.boot(main);
  auto result = worker->eval("1");
  CHECK(result.type == "throws");
  CHECK(result.value == "Error: the worker's main module failed to boot");
  auto lines = worker->output();
  INFO(joined(lines));
  REQUIRE(!lines.empty());
  const std::string prefix = "2:worker boot error: ";
  CHECK(lines[0].starts_with(prefix));
  return lines[0].starts_with(prefix) ? lines[0].substr(prefix.size()) : lines[0];
}

// Boots `main` and evaluates `snippet` after the boot succeeded.
runtime::EvalResult boot_and_eval(const FunctionDir& dir, const std::string& main,
                                  const std::string& snippet) {
  auto worker = dir.boot(main);
  auto result = worker->eval(snippet);
  INFO(joined(worker->output()));
  CHECK(result.type != "throws");
  return result;
}

}  // namespace

TEST_SUITE_BEGIN("runtime");

TEST_CASE("runtime::modules .ts with types, interfaces, enums and generics") {
  FunctionDir dir(Files{{"index.ts", R"TS(
interface Point { x: number; y: number }
type Pair<T> = [T, T];
enum Color { Red, Green = 5, Blue }
const enum Flag { On = 1 }
abstract class Shape<T extends Point = Point> {
  constructor(protected readonly origin: T) {}
  abstract area(): number;
}
class Square extends Shape {
  private side!: number;
  constructor(origin: Point, side: number) { super(origin); this.side = side; }
  area(): number { return this.side ** 2; }
}
function first<T>(pair: Pair<T>): T { return pair[0]; }
const p = { x: 1, y: 2 } satisfies Point;
const n = <number>(p.x as unknown);
(globalThis as any).result = [Color.Red, Color.Green, Color.Blue, Color[5], Flag.On,
  first<string>(["a", "b"]), new Square(p, 3).area(), n, p!.y].join();
)TS"}});
  auto result = boot_and_eval(dir, "index.ts", "result");
  CHECK(result.value == "0,5,6,Green,1,a,9,1,2");
}

TEST_CASE("runtime::modules .tsx and .jsx use classic React.createElement") {
  FunctionDir dir(Files{{"react.js", R"JS(
globalThis.React = { createElement: (type, props, ...children) => ({ type, props, children }) };
)JS"},
                        {"view.tsx", R"TSX(
import "./react.js";
type Props = { name: string };
function Hello({ name }: Props) { return <b>{name}</b>; }
export const tree = <div id="root" data-n={1 + 1}><Hello name="tsx" />text</div>;
)TSX"},
                        {"index.jsx", R"JSX(
import { tree } from "./view.tsx";
const frag = <><i /></>;
globalThis.result = JSON.stringify({
  tsx: [tree.type, tree.props.id, tree.props["data-n"], tree.children[0].type.name,
        tree.children[0].props.name, tree.children[1]],
  jsx: typeof frag.type,
});
)JSX"}});
  auto result = boot_and_eval(dir, "index.jsx", "result");
  CHECK(result.value == R"({"tsx":["div","root",2,"Hello","tsx","text"],"jsx":"undefined"})");
}

TEST_CASE("runtime::modules .mjs and .js import each other; import.meta.main is per module") {
  FunctionDir dir(Files{{"lib.js",
                         "export const lib = (x) => `lib:${x}`;\n"
                         "export const libMain = import.meta.main;\n"
                         "export const libUrl = import.meta.url;\n"},
                        {"index.mjs", R"JS(
import { lib, libMain, libUrl } from "./lib.js";
import * as self from "./index.mjs";
globalThis.result = [lib(1), libMain, import.meta.main, libUrl === import.meta.resolve("./lib.js"),
  typeof self].join();
globalThis.metaUrl = import.meta.url;
globalThis.resolved = import.meta.resolve("../other/x.ts?q=1");
)JS"}});
  auto worker = dir.boot("index.mjs");
  CHECK(worker->eval("result").value == "lib:1,false,true,true,object");
  CHECK(worker->eval("metaUrl").value == dir.url("index.mjs"));
  CHECK(worker->eval("resolved").value ==
        runtime::path_to_file_url((dir.base() / "other" / "x.ts").string()) + "?q=1");
}

TEST_CASE("runtime::modules JSON modules with `with` and `assert` attributes") {
  FunctionDir dir(Files{{"data.json", R"({"name": "sbfn", "list": [1, 2]})"},
                        {"other.json", "[true]"},
                        {"index.ts", R"TS(
import data from "./data.json" with { type: "json" };
import again from "./data.json" assert { type: "json" };
import other from "./other.json" with { type: "json" };
(globalThis as any).result = [data.name, data.list.length, again === data, other[0]].join();
)TS"}});
  auto result = boot_and_eval(dir, "index.ts", "result");
  CHECK(result.value == "sbfn,2,true,true");
}

TEST_CASE("runtime::modules .d.ts imports load as empty modules without network") {
  FunctionDir dir(
      {{"types.d.ts", "export interface Thing { a: string }\nthis is not JavaScript;\n"},
       {"index.ts", R"TS(
import "jsr:@supabase/functions-js/edge-runtime.d.ts";
import "https://esm.sh/@supabase/functions-js/src/edge-runtime.d.ts";
import "npm:@types/whatever/index.d.ts";
import "./types.d.ts";
import type { Thing } from "./types.d.ts";
const t: Thing = { a: "typed" };
(globalThis as any).result = t.a;
)TS"}});
  auto result = boot_and_eval(dir, "index.ts", "result");
  CHECK(result.value == "typed");
}

TEST_CASE("runtime::modules remote and bare specifiers fail at boot naming the specifier") {
  FunctionDir dir(
      Files{{"jsr.ts", "import { assert } from \"jsr:@std/assert@1\";\nassert(true);\n"},
            {"npm.ts", "import lodash from \"npm:lodash@4\";\nconsole.log(lodash);\n"},
            {"https.ts", "import x from \"https://deno.land/std/x.ts\";\nconsole.log(x);\n"},
            {"bare.ts", "import x from \"lodash\";\nconsole.log(x);\n"},
            {"missing.ts", "import x from \"./nope.ts\";\nconsole.log(x);\n"},
            {"nested.ts", "import \"./missing.ts\";\n"}});
  CHECK(boot_error(dir, "jsr.ts") ==
        "TypeError: Import 'jsr:@std/assert@1' is not supported yet: remote modules (jsr:, npm:, "
        "https:) are not available in this version of sbfn\n    at " +
            dir.url("jsr.ts"));
  CHECK(boot_error(dir, "npm.ts").starts_with("TypeError: Import 'npm:lodash@4' is not supported"));
  CHECK(boot_error(dir, "https.ts")
            .starts_with("TypeError: Import 'https://deno.land/std/x.ts' is not supported"));
  CHECK(boot_error(dir, "bare.ts") ==
        "TypeError: Relative import path \"lodash\" not prefixed with / or ./ or ../ (imported "
        "from \"" +
            dir.url("bare.ts") + "\")");
  CHECK(boot_error(dir, "missing.ts") == "TypeError: Module not found \"" + dir.url("nope.ts") +
                                             "\"\n    at " + dir.url("missing.ts"));
  // The innermost importer is named, not every module on the way.
  CHECK(boot_error(dir, "nested.ts") == "TypeError: Module not found \"" + dir.url("nope.ts") +
                                            "\"\n    at " + dir.url("missing.ts"));
  CHECK(boot_error(dir, "absent.ts") ==
        "TypeError: Module not found \"" + dir.url("absent.ts") + "\"");
}

TEST_CASE("runtime::modules TypeScript namespaces survive (TypeScript fallback)") {
  FunctionDir dir(Files{{"index.ts", R"TS(
namespace Geometry {
  export const unit: number = 2;
  export function double(r: number): number { return unit * r; }
  export namespace Inner { export const deep: string = "deep"; }
}
namespace Geometry { export const merged = true; }
module Legacy { export const ok = "legacy"; }
(globalThis as any).result = [Geometry.double(3), Geometry.Inner.deep, Geometry.merged, Legacy.ok].join();
)TS"}});
  auto result = boot_and_eval(dir, "index.ts", "result");
  CHECK(result.value == "6,deep,true,legacy");
}

TEST_CASE("runtime::modules TC39 decorators on a class and a method") {
  FunctionDir dir(Files{{"index.ts", R"TS(
const log: string[] = [];
function tag(value: any, context: ClassDecoratorContext | ClassMethodDecoratorContext) {
  log.push(`${context.kind}:${String(context.name)}`);
  if (context.kind === "method") {
    return function (this: any, ...args: any[]) { return "wrapped(" + value.apply(this, args) + ")"; };
  }
  return class extends value { decorated = true; };
}
@tag
class Greeter {
  @tag
  greet(name: string): string { return "hi " + name; }
}
const g = new Greeter() as any;
(globalThis as any).result = [log.join(), g.greet("x"), g.decorated].join("|");
)TS"}});
  auto result = boot_and_eval(dir, "index.ts", "result");
  CHECK(result.value == "method:greet,class:Greeter|wrapped(hi x)|true");
}

TEST_CASE("runtime::modules `using` and `await using` dispose in reverse order") {
  FunctionDir dir(Files{{"index.ts", R"TS(
const events: string[] = [];
function resource(name: string) {
  return { [Symbol.dispose]() { events.push("dispose " + name); } };
}
{
  using a = resource("a");
  using b = resource("b");
  events.push("body");
}
{
  await using c = { async [Symbol.asyncDispose]() { events.push("async dispose c"); } };
  events.push("async body");
}
(globalThis as any).result = events.join();
)TS"}});
  auto result = boot_and_eval(dir, "index.ts", "result");
  CHECK(result.value == "body,dispose b,dispose a,async body,async dispose c");
}

TEST_CASE("runtime::modules top-level await and dynamic import of .ts and JSON") {
  FunctionDir dir(
      {{"lib.ts", "export const value: number = 7;\nexport const isMain = import.meta.main;\n"},
       {"d.json", "[1, 2]"},
       {"bad.js", "let = = ;\n"},
       {"index.ts", R"TS(
const waited = await new Promise<string>((resolve) => setTimeout(() => resolve("waited"), 5));
const lib = await import("./lib.ts");
const json = await import("./d.json", { with: { type: "json" } });
const name = "./lib.ts";
const again = await import(name);
let missing = "";
try { await import("./nothere.ts"); } catch (e) { missing = String(e); }
let bad = "";
try { await import("./bad.js"); } catch (e) { bad = String(e); }
(globalThis as any).result = [waited, lib.value, lib.isMain, json.default.join("+"), again === lib].join();
(globalThis as any).missing = missing;
(globalThis as any).bad = bad;
)TS"}});
  auto worker = dir.boot("index.ts");
  CHECK(worker->eval("result").value == "waited,7,false,1+2,true");
  CHECK(worker->eval("missing").value ==
        "TypeError: Module not found \"" + dir.url("nothere.ts") + "\"");
  CHECK(
      worker->eval("bad").value ==
      "SyntaxError: The module's source code could not be parsed: Unexpected strict mode reserved "
      "word at " +
          dir.url("bad.js") + ":1:1");
  // And from a snippet once the module has booted: specifiers resolve against the main module.
  CHECK(worker->eval("import('./lib.ts').then((m) => m.value * 6)").value == "42");
}

TEST_CASE("runtime::modules syntax errors are reported at boot with file, line and column") {
  FunctionDir dir(
      Files{{"plain.mjs", "const ok = 1;\nconst x = = 2;\n"},
            {"typed.ts", "const ok: number = 1;\nconst x = = 2;\n"},
            {"importer.ts", "import \"./typed.ts\";\n"},
            // A namespace sends it through TypeScript, whose output V8 rejects.
            {"fallback.ts", "namespace N { export const a = 1; }\nconst x: number = = 2;\n"}});
  CHECK(boot_error(dir, "plain.mjs") ==
        "SyntaxError: The module's source code could not be parsed: Unexpected token '=' at " +
            dir.url("plain.mjs") + ":2:11");
  // TypeScript sources: the reason is the parser's own wording; the place must be exact.
  for (auto [main, at] :
       {std::pair{"typed.ts", "typed.ts:2:11"}, std::pair{"importer.ts", "typed.ts:2:11"},
        std::pair{"fallback.ts", "fallback.ts:2:19"}}) {
    auto error = boot_error(dir, main);
    INFO(error);
    CHECK(error.starts_with("SyntaxError: The module's source code could not be parsed: "));
    CHECK(error.ends_with(" at " + dir.url("") + at));
    CHECK(error.find('\n') == std::string::npos);
  }
}

TEST_CASE("runtime::modules stacks name the original .ts file, line and column") {
  // Types before the throw on the same line: sucrase shifts the generated columns.
  FunctionDir dir(
      Files{{"fail.ts",
             "type A = { a: string }; interface B { b: number }\n"
             "export function fail(): never { const v: Record<string, number> = {}; throw "
             "new Error(\"boom\"); }\n"},
            {"caught.ts",
             "import { fail } from \"./fail.ts\";\n"
             "try { fail(); } catch (e) { (globalThis as any).stack = (e as "
             "Error).stack; }\n"},
            {"uncaught.ts",
             "const a: number = 1;\n"
             "const b: Record<string, Array<number>> = {}; throw new "
             "TypeError(\"uncaught here\");\n"}});
  auto worker = dir.boot("caught.ts");
  CHECK(worker->eval("stack").value == "Error: boom\n    at fail (" + dir.url("fail.ts") +
                                           ":2:77)\n    at " + dir.url("caught.ts") + ":2:7");
  CHECK(boot_error(dir, "uncaught.ts") ==
        "TypeError: uncaught here\n    at " + dir.url("uncaught.ts") + ":2:52");
}

TEST_CASE("runtime::modules Deno.readFile and readTextFile stay inside the root") {
  FunctionDir dir(Files{{"data.txt", "héllo"}, {"sub/inner.txt", "inner"}, {"index.ts", R"TS(
async function attempt(path: string | URL): Promise<string> {
  try { return "read:" + await Deno.readTextFile(path); }
  catch (e) {
    const err = e as Error;
    return [err.name, e instanceof Deno.errors.PermissionDenied, e instanceof Deno.errors.NotFound,
      err.message].join("|");
  }
}
const bytes = await Deno.readFile(new URL("./data.txt", import.meta.url));
(globalThis as any).result = [
  await Deno.readTextFile("./data.txt"),
  bytes.constructor.name + ":" + bytes.length,
  await Deno.readTextFile(new URL("./sub/inner.txt", import.meta.url).pathname),
  await attempt("sub/../data.txt"),
];
(globalThis as any).outside = await attempt("/etc/hostname");
(globalThis as any).escape = await attempt("../cache/../../escape.txt");
(globalThis as any).missing = await attempt("./nothing.txt");
)TS"}});
  auto worker = dir.boot("index.ts");
  CHECK(worker->eval("result.join('\\n')").value == "héllo\nUint8Array:6\ninner\nread:héllo");
  CHECK(worker->eval("outside").value ==
        "PermissionDenied|true|false|Requires read access to \"/etc/hostname\", which is outside "
        "the function's folder");
  CHECK(worker->eval("escape").value.starts_with("PermissionDenied|true|false|"));
  CHECK(worker->eval("missing").value ==
        "NotFound|false|true|No such file or directory (os error 2): readfile '" + dir.path(".") +
            "/nothing.txt'");
}

TEST_CASE("runtime::modules imports stay inside the import roots") {
  FunctionDir dir(Files{{"index.ts", R"TS(
async function attempt(specifier: string, json = false): Promise<string> {
  try {
    const mod = json ? await import(specifier, { with: { type: "json" } }) : await import(specifier);
    return "loaded:" + JSON.stringify(mod.default);
  } catch (e) {
    return [(e as Error).name, e instanceof Deno.errors.PermissionDenied, (e as Error).message].join("|");
  }
}
(globalThis as any).attempt = attempt;
)TS"}});
  // Outside the function's folder: a JSON secret, a symlink in the folder leading to it, a
  // FIFO (whose open would block a naive reader) and a second root the worker is given.
  std::ofstream(dir.base() / "secret.json") << "{\"token\": \"SECRET-CONTENT\"}";
  fs::create_symlink(dir.base() / "secret.json", dir.dir() / "link.json");
  REQUIRE(::mkfifo((dir.dir() / "pipe.js").c_str(), 0600) == 0);
  fs::create_directories(dir.base() / "shared");
  std::ofstream(dir.base() / "shared" / "ok.json") << "{\"shared\": 1}";

  auto worker = dir.boot("index.ts");
  auto outside = worker->eval("attempt('../secret.json', true)").value;
  CHECK(outside == "PermissionDenied|true|Requires read access to \"" +
                       (dir.base() / "secret.json").string() +
                       "\", which is outside the project (the functions folder)");
  auto link = worker->eval("attempt('./link.json', true)").value;
  CHECK(link.starts_with("PermissionDenied|true|Requires read access to \"" +
                         dir.path("link.json") + "\", which leads outside"));
  auto pipe = worker->eval("attempt('./pipe.js')").value;
  CHECK(pipe == "PermissionDenied|true|Requires read access to \"" + dir.path("pipe.js") +
                    "\", which is not a regular file");
  for (const auto& answer : {outside, link, pipe}) {
    CHECK(answer.find("SECRET-CONTENT") == std::string::npos);
  }
  CHECK(worker->eval("attempt('../shared/ok.json', true)").value.starts_with("PermissionDenied"));

  // Given as an import root, the other folder is importable.
  runtime::WorkerOptions options;
  options.main_module = dir.url("index.ts");
  options.root = dir.dir();
  options.import_roots = {dir.dir(), dir.base() / "shared"};
  test_support::ScriptWorker rooted(options);
  CHECK(rooted.eval("attempt('../shared/ok.json', true)").value == "loaded:{\"shared\":1}");
  CHECK(rooted.eval("attempt('../secret.json', true)").value.starts_with("PermissionDenied"));
}

TEST_CASE("runtime::modules the transpile cache is reused by a second boot") {
  // Content unique to this run: the in-memory cache must not hide the disk writes.
  FunctionDir dir(Files{});
  auto token = dir.base().filename().string();
  dir.write("lib.ts", "export const token: string = \"" + token + "\";\n");
  dir.write("index.ts",
            "import { token } from \"./lib.ts\";\n"
            "(globalThis as any).result = token.length;\n");
  dir.write("plain.js", "globalThis.plain = 1;\n");
  CHECK(dir.cache_entries() == 0);
  CHECK(boot_and_eval(dir, "index.ts", "result").value == std::to_string(token.size()));
  // Two transpiled modules, each a .js and a .map.
  auto entries = dir.cache_entries();
  CHECK(entries == 4);
  CHECK(boot_and_eval(dir, "index.ts", "result").value == std::to_string(token.size()));
  CHECK(dir.cache_entries() == entries);
  // Plain JavaScript needs no compiler and no cache entry.
  CHECK(boot_and_eval(dir, "plain.js", "plain").value == "1");
  CHECK(dir.cache_entries() == entries);
}

TEST_SUITE_END();
