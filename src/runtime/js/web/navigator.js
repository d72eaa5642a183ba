// navigator (HTML), with the values Supabase's edge runtime reports.
import { versions } from "sbfn:versions";
import { ILLEGAL, enumerable, illegalConstructor, setToStringTag } from "./util.js";

export class Navigator {
  constructor(key) {
    if (key !== ILLEGAL) throw illegalConstructor();
  }
  get userAgent() {
    return `Deno/${versions.deno}`;
  }
  get hardwareConcurrency() {
    return 1;
  }
  get language() {
    return "en-US";
  }
  get languages() {
    return ["en-US"];
  }
}
setToStringTag(Navigator, "Navigator");
enumerable(Navigator, ["userAgent", "hardwareConcurrency", "language", "languages"]);

export const navigator = new Navigator(ILLEGAL);
