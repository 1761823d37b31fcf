/* main.c - the faqbot binary: dispatch to a subcommand. */
#include "commands.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} commands[] = {
    {"run", cmd_run, "run the bot with the configured plugins"},
    {"ask", cmd_ask, "answer one question (or --batch: one per line)"},
    {"eval", cmd_eval, "measure answer quality on a TSV of questions"},
    {"kb", cmd_kb, "knowledge base tools: lint, new, import, gaps"},
    {"check-config", cmd_check_config, "validate a config: keys, knowledge, plugins, secrets"},
    {"stats", cmd_stats, "counts per status and entry (running bot or log)"},
    {"reload", cmd_reload, "make the running bot reload config and knowledge"},
    {"plugins", cmd_plugins, "list the plugins found and their ABI"},
    {"version", cmd_version, "print the version"},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: faqbot <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "\n'faqbot <command> --help' describes each command.\n");
}

int cmd_wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0)
        return cmd_version(0, NULL);
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 2, argv + 2);
    fprintf(stderr, "faqbot: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
