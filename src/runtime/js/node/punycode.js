// node:punycode: the `punycode` npm package, the implementation Node itself bundles.
import punycode from "punycode/punycode.js";

export default { ...punycode };
