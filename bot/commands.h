/* commands.h - one cmd_*() per subcommand file (cmd-<name>.c), listed in
 * main.c's table.  Each gets argv after the subcommand name and returns
 * the exit status. */
#ifndef FAQBOT_COMMANDS_H
#define FAQBOT_COMMANDS_H

int cmd_run(int argc, char **argv);
int cmd_ask(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_kb(int argc, char **argv);
int cmd_plugins(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_check_config(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_reload(int argc, char **argv);

/* 1 when argv holds -h or --help. */
int cmd_wants_help(int argc, char **argv);

#endif
