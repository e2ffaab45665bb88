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
		char *text; /* sni/host glob (lowercase), path prefix */
		enum config_detect detect;
	} u;
};

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

/* Services that payload told us a local port serves, for empty flows. */
#define CLASSIFY_PORTS 64
struct ports {
	unsigned next;
	struct port_seen {
		bool used;
		uint8_t proto;
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
	bool need_sni; /* some rule reads the server name */
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
