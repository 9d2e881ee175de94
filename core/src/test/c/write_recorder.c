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
 * Built by the test with the machine's C compiler: cc -shared -fPIC -O2 -o write_recorder.so
 * write_recorder.c -ldl -lpthread
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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
  const char *log = getenv("ONELOG_RECORD_LOG");
  if (log != NULL && dir != NULL) {
    /* Appended to, never truncated, and not passed on: the JVM starts helper processes (sqlite-jdbc
       runs uname), which must neither record nor start the log again. */
    log_fd = (int)syscall(SYS_openat, AT_FDCWD, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
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
  return log_fd >= 0 && path != NULL && dir_length > 0 && strncmp(path, dir, dir_length) == 0;
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
  }
  int result = real_close(fd);
  pthread_mutex_unlock(&lock);
  return result;
}

static ssize_t written(int fd, const void *data, ssize_t result, int64_t offset) {
  int file = file_of(fd);
  if (file >= 0 && result > 0) {
    record('W', file, data, (uint32_t)result, offset);
  }
  return result;
}

ssize_t write(int fd, const void *data, size_t length) {
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
  int result = truncated(fd, size, real_ftruncate(fd, size));
  pthread_mutex_unlock(&lock);
  return result;
}

int ftruncate64(int fd, off_t size) {
  pthread_mutex_lock(&lock);
  int result = truncated(fd, size, real_ftruncate64(fd, size));
  pthread_mutex_unlock(&lock);
  return result;
}

int unlink(const char *path) {
  pthread_mutex_lock(&lock);
  int result = real_unlink(path);
  if (result == 0 && recorded(path)) {
    record('U', file_index(path), path, (uint32_t)strlen(path), 0);
  }
  pthread_mutex_unlock(&lock);
  return result;
}
