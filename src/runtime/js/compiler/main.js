// The compiler isolate's script: sucrase (in its snapshot) and, once loaded on demand
// as the global `ts`, TypeScript's transpileModule for what sucrase cannot lower.
import { transform } from "sucrase";

const sucraseTransforms = { ts: ["typescript"], tsx: ["typescript", "jsx"], jsx: ["jsx"], js: [] };

function withSucrase(code, filename, kind) {
  const out = transform(code, {
    transforms: sucraseTransforms[kind],
    filePath: filename,
    jsxRuntime: "classic",
    production: true,
    disableESTransforms: true,
    preserveDynamicImport: true,
    sourceMapOptions: { compiledFilename: filename },
  });
  return [out.code, JSON.stringify(out.sourceMap)];
}

function withTypeScript(code, filename, kind) {
  const ts = globalThis.ts;
  const out = ts.transpileModule(code, {
    fileName: kind === "js" ? filename.replace(/\.[cm]?js$/, "") + ".js" : filename,
    reportDiagnostics: false,
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
  const text = out.outputText.replace(/\n\/\/# sourceMappingURL=[^\n]*\s*$/, "\n");
  return [text, out.sourceMapText ?? ""];
}

globalThis.sbfnCompile = (code, filename, kind, useTypeScript) =>
  useTypeScript ? withTypeScript(code, filename, kind) : withSucrase(code, filename, kind);
