/* cmd-kb.h - the `faqbot kb` subcommands, one file each. */
#ifndef FAQBOT_CMD_KB_H
#define FAQBOT_CMD_KB_H

int cmd_kb_new(int argc, char **argv);      /* cmd-kb-new.c */
int cmd_kb_import(int argc, char **argv);   /* cmd-kb-import.c */
int cmd_kb_gaps(int argc, char **argv);     /* cmd-kb-gaps.c */
int cmd_kb_terms(int argc, char **argv);    /* cmd-kb-terms.c */

#endif
