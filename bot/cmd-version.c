/* cmd-version.c - `faqbot version`. */
#include "build-info.h"
#include "commands.h"
#include "faqbot/plugin.h"

#include <stdio.h>

int cmd_version(int argc, char **argv)
{
    if (cmd_wants_help(argc, argv)) {
        printf("usage: faqbot version\n\nPrints the faqbot version and the plugin ABI it speaks.\n");
        return 0;
    }
    printf("faqbot %s (plugin ABI %d)\n", FAQBOT_VERSION, FAQBOT_PLUGIN_ABI);
    return 0;
}
