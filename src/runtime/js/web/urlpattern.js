// URLPattern, from the pinned urlpattern-polyfill (the reference implementation the
// WICG spec's tests are run against), bundled at build time. Its regular expressions use
// the "u" flag only, which V8 10.2 supports (the "v" flag it would not).
import { URLPattern } from "urlpattern-polyfill/urlpattern";
import { setToStringTag } from "./util.js";

setToStringTag(URLPattern, "URLPattern");

export { URLPattern };
