// Build-time stand-in for "@exodus/bytes/encoding.js" (see README.md in this folder):
// whatwg-url imports it only to register legacy multi-byte encodings, which sbfn
// never uses (URLs are always parsed with UTF-8 here).
export {};
