/* plugin-load.c - dlopen + descriptor checks, see plugin-load.h. */
#include "plugin-load.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The smallest descriptor we can use: up to and including destroy. */
#define DESC_MIN_SIZE (offsetof(faqbot_plugin_desc, destroy) + sizeof(void *))

static int desc_check(const faqbot_plugin_desc *d, const char *path,
                      char *err, size_t errlen)
{
    if (d->abi_version != FAQBOT_PLUGIN_ABI) {
        snprintf(err, errlen, "%s: built for plugin ABI %u, this faqbot speaks ABI %u",
                 path, (unsigned)d->abi_version, (unsigned)FAQBOT_PLUGIN_ABI);
        return -1;
    }
    if (d->struct_size < DESC_MIN_SIZE) {
        snprintf(err, errlen, "%s: descriptor too small (%u bytes)", path,
                 (unsigned)d->struct_size);
        return -1;
    }
    if (!d->name || !d->create || !d->run || !d->send || !d->stop ||
        !d->destroy) {
        snprintf(err, errlen, "%s: descriptor lacks a name or a function", path);
        return -1;
    }
    return 0;
}

int plugin_so_open_path(const char *path, plugin_so *so, char *err,
                        size_t errlen)
{
    memset(so, 0, sizeof *so);
    snprintf(so->path, sizeof so->path, "%s", path);
    if (access(path, R_OK) < 0) {
        snprintf(err, errlen, "%s: no such plugin file", path);
        return -1;
    }
    so->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!so->dl) {
        snprintf(err, errlen, "%s: cannot load: %s", path, dlerror());
        return -1;
    }
    so->desc = dlsym(so->dl, FAQBOT_PLUGIN_SYMBOL);
    if (!so->desc) {
        snprintf(err, errlen, "%s: does not export the symbol '%s'", path,
                 FAQBOT_PLUGIN_SYMBOL);
        goto fail;
    }
    if (desc_check(so->desc, path, err, errlen) < 0)
        goto fail;
    return 0;
fail:
    dlclose(so->dl);
    memset(so, 0, sizeof *so);
    return -1;
}

int plugin_so_open(const char *dir, const char *name, plugin_so *so,
                   char *err, size_t errlen)
{
    char path[4096];
    if (!*name || strchr(name, '/') || strstr(name, "..")) {
        snprintf(err, errlen, "plugin name '%s' refused: no '/' or '..' allowed", name);
        return -1;
    }
    if (snprintf(path, sizeof path, "%s/%s.so", dir, name) >= (int)sizeof path) {
        snprintf(err, errlen, "plugin path too long");
        return -1;
    }
    return plugin_so_open_path(path, so, err, errlen);
}

void plugin_so_close(plugin_so *so)
{
    if (so->dl)
        dlclose(so->dl);
    memset(so, 0, sizeof *so);
}
