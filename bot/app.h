/* app.h - set-up shared by the subcommands: config, logging, knowledge. */
#ifndef FAQBOT_APP_H
#define FAQBOT_APP_H

#include "config.h"
#include "kb.h"

#include <stdio.h>

/* Load the config (path NULL: built-in) and set up logging.  Prints every
 * problem to stderr.  0, or -1. */
int app_config(const char *path, config *cfg);

/* Load the knowledge base from dir (NULL: the config's, then defaults),
 * printing diagnostics to stderr.  Returns the kb (caller frees with
 * kb_free) or NULL.  The directory used is written to used (may be NULL). */
kb *app_knowledge(const config *cfg, const char *dir, char *used, size_t len);

/* Print kb diagnostics, one per line, to f. */
void app_print_diag(FILE *f, const kb_diag *d);

/* Simple argv option parsing: returns 1 and sets *val when argv[*i] is
 * "--name VALUE" or "--name=VALUE" (advancing *i). */
int app_opt(int argc, char **argv, int *i, const char *name, const char **val);

#endif
