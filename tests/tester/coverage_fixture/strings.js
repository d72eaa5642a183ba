// A plain JavaScript module: no source map, its own lines.
export function shout(text) {
  if (text.length === 0) {
    return "";
  }
  return text.toUpperCase() + "!";
}

export function whisper(text) {
  return text.toLowerCase();
}
