/*
 * The configuration file: an INI file with an optional [costs] section,
 * [service NAME] sections holding `match =` rules, and [provider NAME]
 * sections saying what the user runs on a provider.  This module parses it
 * into a data model shared by capture, classify, nft and pricing; it does not
 * decide which rules each of them can apply.
 */
#ifndef COSTS_CONFIG_H
#define COSTS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

enum config_term_kind {
	CONFIG_TERM_PORT,   /* local port or range, optionally tcp/ or udp/ */
	CONFIG_TERM_ADDR,   /* local address, IPv4 or IPv6 CIDR */
	CONFIG_TERM_SNI,    /* TLS server name, case-insensitive glob */
	CONFIG_TERM_HOST,   /* HTTP Host header, case-insensitive glob */
	CONFIG_TERM_PATH,   /* HTTP request path prefix */
	CONFIG_TERM_DETECT, /* a built-in detector */
	CONFIG_TERM_CGROUP, /* cgroup v2 path (nftables only) */
	CONFIG_TERM_UID,    /* socket owner uid (nftables only) */
};

enum config_detect {
	CONFIG_DETECT_TLS,
	CONFIG_DETECT_HTTP,
	CONFIG_DETECT_WEBSOCKET,
	CONFIG_DETECT_MCP,
	CONFIG_DETECT_QUIC,
};

enum config_proto {
	CONFIG_PROTO_ANY = 0,
	CONFIG_PROTO_TCP = 6,
	CONFIG_PROTO_UDP = 17,
};

struct config_term {
	enum config_term_kind kind;
	union {
		struct {
			enum config_proto proto;
			uint16_t lo, hi;
		} port;
		struct {
			int family; /* AF_INET or AF_INET6 */
			uint8_t addr[16];
			uint8_t prefix;
		} addr;
		char *text; /* sni and host lowercased; path; cgroup without a leading '/' */
		enum config_detect detect;
		uint32_t uid;
	} u;
};

/* One `match =` line: all of its terms must hold. */
struct config_match {
	unsigned line;
	char *source; /* the line's value as written, for messages */
	struct config_term *terms;
	size_t nterms;
};

/* A [service NAME] section: any of its match lines must hold. */
struct config_service {
	char *name;
	unsigned line;
	bool billable;        /* `billable = no` marks traffic a provider would not bill */
	bool private_traffic; /* `traffic = private`: private network to another
	                         region, billed at a provider's private rate */
	struct config_match *matches;
	size_t nmatches;
};

struct config_kv {
	char *key;
	char *value;
	unsigned line;
};

/* A [provider NAME] section, kept as key/value pairs for pricing to read. */
struct config_provider {
	char *name;
	unsigned line;
	struct config_kv *kv;
	size_t nkv;
};

struct config {
	char *path;          /* the file read, or NULL for the built-in defaults */
	char *host;          /* [costs] host, or NULL: the caller uses the host name */
	char *timezone;      /* [costs] timezone (an IANA name), or NULL for UTC */
	unsigned sample_gap; /* [costs] sample_gap seconds: longer gaps are reported */
	struct config_service *services;
	size_t nservices;
	struct config_provider *providers;
	size_t nproviders;
};

/*
 * Limits of a config file, each an error naming file:line when passed: they
 * bound the memory and the time a config can cost (a rule is tried against
 * every new flow).
 */
#define CONFIG_MAX_BYTES     (4 * 1024 * 1024) /* the whole file */
#define CONFIG_MAX_LINE      4096              /* one line, without its line end */
#define CONFIG_MAX_SERVICES  4096              /* [service] sections */
#define CONFIG_MAX_MATCHES   64                /* match lines of one service */
#define CONFIG_MAX_TERMS     32                /* terms on one match line */
#define CONFIG_MAX_PATTERN   255               /* an sni= or host= pattern */
#define CONFIG_MAX_PROVIDERS 256               /* [provider] sections */
#define CONFIG_MAX_KEYS      256               /* keys of one provider section */

/* The built-in services, tried after the config's, in this order. */
extern const char *const config_builtin_services[5];

/*
 * Reads the config at path.  When the file does not exist and must_exist is
 * false, returns the built-in defaults (no services, no providers).  Errors
 * read "path:line: reason: 'text'".  A UTF-8 byte order mark is skipped;
 * lines end in LF or CRLF; a line over CONFIG_MAX_LINE bytes, a NUL or
 * control byte (other than tab), invalid UTF-8, a bad name and every limit
 * above are errors.  The caller frees *out with config_free.
 */
int config_load(const char *path, bool must_exist, struct config **out, struct err *e);

/* Parses config text held in memory; `name` is used in messages. */
int config_parse(const char *text, size_t len, const char *name, struct config **out,
                 struct err *e);

/* Frees a config; NULL is a no-op. */
void config_free(struct config *c);

/* Parses one match line ("port=443 sni=*.example.com") into m. */
int config_parse_match(const char *value, struct config_match *m, struct err *e);
void config_match_release(struct config_match *m);

/* The config name of a term kind ("port") or detector ("websocket"). */
const char *config_term_kind_name(enum config_term_kind k);
const char *config_detect_name(enum config_detect d);

/* True when name is a valid service name: [A-Za-z][A-Za-z0-9_.-]{0,63} (util/name.h). */
bool config_valid_service_name(const char *name);

/*
 * Whether traffic of the named service counts toward a provider's egress
 * bill.  Services not in the config (the built-ins) are billable.
 */
bool config_service_billable(const struct config *c, const char *name);

/*
 * Whether the named service is private-network traffic to another region of
 * the provider (`traffic = private`), which a table with a private egress
 * rate bills at that rate.  Services not in the config are not.
 */
bool config_service_private(const struct config *c, const char *name);

/* The value of key in a provider section, or NULL. */
const char *config_provider_get(const struct config_provider *p, const char *key);

#endif
