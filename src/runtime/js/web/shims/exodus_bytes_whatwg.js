// Build-time stand-in for "@exodus/bytes/whatwg.js" (see README.md in this folder):
// the one function whatwg-url needs, for the only encoding sbfn parses URLs with (UTF-8).
const HEX = [];
for (let i = 0; i < 256; i++) HEX.push(`%${i.toString(16).toUpperCase().padStart(2, "0")}`);
const maps = new Map();
const encoder = new TextEncoder();

export function percentEncodeAfterEncoding(encoding, input, percentEncodeSet, spaceAsPlus = false) {
  const id = percentEncodeSet + (spaceAsPlus ? "+" : "");
  let map = maps.get(id);
  if (map === undefined) {
    map = HEX.map((h, i) => (i < 0x20 || i > 0x7e ? h : String.fromCharCode(i)));
    for (let i = 0; i < percentEncodeSet.length; i++) {
      const c = percentEncodeSet.charCodeAt(i);
      map[c] = HEX[c];
    }
    if (spaceAsPlus) map[0x20] = "+";
    maps.set(id, map);
  }
  const bytes = encoder.encode(input);
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += map[bytes[i]];
  return out;
}
