// The errors node:fs throws, as Node's libuv errors read: "ENOENT: no such file or
// directory, open '/x'" with code, errno (negative, libuv's), syscall and path. The file
// system ops (op_tmpfs.cpp, op_fs.cpp) tell the failure by an errno name in `code`
// ("ENOENT") or by a Deno error class in `name` ("PermissionDenied", for a path outside
// what a function may read or write); both become the same Node code here.

// code -> [errno, libuv's description]; only what a file operation can fail with.
const uvErrors = {
  EACCES: [-13, "permission denied"],
  EBADF: [-9, "bad file descriptor"],
  EBUSY: [-16, "resource busy or locked"],
  EEXIST: [-17, "file already exists"],
  EINVAL: [-22, "invalid argument"],
  EIO: [-5, "i/o error"],
  EISDIR: [-21, "illegal operation on a directory"],
  ELOOP: [-40, "too many symbolic links encountered"],
  EMFILE: [-24, "too many open files"],
  ENAMETOOLONG: [-36, "name too long"],
  ENOENT: [-2, "no such file or directory"],
  ENOSPC: [-28, "no space left on device"],
  ENOTDIR: [-20, "not a directory"],
  ENOTEMPTY: [-39, "directory not empty"],
  EPERM: [-1, "operation not permitted"],
  EROFS: [-30, "read-only file system"],
  EXDEV: [-18, "cross-device link not permitted"],
};

// Deno error class -> errno name, for op errors that carry no errno name.
const codeOfClass = {
  NotFound: "ENOENT",
  PermissionDenied: "EACCES",
  NotCapable: "EACCES",
  AlreadyExists: "EEXIST",
  IsADirectory: "EISDIR",
  NotADirectory: "ENOTDIR",
  FilesystemLoop: "ELOOP",
  Busy: "EBUSY",
  InvalidData: "EINVAL",
  BadResource: "EBADF",
};

// A Node file system error for `code` ("ENOENT").
export function uvError(code, syscall, path = undefined, dest = undefined) {
  const [errno, description] = uvErrors[code] ?? [-5, "i/o error"];
  let message = `${code}: ${description}, ${syscall}`;
  if (path !== undefined) message += ` '${path}'`;
  if (dest !== undefined) message += ` -> '${dest}'`;
  const error = new Error(message);
  error.errno = errno;
  error.code = code;
  error.syscall = syscall;
  if (path !== undefined) error.path = path;
  if (dest !== undefined) error.dest = dest;
  return error;
}

// What an op threw, as Node would have thrown it for `syscall` on `path`. Errors that are
// not about the file (a TypeError for a bad argument, the worker's memory limit) stay.
export function toNodeError(error, syscall, path = undefined, dest = undefined) {
  if (error === null || typeof error !== "object" || error instanceof TypeError || error instanceof RangeError) {
    return error;
  }
  let code = typeof error.code === "string" && error.code in uvErrors ? error.code : codeOfClass[error.name];
  if (code === undefined) {
    if (/too long/i.test(error.message ?? "")) code = "ENAMETOOLONG";
    else return error;
  }
  return uvError(code, syscall, path, dest);
}

// Runs op `fn`, throwing what it throws as a Node error for `syscall`.
export function fsCall(syscall, path, fn, ...args) {
  try {
    return fn(...args);
  } catch (error) {
    throw toNodeError(error, syscall, path);
  }
}
