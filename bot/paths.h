/* paths.h - where the binary, its plugins and the knowledge live. */
#ifndef FAQBOT_PATHS_H
#define FAQBOT_PATHS_H

#include <stddef.h>

/* Directory of the running binary (from /proc/self/exe), or "." */
const char *paths_exe_dir(void);

/* The plugin directory: $FAQBOT_PLUGIN_DIR, else configured (may be
 * NULL), else <exe>/plugins, else <exe>/../<libdir>/faqbot (the install
 * layout, wherever the tree sits), <exe>/../lib/faqbot, else the install
 * dir.  Writes into out; returns out. */
char *paths_plugin_dir(const char *configured, char *out, size_t len);

/* The knowledge directory: configured, else $FAQBOT_KNOWLEDGE_DIR, else
 * <exe>/../share/faqbot/knowledge, <exe>/../knowledge, the install dir,
 * ./knowledge. */
char *paths_knowledge_dir(const char *configured, char *out, size_t len);

int paths_is_dir(const char *path);

/* mkdir -p of the directory part of file (mode for new directories).
 * 0, or -1 with errno set. */
int paths_mkdirs_for(const char *file, int mode);
/* mkdir -p dir with mode for each new level; 0, or -1 with errno. */
int paths_mkdirs(const char *dir, int mode);

/* 1 when dir exists and is writable, or does not exist and its nearest
 * existing ancestor is a writable directory (so it can be created). */
int paths_creatable_dir(const char *dir);

#endif
