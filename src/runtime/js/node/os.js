// node:os: fixed values, the same on every host. A function runs on a machine it neither
// owns nor should learn about (Supabase's user workers see no host details either): what
// packages read here is used to pick code paths (platform, EOL, endianness) or to size
// pools (cpus, availableParallelism), never to identify the host. Each value says why.
import { makeError } from "./errors.js";

// Linux errno and signal numbers, as Node's os.constants gives them on Linux (packages
// map codes to numbers with these).
const errno = {
  E2BIG: 7, EACCES: 13, EADDRINUSE: 98, EADDRNOTAVAIL: 99, EAFNOSUPPORT: 97, EAGAIN: 11,
  EALREADY: 114, EBADF: 9, EBADMSG: 74, EBUSY: 16, ECANCELED: 125, ECHILD: 10,
  ECONNABORTED: 103, ECONNREFUSED: 111, ECONNRESET: 104, EDEADLK: 35, EDESTADDRREQ: 89,
  EDOM: 33, EDQUOT: 122, EEXIST: 17, EFAULT: 14, EFBIG: 27, EHOSTUNREACH: 113, EIDRM: 43,
  EILSEQ: 84, EINPROGRESS: 115, EINTR: 4, EINVAL: 22, EIO: 5, EISCONN: 106, EISDIR: 21,
  ELOOP: 40, EMFILE: 24, EMLINK: 31, EMSGSIZE: 90, EMULTIHOP: 72, ENAMETOOLONG: 36,
  ENETDOWN: 100, ENETRESET: 102, ENETUNREACH: 101, ENFILE: 23, ENOBUFS: 105, ENODATA: 61,
  ENODEV: 19, ENOENT: 2, ENOEXEC: 8, ENOLCK: 37, ENOLINK: 67, ENOMEM: 12, ENOMSG: 42,
  ENOPROTOOPT: 92, ENOSPC: 28, ENOSR: 63, ENOSTR: 60, ENOSYS: 38, ENOTCONN: 107,
  ENOTDIR: 20, ENOTEMPTY: 39, ENOTSOCK: 88, ENOTSUP: 95, ENOTTY: 25, ENXIO: 6,
  EOPNOTSUPP: 95, EOVERFLOW: 75, EPERM: 1, EPIPE: 32, EPROTO: 71, EPROTONOSUPPORT: 93,
  EPROTOTYPE: 91, ERANGE: 34, EROFS: 30, ESPIPE: 29, ESRCH: 3, ESTALE: 116, ETIME: 62,
  ETIMEDOUT: 110, ETXTBSY: 26, EWOULDBLOCK: 11, EXDEV: 18,
};
const signals = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGIOT: 6, SIGBUS: 7,
  SIGFPE: 8, SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14,
  SIGTERM: 15, SIGCHLD: 17, SIGSTKFLT: 16, SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20,
  SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25, SIGVTALRM: 26, SIGPROF: 27,
  SIGWINCH: 28, SIGIO: 29, SIGPOLL: 29, SIGPWR: 30, SIGSYS: 31,
};
const priority = {
  PRIORITY_LOW: 19, PRIORITY_BELOW_NORMAL: 10, PRIORITY_NORMAL: 0, PRIORITY_ABOVE_NORMAL: -7,
  PRIORITY_HIGH: -14, PRIORITY_HIGHEST: -20,
};

const MiB = 1024 * 1024;

export function createOs() {
  const startedAt = performance.now();
  // One CPU: a worker runs its JavaScript on one thread, so pools sized from cpus() or
  // availableParallelism() should not fan out. The model says what it is.
  const cpu = Object.freeze({ model: "sbfn virtual CPU", speed: 0, times: { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 } });
  return {
    EOL: "\n", // the platform below is Linux
    devNull: "/dev/null",
    constants: Object.freeze({ errno: Object.freeze(errno), signals: Object.freeze(signals), priority: Object.freeze(priority), dlopen: Object.freeze({ RTLD_LAZY: 1, RTLD_NOW: 2, RTLD_GLOBAL: 256, RTLD_LOCAL: 0, RTLD_DEEPBIND: 8 }), UV_UDP_REUSEADDR: 4 }),
    // Functions run on Linux x86-64 (Supabase's edge runtime does; so does process.platform/arch).
    platform: () => "linux",
    arch: () => "x64",
    machine: () => "x86_64",
    type: () => "Linux",
    // A kernel version, not the host's: code only compares it against old kernels.
    release: () => "6.1.0",
    version: () => "#1 SMP",
    endianness: () => "LE", // x86-64
    // The only folder a function may write (tmp_fs.hpp).
    tmpdir: () => "/tmp",
    // No home: a function has no user account; /tmp is where it could keep anything.
    homedir: () => "/tmp",
    // A fixed name: the host's would tell which machine served the request.
    hostname: () => "localhost",
    cpus: () => [cpu],
    availableParallelism: () => 1,
    // The worker's memory, not the machine's: a fixed 512 MiB (a function's default limit)
    // and half of it free, so caches sized from these stay modest.
    totalmem: () => 512 * MiB,
    freemem: () => 256 * MiB,
    // The machine's load is the host's business.
    loadavg: () => [0, 0, 0],
    // Since the worker started: the host's uptime would tell when it booted.
    uptime: () => Math.floor((performance.now() - startedAt) / 1000),
    // No interfaces are shown: the host's addresses are not a function's to know.
    networkInterfaces: () => ({}),
    // A nameless user without a shell (uid/gid -1, as Node reports on platforms without them).
    userInfo: (options = undefined) => {
      const info = { uid: -1, gid: -1, username: "sbfn", homedir: "/tmp", shell: null };
      if (options?.encoding === "buffer") {
        const { Buffer } = globalThis;
        return { ...info, username: Buffer.from(info.username), homedir: Buffer.from(info.homedir) };
      }
      return info;
    },
    getPriority: () => 0,
    setPriority() {
      throw makeError(Error, "ERR_NOT_SUPPORTED", "os.setPriority() is not supported in Supabase Edge Functions");
    },
  };
}
