/* escape.c: tries to leave the preopened directory; every attempt must
 * fail under wisp-run (wisp-run test; not compared with native).  The
 * test makes: file.txt, sub/inner.txt, link_in -> sub, link_up -> ..,
 * link_abs -> /etc, and a file ../outside.txt next to the directory. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static void try_open(const char *path)
{
    int fd = open(path, O_RDONLY);
    char buf[32] = {0};
    if (fd < 0) {
        printf("open %s: denied\n", path);
        return;
    }
    read(fd, buf, sizeof buf - 1);
    printf("open %s: OPENED [%.8s]\n", path, buf);
    close(fd);
}

static void try_stat(const char *path)
{
    struct stat st;
    printf("stat %s: %s\n", path, stat(path, &st) ? "denied" : "OK");
}

int main(void)
{
    try_open("file.txt");
    try_open("sub/inner.txt");
    try_open("link_in/inner.txt");
    try_open("sub/../file.txt");
    try_open("./sub/./../sub/inner.txt");
    try_open("../outside.txt");
    try_open("sub/../../outside.txt");
    try_open("link_up/outside.txt");
    try_open("link_abs/passwd");
    try_open("/etc/passwd");
    try_open("..");
    try_stat("..");
    try_stat("link_up");
    try_stat("link_in");
    printf("mkdir ../evil: %s\n", mkdir("../evil", 0755) ? "denied" : "MADE");
    printf("rename to ../stolen: %s\n",
           rename("file.txt", "../stolen") ? "denied" : "MOVED");
    printf("opendir ..: %s\n", opendir("..") ? "OPENED" : "denied");
    printf("opendir link_up: %s\n", opendir("link_up") ? "OPENED" : "denied");
    printf("unlink link_up/outside.txt: %s\n",
           unlink("link_up/outside.txt") ? "denied" : "REMOVED");
    /* a link the guest makes itself: relative ones can be made (they are
     * only text) but not followed out; absolute ones cannot be made */
    printf("symlink ../outside.txt: %s\n",
           symlink("../outside.txt", "made_up") ? "refused" : "made");
    try_open("made_up");
    printf("symlink /etc/passwd: %s\n",
           symlink("/etc/passwd", "made_abs") ? "refused" : "MADE");
    try_open("made_abs");
    return 0;
}
