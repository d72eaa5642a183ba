// sucrase's transform() (sucrase/dist/esm/index.js, pinned 3.35.1) for the options the
// compiler uses (no "imports" transform), with one fix to its source map: its
// computeSourceColumns assigns a column to one token per source position, so after two
// tokens that start at the same place (an empty template part before a closing backquote,
// as in `hi ${name}`) every later token of the file got no column, and positions in stack
// traces pointed past the ends of lines. Here each token gets its own.
import { GenMapping, maybeAddSegment, toEncodedMap } from "@jridgewell/gen-mapping";
import { HelperManager } from "sucrase/dist/esm/HelperManager";
import identifyShadowedGlobals from "sucrase/dist/esm/identifyShadowedGlobals";
import NameManager from "sucrase/dist/esm/NameManager";
import { validateOptions } from "sucrase/dist/esm/Options";
import { parse } from "sucrase/dist/esm/parser";
import TokenProcessor from "sucrase/dist/esm/TokenProcessor";
import RootTransformer from "sucrase/dist/esm/transformers/RootTransformer";
import getTSImportedNames from "sucrase/dist/esm/util/getTSImportedNames";

const LINE_FEED = 10;

// The 0-based column in `code` where each token starts.
function sourceColumns(code, tokens) {
  const columns = new Array(tokens.length);
  let lineStart = 0;
  let t = 0;
  for (let i = 0; i <= code.length && t < tokens.length; i++) {
    while (t < tokens.length && tokens[t].start === i) {
      columns[t] = i - lineStart;
      t++;
    }
    if (code.charCodeAt(i) === LINE_FEED) lineStart = i + 1;
  }
  return columns;
}

// sucrase's computeSourceMap: each line maps to the same line, each token to its column.
function sourceMap(generated, rawMappings, filePath, options, code, tokens) {
  const columns = sourceColumns(code, tokens);
  const map = new GenMapping({ file: options.compiledFilename });
  let tokenIndex = 0;
  let current = rawMappings[0];
  while (current === undefined && tokenIndex < rawMappings.length - 1) current = rawMappings[++tokenIndex];
  let line = 0;
  let lineStart = 0;
  if (current !== lineStart) maybeAddSegment(map, line, 0, filePath, line, 0);
  for (let i = 0; i < generated.length; i++) {
    if (i === current) {
      maybeAddSegment(map, line, current - lineStart, filePath, line, columns[tokenIndex]);
      while ((current === i || current === undefined) && tokenIndex < rawMappings.length - 1) {
        current = rawMappings[++tokenIndex];
      }
    }
    if (generated.charCodeAt(i) === LINE_FEED) {
      line++;
      lineStart = i + 1;
      if (current !== lineStart) maybeAddSegment(map, line, 0, filePath, line, 0);
    }
  }
  const { sourceRoot: _root, sourcesContent: _contents, ...encoded } = toEncodedMap(map);
  return encoded;
}

export function transform(code, options) {
  validateOptions(options);
  try {
    const ts = options.transforms.includes("typescript");
    const file = parse(code, options.transforms.includes("jsx"), ts, false);
    const nameManager = new NameManager(code, file.tokens);
    const helperManager = new HelperManager(nameManager);
    const tokenProcessor = new TokenProcessor(code, file.tokens, false, options.disableESTransforms === true, helperManager);
    if (ts && !options.keepUnusedImports) {
      // Shadowed globals decide which imported names are types only (elided).
      identifyShadowedGlobals(tokenProcessor, file.scopes, getTSImportedNames(tokenProcessor));
    }
    const context = { tokenProcessor, scopes: file.scopes, nameManager, importProcessor: null, helperManager };
    const result = new RootTransformer(context, options.transforms, false, options).transform();
    return {
      code: result.code,
      sourceMap: sourceMap(result.code, result.mappings, options.filePath, options.sourceMapOptions, code, tokenProcessor.tokens),
    };
  } catch (e) {
    if (options.filePath) e.message = `Error transforming ${options.filePath}: ${e.message}`;
    throw e;
  }
}
