/*
 * kb-params.c - every matching constant in one place.  The defaults were
 * chosen from score distributions of in-scope and out-of-scope questions
 * (see the report in tests/kb/README.md); an optional
 * knowledge/matching.json may override any of them by name.
 */
#include "kb-impl.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

void kb_params_default(kb_params *p)
{
    memset(p, 0, sizeof *p);
    p->k1 = 1.2;
    p->w[KB_F_Q] = 3.0;      p->b[KB_F_Q] = 0.5;
    p->w[KB_F_KW] = 2.0;     p->b[KB_F_KW] = 0.5;
    p->w[KB_F_TITLE] = 1.5;  p->b[KB_F_TITLE] = 0.3;
    p->w[KB_F_ANSWER] = 0.5; p->b[KB_F_ANSWER] = 0.75;
    p->unknown_weight = 0.6;
    p->mix_alt = 0.55;
    p->mix_bm25 = 0.30;
    p->mix_bigram = 0.15;
    p->conf_answer = 0.50;
    p->conf_ambiguous = 0.30;
    p->close_ratio = 0.90;
    p->suggest_ratio = 0.75;
    p->sigmoid_mid = 0.40;
    p->sigmoid_slope = 12.0;
    p->candidates = 64;
}

typedef struct param_name {
    const char *name;
    size_t off;
} param_name;

#define P(f) {#f, offsetof(kb_params, f)}
static const param_name param_names[] = {
    P(k1), P(unknown_weight), P(mix_alt), P(mix_bm25), P(mix_bigram),
    P(conf_answer), P(conf_ambiguous), P(close_ratio), P(suggest_ratio),
    P(sigmoid_mid), P(sigmoid_slope), {NULL, 0}
};
#undef P

/* Optional dir/matching.json: {"conf_answer": 0.5, ...}. */
int kb_params_load(kb *k, const char *dir, kb_diag *d)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/matching.json", dir);
    if (n < 0 || (size_t)n >= sizeof path || access(path, F_OK) != 0)
        return 0;
    json_t *root = kb_load_json(path, d);
    if (!root)
        return 0;
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
        size_t i = 0;
        while (param_names[i].name && strcmp(param_names[i].name, key) != 0)
            i++;
        if (!param_names[i].name || !json_is_number(v))
            kb_diag_add(d, KB_ERROR, path, 0, NULL, "\"%s\": not a numeric "
                        "matching parameter", key);
        else
            *(double *)((char *)&k->params + param_names[i].off) =
                json_number_value(v);
    }
    json_decref(root);
    return 0;
}
