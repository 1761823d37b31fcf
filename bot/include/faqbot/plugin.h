/*
 * faqbot/plugin.h - the whole contract between the faqbot core and a
 * connector plugin.  A plugin includes this header and nothing else from
 * the core; it links no core symbol (build with -Wl,--no-undefined).
 *
 * Lifecycle (all calls come from the host):
 *
 *   dlopen(name.so, RTLD_NOW|RTLD_LOCAL)
 *   desc = dlsym("faqbot_plugin")          -- checked: abi_version, size
 *   self = desc->create(host, config_json, err, errlen)   [main thread]
 *   desc->run(self)                        [the plugin's own thread]
 *       ... host->deliver(host, &msg)      [plugin thread, synchronous]
 *             -> the host routes msg and calls desc->send(self, &reply)
 *                on the same thread before deliver() returns
 *   desc->stop(self)                       [any thread: wake run() up]
 *   run() returns; desc->destroy(self)     [main thread]
 *   dlclose
 *
 * Threading: run(), and every send() the host makes for messages that run()
 * delivered, happen on the plugin's thread.  stop() may be called from any
 * thread at any time after create() and must only set flags / wake sockets.
 * Every host function may be called from the plugin thread; log() and
 * should_stop() may also be called from any thread.
 *
 * Ownership: every pointer handed across this interface lives only for the
 * duration of the call it is passed to; copy what you keep.  Strings the
 * host returns to the plugin (state_get) are owned by the caller and freed
 * with host->free().
 *
 * Versioning: FAQBOT_PLUGIN_ABI changes when a field changes meaning or
 * moves.  New fields are only ever appended to the structs, and each struct
 * starts with its own size so either side can read an older one safely.
 */
#ifndef FAQBOT_PLUGIN_H
#define FAQBOT_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FAQBOT_PLUGIN_ABI 1
#define FAQBOT_PLUGIN_SYMBOL "faqbot_plugin"

typedef struct faqbot_host faqbot_host;

enum faqbot_log_level {
    FAQBOT_LOG_DEBUG = 0,
    FAQBOT_LOG_INFO = 1,
    FAQBOT_LOG_WARN = 2,
    FAQBOT_LOG_ERROR = 3
};

/* An incoming message, filled by the plugin, read by the host during
 * deliver() only.  Strings are UTF-8 (the host replaces invalid bytes). */
typedef struct faqbot_message {
    size_t struct_size;        /* sizeof(faqbot_message) */
    const char *chat_id;       /* chat / room the message came from */
    const char *message_id;    /* platform id of the message (reply target) */
    const char *sender_id;     /* platform user id of the asker */
    const char *sender_name;   /* display name, may be NULL */
    const char *text;          /* the question, with bot mentions removed */
    const char *pick;          /* entry id chosen from "did you mean"
                                  suggestions (button / number), or NULL */
    int is_group;              /* 1 when the chat has more than two members */
} faqbot_message;

/* One suggested entry ("did you mean", related follow-ups). */
typedef struct faqbot_suggestion {
    const char *entry_id;
    const char *title;
} faqbot_suggestion;

enum faqbot_reply_kind {
    FAQBOT_REPLY_ANSWER = 0,    /* an entry's answer */
    FAQBOT_REPLY_AMBIGUOUS = 1, /* "did you mean": see suggestions */
    FAQBOT_REPLY_NO_ANSWER = 2, /* "I don't know that": topics in text */
    FAQBOT_REPLY_URGENT = 3,    /* safety reply: see a doctor now */
    FAQBOT_REPLY_COMMAND = 4,   /* reply to /help, /topics, ... */
    FAQBOT_REPLY_NOTICE = 5     /* rate limit, too long, ... */
};

/* A reply, built by the host and handed to the plugin's send().  The plugin
 * renders it for its platform (escaping and splitting are its job).
 * Plain-text rendering, in order: text, citation line, notice line,
 * numbered suggestions, related list. */
typedef struct faqbot_reply {
    size_t struct_size;        /* sizeof(faqbot_reply) */
    int kind;                  /* enum faqbot_reply_kind */
    const char *chat_id;       /* where to send it */
    const char *reply_to;      /* message id being answered, may be NULL */
    const char *sender_id;     /* the asker, for mentions; may be NULL */
    const char *entry_id;      /* answered entry, or NULL */
    const char *title;         /* entry title, or NULL */
    const char *text;          /* main body, plain UTF-8, never NULL */
    const char *citation;      /* "Source: <title>, section \"<heading>\"" or
                                  NULL; several sections joined by "; " */
    const char *notice;        /* "General information, not medical
                                  advice..." line, or NULL */
    const faqbot_suggestion *suggestions; /* "did you mean", may be NULL */
    size_t n_suggestions;
    const faqbot_suggestion *related;     /* follow-up prompts, may be NULL */
    size_t n_related;
} faqbot_reply;

/* The host's services, handed to create().  The pointer stays valid until
 * destroy() returns.  A plugin calls only through this table. */
struct faqbot_host {
    size_t struct_size;        /* sizeof(struct faqbot_host) */
    uint32_t abi_version;      /* FAQBOT_PLUGIN_ABI of the host */
    const char *instance;      /* this plugin instance's name in config */

    /* printf-style log line, tagged with the instance name.  Registered
     * secrets are redacted from the line before it is written. */
    void (*log)(faqbot_host *host, int level, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

    /* Mark a string (a token) as secret: it never reaches a log line. */
    void (*add_secret)(faqbot_host *host, const char *secret);

    /* Route one message and send its reply through this plugin's send(),
     * on the calling thread, before returning.  Returns 0 when the reply
     * was sent (or nothing needed sending), -1 when send() failed; the
     * plugin should then not acknowledge the message to its platform.
     * The host enforces the per-user flood limit here (one polite notice
     * per burst), so plugins need not. */
    int (*deliver)(faqbot_host *host, const faqbot_message *msg);

    /* Small persisted key-value state, per plugin instance.  state_get
     * returns a copy the caller frees with host->free(), or NULL when the
     * key is unset.  state_set(value NULL) deletes; it writes the store
     * atomically (temp file, fsync, rename) before returning 0, or
     * returns -1 and logs why. */
    char *(*state_get)(faqbot_host *host, const char *key);
    int (*state_set)(faqbot_host *host, const char *key, const char *value);

    /* 1 once the bot is shutting down: leave run() promptly.  Long polls
     * should check it from libcurl's progress callback. */
    int (*should_stop)(faqbot_host *host);

    /* Sleep up to ms milliseconds, waking early on shutdown.  Returns 1
     * when woken by shutdown, 0 otherwise. */
    int (*sleep_ms)(faqbot_host *host, unsigned ms);

    void (*free)(void *ptr);

    /* The reply as plain text, rendered the standard way (text, citation,
     * notice, numbered suggestions, related).  Caller frees with
     * host->free(); NULL on OOM. */
    char *(*render_text)(faqbot_host *host, const faqbot_reply *reply);

    /* A per-room setting from the operator's config ("rooms":
     * {"<instance>/<chat id>": {"answer": "mentions"|"all", ...}}), e.g.
     * room_get(host, chat_id, "answer").  Returns a copy the caller frees
     * with host->free(), or NULL when unset.  Check struct_size before
     * calling: hosts older than this field do not have it. */
    char *(*room_get)(faqbot_host *host, const char *chat_id, const char *key);
};

/* A command a plugin adds to /help (may be empty). */
typedef struct faqbot_command {
    const char *name;          /* "faq", without prefix */
    const char *help;          /* one line */
} faqbot_command;

/* The descriptor: the one symbol a plugin exports, named
 * FAQBOT_PLUGIN_SYMBOL.  Use FAQBOT_PLUGIN_DEFINE to get it right. */
typedef struct faqbot_plugin_desc {
    uint32_t abi_version;      /* first: FAQBOT_PLUGIN_ABI */
    uint32_t struct_size;      /* second: sizeof(faqbot_plugin_desc) */
    const char *name;
    const char *version;
    const char *description;

    /* Build an instance from its JSON config object (text).  Returns the
     * instance, or NULL with a one-line reason in err (never a secret). */
    void *(*create)(faqbot_host *host, const char *config_json,
                    char *err, size_t errlen);
    /* The platform loop; returns 0 on a clean stop, -1 on a fatal error
     * (already logged).  Runs on the plugin's own thread. */
    int (*run)(void *self);
    /* Send one reply; returns 0 on success, -1 on failure. */
    int (*send)(void *self, const faqbot_reply *reply);
    /* Ask run() to return soon; must not block. */
    void (*stop)(void *self);
    /* Free the instance; run() has returned (or never started). */
    void (*destroy)(void *self);
    /* Extra commands for /help, terminated by {NULL, NULL}; may be NULL. */
    const faqbot_command *commands;
} faqbot_plugin_desc;

#if defined(__GNUC__)
#define FAQBOT_EXPORT __attribute__((visibility("default")))
#else
#define FAQBOT_EXPORT
#endif

/* Declare a plugin in one statement:
 *   FAQBOT_PLUGIN_DEFINE("console", "1.0", "stdin/stdout chat",
 *                        con_create, con_run, con_send, con_stop,
 *                        con_destroy, NULL);                         */
#define FAQBOT_PLUGIN_DEFINE(NAME, VERSION, DESCR, CREATE, RUN, SEND,     \
                             STOP, DESTROY, COMMANDS)                      \
    FAQBOT_EXPORT const faqbot_plugin_desc faqbot_plugin = {               \
        FAQBOT_PLUGIN_ABI, (uint32_t)sizeof(faqbot_plugin_desc), NAME,     \
        VERSION, DESCR, CREATE, RUN, SEND, STOP, DESTROY, COMMANDS}

#ifdef __cplusplus
}
#endif
#endif /* FAQBOT_PLUGIN_H */
