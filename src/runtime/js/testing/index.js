// The test runner layer's entry (bundled apart from the snapshot: see runner.js).
import { host } from "./host.js";
import * as runner from "./runner.js";

export function init(snapshot) {
  Object.assign(host, snapshot);
  return runner;
}
