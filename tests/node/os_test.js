import { assert, assertEquals, assertStrictEquals } from "../js/assert.js";
import os, { EOL, constants, platform, tmpdir } from "node:os";

Deno.test("node:os: the platform a function runs on", () => {
  assertStrictEquals(platform(), "linux");
  assertStrictEquals(os.platform(), process.platform);
  assertStrictEquals(os.arch(), process.arch);
  assertStrictEquals(os.type(), "Linux");
  assertStrictEquals(EOL, "\n");
  assertStrictEquals(os.endianness(), "LE");
  assertStrictEquals(os.devNull, "/dev/null");
  assertStrictEquals(typeof os.release(), "string");
  assertStrictEquals(typeof os.version(), "string");
  assertStrictEquals(typeof os.machine(), "string");
});

Deno.test("node:os: tmpdir is writable", () => {
  assertStrictEquals(tmpdir(), "/tmp");
  const file = `${tmpdir()}/sbfn-os-test-${Math.random().toString(36).slice(2)}`;
  Deno.writeTextFileSync(file, "x");
  assertStrictEquals(Deno.readTextFileSync(file), "x");
  Deno.removeSync(file);
});

Deno.test("node:os: resource figures have Node's shapes", () => {
  const cpus = os.cpus();
  assert(Array.isArray(cpus) && cpus.length >= 1);
  assertStrictEquals(typeof cpus[0].model, "string");
  assertStrictEquals(typeof cpus[0].speed, "number");
  assertEquals(Object.keys(cpus[0].times).sort(), ["idle", "irq", "nice", "sys", "user"]);
  assert(os.availableParallelism() >= 1);
  assert(os.totalmem() > 0);
  assert(os.freemem() >= 0 && os.freemem() <= os.totalmem());
  const load = os.loadavg();
  assertStrictEquals(load.length, 3);
  assert(load.every((n) => typeof n === "number"));
  assertStrictEquals(typeof os.uptime(), "number");
  assertStrictEquals(typeof os.networkInterfaces(), "object");
  assertStrictEquals(typeof os.hostname(), "string");
  assertStrictEquals(typeof os.homedir(), "string");
  const user = os.userInfo();
  assertStrictEquals(typeof user.username, "string");
  assertStrictEquals(typeof user.uid, "number");
  assertStrictEquals(typeof user.homedir, "string");
  assertStrictEquals(os.getPriority(), os.getPriority(0));
});

Deno.test("node:os: constants are Linux's", () => {
  assertStrictEquals(constants.errno.ENOENT, 2);
  assertStrictEquals(constants.errno.EACCES, 13);
  assertStrictEquals(constants.signals.SIGTERM, 15);
  assertStrictEquals(constants.signals.SIGKILL, 9);
  assertStrictEquals(constants.priority.PRIORITY_NORMAL, 0);
  assertStrictEquals(constants.dlopen.RTLD_NOW, 2);
  assertStrictEquals(os.constants, constants);
});
