/* scaffold.h - knowledge files written for a maintainer to complete:
 * `faqbot kb new` (an entry with every field) and `faqbot kb import` (a
 * source description and one draft entry per section). */
#ifndef FAQBOT_SCAFFOLD_H
#define FAQBOT_SCAFFOLD_H

#include "import.h"

#include <jansson.h>
#include <stddef.h>

/* An entry with every field: id, title, empty questions and keywords,
 * empty answer, one citation (source, section; either may be ""), empty
 * related, and - when source_text is not NULL - "source_text", the
 * section's words for reference (the loader refuses that key, so a draft
 * cannot go live before the maintainer has rewritten it).  New reference;
 * NULL on OOM. */
json_t *scaffold_entry(const char *id, const char *title, const char *source,
                       const char *section, const char *source_text);

/* The source description of doc: id, title, url null, language, sections. */
json_t *scaffold_source(const char *id, const import_doc *doc,
                        const char *language);

/* Write j (2-space indent, key order kept) to path atomically, mode 0644.
 * Refuses an existing file unless force.  0, or -1 with a reason in err. */
int scaffold_write(const char *path, json_t *j, int force, char *err,
                   size_t errlen);

#endif
