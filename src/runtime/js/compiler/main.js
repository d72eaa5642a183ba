// The compiler isolate's script: sucrase (in its snapshot) and, once loaded on demand
// as the global `ts`, TypeScript's transpileModule for what sucrase cannot lower.
import { transform } from "sucrase";

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
