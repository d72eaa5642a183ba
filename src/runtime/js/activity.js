// What `sbfn test`'s op and resource sanitizers look at (Deno's "runtime activity"):
// timers, intervals, async operations and resources that are alive. Off outside
// `sbfn test`, where begin() is a single boolean test, so serving pays nothing for it.
import { MapPrototypeDelete, MapPrototypeSet, SafeMap } from "./primordials.js";

let enabled = false;
let nextId = 1;
// id -> { type: "timer" | "interval" | "op" | "resource", name, alive?: () => boolean }
const live = new SafeMap();

export function enableActivity() {
  enabled = true;
}

// Records something that has started; end(id) when it finished. `alive`, when given, is
// asked instead (a response body counts as consumed once its stream is closed or errored,
// which only its consumer decides). Returns 0 when tracking is off.
export function begin(type, name, alive = undefined) {
  if (!enabled) return 0;
  const id = nextId++;
  MapPrototypeSet(live, id, { type, name, alive });
  return id;
}

export function end(id) {
  if (id !== 0) MapPrototypeDelete(live, id);
}

// What is alive now: id -> entry.
export function snapshot() {
  const out = new SafeMap();
  for (const [id, entry] of live) {
    if (entry.alive !== undefined && !entry.alive()) {
      MapPrototypeDelete(live, id);
      continue;
    }
    MapPrototypeSet(out, id, entry);
  }
  return out;
}

// What appeared and disappeared between two snapshots.
export function diff(before, after) {
  const appeared = [];
  const disappeared = [];
  for (const [id, entry] of after) if (!before.has(id)) appeared.push(entry);
  for (const [id, entry] of before) if (!after.has(id)) disappeared.push(entry);
  return { appeared, disappeared };
}
