/* plugin-load.h - find, dlopen and check one plugin shared object. */
#ifndef FAQBOT_PLUGIN_LOAD_H
#define FAQBOT_PLUGIN_LOAD_H

#include "faqbot/plugin.h"

#include <stddef.h>

typedef struct plugin_so {
    void *dl;                          /* dlopen handle */
    const faqbot_plugin_desc *desc;    /* inside dl */
    char path[4096];
} plugin_so;

/* Load <dir>/<name>.so and check its descriptor: the name has no '/' or
 * "..", the symbol FAQBOT_PLUGIN_SYMBOL exists, the ABI version is ours,
 * the struct is big enough, the functions are set.  Returns 0, or -1 with
 * a one-line reason in err (the handle is closed again).  Caller unloads
 * with plugin_so_close(). */
int plugin_so_open(const char *dir, const char *name, plugin_so *so,
                   char *err, size_t errlen);
/* Same, for an explicit path (used by `faqbot plugins`). */
int plugin_so_open_path(const char *path, plugin_so *so, char *err,
                        size_t errlen);
void plugin_so_close(plugin_so *so);

#endif
