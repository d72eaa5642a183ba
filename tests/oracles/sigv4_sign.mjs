// The SigV4 oracle: signs each request of a JSON corpus with AWS's own JavaScript signer
// (@smithy/signature-v4, what the AWS SDK for JavaScript v3 uses) and prints the
// Authorization headers as a JSON array, in corpus order.
// Usage: node sigv4_sign.mjs corpus.json
// A corpus entry: {method, host, path (encoded once, as sent), query: [[name, value]...]
// (decoded), headers: [[name, value]...], body, region, service, accessKeyId,
// secretAccessKey, sessionToken?, epochSeconds}.
import { readFileSync } from "node:fs";
import { SignatureV4 } from "@smithy/signature-v4";
import { Hash } from "@smithy/hash-node";

const corpus = JSON.parse(readFileSync(process.argv[2], "utf8"));
const out = [];
for (const entry of corpus) {
  const signer = new SignatureV4({
    service: entry.service,
    region: entry.region,
    credentials: {
      accessKeyId: entry.accessKeyId,
      secretAccessKey: entry.secretAccessKey,
      ...(entry.sessionToken ? { sessionToken: entry.sessionToken } : {}),
    },
    sha256: Hash.bind(null, "sha256"),
    // As the SDK's JSON and query clients: no x-amz-content-sha256 header.
    applyChecksum: false,
  });
  const query = {};
  for (const [name, value] of entry.query) {
    if (name in query) {
      query[name] = [].concat(query[name], value);
    } else {
      query[name] = value;
    }
  }
  const headers = Object.fromEntries(entry.headers);
  const signed = await signer.sign(
    { method: entry.method, protocol: "https:", hostname: entry.host, path: entry.path, query, headers, body: entry.body },
    { signingDate: new Date(entry.epochSeconds * 1000) },
  );
  out.push(signed.headers.authorization);
}
process.stdout.write(JSON.stringify(out));
