/*
 * tg-salvage.c - clean U+0000 out of parsed updates; find the id of an
 * update whose JSON cannot be parsed.
 */
#include "tg-salvage.h"

#include <stdlib.h>
#include <string.h>

#define NUL_ESCAPE "\\u0000"

int tg_salvage_has_nul(const char *body, size_t len)
{
    const size_t n = sizeof NUL_ESCAPE - 1;
    const char *p = body, *end = body + len;
    while (p && (size_t)(end - p) >= n &&
           (p = memchr(p, '\\', (size_t)(end - p) - n + 1)) != NULL) {
        if (memcmp(p, NUL_ESCAPE, n) == 0)
            return 1;
        p++;
    }
    return 0;
}

/* One string value: NUL -> ' '.  Returns 1 changed, 0 not, -1 OOM. */
static int denul_string(json_t *s)
{
    size_t i, n = json_string_length(s);
    const char *v = json_string_value(s);
    char *copy;
    int rc;
    if (!memchr(v, '\0', n))
        return 0;
    copy = malloc(n ? n : 1);
    if (!copy)
        return -1;
    memcpy(copy, v, n);
    for (i = 0; i < n; i++)
        if (copy[i] == '\0')
            copy[i] = ' ';
    rc = json_string_setn(s, copy, n) == 0 ? 1 : -1;
    free(copy);
    return rc;
}

long tg_salvage_denul(json_t *j)
{
    const char *key;
    json_t *v;
    size_t i;
    long total = 0, n;
    if (json_is_string(j))
        return denul_string(j);
    if (json_is_object(j)) {
        json_object_foreach(j, key, v) {
            if ((n = tg_salvage_denul(v)) < 0)
                return -1;
            total += n;
        }
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v) {
            if ((n = tg_salvage_denul(v)) < 0)
                return -1;
            total += n;
        }
    }
    return total;
}

/* Skip JSON whitespace from i; returns the new index. */
static size_t skip_ws(const char *s, size_t len, size_t i)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
                       s[i] == '\r'))
        i++;
    return i;
}

int64_t tg_salvage_update_id(const char *body, size_t len)
{
    static const char key[] = "\"update_id\"";
    const size_t klen = sizeof key - 1;
    size_t i = 0;
    int in_string = 0;
    if (!body)
        return -1;
    for (i = 0; i < len; i++) {
        if (in_string) {
            if (body[i] == '\\')
                i++;
            else if (body[i] == '"')
                in_string = 0;
            continue;
        }
        if (body[i] != '"')
            continue;
        if (len - i >= klen && memcmp(body + i, key, klen) == 0) {
            size_t j = skip_ws(body, len, i + klen);
            int64_t id = 0;
            int digits = 0;
            if (j >= len || body[j] != ':')
                return -1;
            for (j = skip_ws(body, len, j + 1);
                 j < len && body[j] >= '0' && body[j] <= '9'; j++) {
                if (++digits > 18)
                    return -1;          /* beyond any real update id */
                id = id * 10 + (body[j] - '0');
            }
            return digits ? id : -1;
        }
        in_string = 1;
    }
    return -1;
}
