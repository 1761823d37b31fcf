/* import.c - headings of an article, see import.h. */
#include "import.h"

#include "sbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT_MAX_WORDS 16
#define IMPORT_MAX_HEADING 150

typedef struct para {
    char *text;            /* trimmed, lines joined by ' ' */
    int heading;           /* 1 heading, 0 body, -1 furniture */
    int level;             /* Markdown level, 1 = title */
} para;

void import_doc_free(import_doc *d)
{
    free(d->title);
    for (size_t i = 0; i < d->n_sections; i++) {
        free(d->sections[i].heading);
        free(d->sections[i].text);
    }
    free(d->sections);
    memset(d, 0, sizeof *d);
}

/* Trim ASCII blanks and U+00A0 at both ends, in place. */
static char *trim(char *s)
{
    for (;;) {
        if (*s == ' ' || *s == '\t' || *s == '\r')
            s++;
        else if ((unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0)
            s += 2;
        else
            break;
    }
    size_t n = strlen(s);
    for (;;) {
        if (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
            n--;
        else if (n >= 2 && (unsigned char)s[n - 2] == 0xc2 &&
                 (unsigned char)s[n - 1] == 0xa0)
            n -= 2;
        else
            break;
    }
    s[n] = '\0';
    return s;
}

static size_t words(const char *s)
{
    size_t n = 0;
    for (int in = 0; *s; s++) {
        int w = !isspace((unsigned char)*s);
        n += w && !in;
        in = w;
    }
    return n;
}

/* Plain text: 1 heading, 0 body, -1 furniture (short lower-case lines). */
static int classify_plain(const char *p, int one_line)
{
    size_t n = strlen(p), w = words(p);
    unsigned char c0 = (unsigned char)p[0];
    char last = p[n - 1];
    int sentence_end = strchr(".,;:!", last) != NULL;
    if (one_line && n <= IMPORT_MAX_HEADING && w <= IMPORT_MAX_WORDS &&
        !sentence_end && (isupper(c0) || isdigit(c0)))
        return 1;
    if (!sentence_end && w < 6 && !isupper(c0))
        return -1;
    return 0;
}

typedef struct paras {
    para *v;
    size_t n, cap;
} paras;

static int paras_push(paras *ps, const char *text, int heading, int level)
{
    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? ps->cap * 2 : 64;
        para *v = realloc(ps->v, cap * sizeof *v);
        if (!v)
            return -1;
        ps->v = v;
        ps->cap = cap;
    }
    if (!(ps->v[ps->n].text = strdup(text)))
        return -1;
    ps->v[ps->n].heading = heading;
    ps->v[ps->n++].level = level;
    return 0;
}

static int md_atx(const char *l, int *level, const char **rest)
{
    int n = 0;
    while (l[n] == '#')
        n++;
    if (n < 1 || n > 6 || (l[n] != ' ' && l[n] != '\0'))
        return 0;
    *level = n;
    *rest = l + n;
    return 1;
}

static int md_underline(const char *l)
{
    if (!*l || (*l != '=' && *l != '-'))
        return 0;
    for (const char *p = l; *p; p++)
        if (*p != l[0])
            return 0;
    return l[0] == '=' ? 1 : 2;
}

/* Close the paragraph being gathered in cur. */
static int flush(paras *ps, sbuf *cur, int lines, int markdown)
{
    if (cur->len == 0)
        return 0;
    int kind = markdown ? 0 : classify_plain(sbuf_str(cur), lines == 1);
    int rc = paras_push(ps, sbuf_str(cur), kind, 2);
    sbuf_reset(cur);
    return rc;
}

/* Strip trailing '#'s and blanks of an ATX heading, in place. */
static char *md_heading_text(char *s)
{
    s = trim(s);
    size_t n = strlen(s);
    while (n && s[n - 1] == '#')
        n--;
    s[n] = '\0';
    return trim(s);
}

/* Split into paragraphs (blank-line separated; Markdown headings are
 * paragraphs of their own). */
static int split(char *text, int markdown, paras *ps)
{
    sbuf cur;
    int lines = 0, rc = 0, level;
    const char *rest;
    int fence = 0;   /* inside a Markdown ``` block: never a heading */
    sbuf_init(&cur);
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l && rc == 0;
         l = strtok_r(NULL, "\n", &save)) {
        l = trim(l);
        if (markdown && (strncmp(l, "```", 3) == 0 || strncmp(l, "~~~", 3) == 0))
            fence = !fence;
        if (markdown && !fence && md_atx(l, &level, &rest)) {
            rc = flush(ps, &cur, lines, markdown);
            lines = 0;
            if (rc == 0)
                rc = paras_push(ps, md_heading_text((char *)rest), 1, level);
            continue;
        }
        if (markdown && !fence && lines == 1 && (level = md_underline(l)) != 0) {
            rc = paras_push(ps, sbuf_str(&cur), 1, level);
            sbuf_reset(&cur);
            lines = 0;
            continue;
        }
        if (*l == '\0') {
            if (!fence)
                rc = flush(ps, &cur, lines, markdown);
            lines = fence ? lines : 0;
            continue;
        }
        sbuf_addf(&cur, "%s%s", cur.len ? " " : "", l);
        lines++;
    }
    if (rc == 0)
        rc = flush(ps, &cur, lines, markdown);
    sbuf_free(&cur);
    return rc < 0 || cur.oom ? -1 : 0;
}

/* strtok_r() collapses empty lines, which end paragraphs: keep them by
 * turning "\n\n" into "\n \n" (a blank line trims to empty). */
static int split_lines(const char *text, size_t len, int markdown, paras *ps)
{
    char *copy = malloc(len * 2 + 2);
    size_t w = 0;
    if (!copy)
        return -1;
    for (size_t i = 0; i < len; i++) {   /* "\n\n" -> "\n \n": keep blanks */
        copy[w++] = text[i] == '\0' ? ' ' : text[i];
        if (text[i] == '\n' && i + 1 < len && text[i + 1] == '\n')
            copy[w++] = ' ';
    }
    copy[w] = '\0';
    int rc = split(copy, markdown, ps);
    free(copy);
    return rc;
}

static int add_section(import_doc *d, const char *heading, const char *text)
{
    import_section *v = realloc(d->sections, (d->n_sections + 1) * sizeof *v);
    if (!v)
        return -1;
    d->sections = v;
    v[d->n_sections].heading = strdup(heading);
    v[d->n_sections].text = strdup(text);
    if (!v[d->n_sections].heading || !v[d->n_sections].text) {
        free(v[d->n_sections].heading);
        free(v[d->n_sections].text);
        return -1;
    }
    d->n_sections++;
    return 0;
}

/* Build the doc from the paragraphs. */
static int assemble(paras *ps, int markdown, import_doc *d)
{
    size_t last_body = 0, i = 0;
    int have_body = 0;
    for (size_t j = 0; j < ps->n; j++)
        if (ps->v[j].heading == 0) {
            last_body = j;
            have_body = 1;
        }
    for (; i < ps->n && ps->v[i].heading != 1; i++)   /* before the title */
        ;
    if (i < ps->n && (!markdown || ps->v[i].level == 1))
        if (!(d->title = strdup(ps->v[i++].text)))
            return -1;
    const char *heading = "Introduction";
    sbuf body;
    sbuf_init(&body);
    int rc = 0;
    for (; i < ps->n && have_body && i <= last_body && rc == 0; i++) {
        if (ps->v[i].heading < 0)
            continue;
        if (ps->v[i].heading == 0) {
            sbuf_addf(&body, "%s%s", body.len ? "\n\n" : "", ps->v[i].text);
            continue;
        }
        if (body.len || strcmp(heading, "Introduction") != 0)
            rc = add_section(d, heading, sbuf_str(&body));
        heading = ps->v[i].text;
        sbuf_reset(&body);
    }
    if (rc == 0 && have_body)
        rc = add_section(d, heading, sbuf_str(&body));
    sbuf_free(&body);
    return rc < 0 || body.oom ? -1 : 0;
}

static int guess_markdown(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (text[i] == '#' && (i == 0 || text[i - 1] == '\n') &&
            i + 1 < len && (text[i + 1] == ' ' || text[i + 1] == '#'))
            return 1;
    return 0;
}

int import_parse(const char *text, size_t len, int markdown, import_doc *d)
{
    paras ps = {NULL, 0, 0};
    memset(d, 0, sizeof *d);
    if (markdown < 0)
        markdown = guess_markdown(text, len);
    int rc = split_lines(text, len, markdown, &ps);
    if (rc == 0)
        rc = assemble(&ps, markdown, d);
    for (size_t i = 0; i < ps.n; i++)
        free(ps.v[i].text);
    free(ps.v);
    if (rc < 0)
        import_doc_free(d);
    return rc;
}

char *import_slug(const char *s, char *out, size_t max)
{
    size_t n = 0, cut = 0;
    for (; *s && n < max; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) && c < 0x80)
            out[n++] = (char)tolower(c);
        else if (c == '\'')                /* "baby's" -> "babys" */
            continue;
        else if (c == 0xe2 && (unsigned char)s[1] == 0x80 &&
                 (unsigned char)s[2] == 0x99)   /* U+2019, the same */
            s += 2;
        else if (n && out[n - 1] != '-') {
            cut = n;
            out[n++] = '-';
        }
    }
    if (*s && cut)               /* cut short: end at a word boundary */
        n = cut;
    while (n && out[n - 1] == '-')
        n--;
    out[n] = '\0';
    if (n == 0)
        snprintf(out, max + 1, "section");
    return out;
}
