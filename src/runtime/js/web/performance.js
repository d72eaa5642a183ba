// performance (High Resolution Time + minimal User Timing).
import { DOMException } from "./domexception.js";
import { EventTarget } from "./event.js";
import { ops } from "./ops.js";
import { ILLEGAL, enumerable, illegalConstructor, setToStringTag } from "./util.js";

export class PerformanceEntry {
  #name;
  #entryType;
  #startTime;
  #duration;
  constructor(key, name, entryType, startTime, duration) {
    if (key !== ILLEGAL) throw illegalConstructor();
    this.#name = name;
    this.#entryType = entryType;
    this.#startTime = startTime;
    this.#duration = duration;
  }
  get name() {
    return this.#name;
  }
  get entryType() {
    return this.#entryType;
  }
  get startTime() {
    return this.#startTime;
  }
  get duration() {
    return this.#duration;
  }
  toJSON() {
    return { name: this.#name, entryType: this.#entryType, startTime: this.#startTime, duration: this.#duration };
  }
}
setToStringTag(PerformanceEntry, "PerformanceEntry");
enumerable(PerformanceEntry, ["name", "entryType", "startTime", "duration", "toJSON"]);

export class PerformanceMark extends PerformanceEntry {
  #detail;
  constructor(name, options = undefined) {
    if (arguments.length < 1) {
      throw new TypeError("Failed to construct 'PerformanceMark': 1 argument required, but only 0 present.");
    }
    const startTime = options?.startTime ?? ops.now();
    if (typeof startTime !== "number" || startTime < 0) {
      throw new TypeError("Failed to construct 'PerformanceMark': startTime cannot be negative");
    }
    super(ILLEGAL, String(name), "mark", startTime, 0);
    const d = options?.detail;
    this.#detail = d === undefined ? null : globalThis.structuredClone ? globalThis.structuredClone(d) : d;
  }
  get detail() {
    return this.#detail;
  }
  toJSON() {
    return { ...super.toJSON(), detail: this.#detail };
  }
}
setToStringTag(PerformanceMark, "PerformanceMark");
enumerable(PerformanceMark, ["detail", "toJSON"]);

export class PerformanceMeasure extends PerformanceEntry {
  #detail;
  constructor(key, name, startTime, duration, detail) {
    super(key, name, "measure", startTime, duration);
    this.#detail = detail;
  }
  get detail() {
    return this.#detail;
  }
  toJSON() {
    return { ...super.toJSON(), detail: this.#detail };
  }
}
setToStringTag(PerformanceMeasure, "PerformanceMeasure");
enumerable(PerformanceMeasure, ["detail", "toJSON"]);

const entries = [];

function markTime(name) {
  for (let i = entries.length - 1; i >= 0; i--) {
    if (entries[i].entryType === "mark" && entries[i].name === name) return entries[i].startTime;
  }
  throw new DOMException(`The mark '${name}' does not exist.`, "SyntaxError");
}

function toTime(v) {
  return typeof v === "number" ? v : markTime(String(v));
}

export class Performance extends EventTarget {
  constructor(key) {
    if (key !== ILLEGAL) throw illegalConstructor();
    super();
  }
  now() {
    return ops.now();
  }
  get timeOrigin() {
    return ops.time_origin();
  }
  mark(name, options = undefined) {
    const m = new PerformanceMark(name, options);
    entries.push(m);
    return m;
  }
  measure(name, startOrOptions = undefined, endMark = undefined) {
    name = String(name);
    let start = 0;
    let end;
    let detail = null;
    if (startOrOptions !== null && typeof startOrOptions === "object") {
      const o = startOrOptions;
      if (o.start !== undefined) start = toTime(o.start);
      if (o.end !== undefined) end = toTime(o.end);
      else if (o.duration !== undefined) end = start + Number(o.duration);
      if (o.duration !== undefined && o.end !== undefined && o.start === undefined) start = end - Number(o.duration);
      detail = o.detail === undefined ? null : o.detail;
    } else if (startOrOptions !== undefined) {
      start = toTime(startOrOptions);
    }
    if (end === undefined) end = endMark !== undefined ? toTime(endMark) : ops.now();
    const m = new PerformanceMeasure(ILLEGAL, name, start, end - start, detail);
    entries.push(m);
    return m;
  }
  getEntries() {
    return entries.slice();
  }
  getEntriesByName(name, type = undefined) {
    return entries.filter((e) => e.name === name && (type === undefined || e.entryType === type));
  }
  getEntriesByType(type) {
    return entries.filter((e) => e.entryType === type);
  }
  clearMarks(name = undefined) {
    remove("mark", name);
  }
  clearMeasures(name = undefined) {
    remove("measure", name);
  }
  toJSON() {
    return { timeOrigin: this.timeOrigin };
  }
}

function remove(type, name) {
  for (let i = entries.length - 1; i >= 0; i--) {
    if (entries[i].entryType === type && (name === undefined || entries[i].name === name)) entries.splice(i, 1);
  }
}
setToStringTag(Performance, "Performance");
enumerable(Performance, [
  "now", "timeOrigin", "mark", "measure", "getEntries", "getEntriesByName", "getEntriesByType",
  "clearMarks", "clearMeasures", "toJSON",
]);

export const performance = new Performance(ILLEGAL);
