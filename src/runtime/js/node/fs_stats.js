// fs.Stats, fs.BigIntStats and fs.Dirent, from what the ops tell of a file.
import { constants } from "./fs_constants.js";

// The ops' stat array: [mode, size, mtime, atime, ctime, dev, ino, nlink, uid, gid, rdev,
// blksize, blocks], times in milliseconds.
function statFields(values) {
  const [mode, size, mtimeMs, atimeMs, ctimeMs, dev, ino, nlink, uid, gid, rdev, blksize, blocks] = values;
  return { dev, mode, nlink, uid, gid, rdev, blksize, ino, size, blocks, atimeMs, mtimeMs, ctimeMs, birthtimeMs: ctimeMs };
}

class StatsBase {
  isFile() {
    return (Number(this.mode) & constants.S_IFMT) === constants.S_IFREG;
  }
  isDirectory() {
    return (Number(this.mode) & constants.S_IFMT) === constants.S_IFDIR;
  }
  isSymbolicLink() {
    return (Number(this.mode) & constants.S_IFMT) === constants.S_IFLNK;
  }
  isBlockDevice() {
    return (Number(this.mode) & constants.S_IFMT) === constants.S_IFBLK;
  }
  isCharacterDevice() {
    return (Number(this.mode) & constants.S_IFMT) === constants.S_IFCHR;
  }
  isFIFO() {
    return (Number(this.mode) & constants.S_IFMT) === constants.S_IFIFO;
  }
  isSocket() {
    return (Number(this.mode) & constants.S_IFMT) === constants.S_IFSOCK;
  }
}

export class Stats extends StatsBase {
  constructor(values) {
    super();
    Object.assign(this, statFields(values));
    // The file system does not record a birth time the ops read: ctime stands in.
    this.atime = new Date(this.atimeMs);
    this.mtime = new Date(this.mtimeMs);
    this.ctime = new Date(this.ctimeMs);
    this.birthtime = new Date(this.birthtimeMs);
  }
}

export class BigIntStats extends StatsBase {
  constructor(values) {
    super();
    for (const [key, value] of Object.entries(statFields(values))) this[key] = BigInt(Math.floor(value));
    for (const key of ["atime", "mtime", "ctime", "birthtime"]) {
      const ms = statFields(values)[`${key}Ms`];
      this[`${key}Ns`] = BigInt(Math.floor(ms)) * 1_000_000n + BigInt(Math.round((ms % 1) * 1e6));
      this[key] = new Date(ms);
    }
  }
}

const kType = Symbol("type");

export class Dirent {
  constructor(name, type, parentPath) {
    this.name = name;
    this.parentPath = parentPath;
    this.path = parentPath; // deprecated alias Node still sets
    this[kType] = type;
  }
  isFile() {
    return this[kType] === constants.UV_DIRENT_FILE;
  }
  isDirectory() {
    return this[kType] === constants.UV_DIRENT_DIR;
  }
  isSymbolicLink() {
    return this[kType] === constants.UV_DIRENT_LINK;
  }
  isBlockDevice() {
    return this[kType] === constants.UV_DIRENT_BLOCK;
  }
  isCharacterDevice() {
    return this[kType] === constants.UV_DIRENT_CHAR;
  }
  isFIFO() {
    return this[kType] === constants.UV_DIRENT_FIFO;
  }
  isSocket() {
    return this[kType] === constants.UV_DIRENT_SOCKET;
  }
}

export function makeStats(values, options) {
  return options?.bigint ? new BigIntStats(values) : new Stats(values);
}
