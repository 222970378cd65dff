/* files.c: file I/O in the current directory, which wisp-run maps with
 * --dir HOST:. (wisp-run test): create, write, read, seek, stat, readdir,
 * rename, unlink, mkdir, rmdir, and the errors they give. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* errno by name: strerror's text differs between libcs. */
static const char *ename(int e)
{
    switch (e) {
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    default: return "other";
    }
}

#define CHECK(what, call) \
    do { \
        errno = 0; \
        int r_ = (call); \
        printf("%-28s -> %s\n", what, r_ < 0 ? ename(errno) : "ok"); \
    } while (0)

static int stat_path(const char *p)
{
    struct stat st;
    return stat(p, &st);
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists a directory sorted (host order is the filesystem's). */
static void list(const char *path)
{
    char *names[64];
    int n = 0;
    DIR *d = opendir(path);
    struct dirent *e;
    if (!d) {
        printf("opendir %s: %s\n", path, ename(errno));
        return;
    }
    while ((e = readdir(d)) && n < 64)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp);
    printf("ls %s:", path);
    for (int i = 0; i < n; i++) {
        struct stat st;
        char full[256];
        snprintf(full, sizeof full, "%s/%s", path, names[i]);
        stat(full, &st);
        printf(" %s%s(%lld)", names[i], S_ISDIR(st.st_mode) ? "/" : "",
               S_ISDIR(st.st_mode) ? 0LL : (long long)st.st_size);
        free(names[i]);
    }
    printf("\n");
}

static void stdio_files(void)
{
    char line[128];
    FILE *f = fopen("notes.txt", "w");
    for (int i = 1; i <= 5; i++)
        fprintf(f, "line %d of %d: %s\n", i, 5, i % 2 ? "odd" : "even");
    fclose(f);
    f = fopen("notes.txt", "a");
    fputs("appended\n", f);
    fclose(f);
    f = fopen("notes.txt", "r");
    while (fgets(line, sizeof line, f))
        printf("read: %s", line);
    fseek(f, 5, SEEK_SET);
    long at = ftell(f);
    int next = fgetc(f);
    printf("ftell after fseek: %ld, next char '%c'\n", at, next);
    fseek(f, -9, SEEK_END);
    printf("tail: %s", fgets(line, sizeof line, f));
    fclose(f);
}

static void raw_fds(void)
{
    char buf[64] = {0};
    int fd = open("raw.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);
    printf("write %zd\n", write(fd, "0123456789abcdef", 16));
    printf("lseek end %lld\n", (long long)lseek(fd, 0, SEEK_END));
    printf("lseek set %lld\n", (long long)lseek(fd, 4, SEEK_SET));
    printf("read %zd: %s\n", read(fd, buf, 6), buf);
    printf("pread %zd: %.4s\n", pread(fd, buf, 4, 12), buf);
    printf("pwrite %zd\n", pwrite(fd, "XY", 2, 0));
    printf("lseek cur %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    printf("ftruncate %d\n", ftruncate(fd, 10));
    lseek(fd, 0, SEEK_SET);
    memset(buf, 0, sizeof buf);
    printf("read all %zd: %s\n", read(fd, buf, sizeof buf - 1), buf);
    struct stat st;
    fstat(fd, &st);
    printf("fstat size %lld regular %d\n", (long long)st.st_size,
           S_ISREG(st.st_mode));
    close(fd);
    CHECK("read closed fd", (int)read(fd, buf, 1));
}

int main(void)
{
    stdio_files();
    raw_fds();
    CHECK("mkdir sub", mkdir("sub", 0755));
    CHECK("mkdir sub again", mkdir("sub", 0755));
    CHECK("mkdir sub/deeper", mkdir("sub/deeper", 0755));
    CHECK("rename notes -> sub/n.txt", rename("notes.txt", "sub/n.txt"));
    CHECK("open old name", open("notes.txt", O_RDONLY));
    CHECK("open sub/n.txt", open("sub/n.txt", O_RDONLY));
    CHECK("open via ..", open("sub/deeper/../n.txt", O_RDONLY));
    CHECK("excl create existing", open("raw.bin", O_CREAT | O_EXCL | O_WRONLY, 0644));
    CHECK("open file as dir", open("raw.bin/x", O_RDONLY));
    list(".");
    list("sub");
    CHECK("rmdir non-empty sub", rmdir("sub"));
    CHECK("unlink a directory", unlink("sub/deeper"));
    CHECK("rmdir sub/deeper", rmdir("sub/deeper"));
    CHECK("unlink sub/n.txt", unlink("sub/n.txt"));
    CHECK("unlink missing", unlink("sub/n.txt"));
    CHECK("rmdir sub", rmdir("sub"));
    CHECK("stat sub", stat_path("sub"));
    CHECK("unlink raw.bin", unlink("raw.bin"));
    list(".");
    return 0;
}
