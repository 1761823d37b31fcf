/* host.h - the plugin host: loads each enabled connector, gives it the
 * host table (faqbot/plugin.h), runs it on its own thread, routes what it
 * delivers, and stops everything on a signal within a deadline. */
#ifndef FAQBOT_HOST_H
#define FAQBOT_HOST_H

#include "config.h"
#include "kb.h"

typedef struct host host;

/* Takes ownership of k, the default knowledge base (freed by host_free,
 * or now on failure); the config's knowledge_bases are loaded here, and
 * its control socket opened.  knowledge_dir is re-read on SIGHUP.  Caller
 * frees with host_free(). */
host *host_new(const config *cfg, kb *k, const char *knowledge_dir);
void host_free(host *h);

/* Load and create every enabled plugin and start its thread.  A plugin
 * that cannot be loaded or created is reported and skipped.  Returns the
 * number of plugins running. */
int host_start(host *h);

/* Wait for SIGINT/SIGTERM (stop), SIGHUP (host_reload), or every
 * plugin thread ending.  Stops all plugins (deadline: 1.5 s) and returns
 * the process exit status. */
int host_wait(host *h);

/* Reload the config file (when the bot was started with one) and every
 * knowledge base; the new snapshot replaces the old only if all of it
 * loads without error (host-reload.c).  Thread-safe.  0, or -1 (logged). */
int host_reload(host *h);

/* check-config: load plugin cp and create() an instance (no thread, no
 * state store), then destroy it.  0, or -1 with the reason in err. */
int host_probe(const config *cfg, const config_plugin *cp, char *err,
               size_t errlen);

/* Ask every plugin to stop (async-signal-unsafe: call from a thread). */
void host_request_stop(host *h);

#endif
