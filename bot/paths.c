/* paths.c - locate plugins and knowledge relative to the binary. */
#include "paths.h"

#include "build-info.h"

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
