// A stand-in for AWS on 127.0.0.1 for the tests of src/deploy/aws: it VERIFIES every signed
// request with AWS's own signer (@smithy/signature-v4) and answers in the documented shapes
// of STS (AssumeRoleWithWebIdentity), ECR, ECS and CloudFormation, errors included
// (/work/shared/reference/deploy.md §4–§8). Not a mock of sbfn: it knows nothing of our code.
//
// Usage: node aws_endpoint.mjs state.json — prints {"port": N} once listening. State:
//   region, account, keys: {AKID: {secret, sessionToken?, expired?}},
//   webIdentity?: {token, roleArn, issue: {AccessKeyId, SecretAccessKey, SessionToken, Expiration}},
//   container?: {token, issue: {AccessKeyId, SecretAccessKey, Token, Expiration}} (GET /container-credentials),
//   ecr?: {repositories: [names], password, throttle?: N (GetAuthorizationToken throttled N times)},
//   ecs?: {cluster, services: {NAME: {desired, fail?}}},
//   cloudformation?: {stacks: {NAME: {...}}, outcome: {NAME: "CREATE_COMPLETE" | "ROLLBACK_COMPLETE" | ...}}
// GET /_log answers every request seen: [{service, operation, body, verdict}].
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { SignatureV4 } from "@smithy/signature-v4";
import { Hash } from "@smithy/hash-node";

const state = JSON.parse(readFileSync(process.argv[2], "utf8"));
const log = [];

const JSON_TARGETS = {
  AmazonEC2ContainerRegistry_V20150921: "ecr",
  AmazonEC2ContainerServiceV20141113: "ecs",
};

function jsonReply(res, status, body) {
  res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "req-" + log.length });
  res.end(JSON.stringify(body));
}

function xmlEscape(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function xmlError(res, status, code, message, namespace) {
  res.writeHead(status, { "content-type": "text/xml" });
  res.end(`<ErrorResponse xmlns="${namespace}"><Error><Type>Sender</Type><Code>${code}</Code>` +
    `<Message>${xmlEscape(message)}</Message></Error><RequestId>req-${log.length}</RequestId></ErrorResponse>`);
}

// Checks the SigV4 signature the way AWS does: recomputes it with AWS's signer over the
// headers the request says it signed. Returns null when it holds, else [status, code, message].
async function verify(req, url, body, expectedService) {
  const authorization = req.headers.authorization ?? "";
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(authorization);
  if (!match) {
    return [400, "IncompleteSignature", "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'."];
  }
  const [, akid, date, region, service, signedHeaders] = match;
  const key = state.keys[akid];
  if (!key) {
    return [400, "UnrecognizedClientException", "The security token included in the request is invalid."];
  }
  if (key.expired) {
    return [400, "com.amazon.coral.service#ExpiredTokenException", "The security token included in the request is expired"];
  }
  if ((key.sessionToken ?? "") !== (req.headers["x-amz-security-token"] ?? "")) {
    return [400, "UnrecognizedClientException", "The security token included in the request is invalid."];
  }
  if (region !== state.region || service !== expectedService) {
    return [403, "InvalidSignatureException", `Credential should be scoped to a valid region and service: ${region}/${service}`];
  }
  const amzDate = req.headers["x-amz-date"] ?? "";
  const when = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!when || amzDate.slice(0, 8) !== date) {
    return [403, "InvalidSignatureException", "X-Amz-Date is missing or does not match the credential scope."];
  }
  const names = signedHeaders.split(";");
  if (!names.includes("host") || !names.includes("x-amz-date")) {
    return [403, "InvalidSignatureException", "host and x-amz-date must be signed."];
  }
  const headers = {};
  for (const name of names) {
    if (req.headers[name] === undefined) {
      return [403, "InvalidSignatureException", `Signed header ${name} is not in the request.`];
    }
    headers[name] = req.headers[name];
  }
  const query = {};
  for (const [name, value] of url.searchParams) {
    query[name] = name in query ? [].concat(query[name], value) : value;
  }
  const signer = new SignatureV4({
    service, region, sha256: Hash.bind(null, "sha256"), applyChecksum: false,
    credentials: { accessKeyId: akid, secretAccessKey: key.secret, ...(key.sessionToken ? { sessionToken: key.sessionToken } : {}) },
  });
  const signed = await signer.sign(
    { method: req.method, protocol: "http:", hostname: req.headers.host, path: url.pathname, query, headers, body },
    { signingDate: new Date(Date.UTC(+when[1], +when[2] - 1, +when[3], +when[4], +when[5], +when[6])) },
  );
  if (signed.headers.authorization !== authorization) {
    return [403, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."];
  }
  return null;
}

// --- STS -----------------------------------------------------------------------------------

function sts(res, form) {
  const ns = "https://sts.amazonaws.com/doc/2011-06-15/";
  const wi = state.webIdentity;
  if (form.get("Action") !== "AssumeRoleWithWebIdentity" || form.get("Version") !== "2011-06-15") {
    return xmlError(res, 400, "InvalidAction", "Could not find operation " + form.get("Action"), ns);
  }
  if (!wi || form.get("RoleArn") !== wi.roleArn || !form.get("RoleSessionName")) {
    return xmlError(res, 403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", ns);
  }
  if (form.get("WebIdentityToken") !== wi.token) {
    return xmlError(res, 400, "InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider", ns);
  }
  const c = wi.issue;
  res.writeHead(200, { "content-type": "text/xml" });
  res.end(`<AssumeRoleWithWebIdentityResponse xmlns="${ns}"><AssumeRoleWithWebIdentityResult>` +
    `<SubjectFromWebIdentityToken>repo:acme/app</SubjectFromWebIdentityToken>` +
    `<AssumedRoleUser><Arn>${wi.roleArn}/${xmlEscape(form.get("RoleSessionName"))}</Arn><AssumedRoleId>AROA:x</AssumedRoleId></AssumedRoleUser>` +
    `<Credentials><SessionToken>${xmlEscape(c.SessionToken)}</SessionToken><SecretAccessKey>${xmlEscape(c.SecretAccessKey)}</SecretAccessKey>` +
    `<Expiration>${c.Expiration}</Expiration><AccessKeyId>${c.AccessKeyId}</AccessKeyId></Credentials>` +
    `</AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`);
}

// --- ECR -----------------------------------------------------------------------------------

function ecr(res, operation, input) {
  const registryId = state.account;
  const repositories = state.ecr.repositories;
  const repository = (name) => ({
    repositoryArn: `arn:aws:ecr:${state.region}:${registryId}:repository/${name}`, registryId, repositoryName: name,
    repositoryUri: `${registryId}.dkr.ecr.${state.region}.amazonaws.com/${name}`, createdAt: 1700000000.123,
    imageTagMutability: "MUTABLE",
  });
  switch (operation) {
    case "GetAuthorizationToken":
      if ((state.ecr.throttle ?? 0) > 0) {
        state.ecr.throttle--;
        return jsonReply(res, 400, { __type: "ThrottlingException", message: "Rate exceeded" });
      }
      return jsonReply(res, 200, { authorizationData: [{
        authorizationToken: Buffer.from("AWS:" + state.ecr.password).toString("base64"),
        expiresAt: 1700043200.5, proxyEndpoint: `https://${registryId}.dkr.ecr.${state.region}.amazonaws.com`,
      }] });
    case "CreateRepository":
      if (typeof input.repositoryName !== "string" || !/^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(input.repositoryName)) {
        return jsonReply(res, 400, { __type: "InvalidParameterException", message: "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''" });
      }
      if (repositories.includes(input.repositoryName)) {
        return jsonReply(res, 400, { __type: "RepositoryAlreadyExistsException", message: `The repository with name '${input.repositoryName}' already exists in the registry with id '${registryId}'` });
      }
      repositories.push(input.repositoryName);
      return jsonReply(res, 200, { repository: repository(input.repositoryName) });
    case "DescribeRepositories": {
      const missing = (input.repositoryNames ?? []).find((name) => !repositories.includes(name));
      if (missing) {
        return jsonReply(res, 400, { __type: "RepositoryNotFoundException", message: `The repository with name '${missing}' does not exist in the registry with id '${registryId}'` });
      }
      return jsonReply(res, 200, { repositories: (input.repositoryNames ?? repositories).map(repository) });
    }
  }
  return jsonReply(res, 400, { __type: "UnknownOperationException" });
}

// --- ECS -----------------------------------------------------------------------------------
// A rollout advances one step per DescribeServices call: first the stale view from before
// the update (AWS's eventual consistency; aws-sdk-go#457), then the new deployment starting,
// both running, and the old one gone.

const rollouts = {};

function ecsService(name, spec) {
  const cluster = state.ecs.cluster;
  const taskDefinition = `arn:aws:ecs:${state.region}:${state.account}:task-definition/${name}:7`;
  const deployment = (id, status, running, rolloutState, reason) => ({
    id, status, taskDefinition, desiredCount: spec.desired, runningCount: running, pendingCount: spec.desired - running,
    failedTasks: rolloutState === "FAILED" ? 2 : 0, rolloutState, rolloutStateReason: reason,
    createdAt: 1700000000, updatedAt: 1700000100, launchType: "FARGATE",
  });
  const old = deployment("ecs-svc/0000000000000000001", "PRIMARY", spec.desired, "COMPLETED", "ECS deployment ecs-svc/1 completed.");
  const r = rollouts[name];
  let deployments = [old];
  let events = [{ id: "e0", createdAt: 1700000000, message: `(service ${name}) has reached a steady state.` }];
  if (r) {
    const fresh = "ecs-svc/0000000000000000002";
    const prior = { ...old, status: "ACTIVE" };
    const step = r.step++;
    if (step === 0) {
      // stale: as before the update
    } else if (spec.fail && step >= 2) {
      deployments = [deployment(fresh, "PRIMARY", 0, "FAILED", "ECS deployment circuit breaker: tasks failed to start."), prior];
      events = [{ id: "e3", createdAt: 1700000300, message: `(service ${name}) deployment ${fresh} deployment failed: tasks failed to start.` }, ...events];
    } else if (step === 1) {
      deployments = [deployment(fresh, "PRIMARY", 0, "IN_PROGRESS", "ECS deployment ecs-svc/2 in progress."), prior];
      events = [{ id: "e1", createdAt: 1700000100, message: `(service ${name}) has started ${spec.desired} tasks: (task a).` }, ...events];
    } else if (step === 2) {
      deployments = [deployment(fresh, "PRIMARY", spec.desired, "IN_PROGRESS", "ECS deployment ecs-svc/2 in progress."), prior];
      events = [{ id: "e2", createdAt: 1700000200, message: `(service ${name}) has stopped ${spec.desired} running tasks: (task z).` }, ...events];
    } else {
      deployments = [deployment(fresh, "PRIMARY", spec.desired, "COMPLETED", "ECS deployment ecs-svc/2 completed.")];
      events = [{ id: "e4", createdAt: 1700000400, message: `(service ${name}) has reached a steady state.` }, ...events];
    }
  }
  return {
    serviceArn: `arn:aws:ecs:${state.region}:${state.account}:service/${cluster}/${name}`, serviceName: name,
    clusterArn: `arn:aws:ecs:${state.region}:${state.account}:cluster/${cluster}`, status: "ACTIVE",
    desiredCount: spec.desired, runningCount: deployments.reduce((n, d) => Math.max(n, d.runningCount), 0),
    pendingCount: 0, launchType: "FARGATE", taskDefinition, deployments, events,
  };
}

function ecs(res, operation, input) {
  const cluster = input.cluster ?? "default";
  if (cluster !== state.ecs.cluster) {
    return jsonReply(res, 400, { __type: "ClusterNotFoundException", message: "Cluster not found." });
  }
  switch (operation) {
    case "UpdateService": {
      const spec = state.ecs.services[input.service];
      if (!spec) {
        return jsonReply(res, 400, { __type: "ServiceNotFoundException", message: "Service not found." });
      }
      rollouts[input.service] = { step: 1 };  // the reply shows the new deployment
      const reply = ecsService(input.service, spec);
      rollouts[input.service].step = 0;  // the next DescribeServices is stale again
      return jsonReply(res, 200, { service: reply });
    }
    case "DescribeServices": {
      const services = [];
      const failures = [];
      for (const name of input.services ?? []) {
        const spec = state.ecs.services[name];
        if (spec) {
          services.push(ecsService(name, spec));
        } else {
          failures.push({ arn: `arn:aws:ecs:${state.region}:${state.account}:service/${cluster}/${name}`, reason: "MISSING" });
        }
      }
      return jsonReply(res, 200, { services, failures });
    }
  }
  return jsonReply(res, 400, { __type: "UnknownOperationException" });
}

// --- dispatch ------------------------------------------------------------------------------

let cloudformation = null;
try {
  cloudformation = (await import("./aws_endpoint_cloudformation.mjs")).handler(state, xmlError, xmlEscape);
} catch (error) {
  if (error.code !== "ERR_MODULE_NOT_FOUND") throw error;
}

const server = createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = Buffer.concat(chunks).toString("utf8");
  const url = new URL(req.url, "http://x");
  if (req.method === "GET" && url.pathname === "/_log") {
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(JSON.stringify(log));
  }
  // The container credentials endpoint of ECS tasks and CodeBuild (not signed: a token).
  if (req.method === "GET" && url.pathname === "/container-credentials") {
    log.push({ service: "container", operation: "GET", body: "", verdict: "ok" });
    if (!state.container || req.headers.authorization !== state.container.token) {
      res.writeHead(403, { "content-type": "application/json" });
      return res.end(JSON.stringify({ code: "AccessDenied", message: "invalid authorization token" }));
    }
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(JSON.stringify({ ...state.container.issue, RoleArn: "arn:aws:iam::123456789012:role/task" }));
  }
  const target = req.headers["x-amz-target"];
  let service;
  let operation;
  let input;
  if (target) {
    const [prefix, op] = target.split(".");
    service = JSON_TARGETS[prefix];
    operation = op;
    if (req.headers["content-type"] !== "application/x-amz-json-1.1") {
      return jsonReply(res, 400, { __type: "SerializationException", message: "wrong content type " + req.headers["content-type"] });
    }
    try { input = JSON.parse(body); } catch { return jsonReply(res, 400, { __type: "SerializationException" }); }
  } else {
    const form = new URLSearchParams(body);
    operation = form.get("Action");
    input = Object.fromEntries(form);
    service = form.get("Version") === "2011-06-15" ? "sts" : form.get("Version") === "2010-05-15" ? "cloudformation" : undefined;
  }
  const entry = { service, operation, body, verdict: "ok" };
  log.push(entry);
  if (!service) {
    entry.verdict = "unknown service";
    return jsonReply(res, 400, { __type: "UnknownOperationException", message: "no such service" });
  }
  if (service === "sts" && operation === "AssumeRoleWithWebIdentity") {
    if (req.headers.authorization) entry.verdict = "signed, but must not be";
    return sts(res, new URLSearchParams(body));
  }
  const failure = await verify(req, url, body, service);
  if (failure) {
    entry.verdict = failure[1];
    if (service === "cloudformation" || service === "sts") {
      return xmlError(res, failure[0], failure[1].replace(/^.*#/, ""), failure[2], "http://cloudformation.amazonaws.com/doc/2010-05-15/");
    }
    return jsonReply(res, failure[0], { __type: failure[1], message: failure[2] });
  }
  if (service === "ecr") return ecr(res, operation, input);
  if (service === "ecs") return ecs(res, operation, input);
  if (service === "cloudformation" && cloudformation) return cloudformation(res, operation, new URLSearchParams(body));
  return jsonReply(res, 400, { __type: "UnknownOperationException" });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + "\n");
});
