/* paths.c - locate plugins and knowledge relative to the binary. */
#include "paths.h"

#include "build-info.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *paths_exe_dir(void)
{
    static char dir[PATH_MAX];
    if (dir[0])
        return dir;
    ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
    if (n <= 0) {
        strcpy(dir, ".");
        return dir;
    }
    dir[n] = '\0';
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir)
        *slash = '\0';
    return dir;
}

int paths_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int try_dir(char *out, size_t len, const char *a, const char *b)
{
    int n = snprintf(out, len, "%s%s", a, b);
    return n > 0 && (size_t)n < len && paths_is_dir(out);
}

char *paths_plugin_dir(const char *configured, char *out, size_t len)
{
    const char *env = getenv("FAQBOT_PLUGIN_DIR");
    const char *exe = paths_exe_dir();
    if (env && *env)
        snprintf(out, len, "%s", env);
    else if (configured)
        snprintf(out, len, "%s", configured);
    else if (!try_dir(out, len, exe, "/plugins") &&
             !try_dir(out, len, exe, "/../" FAQBOT_REL_PLUGINDIR) &&
             !try_dir(out, len, exe, "/../lib/faqbot"))
        snprintf(out, len, "%s", FAQBOT_INSTALL_PLUGINDIR);
    return out;
}

char *paths_knowledge_dir(const char *configured, char *out, size_t len)
{
    const char *env = getenv("FAQBOT_KNOWLEDGE_DIR");
    const char *exe = paths_exe_dir();
    if (configured)
        snprintf(out, len, "%s", configured);
    else if (env && *env)
        snprintf(out, len, "%s", env);
    else if (!try_dir(out, len, exe, "/../" FAQBOT_REL_DATADIR "/knowledge") &&
             !try_dir(out, len, exe, "/../share/faqbot/knowledge") &&
             !try_dir(out, len, exe, "/../knowledge") &&
             !try_dir(out, len, FAQBOT_INSTALL_DATADIR, "/knowledge"))
        snprintf(out, len, "knowledge");
    return out;
}

int paths_mkdirs(const char *dir, int mode)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s", dir) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, (mode_t)mode) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(tmp, (mode_t)mode) < 0 && errno != EEXIST ? -1 : 0;
}

int paths_mkdirs_for(const char *file, int mode)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s", file) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    char *slash = strrchr(tmp, '/');
    if (!slash || slash == tmp)
        return 0;
    *slash = '\0';
    return paths_mkdirs(tmp, mode);
}

int paths_creatable_dir(const char *dir)
{
    char tmp[PATH_MAX];
    struct stat st;
    if (snprintf(tmp, sizeof tmp, "%s", dir) >= (int)sizeof tmp)
        return 0;
    for (int i = 0; i < 64; i++) {
        if (stat(tmp, &st) == 0)
            return S_ISDIR(st.st_mode) && access(tmp, W_OK | X_OK) == 0;
        if (errno != ENOENT)
            return 0;
        if (strcmp(tmp, ".") == 0 || strcmp(tmp, "/") == 0)
            return 0;
        char *parent = dirname(tmp);   /* may point into tmp or be static */
        memmove(tmp, parent, strlen(parent) + 1);
    }
    return 0;
}
