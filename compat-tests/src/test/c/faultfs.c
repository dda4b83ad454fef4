/*
 * faultfs: an LD_PRELOAD library that makes chosen file-system calls fail with a chosen errno, but only for files
 * under one directory, switched on and off at run time. Used by dev.dualkey.compat.durable.DiskFaultTest.
 *
 * Why not libfiu (fiu-run / fiu-ctrl, see shared/reliability-methods.md): its POSIX wrappers cannot tell a file
 * from a socket, so failing write() also fails the server's HTTP responses, and it does not wrap sendfile(),
 * which serves blob GETs. This library fails only calls on descriptors whose path (/proc/self/fd) starts with
 * DUALKEY_FAULT_DIR, and rename() when either path does.
 *
 * Control: the file named by DUALKEY_FAULT_CTL holds one line "OPS ERRNO", e.g. "write,fsync 5" (EIO) or
 * "fsync 28" (ENOSPC); empty or missing = no faults. OPS are any of read, write, fsync, rename, sendfile
 * (read covers read/pread/readv, write covers write/pwrite/writev, fsync covers fsync/fdatasync). The file is
 * re-read when its modification time changes, looked at no more than every 10 ms. Every injected failure adds
 * one line "op errno path" to DUALKEY_FAULT_LOG when set (the test counts them).
 *
 * Build: gcc -shared -fPIC -O2 -o faultfs.so faultfs.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

enum { OP_READ = 1, OP_WRITE = 2, OP_FSYNC = 4, OP_RENAME = 8, OP_SENDFILE = 16 };

static volatile int active_ops;
static volatile int fault_errno = EIO;
static const char *fault_dir;
static size_t fault_dir_len;
static const char *ctl_path;
static const char *log_path;
static pthread_mutex_t ctl_lock = PTHREAD_MUTEX_INITIALIZER;
static long long last_check_ns;
static struct timespec last_mtime;
static __thread int busy; /* our own file accesses never fault or recurse */

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long) t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Raw syscalls for the control and log files, so that they never come back through our wrappers. */
static void reload(void) {
    char buf[256];
    int fd = (int) syscall(SYS_openat, AT_FDCWD, ctl_path, O_RDONLY | O_CLOEXEC);
    int ops = 0, err = EIO;
    if (fd >= 0) {
        long n = syscall(SYS_read, fd, buf, sizeof buf - 1);
        syscall(SYS_close, fd);
        if (n > 0) {
            buf[n] = 0;
            char *space = strchr(buf, ' ');
            if (space) {
                err = atoi(space + 1);
                *space = 0;
            }
            for (char *tok = strtok(buf, ",\n"); tok; tok = strtok(NULL, ",\n")) {
                if (!strcmp(tok, "read")) ops |= OP_READ;
                else if (!strcmp(tok, "write")) ops |= OP_WRITE;
                else if (!strcmp(tok, "fsync")) ops |= OP_FSYNC;
                else if (!strcmp(tok, "rename")) ops |= OP_RENAME;
                else if (!strcmp(tok, "sendfile")) ops |= OP_SENDFILE;
            }
        }
    }
    fault_errno = err > 0 ? err : EIO;
    active_ops = ops;
}

static void refresh(void) {
    if (!ctl_path) {
        return;
    }
    long long t = now_ns();
    if (t - last_check_ns < 10000000LL) {
        return;
    }
    pthread_mutex_lock(&ctl_lock);
    if (t - last_check_ns >= 10000000LL) {
        last_check_ns = t;
        struct stat st;
        if (syscall(SYS_newfstatat, AT_FDCWD, ctl_path, &st, 0) != 0) {
            active_ops = 0;
            last_mtime.tv_sec = 0;
        } else if (st.st_mtim.tv_sec != last_mtime.tv_sec || st.st_mtim.tv_nsec != last_mtime.tv_nsec) {
            last_mtime = st.st_mtim;
            reload();
        }
    }
    pthread_mutex_unlock(&ctl_lock);
}

__attribute__((constructor)) static void init(void) {
    fault_dir = getenv("DUALKEY_FAULT_DIR");
    fault_dir_len = fault_dir ? strlen(fault_dir) : 0;
    ctl_path = getenv("DUALKEY_FAULT_CTL");
    log_path = getenv("DUALKEY_FAULT_LOG");
}

static void note(const char *op, const char *path) {
    if (!log_path) {
        return;
    }
    char line[600];
    int n = snprintf(line, sizeof line, "%s %d %s\n", op, fault_errno, path);
    int fd = (int) syscall(SYS_openat, AT_FDCWD, log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0) {
        syscall(SYS_write, fd, line, n > 0 && n < (int) sizeof line ? n : (int) sizeof line - 1);
        syscall(SYS_close, fd);
    }
}

static int under_dir(const char *path) {
    return fault_dir_len > 0 && path && strncmp(path, fault_dir, fault_dir_len) == 0;
}

/* Whether a call of kind op on fd must fail now; sets errno when it must. */
static int fail_fd(int op, int fd, const char *name) {
    if (busy || !ctl_path) {
        return 0;
    }
    refresh();
    if (!(active_ops & op)) {
        return 0;
    }
    char link[64], path[512];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    long n = syscall(SYS_readlinkat, AT_FDCWD, link, path, sizeof path - 1);
    if (n <= 0) {
        return 0;
    }
    path[n] = 0;
    if (!under_dir(path)) {
        return 0;
    }
    busy = 1;
    note(name, path);
    busy = 0;
    errno = fault_errno;
    return 1;
}

#define REAL(name) static __typeof__(name) *real_##name; if (!real_##name) real_##name = dlsym(RTLD_NEXT, #name)

ssize_t read(int fd, void *buf, size_t count) {
    REAL(read);
    if (fail_fd(OP_READ, fd, "read")) return -1;
    return real_read(fd, buf, count);
}

ssize_t pread(int fd, void *buf, size_t count, off_t off) {
    REAL(pread);
    if (fail_fd(OP_READ, fd, "pread")) return -1;
    return real_pread(fd, buf, count, off);
}

ssize_t pread64(int fd, void *buf, size_t count, off64_t off) {
    REAL(pread64);
    if (fail_fd(OP_READ, fd, "pread64")) return -1;
    return real_pread64(fd, buf, count, off);
}

ssize_t readv(int fd, const struct iovec *iov, int n) {
    REAL(readv);
    if (fail_fd(OP_READ, fd, "readv")) return -1;
    return real_readv(fd, iov, n);
}

ssize_t write(int fd, const void *buf, size_t count) {
    REAL(write);
    if (fail_fd(OP_WRITE, fd, "write")) return -1;
    return real_write(fd, buf, count);
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t off) {
    REAL(pwrite);
    if (fail_fd(OP_WRITE, fd, "pwrite")) return -1;
    return real_pwrite(fd, buf, count, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t count, off64_t off) {
    REAL(pwrite64);
    if (fail_fd(OP_WRITE, fd, "pwrite64")) return -1;
    return real_pwrite64(fd, buf, count, off);
}

ssize_t writev(int fd, const struct iovec *iov, int n) {
    REAL(writev);
    if (fail_fd(OP_WRITE, fd, "writev")) return -1;
    return real_writev(fd, iov, n);
}

int fsync(int fd) {
    REAL(fsync);
    if (fail_fd(OP_FSYNC, fd, "fsync")) return -1;
    return real_fsync(fd);
}

int fdatasync(int fd) {
    REAL(fdatasync);
    if (fail_fd(OP_FSYNC, fd, "fdatasync")) return -1;
    return real_fdatasync(fd);
}

ssize_t sendfile(int out, int in, off_t *off, size_t count) {
    REAL(sendfile);
    if (fail_fd(OP_SENDFILE, in, "sendfile")) return -1;
    return real_sendfile(out, in, off, count);
}

ssize_t sendfile64(int out, int in, off64_t *off, size_t count) {
    REAL(sendfile64);
    if (fail_fd(OP_SENDFILE, in, "sendfile64")) return -1;
    return real_sendfile64(out, in, off, count);
}

int rename(const char *from, const char *to) {
    REAL(rename);
    if (!busy && ctl_path) {
        refresh();
        if ((active_ops & OP_RENAME) && (under_dir(from) || under_dir(to))) {
            busy = 1;
            note("rename", from);
            busy = 0;
            errno = fault_errno;
            return -1;
        }
    }
    return real_rename(from, to);
}
