// Validates Kubernetes manifests (a multi-document YAML file, as `kubectl apply -f` reads it)
// against the Kubernetes OpenAPI schemas compiled into `kubernetes-models`, plus the links
// between the objects that no single schema sees (selector ↔ pod labels, Service ↔ pods,
// HPA ↔ Deployment, Ingress ↔ Service port, Secret and ConfigMap references).
//
// Usage: node validate_k8s.mjs FILE — prints {"ok": true, "objects": ["Kind/name", ...]}
// or {"ok": false, "errors": [...]} (exit 1). Knows nothing of sbfn.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { Deployment } from "kubernetes-models/apps/v1";
import { ConfigMap, Secret, Service } from "kubernetes-models/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1";

const MODELS = {
  "apps/v1/Deployment": Deployment,
  "v1/ConfigMap": ConfigMap,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "networking.k8s.io/v1/Ingress": Ingress,
};

const errors = [];
const objects = [];
for (const doc of parseAllDocuments(readFileSync(process.argv[2], "utf8"))) {
  if (doc.errors.length) {
    errors.push(`YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
    continue;
  }
  const value = doc.toJS();
  if (value === null) continue;  // an empty document
  const key = `${value.apiVersion}/${value.kind}`;
  const Model = MODELS[key];
  if (!Model) {
    errors.push(`${key}: not a kind this validator knows`);
    continue;
  }
  const name = value.metadata?.name;
  if (typeof name !== "string" || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) {
    errors.push(`${key}: metadata.name ${JSON.stringify(name)} is not a DNS-1123 label`);
  }
  try {
    new Model(value).validate();
  } catch (error) {
    errors.push(`${value.kind}/${name}: ${error.message}`);
  }
  objects.push(value);
}

const find = (kind, name) => objects.find((o) => o.kind === kind && o.metadata?.name === name);
const matches = (selector, labels) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v) && Object.keys(selector ?? {}).length > 0;

for (const o of objects) {
  const id = `${o.kind}/${o.metadata?.name}`;
  if (o.kind === "Deployment") {
    const pod = o.spec?.template;
    if (!matches(o.spec?.selector?.matchLabels, pod?.metadata?.labels)) {
      errors.push(`${id}: spec.selector does not match the pod template's labels`);
    }
    for (const c of pod?.spec?.containers ?? []) {
      for (const ref of c.envFrom ?? []) {
        if (ref.secretRef && !find("Secret", ref.secretRef.name)) errors.push(`${id}: envFrom names a missing Secret ${ref.secretRef.name}`);
      }
      for (const mount of c.volumeMounts ?? []) {
        if (!(pod.spec.volumes ?? []).some((v) => v.name === mount.name)) errors.push(`${id}: volumeMount ${mount.name} has no volume`);
      }
      for (const probe of ["readinessProbe", "livenessProbe"]) {
        const port = c[probe]?.httpGet?.port;
        if (typeof port === "string" && !(c.ports ?? []).some((p) => p.name === port)) errors.push(`${id}: ${probe} port ${port} is not a named container port`);
      }
    }
    for (const v of pod?.spec?.volumes ?? []) {
      if (v.configMap && !find("ConfigMap", v.configMap.name)) errors.push(`${id}: volume ${v.name} names a missing ConfigMap`);
      if (v.secret && !find("Secret", v.secret.secretName)) errors.push(`${id}: volume ${v.name} names a missing Secret`);
    }
  }
  if (o.kind === "Service") {
    const targets = objects.filter((d) => d.kind === "Deployment" && matches(o.spec?.selector, d.spec?.template?.metadata?.labels));
    if (!targets.length) errors.push(`${id}: its selector matches no Deployment's pods`);
    for (const p of o.spec?.ports ?? []) {
      if (typeof p.targetPort === "string" && !targets.some((d) => d.spec.template.spec.containers.some((c) => (c.ports ?? []).some((cp) => cp.name === p.targetPort)))) {
        errors.push(`${id}: targetPort ${p.targetPort} is no container port of its pods`);
      }
    }
  }
  if (o.kind === "HorizontalPodAutoscaler") {
    const target = find(o.spec?.scaleTargetRef?.kind, o.spec?.scaleTargetRef?.name);
    if (!target) errors.push(`${id}: scaleTargetRef names a missing object`);
    const usesCpu = (o.spec?.metrics ?? []).some((m) => m.resource?.name === "cpu");
    if (target && usesCpu && !target.spec.template.spec.containers.every((c) => c.resources?.requests?.cpu)) {
      errors.push(`${id}: CPU utilisation needs resources.requests.cpu on every container`);
    }
  }
  if (o.kind === "Ingress") {
    for (const rule of o.spec?.rules ?? []) {
      for (const path of rule.http?.paths ?? []) {
        const backend = path.backend?.service;
        const svc = find("Service", backend?.name);
        if (!svc) errors.push(`${id}: backend names a missing Service ${backend?.name}`);
        else if (backend.port?.name && !svc.spec.ports.some((p) => p.name === backend.port.name)) errors.push(`${id}: backend port ${backend.port.name} is not a port of ${backend.name}`);
      }
    }
  }
  if (o.kind === "Secret") {
    for (const [k, v] of Object.entries(o.data ?? {})) {
      if (typeof v !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0) errors.push(`${id}: data.${k} is not base64`);
    }
  }
}

const report = errors.length ? { ok: false, errors } : { ok: true, objects: objects.map((o) => `${o.kind}/${o.metadata.name}`) };
process.stdout.write(JSON.stringify(report) + "\n");
process.exit(errors.length ? 1 : 0);
