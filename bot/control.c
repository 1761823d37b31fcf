/* control.c - the control socket, see control.h.
 * Protocol: the client writes one line "<command>\n"; the server writes
 * "ok <text>" or "error <text>" and closes. */
#include "control.h"

#include "log.h"
#include "paths.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define CONTROL_TIMEOUT_MS 2000
#define CONTROL_CMD_MAX 256

struct control {
    int fd;
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    control_fn fn;
    void *ctx;
    atomic_int stop;
    pthread_t thread;
};

static int fill_addr(struct sockaddr_un *a, const char *path)
{
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof a->sun_path)
        return -1;
    memcpy(a->sun_path, path, strlen(path) + 1);
    return 0;
}

/* Read one command line within the timeout; 0 or -1. */
static int read_cmd(int fd, char *cmd, size_t len)
{
    size_t n = 0;
    while (n + 1 < len) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, CONTROL_TIMEOUT_MS) <= 0)
            return -1;
        ssize_t r = read(fd, cmd + n, len - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
        if (memchr(cmd, '\n', n))
            break;
    }
    cmd[n] = '\0';
    cmd[strcspn(cmd, "\r\n")] = '\0';
    return n ? 0 : -1;
}

/* send() without SIGPIPE (a client may hang up first).  0, or -1. */
static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void serve_one(control *c, int fd)
{
    char cmd[CONTROL_CMD_MAX];
    sbuf reply;
    sbuf_init(&reply);
    if (read_cmd(fd, cmd, sizeof cmd) == 0) {
        int rc = c->fn(c->ctx, cmd, &reply);
        const char *head = rc == 0 ? "ok " : "error ";
        if (send_all(fd, head, strlen(head)) < 0 ||
            send_all(fd, sbuf_str(&reply), reply.len) < 0 || send_all(fd, "\n", 1) < 0)
            log_msg(LOG_WARN, "control", "reply not written: %s", strerror(errno));
    }
    sbuf_free(&reply);
    close(fd);
}

static void *control_thread(void *arg)
{
    control *c = arg;
    while (!atomic_load(&c->stop)) {
        struct pollfd p = {c->fd, POLLIN, 0};
        int r = poll(&p, 1, 200);
        if (r <= 0)
            continue;
        int fd = accept(c->fd, NULL, NULL);
        if (fd >= 0)
            serve_one(c, fd);
    }
    return NULL;
}

/* Remove a stale socket at path; refuse to touch any other file. */
static int clear_path(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISSOCK(st.st_mode)) {
        errno = EEXIST;
        return -1;
    }
    return unlink(path);
}

control *control_start(const char *path, control_fn fn, void *ctx)
{
    struct sockaddr_un a;
    control *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->fd = -1;
    c->fn = fn;
    c->ctx = ctx;
    if (fill_addr(&a, path) < 0) {
        log_msg(LOG_ERROR, "control", "socket path too long: %s", path);
        goto fail;
    }
    snprintf(c->path, sizeof c->path, "%s", path);
    mode_t old = umask(0077);
    int ok = paths_mkdirs_for(path, 0700) == 0 && clear_path(path) == 0 &&
             (c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) >= 0 &&
             bind(c->fd, (struct sockaddr *)&a, sizeof a) == 0 &&
             listen(c->fd, 8) == 0;
    umask(old);
    if (!ok || pthread_create(&c->thread, NULL, control_thread, c) != 0) {
        log_msg(LOG_ERROR, "control", "cannot serve %s: %s", path, strerror(errno));
        if (c->fd >= 0)
            unlink(path);
        goto fail;
    }
    log_msg(LOG_INFO, "control", "control socket at %s", path);
    return c;
fail:
    if (c->fd >= 0)
        close(c->fd);
    free(c);
    return NULL;
}

void control_stop(control *c)
{
    if (!c)
        return;
    atomic_store(&c->stop, 1);
    pthread_join(c->thread, NULL);
    close(c->fd);
    unlink(c->path);
    free(c);
}

static int read_reply(int fd, sbuf *reply)
{
    char buf[4096];
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 30000) <= 0)   /* a reload may take a while */
            return -1;
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0)
            return -1;
        if (r == 0)
            return 0;
        if (sbuf_addn(reply, buf, (size_t)r) < 0)
            return -1;
    }
}

int control_request(const char *path, const char *cmd, sbuf *reply,
                    char *err, size_t errlen)
{
    struct sockaddr_un a;
    sbuf raw;
    int rc = -1, fd = -1;
    sbuf_init(&raw);
    if (fill_addr(&a, path) < 0) {
        snprintf(err, errlen, "socket path too long: %s", path);
        goto done;
    }
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        connect(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
        send_all(fd, cmd, strlen(cmd)) < 0 || send_all(fd, "\n", 1) < 0 ||
        read_reply(fd, &raw) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto done;
    }
    const char *s = sbuf_str(&raw);
    size_t n = raw.len;
    while (n && (s[n - 1] == '\n'))
        n--;
    if (strncmp(s, "ok ", 3) == 0 && n >= 3) {
        rc = 0;
        sbuf_addn(reply, s + 3, n - 3);
    } else if (strncmp(s, "error ", 6) == 0 && n >= 6) {
        rc = 1;
        sbuf_addn(reply, s + 6, n - 6);
    } else {
        snprintf(err, errlen, "%s: unexpected reply", path);
    }
done:
    if (fd >= 0)
        close(fd);
    sbuf_free(&raw);
    return rc;
}
