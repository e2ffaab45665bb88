/*
 * Shared between the rule engine (rules.c) and the flow state machine
 * (classify.c): the compiled classifier and three-valued facts about a flow.
 */
#ifndef COSTS_CLASSIFY_INTERNAL_H
#define COSTS_CLASSIFY_INTERNAL_H

#include "classify/classify.h"
#include "classify/parse.h"

/* A fact about a flow: known false, known true, or not known yet. */
enum tri {
	TRI_NO,
	TRI_YES,
	TRI_UNKNOWN,
};

struct rule_term {
	enum config_term_kind kind;
	union {
		struct {
			uint8_t proto; /* 0 any, 6, 17 */
			uint16_t lo, hi;
		} port;
		struct {
			int family;
			uint8_t addr[16];
			uint8_t prefix;
		} addr;
		struct {
			char *text;   /* sni/host glob (lowercase), path prefix */
			uint32_t pat; /* sni/host: the pattern's id in its name index */
			size_t len;   /* path: strlen(text) */
		} s;
		enum config_detect detect;
	} u;
};

/*
 * Which of a set of glob patterns match a name (names.c): exact names and
 * '*'-then-literal patterns by hash, the others one by one.
 */
#define NAME_MAX_FOLD    1024 /* longer names are matched pattern by pattern */
#define NAME_SUFFIX_LENS 256  /* longer suffix literals are matched one by one */
/*
 * A pattern matched one by one, with what any name it matches must have:
 * its literal head (before the first wildcard), its literal tail (after
 * the last) and its length (at least, with a '*'; exactly, without).
 */
struct name_linear {
	uint32_t id;
	size_t head, tail, min, len; /* len: the pattern's */
	bool star;
	bool inner; /* '*', a literal, '*': the name need only contain the literal */
};
struct name_index {
	char **pats; /* distinct patterns, lowercase */
	size_t npats;
	struct name_slot *slots;
	uint32_t mask;
	uint64_t exact_lens[NAME_MAX_FOLD / 64 + 1]; /* lengths of exact names */
	uint64_t suffix_lens[NAME_SUFFIX_LENS / 64]; /* lengths of suffix literals */
	struct name_linear *linear;
	size_t nlinear;
	uint64_t *bits; /* the last match's result, one bit per pattern */
	size_t words;
};

/* Adds a pattern (or finds it) before classify_names_build; *id is its bit. */
int classify_names_add(struct name_index *ix, const char *pattern, uint32_t *id);
int classify_names_build(struct name_index *ix);
void classify_names_free(struct name_index *ix);
/*
 * The patterns that match name, as a bit set owned by ix and valid until
 * the next call.
 */
const uint64_t *classify_names_match(struct name_index *ix, const char *name, size_t len);

#define CLASSIFY_MASK_RULES 512

struct rule {
	uint16_t service;
	size_t nterms;
	struct rule_term *terms;
};

/* Endpoints announced by legacy MCP SSE streams (`event: endpoint`). */
#define CLASSIFY_ENDPOINTS    32
#define CLASSIFY_ENDPOINT_LEN 128
struct endpoints {
	unsigned next;
	struct endpoint {
		bool used;
		int family;
		uint8_t addr[16];
		uint16_t port;
		uint8_t len;
		char path[CLASSIFY_ENDPOINT_LEN];
	} e[CLASSIFY_ENDPOINTS];
};

/*
 * Services that payload told us a local port serves, for empty flows: the
 * last CLASSIFY_PORTS local addresses and ports learnt (a ring), found
 * through hash chains.
 */
/*
 * For the last few (protocol, local port) pairs met, the rules whose port=
 * terms all hold there (and every rule without one): a decision skips the
 * rules with a port= term that fails, without evaluating them.
 */
#define CLASSIFY_PORT_RULES 8
struct port_rules {
	unsigned next;
	struct {
		bool used;
		uint8_t proto;
		uint16_t port;
		uint64_t hold[CLASSIFY_MASK_RULES / 64];
	} e[CLASSIFY_PORT_RULES];
};

#define CLASSIFY_PORTS        64
#define CLASSIFY_PORT_BUCKETS 128
struct ports {
	unsigned next;
	uint8_t head[CLASSIFY_PORT_BUCKETS]; /* entry index + 1, 0: empty */
	struct port_seen {
		bool used;
		uint8_t proto;
		uint8_t chain; /* next entry index + 1 in the bucket, 0: none */
		int family;
		uint8_t addr[16];
		uint16_t port;
		uint16_t service;
	} e[CLASSIFY_PORTS];
};

struct classify {
	const char **names;
	size_t nnames;
	char **owned;
	size_t nowned;
	struct rule *rules;
	size_t nrules;
	struct name_index *sni, *host; /* the sni= and host= patterns of the rules */
	bool need_sni;                 /* some rule reads the server name */
	/*
	 * Rule sets, a bit per rule (rule_words words each), so a decision
	 * skips the rules a flow's names already rule out: those with an sni=
	 * term, with a host= term, with a host= or path= term; and per sni= and
	 * host= pattern, the rules that name it.  None when there are more
	 * than CLASSIFY_MASK_RULES rules (then every rule is walked).
	 */
	size_t rule_words;
	uint64_t *with_sni, *with_host, *with_head;
	uint64_t *by_sni, *by_host; /* npats x rule_words */
	uint16_t id_mcp, id_websocket, id_https, id_http, id_other;
	struct unsupported {
		char *service;
		unsigned line;
		const char *term;
	} * unsup;
	size_t nunsup;
	/*
	 * Cross-flow memory, written through the const classifier handed to
	 * the flow functions: the classifier is used by one thread.
	 */
	struct endpoints *endpoints;
	struct ports *ports;
	struct port_rules *port_rules;
};

/* What a flow has shown so far (pointers valid during one evaluation). */
struct facts {
	uint8_t proto;
	int family;
	const uint8_t *addr;
	uint16_t port;
	enum tri tls, http, websocket, mcp, quic;
	enum tri sni_known; /* YES: sni holds the name; NO: there is none */
	const char *sni;
	size_t sni_len;
	enum tri head_known; /* YES: host and path hold the first request's */
	struct classify_span host, path;
};

/*
 * Walks the rules, then the built-in detectors, in order.  Returns true with
 * *service set when the answer can no longer change: the first rule that
 * holds, preceded only by rules that are false (or undecided rules of the
 * same service); with `final`, unknown facts count as false and the answer
 * always comes (port defaults, then other).
 */
bool classify_decide(const struct classify *c, const struct facts *x, bool final,
                     uint16_t *service);

/* Remembers / looks up an endpoint announced by a legacy SSE stream. */
void classify_endpoint_add(const struct classify *c, const struct facts *x, const char *uri,
                           size_t len);
bool classify_endpoint_known(const struct classify *c, const struct facts *x,
                             struct classify_span path);

/*
 * Remembers that a flow on this local address and port was classified from
 * its payload; classify_port_known finds it for a flow that carried none.
 */
void classify_port_learn(const struct classify *c, const struct facts *x, uint16_t service);
bool classify_port_known(const struct classify *c, const struct facts *x, uint16_t *service);

#endif
