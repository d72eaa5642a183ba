// The compiler isolate's script: sucrase (in its snapshot) and, once loaded on demand
// as the global `ts`, TypeScript's transpileModule for what sucrase cannot lower; and
// the tools below (semver, the module lexers).
import { transform } from "./sucrase_transform.js";
import { init as initEsLexer, parse as parseEsModule } from "es-module-lexer/js";
import cjsLexer from "cjs-module-lexer";
import semver from "semver";

const sucraseTransforms = { ts: ["typescript"], tsx: ["typescript", "jsx"], jsx: ["jsx"], js: [] };

// Sucrase says "Error transforming <file>: Unexpected token (2:11)"; Deno's form is
// "Unexpected token at <file>:2:11".
function parseError(error, filename) {
  if (!error || !error.loc) return error;
  const reason = String(error.message)
    .replace(`Error transforming ${filename}: `, "")
    .replace(/ \(\d+:\d+\)$/, "");
  return new SyntaxError(`${reason} at ${filename}:${error.loc.line}:${error.loc.column}`);
}

function withSucrase(code, filename, kind) {
  let out;
  try {
    out = transformWithSucrase(code, filename, kind);
  } catch (error) {
    throw parseError(error, filename);
  }
  return [out.code, JSON.stringify(out.sourceMap)];
}

function transformWithSucrase(code, filename, kind) {
  return transform(code, {
    transforms: sucraseTransforms[kind],
    filePath: filename,
    jsxRuntime: "classic",
    production: true,
    disableESTransforms: true,
    preserveDynamicImport: true,
    sourceMapOptions: { compiledFilename: filename },
  });
}

// TypeScript's parser recovers from syntax errors, so its diagnostics are checked:
// broken code must fail with the place of the error, never run as something else.
function syntaxError(ts, diagnostics) {
  const first = diagnostics.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (first === undefined) return;
  const message = ts.flattenDiagnosticMessageText(first.messageText, "\n");
  if (first.file && first.start !== undefined) {
    const { line, character } = first.file.getLineAndCharacterOfPosition(first.start);
    throw new SyntaxError(`${message} at ${first.file.fileName}:${line + 1}:${character + 1}`);
  }
  throw new SyntaxError(message);
}

function withTypeScript(code, filename, kind) {
  const ts = globalThis.ts;
  const out = ts.transpileModule(code, {
    fileName: kind === "js" ? filename.replace(/\.[cm]?js$/, "") + ".js" : filename,
    reportDiagnostics: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      jsx: ts.JsxEmit.React,
      allowJs: true,
      sourceMap: true,
      inlineSources: false,
      useDefineForClassFields: true,
      experimentalDecorators: false,
      isolatedModules: true,
      removeComments: false,
    },
  });
  syntaxError(ts, out.diagnostics ?? []);
  const text = out.outputText.replace(/\n\/\/# sourceMappingURL=[^\n]*\s*$/, "\n");
  return [text, out.sourceMapText ?? ""];
}

globalThis.sbfnCompile = (code, filename, kind, useTypeScript) =>
  useTypeScript ? withTypeScript(code, filename, kind) : withSucrase(code, filename, kind);

// Tools the bundler and the module loader call through runtime::compiler_tool(): each
// takes JSON-able arguments and returns a JSON-able result. They are the reference
// implementations (npm's semver, the lexers Node and Vite use), not rewrites.

initEsLexer();

// Line (1-based) of offset `at` in `code`.
function lineOf(code, at) {
  let line = 1;
  for (let i = code.indexOf("\n"); i !== -1 && i < at; i = code.indexOf("\n", i + 1)) line++;
  return line;
}

const tools = {
  // The specifiers a JavaScript module imports: static imports and re-exports, and
  // dynamic import() calls whose argument is a plain string.
  moduleImports(code) {
    const [imports] = parseEsModule(code);
    const out = [];
    for (const entry of imports) {
      if (entry.type === "import-meta" || typeof entry.specifier !== "string") continue;
      if (entry.glob) continue;
      out.push({
        specifier: entry.specifier,
        dynamic: entry.type === "dynamic",
        typeOnly: Boolean(entry.typeOnly),
        line: lineOf(code, entry.start),
      });
    }
    return out;
  },
  // The names a CommonJS module exports, found statically as Node does.
  cjsExports(code) {
    const { exports, reexports } = cjsLexer.parse(code);
    return { exports, reexports };
  },
  // npm's semver: semver(fn, ...args) calls semver[fn](...args).
  semver(fn, ...args) {
    if (typeof semver[fn] !== "function") throw new TypeError(`semver has no function ${fn}`);
    return semver[fn](...args) ?? null;
  },
};

globalThis.sbfnTool = (name, argsJson) => {
  const tool = tools[name];
  if (tool === undefined) throw new TypeError(`unknown compiler tool ${name}`);
  return JSON.stringify(tool(...JSON.parse(argsJson)));
};
