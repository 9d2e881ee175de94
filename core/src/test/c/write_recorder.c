/*
 * write_recorder: preloaded into a child JVM (LD_PRELOAD) by PowerLossIT. Every open, write,
 * fsync, truncate and unlink of a file whose path starts with $ONELOG_RECORD_DIR is done under one
 * lock and appended, in that order, to the binary log $ONELOG_RECORD_LOG:
 *
 *   u8 op ('O' open, 'W' write, 'S' fsync/fdatasync, 'T' truncate, 'U' unlink)
 *   u8 file (an index given to each path at its first open)
 *   u32 length (of the data that follows: the path for 'O' and 'U', the bytes for 'W')
 *   i64 offset (where a write starts; the new size for 'T')
 *   data
 *
 * all little-endian. Only files under the directory are recorded; everything else passes through.
 * With $ONELOG_FAIL_FSYNC=N the Nth fsync or fdatasync of a recorded file fails with EIO (and does
 * nothing); with $ONELOG_FAIL_WRITE=N the Nth write to a recorded "-wal" file does. Nothing is
 * recorded for a failed call.
 *
 * Aimed kills (AimedKillIT): with $ONELOG_KILL_ARM=PATH, a write of a decimal N to the file PATH
 * arms the recorder: the Nth call after it (a write, fsync, truncate or unlink of a file under
 * $ONELOG_RECORD_DIR) is not done; the process kills itself with SIGKILL instead, after one line
 * on stderr naming the call ("write_recorder: SIGKILL instead of call N: <op> <path> <offset>").
 * Writing 0 disarms it and writes the number of calls since it was armed to PATH.count. Without
 * $ONELOG_RECORD_LOG nothing is logged; the directory's files are still counted and failed.
 * Built by the test with the machine's C compiler: cc -shared -fPIC -O2 -o write_recorder.so
 * write_recorder.c -ldl -lpthread
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX_FDS 65536
#define MAX_FILES 250

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int file_of_fd[MAX_FDS]; /* file index + 1, 0 when not recorded */
static char *files[MAX_FILES];
static int file_count;
static int log_fd = -1;
static long fail_fsync, fail_write; /* which call fails, counting from 1; 0: none */
static long fsyncs, wal_writes;
static const char *dir;
static size_t dir_length;
static const char *arm_path;
static char is_arm_fd[MAX_FDS];
static long armed_at, calls_since_armed; /* armed_at 0: disarmed */

static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);
static int (*real_close)(int);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_ftruncate)(int, off_t);
static int (*real_ftruncate64)(int, off_t);
static int (*real_unlink)(const char *);

__attribute__((constructor)) static void init(void) {
  real_open = dlsym(RTLD_NEXT, "open");
  real_open64 = dlsym(RTLD_NEXT, "open64");
  real_openat = dlsym(RTLD_NEXT, "openat");
  real_openat64 = dlsym(RTLD_NEXT, "openat64");
  real_close = dlsym(RTLD_NEXT, "close");
  real_write = dlsym(RTLD_NEXT, "write");
  real_pwrite = dlsym(RTLD_NEXT, "pwrite");
  real_pwrite64 = dlsym(RTLD_NEXT, "pwrite64");
  real_fsync = dlsym(RTLD_NEXT, "fsync");
  real_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
  real_ftruncate = dlsym(RTLD_NEXT, "ftruncate");
  real_ftruncate64 = dlsym(RTLD_NEXT, "ftruncate64");
  real_unlink = dlsym(RTLD_NEXT, "unlink");
  const char *fail = getenv("ONELOG_FAIL_FSYNC");
  fail_fsync = fail == NULL ? 0 : atol(fail);
  fail = getenv("ONELOG_FAIL_WRITE");
  fail_write = fail == NULL ? 0 : atol(fail);
  dir = getenv("ONELOG_RECORD_DIR");
  dir_length = dir == NULL ? 0 : strlen(dir);
  arm_path = getenv("ONELOG_KILL_ARM");
  const char *log = getenv("ONELOG_RECORD_LOG");
  if (log != NULL && dir != NULL) {
    /* Appended to, never truncated. */
    log_fd = (int)syscall(SYS_openat, AT_FDCWD, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
  }
  if (dir != NULL) {
    /* Not passed on: the JVM starts helper processes (sqlite-jdbc runs uname), which must neither
       record, count nor start the log again. */
    unsetenv("LD_PRELOAD");
  }
}

static void write_all(const void *data, size_t length) {
  const char *p = data;
  while (length > 0) {
    ssize_t n = syscall(SYS_write, log_fd, p, length);
    if (n <= 0) {
      abort(); /* a log with a hole would make every image a lie */
    }
    p += n;
    length -= (size_t)n;
  }
}

static void record(char op, int file, const void *data, uint32_t length, int64_t offset) {
  if (log_fd < 0) {
    return;
  }
  unsigned char header[14];
  header[0] = (unsigned char)op;
  header[1] = (unsigned char)file;
  memcpy(header + 2, &length, 4);
  memcpy(header + 6, &offset, 8);
  write_all(header, sizeof header);
  if (length > 0) {
    write_all(data, length);
  }
}

static int recorded(const char *path) {
  return path != NULL && dir_length > 0 && strncmp(path, dir, dir_length) == 0;
}

static int file_index(const char *path) {
  for (int i = 0; i < file_count; i++) {
    if (strcmp(files[i], path) == 0) {
      return i;
    }
  }
  if (file_count == MAX_FILES) {
    abort();
  }
  files[file_count] = strdup(path);
  record('O', file_count, path, (uint32_t)strlen(path), 0);
  return file_count++;
}

static int opened(int fd, const char *path, int flags) {
  if (fd >= 0 && fd < MAX_FDS) {
    is_arm_fd[fd] = arm_path != NULL && path != NULL && strcmp(path, arm_path) == 0;
  }
  if (fd >= 0 && fd < MAX_FDS && recorded(path)) {
    int file = file_index(path);
    file_of_fd[fd] = file + 1;
    if (flags & O_TRUNC) {
      record('T', file, NULL, 0, 0);
    }
  }
  return fd;
}

#define OPEN_BODY(call)                      \
  mode_t mode = 0;                           \
  if (flags & (O_CREAT | O_TMPFILE)) {       \
    va_list args;                            \
    va_start(args, flags);                   \
    mode = va_arg(args, mode_t);             \
    va_end(args);                            \
  }                                          \
  pthread_mutex_lock(&lock);                 \
  int fd = opened(call, path, flags);        \
  pthread_mutex_unlock(&lock);               \
  return fd;

int open(const char *path, int flags, ...) { OPEN_BODY(real_open(path, flags, mode)) }
int open64(const char *path, int flags, ...) { OPEN_BODY(real_open64(path, flags, mode)) }
int openat(int at, const char *path, int flags, ...) { OPEN_BODY(real_openat(at, path, flags, mode)) }
int openat64(int at, const char *path, int flags, ...) {
  OPEN_BODY(real_openat64(at, path, flags, mode))
}

static int file_of(int fd) { return fd >= 0 && fd < MAX_FDS ? file_of_fd[fd] - 1 : -1; }

int close(int fd) {
  pthread_mutex_lock(&lock);
  if (fd >= 0 && fd < MAX_FDS) {
    file_of_fd[fd] = 0;
    is_arm_fd[fd] = 0;
  }
  int result = real_close(fd);
  pthread_mutex_unlock(&lock);
  return result;
}

static void say(const char *text) { syscall(SYS_write, 2, text, strlen(text)); }

/* Counts a call to a file under the directory; when it is the armed one, dies instead. */
static void aim(int file, const char *op, int64_t offset) {
  if (armed_at == 0 || ++calls_since_armed != armed_at) {
    return;
  }
  char line[4400];
  snprintf(line, sizeof line, "write_recorder: SIGKILL instead of call %ld: %s %s %lld\n",
           calls_since_armed, op, files[file], (long long)offset);
  say(line);
  syscall(SYS_kill, getpid(), SIGKILL);
  for (;;) {
    pause();
  }
}

/* A write to the arm file: N > 0 arms, 0 disarms and reports the calls counted. */
static void arm(const void *data, size_t length) {
  char text[32];
  size_t n = length < sizeof text - 1 ? length : sizeof text - 1;
  memcpy(text, data, n);
  text[n] = 0;
  long value = atol(text);
  if (value > 0) {
    armed_at = value;
    calls_since_armed = 0;
    return;
  }
  char path[4200], count[32];
  snprintf(path, sizeof path, "%s.count", arm_path);
  int length_written = snprintf(count, sizeof count, "%ld\n", calls_since_armed);
  int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || syscall(SYS_write, fd, count, length_written) != length_written) {
    abort();
  }
  syscall(SYS_close, fd);
  armed_at = 0;
  calls_since_armed = 0;
}

static ssize_t written(int fd, const void *data, ssize_t result, int64_t offset) {
  int file = file_of(fd);
  if (file >= 0 && result > 0) {
    record('W', file, data, (uint32_t)result, offset);
  }
  return result;
}

ssize_t write(int fd, const void *data, size_t length) {
  if (fd >= 0 && fd < MAX_FDS && is_arm_fd[fd]) {
    pthread_mutex_lock(&lock);
    arm(data, length);
    pthread_mutex_unlock(&lock);
    return real_write(fd, data, length);
  }
  if (file_of(fd) < 0) {
    return real_write(fd, data, length);
  }
  pthread_mutex_lock(&lock);
  off_t offset = lseek(fd, 0, SEEK_CUR);
  if (fcntl(fd, F_GETFL) & O_APPEND) {
    struct stat st;
    fstat(fd, &st);
    offset = st.st_size;
  }
  aim(file_of(fd), "write", offset);
  ssize_t result = written(fd, data, real_write(fd, data, length), offset);
  pthread_mutex_unlock(&lock);
  return result;
}

/* True when this write to a recorded -wal file is the one to fail. */
static int write_fails(int fd) {
  int file = file_of(fd);
  size_t n = file < 0 ? 0 : strlen(files[file]);
  if (fail_write == 0 || n < 4 || strcmp(files[file] + n - 4, "-wal") != 0) {
    return 0;
  }
  return ++wal_writes == fail_write;
}

ssize_t pwrite(int fd, const void *data, size_t length, off_t offset) {
  if (file_of(fd) < 0) {
    return real_pwrite(fd, data, length, offset);
  }
  pthread_mutex_lock(&lock);
  aim(file_of(fd), "pwrite", offset);
  if (write_fails(fd)) {
    pthread_mutex_unlock(&lock);
    errno = EIO;
    return -1;
  }
  ssize_t result = written(fd, data, real_pwrite(fd, data, length, offset), offset);
  pthread_mutex_unlock(&lock);
  return result;
}

ssize_t pwrite64(int fd, const void *data, size_t length, off_t offset) {
  if (file_of(fd) < 0) {
    return real_pwrite64(fd, data, length, offset);
  }
  pthread_mutex_lock(&lock);
  aim(file_of(fd), "pwrite", offset);
  if (write_fails(fd)) {
    pthread_mutex_unlock(&lock);
    errno = EIO;
    return -1;
  }
  ssize_t result = written(fd, data, real_pwrite64(fd, data, length, offset), offset);
  pthread_mutex_unlock(&lock);
  return result;
}

/* True when this fsync of a recorded file is the one to fail. */
static int fsync_fails(int fd) {
  return fail_fsync != 0 && file_of(fd) >= 0 && ++fsyncs == fail_fsync;
}

static int synced(int fd, int result) {
  int file = file_of(fd);
  if (file >= 0 && result == 0) {
    record('S', file, NULL, 0, 0);
  }
  return result;
}

int fsync(int fd) {
  pthread_mutex_lock(&lock);
  if (file_of(fd) >= 0) {
    aim(file_of(fd), "fsync", 0);
  }
  if (fsync_fails(fd)) {
    pthread_mutex_unlock(&lock);
    errno = EIO;
    return -1;
  }
  int result = synced(fd, real_fsync(fd));
  pthread_mutex_unlock(&lock);
  return result;
}

int fdatasync(int fd) {
  pthread_mutex_lock(&lock);
  if (file_of(fd) >= 0) {
    aim(file_of(fd), "fdatasync", 0);
  }
  if (fsync_fails(fd)) {
    pthread_mutex_unlock(&lock);
    errno = EIO;
    return -1;
  }
  int result = synced(fd, real_fdatasync(fd));
  pthread_mutex_unlock(&lock);
  return result;
}

static int truncated(int fd, off_t size, int result) {
  int file = file_of(fd);
  if (file >= 0 && result == 0) {
    record('T', file, NULL, 0, size);
  }
  return result;
}

int ftruncate(int fd, off_t size) {
  pthread_mutex_lock(&lock);
  if (file_of(fd) >= 0) {
    aim(file_of(fd), "ftruncate", size);
  }
  int result = truncated(fd, size, real_ftruncate(fd, size));
  pthread_mutex_unlock(&lock);
  return result;
}

int ftruncate64(int fd, off_t size) {
  pthread_mutex_lock(&lock);
  if (file_of(fd) >= 0) {
    aim(file_of(fd), "ftruncate", size);
  }
  int result = truncated(fd, size, real_ftruncate64(fd, size));
  pthread_mutex_unlock(&lock);
  return result;
}

int unlink(const char *path) {
  pthread_mutex_lock(&lock);
  if (recorded(path)) {
    aim(file_index(path), "unlink", 0);
  }
  int result = real_unlink(path);
  if (result == 0 && recorded(path)) {
    record('U', file_index(path), path, (uint32_t)strlen(path), 0);
  }
  pthread_mutex_unlock(&lock);
  return result;
}
