/* cmd-kb-import.c - `faqbot kb import FILE`: read an article, write its
 * source description (title + section headings) and one draft entry per
 * section, citing it, for a maintainer to complete. */
#include "app.h"
#include "cmd-kb.h"
#include "commands.h"
#include "import.h"
#include "paths.h"
#include "scaffold.h"
#include "utf8.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define IMPORT_MAX_BYTES (16u << 20)

static int import_usage(void)
{
    printf("usage: faqbot kb import FILE [--id ID] [--out DIR] [--language NAME]\n"
           "                           [--markdown | --text] [--force]\n\n"
           "Reads an article (plain text or Markdown, guessed from '#' headings)\n"
           "and writes into DIR (default: the knowledge directory):\n"
           "  sources/ID.json         title and section headings, exactly as\n"
           "                          written (text before the first heading is\n"
           "                          the section \"Introduction\")\n"
           "  drafts/ID/NN-slug.json  one skeleton entry per section, citing it,\n"
           "                          with the section's text as source_text\n"
           "ID defaults to the file name.  When sources/ID.json exists (and no\n"
           "--force), nothing is written: its headings are compared with the\n"
           "article's (exit 0 when they match, 1 with the differences).\n"
           "Drafts are not loaded: complete one\n"
           "(questions, an answer in your own words), delete source_text, move\n"
           "it to entries/ and run `faqbot kb lint`.\n");
    return 0;
}

/* The file's text, sanitized to UTF-8 (caller frees with free()). */
static char *read_article(const char *file, size_t *len)
{
    FILE *f = fopen(file, "rb");
    sbuf raw, clean;
    char buf[65536];
    size_t n;
    if (!f) {
        fprintf(stderr, "faqbot kb import: %s: %s\n", file, strerror(errno));
        return NULL;
    }
    sbuf_init(&raw);
    sbuf_init(&clean);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0 && raw.len <= IMPORT_MAX_BYTES)
        sbuf_addn(&raw, buf, n);
    int bad = ferror(f) || raw.len > IMPORT_MAX_BYTES || raw.oom;
    fclose(f);
    if (bad || utf8_sanitize(raw.s ? raw.s : "", raw.len, &clean) < 0) {
        fprintf(stderr, "faqbot kb import: %s: unreadable or over %u bytes\n",
                file, IMPORT_MAX_BYTES);
        sbuf_free(&raw);
        sbuf_free(&clean);
        return NULL;
    }
    sbuf_free(&raw);
    *len = clean.len;
    char *s = sbuf_take(&clean);
    return s ? s : strdup("");
}

static void default_id(const char *file, char *out, size_t len)
{
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", file);
    char *base = basename(copy), *dot = strrchr(base, '.');
    if (dot && dot != base)
        *dot = '\0';
    import_slug(base, out, len - 1);
}

typedef struct imp {
    const char *file, *id, *out, *lang;
    int markdown, force;
} imp;

static int in_doc(const import_doc *doc, const char *heading)
{
    for (size_t i = 0; i < doc->n_sections; i++)
        if (strcmp(doc->sections[i].heading, heading) == 0)
            return 1;
    return 0;
}

/* The source already exists (and no --force): compare its sections with
 * the article's, so a maintainer sees whether the article drifted.
 * Returns 0 when they are identical, 1 when not (or unreadable). */
static int compare_existing(const char *path, const import_doc *doc)
{
    json_t *old = json_load_file(path, 0, NULL), *secs, *v;
    size_t i, j, diff = 0;
    secs = json_object_get(old, "sections");
    if (!json_is_array(secs)) {
        fprintf(stderr, "faqbot kb import: %s exists and is not a source; "
                "use --force to overwrite\n", path);
        json_decref(old);
        return 1;
    }
    json_array_foreach(secs, i, v) {
        const char *h = json_string_value(v);
        if (h && !in_doc(doc, h)) {
            printf("  only in %s: \"%s\"\n", path, h);
            diff++;
        }
    }
    for (i = 0; i < doc->n_sections; i++) {
        int found = 0;
        json_array_foreach(secs, j, v)
            found |= json_is_string(v) &&
                     strcmp(json_string_value(v), doc->sections[i].heading) == 0;
        if (!found) {
            printf("  only in the article: \"%s\"\n", doc->sections[i].heading);
            diff++;
        }
    }
    if (!diff && json_array_size(secs) != doc->n_sections)
        diff = 1;   /* same headings, repeated */
    printf("%s exists: %s the article's %zu section headings%s\n", path,
           diff ? "differs from" : "matches", doc->n_sections,
           diff ? " (use --force to overwrite)" : "; nothing written");
    json_decref(old);
    return diff ? 1 : 0;
}

static int write_all(const imp *o, const import_doc *doc)
{
    char path[PATH_MAX], err[PATH_MAX + 64], slug[48];
    int rc = 0;
    json_t *src = scaffold_source(o->id, doc, o->lang);
    snprintf(path, sizeof path, "%s/sources", o->out);
    if (!src || paths_mkdirs(path, 0755) < 0)
        rc = -1;
    snprintf(path, sizeof path, "%s/sources/%s.json", o->out, o->id);
    if (rc == 0 && !o->force && access(path, F_OK) == 0) {
        json_decref(src);
        return compare_existing(path, doc) ? -1 : 1;
    }
    if (rc == 0 && (rc = scaffold_write(path, src, o->force, err, sizeof err)) < 0)
        fprintf(stderr, "faqbot kb import: %s\n", err);
    json_decref(src);
    if (rc < 0)
        return -1;
    printf("source: %s (%zu sections)\n", path, doc->n_sections);
    snprintf(path, sizeof path, "%s/drafts/%s", o->out, o->id);
    if (paths_mkdirs(path, 0755) < 0) {
        fprintf(stderr, "faqbot kb import: cannot create %s\n", path);
        return -1;
    }
    for (size_t i = 0; i < doc->n_sections && rc == 0; i++) {
        const import_section *s = &doc->sections[i];
        import_slug(s->heading, slug, 40);
        json_t *e = scaffold_entry(slug, s->heading, o->id, s->heading, s->text);
        snprintf(path, sizeof path, "%s/drafts/%s/%02zu-%s.json", o->out, o->id,
                 i + 1, slug);
        if (!e || scaffold_write(path, e, o->force, err, sizeof err) < 0) {
            fprintf(stderr, "faqbot kb import: %s\n", e ? err : "out of memory");
            rc = -1;
        } else
            printf("draft:  %s  \"%s\"\n", path, s->heading);
        json_decref(e);
    }
    return rc;
}

static int parse_args(int argc, char **argv, imp *o, char *id, size_t idlen)
{
    const char *v;
    for (int i = 0; i < argc; i++) {
        if (app_opt(argc, argv, &i, "--id", &v))
            o->id = v;
        else if (app_opt(argc, argv, &i, "--out", &v))
            o->out = v;
        else if (app_opt(argc, argv, &i, "--language", &v))
            o->lang = v;
        else if (strcmp(argv[i], "--markdown") == 0)
            o->markdown = 1;
        else if (strcmp(argv[i], "--text") == 0)
            o->markdown = 0;
        else if (strcmp(argv[i], "--force") == 0)
            o->force = 1;
        else if (argv[i][0] == '-' || o->file)
            return -1;
        else
            o->file = argv[i];
    }
    if (!o->file)
        return -1;
    if (!o->id) {
        default_id(o->file, id, idlen);
        o->id = id;
    }
    return 0;
}

int cmd_kb_import(int argc, char **argv)
{
    char id[72], buf[PATH_MAX];
    imp o = {NULL, NULL, NULL, "english", -1, 0};
    size_t len;
    import_doc doc;
    if (cmd_wants_help(argc, argv))
        return import_usage();
    if (parse_args(argc, argv, &o, id, sizeof id) < 0) {
        fprintf(stderr, "usage: faqbot kb import FILE [--id ID] [--out DIR] ...\n");
        return 2;
    }
    if (!o.out)
        o.out = paths_knowledge_dir(NULL, buf, sizeof buf);
    char *text = read_article(o.file, &len);
    if (!text)
        return 1;
    int rc = import_parse(text, len, o.markdown, &doc);
    free(text);
    if (rc < 0) {
        fprintf(stderr, "faqbot kb import: out of memory\n");
        return 1;
    }
    if (doc.n_sections == 0)
        fprintf(stderr, "faqbot kb import: %s: no sections found\n", o.file);
    else {
        printf("title:  %s\n", doc.title ? doc.title : "(none found; using the id)");
        rc = write_all(&o, &doc);   /* 1: existing source compared */
    }
    rc = doc.n_sections == 0 || rc < 0 ? 1 : 0;
    import_doc_free(&doc);
    return rc;
}
