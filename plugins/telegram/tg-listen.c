/*
 * tg-listen.c - minimal HTTP/1.1 request reading for the webhook.
 */
#include "tg-listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

void tg_request_clear(tg_request *r)
{
    free(r->body);
    memset(r, 0, sizeof *r);
    r->content_length = -1;
}

int tg_listen_open(const char *addr, long port, char *err, size_t errlen)
{
    struct sockaddr_in sa;
    int one = 1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
        snprintf(err, errlen, "webhook_listen %s is not an IPv4 address",
                 addr);
        goto fail;
    }
    if (fd < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        listen(fd, 16) != 0) {
        snprintf(err, errlen, "cannot listen on %s:%ld: %s", addr, port,
                 strerror(errno));
        goto fail;
    }
    return fd;
fail:
    if (fd >= 0)
        close(fd);
    return -1;
}

int tg_listen_port(int fd)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    if (getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
        return -1;
    return ntohs(sa.sin_port);
}

int tg_listen_accept(int lfd, int ms)
{
    struct pollfd p = {lfd, POLLIN, 0};
    int fd;
    if (poll(&p, 1, ms) != 1)
        return -1;
    fd = accept(lfd, NULL, NULL);
    if (fd >= 0)
        (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

/* Copy header value (trimmed) into out; 0, or -1 when it does not fit. */
static int copy_value(const char *v, const char *end, char *out,
                      size_t outlen)
{
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    if ((size_t)(end - v) >= outlen)
        return -1;
    memcpy(out, v, (size_t)(end - v));
    out[end - v] = '\0';
    return 0;
}

static int parse_header(const char *line, const char *end, tg_request *req)
{
    const char *colon = memchr(line, ':', (size_t)(end - line));
    char num[24];
    char *stop;
    size_t klen;
    if (!colon || colon == line)
        return 400;
    klen = (size_t)(colon - line);
    if (klen == 14 && strncasecmp(line, "Content-Length", 14) == 0) {
        if (copy_value(colon + 1, end, num, sizeof num) || !*num)
            return 400;
        errno = 0;
        req->content_length = strtol(num, &stop, 10);
        if (*stop || errno || req->content_length < 0)
            return 400;
    } else if (klen == 17 && strncasecmp(line, "Transfer-Encoding", 17) == 0) {
        return 501;
    } else if (klen == 31 &&
               strncasecmp(line, "X-Telegram-Bot-Api-Secret-Token", 31) ==
                   0) {
        if (copy_value(colon + 1, end, req->secret, sizeof req->secret))
            return 400;
    }
    return 0;
}

static int parse_request_line(const char *p, const char *eol,
                              tg_request *req)
{
    const char *sp1 = memchr(p, ' ', (size_t)(eol - p));
    const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1))
                          : NULL;
    if (!sp2 || (size_t)(sp1 - p) >= sizeof req->method ||
        (size_t)(sp2 - sp1 - 1) >= sizeof req->path ||
        strncmp(sp2 + 1, "HTTP/1.", 7) != 0)
        return 400;
    memcpy(req->method, p, (size_t)(sp1 - p));
    req->method[sp1 - p] = '\0';
    memcpy(req->path, sp1 + 1, (size_t)(sp2 - sp1 - 1));
    req->path[sp2 - sp1 - 1] = '\0';
    return 0;
}

int tg_listen_parse_head(const char *buf, size_t len, tg_request *req)
{
    const char *p = buf, *end = buf + len, *eol;
    int rc;
    req->content_length = -1;
    req->secret[0] = '\0';
    eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol || (rc = parse_request_line(p, eol > p && eol[-1] == '\r'
                                            ? eol - 1 : eol, req)) != 0)
        return 400;
    for (p = eol + 1; p < end; p = eol + 1) {
        const char *le;
        eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            return 400;
        le = eol > p && eol[-1] == '\r' ? eol - 1 : eol;
        if (le == p)
            break;                       /* blank line: end of head */
        if ((rc = parse_header(p, le, req)) != 0)
            return rc;
    }
    if (strcmp(req->method, "POST") == 0 && req->content_length < 0)
        return 411;
    return 0;
}

static long ms_left(const struct timespec *t0, unsigned ms)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)ms - ((now.tv_sec - t0->tv_sec) * 1000L +
                       (now.tv_nsec - t0->tv_nsec) / 1000000L);
}

/* Read some bytes into buf[*len..cap) before the deadline.  Returns >0,
 * 0 on EOF, -1 on error, -2 on timeout. */
static long read_some(int fd, char *buf, size_t cap, size_t *len,
                      const struct timespec *t0, unsigned ms)
{
    struct pollfd p = {fd, POLLIN, 0};
    long left = ms_left(t0, ms);
    ssize_t n;
    if (left <= 0 || poll(&p, 1, (int)left) != 1)
        return -2;
    n = recv(fd, buf + *len, cap - *len, 0);
    if (n > 0)
        *len += (size_t)n;
    return n < 0 ? -1 : (long)n;
}

int tg_listen_read(int fd, unsigned ms, size_t max_body, tg_request *req)
{
    char head[TG_LISTEN_MAX_HEAD + 1];
    size_t len = 0, hlen, have;
    struct timespec t0;
    char *mark = NULL;
    long n;
    int rc;
    tg_request_clear(req);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (!mark) {
        if (len == TG_LISTEN_MAX_HEAD)
            return 431;
        n = read_some(fd, head, TG_LISTEN_MAX_HEAD, &len, &t0, ms);
        if (n <= 0)
            return n == -2 ? 408 : -1;
        head[len] = '\0';
        mark = strstr(head, "\r\n\r\n");
    }
    hlen = (size_t)(mark - head) + 4;
    if ((rc = tg_listen_parse_head(head, hlen, req)) != 0)
        return rc;
    if (req->content_length > (long)max_body)
        return 413;
    req->body_len = req->content_length < 0 ? 0 : (size_t)req->content_length;
    req->body = malloc(req->body_len + 1);
    if (!req->body)
        return 500;
    have = len - hlen < req->body_len ? len - hlen : req->body_len;
    memcpy(req->body, head + hlen, have);
    while (have < req->body_len) {
        n = read_some(fd, req->body, req->body_len, &have, &t0, ms);
        if (n <= 0)
            return n == -2 ? 408 : -1;
    }
    req->body[req->body_len] = '\0';
    return 0;
}

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    default: return "Internal Server Error";
    }
}

void tg_listen_respond(int fd, int status)
{
    char buf[160];
    int n = snprintf(buf, sizeof buf, "HTTP/1.1 %d %s\r\nContent-Length: 0"
                     "\r\nConnection: close\r\n\r\n", status, reason(status));
    if (n > 0 && (size_t)n < sizeof buf)
        (void)!send(fd, buf, (size_t)n, MSG_NOSIGNAL);
    close(fd);
}
