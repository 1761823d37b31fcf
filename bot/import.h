/* import.h - read an article (plain text or Markdown) and find its title
 * and section headings, for `faqbot kb import`. */
#ifndef FAQBOT_IMPORT_H
#define FAQBOT_IMPORT_H

#include <stddef.h>

typedef struct import_section {
    char *heading;
    char *text;            /* the section's body, paragraphs joined by "\n\n" */
} import_section;

typedef struct import_doc {
    char *title;           /* NULL when none was found */
    import_section *sections;
    size_t n_sections;
} import_doc;

/* Parse text (len bytes).  markdown: 1 for Markdown ("#" headings,
 * setext underlines), 0 for plain text, -1 to guess.  Plain text: a
 * heading is a one-line paragraph that starts with a capital letter or a
 * digit, has at most 16 words and 150 bytes, and does not end like a
 * sentence (. , ; : !); the first one is the title.  Body text before the
 * first heading becomes a section named "Introduction"; trailing headings
 * with no body after them (page furniture like "Comments") are dropped.
 * Returns 0, or -1 on OOM.  Caller frees with import_doc_free(). */
int import_parse(const char *text, size_t len, int markdown, import_doc *doc);
void import_doc_free(import_doc *doc);

/* "Improves sleep and digestion" -> "improves-sleep-and-digestion", cut
 * at a word boundary to at most max bytes (a-z, 0-9, '-').  Writes into
 * out (len >= max + 1); returns out ("section" when nothing is left). */
char *import_slug(const char *s, char *out, size_t max);

#endif
