/*
 * The rule engine: compiles the config's services into an ordered rule list
 * and evaluates it over a flow's facts with three-valued logic, so a later
 * rule never wins while an earlier one may still turn out true.  It knows
 * nothing about packets; classify.c gathers the facts.
 */
#include "classify/internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int add_name(struct classify *c, const char *name, uint16_t *id)
{
	for (size_t i = 0; i < c->nnames; i++)
		if (strcmp(c->names[i], name) == 0) {
			*id = (uint16_t)i;
			return 0;
		}
	if (c->nnames >= UINT16_MAX - 1)
		return -1;
	const char **n = realloc(c->names, (c->nnames + 1) * sizeof(*n));
	if (!n)
		return -1;
	c->names = n;
	char **o = realloc(c->owned, (c->nowned + 1) * sizeof(*o));
	if (!o)
		return -1;
	c->owned = o;
	char *copy = strdup(name);
	if (!copy)
		return -1;
	c->owned[c->nowned++] = copy;
	c->names[c->nnames] = copy;
	*id = (uint16_t)c->nnames++;
	return 0;
}

static int add_unsupported(struct classify *c, const char *service, unsigned line,
                           enum config_term_kind kind)
{
	struct unsupported *u = realloc(c->unsup, (c->nunsup + 1) * sizeof(*u));
	if (!u)
		return -1;
	c->unsup = u;
	u[c->nunsup].service = strdup(service);
	if (!u[c->nunsup].service)
		return -1;
	u[c->nunsup].line = line;
	u[c->nunsup].term = config_term_kind_name(kind);
	c->nunsup++;
	return 0;
}

static int add_rule(struct classify *c, uint16_t service, const struct config_match *m)
{
	struct rule *r = realloc(c->rules, (c->nrules + 1) * sizeof(*r));
	if (!r)
		return -1;
	c->rules = r;
	r = &c->rules[c->nrules];
	memset(r, 0, sizeof(*r));
	r->service = service;
	r->terms = calloc(m->nterms ? m->nterms : 1, sizeof(*r->terms));
	if (!r->terms)
		return -1;
	c->nrules++;
	for (size_t k = 0; k < m->nterms; k++) {
		const struct config_term *t = &m->terms[k];
		struct rule_term *o = &r->terms[r->nterms];
		o->kind = t->kind;
		if (t->kind == CONFIG_TERM_SNI)
			c->need_sni = true;
		switch (t->kind) {
		case CONFIG_TERM_PORT:
			o->u.port.proto = (uint8_t)t->u.port.proto;
			o->u.port.lo = t->u.port.lo;
			o->u.port.hi = t->u.port.hi;
			break;
		case CONFIG_TERM_ADDR:
			o->u.addr.family = t->u.addr.family;
			memcpy(o->u.addr.addr, t->u.addr.addr, sizeof(o->u.addr.addr));
			o->u.addr.prefix = t->u.addr.prefix;
			break;
		case CONFIG_TERM_SNI:
		case CONFIG_TERM_HOST:
		case CONFIG_TERM_PATH:
			o->u.s.text = strdup(t->u.text);
			if (!o->u.s.text)
				return -1;
			o->u.s.len = strlen(o->u.s.text);
			if (t->kind != CONFIG_TERM_PATH &&
			    classify_names_add(t->kind == CONFIG_TERM_SNI ? c->sni : c->host,
			                       o->u.s.text, &o->u.s.pat))
				return -1;
			break;
		case CONFIG_TERM_DETECT:
			o->u.detect = t->u.detect;
			break;
		case CONFIG_TERM_CGROUP:
		case CONFIG_TERM_UID:
			break; /* never true in a capture */
		}
		r->nterms++;
	}
	return 0;
}

static void set_bit(uint64_t *bits, size_t i)
{
	bits[i / 64] |= 1ull << (i % 64);
}

/* The rule sets of struct classify, from the compiled rules. */
static int build_masks(struct classify *c)
{
	size_t w = (c->nrules + 63) / 64;

	if (c->nrules == 0 || c->nrules > CLASSIFY_MASK_RULES)
		return 0;
	c->with_sni = calloc(3 * w, sizeof(uint64_t));
	c->by_sni = calloc((c->sni->npats + c->host->npats) * w + 1, sizeof(uint64_t));
	if (!c->with_sni || !c->by_sni)
		return -1;
	c->with_host = c->with_sni + w;
	c->with_head = c->with_host + w;
	c->by_host = c->by_sni + c->sni->npats * w;
	for (size_t i = 0; i < c->nrules; i++)
		for (size_t k = 0; k < c->rules[i].nterms; k++) {
			const struct rule_term *t = &c->rules[i].terms[k];
			if (t->kind == CONFIG_TERM_SNI) {
				set_bit(c->with_sni, i);
				set_bit(c->by_sni + t->u.s.pat * w, i);
			} else if (t->kind == CONFIG_TERM_HOST) {
				set_bit(c->with_host, i);
				set_bit(c->with_head, i);
				set_bit(c->by_host + t->u.s.pat * w, i);
			} else if (t->kind == CONFIG_TERM_PATH) {
				set_bit(c->with_head, i);
			}
		}
	c->rule_words = w;
	return 0;
}

int classify_new(const struct config *cfg, struct classify **out, struct err *e)
{
	struct classify *c = calloc(1, sizeof(*c));
	uint16_t id;

	if (!c)
		return err_set(e, "out of memory");
	c->endpoints = calloc(1, sizeof(*c->endpoints));
	c->ports = calloc(1, sizeof(*c->ports));
	c->port_rules = calloc(1, sizeof(*c->port_rules));
	c->sni = calloc(1, sizeof(*c->sni));
	c->host = calloc(1, sizeof(*c->host));
	if (!c->endpoints || !c->ports || !c->port_rules || !c->sni || !c->host)
		goto oom;
	for (size_t i = 0; cfg && i < cfg->nservices; i++) {
		const struct config_service *s = &cfg->services[i];
		if (add_name(c, s->name, &id))
			goto oom;
		for (size_t j = 0; j < s->nmatches; j++) {
			const struct config_match *m = &s->matches[j];
			for (size_t k = 0; k < m->nterms; k++) {
				enum config_term_kind kind = m->terms[k].kind;
				if ((kind == CONFIG_TERM_CGROUP || kind == CONFIG_TERM_UID) &&
				    add_unsupported(c, s->name, m->line, kind))
					goto oom;
			}
			if (add_rule(c, id, m))
				goto oom;
		}
	}
	if (classify_names_build(c->sni) || classify_names_build(c->host) || build_masks(c))
		goto oom;
	for (size_t i = 0; i < sizeof(config_builtin_services) / sizeof(*config_builtin_services);
	     i++)
		if (add_name(c, config_builtin_services[i], &id))
			goto oom;
	if (add_name(c, "mcp", &c->id_mcp) || add_name(c, "websocket", &c->id_websocket) ||
	    add_name(c, "https", &c->id_https) || add_name(c, "http", &c->id_http) ||
	    add_name(c, "other", &c->id_other))
		goto oom;
	*out = c;
	return 0;
oom:
	classify_free(c);
	return err_set(e, "out of memory");
}

void classify_free(struct classify *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nrules; i++) {
		for (size_t k = 0; k < c->rules[i].nterms; k++) {
			enum config_term_kind kind = c->rules[i].terms[k].kind;
			if (kind == CONFIG_TERM_SNI || kind == CONFIG_TERM_HOST ||
			    kind == CONFIG_TERM_PATH)
				free(c->rules[i].terms[k].u.s.text);
		}
		free(c->rules[i].terms);
	}
	for (size_t i = 0; i < c->nowned; i++)
		free(c->owned[i]);
	for (size_t i = 0; i < c->nunsup; i++)
		free(c->unsup[i].service);
	free(c->unsup);
	free(c->owned);
	free(c->names);
	free(c->rules);
	free(c->with_sni);
	free(c->by_sni);
	free(c->endpoints);
	free(c->ports);
	free(c->port_rules);
	if (c->sni)
		classify_names_free(c->sni);
	if (c->host)
		classify_names_free(c->host);
	free(c->sni);
	free(c->host);
	free(c);
}

size_t classify_service_count(const struct classify *c)
{
	return c->nnames;
}

const char *classify_service_name(const struct classify *c, uint16_t id)
{
	return id < c->nnames ? c->names[id] : "other";
}

uint16_t classify_other(const struct classify *c)
{
	return c->id_other;
}

void classify_each_unsupported(const struct classify *c,
                               void (*fn)(void *ctx, const char *service, unsigned line,
                                          const char *term),
                               void *ctx)
{
	for (size_t i = 0; i < c->nunsup; i++)
		fn(ctx, c->unsup[i].service, c->unsup[i].line, c->unsup[i].term);
}

static bool addr_match(const struct rule_term *t, const struct facts *x)
{
	int bytes = x->family == AF_INET ? 4 : 16;

	if (!x->addr || t->u.addr.family != x->family)
		return false;
	for (int i = 0; i < bytes; i++) {
		int bits = (int)t->u.addr.prefix - i * 8;
		uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
		if ((x->addr[i] & mask) != (t->u.addr.addr[i] & mask))
			return false;
	}
	return true;
}

static enum tri yes(bool b)
{
	return b ? TRI_YES : TRI_NO;
}

/*
 * One evaluation: the facts, and which sni= and host= patterns match the
 * flow's names, computed once (by the name indexes) when a rule first asks.
 */
struct eval {
	const struct classify *c;
	const struct facts *x;
	const uint64_t *sni, *host;
};

static bool bit(const uint64_t *bits, uint32_t i)
{
	return bits[i / 64] >> (i % 64) & 1;
}

static bool port_holds(const struct rule_term *t, uint8_t proto, uint16_t port)
{
	return (proto == 6 || proto == 17) && (!t->u.port.proto || t->u.port.proto == proto) &&
	       port >= t->u.port.lo && port <= t->u.port.hi;
}

static enum tri term_eval(const struct rule_term *t, struct eval *ev)
{
	const struct facts *x = ev->x;

	switch (t->kind) {
	case CONFIG_TERM_PORT:
		return yes(port_holds(t, x->proto, x->port));
	case CONFIG_TERM_ADDR:
		return yes(addr_match(t, x));
	case CONFIG_TERM_SNI:
		if (x->sni_known != TRI_YES)
			return x->sni_known;
		if (!ev->sni)
			ev->sni = classify_names_match(ev->c->sni, x->sni, x->sni_len);
		return yes(bit(ev->sni, t->u.s.pat));
	case CONFIG_TERM_HOST:
		if (x->head_known != TRI_YES)
			return x->head_known;
		if (!x->host.len)
			return TRI_NO;
		if (!ev->host)
			ev->host = classify_names_match(ev->c->host, x->host.p, x->host.len);
		return yes(bit(ev->host, t->u.s.pat));
	case CONFIG_TERM_PATH:
		if (x->head_known != TRI_YES)
			return x->head_known;
		return yes(x->path.len >= t->u.s.len &&
		           memcmp(x->path.p, t->u.s.text, t->u.s.len) == 0);
	case CONFIG_TERM_DETECT:
		switch (t->u.detect) {
		case CONFIG_DETECT_TLS:
			return x->tls;
		case CONFIG_DETECT_HTTP:
			return x->http;
		case CONFIG_DETECT_WEBSOCKET:
			return x->websocket;
		case CONFIG_DETECT_MCP:
			return x->mcp;
		case CONFIG_DETECT_QUIC:
			return x->quic;
		}
		return TRI_NO;
	case CONFIG_TERM_CGROUP:
	case CONFIG_TERM_UID:
		return TRI_NO;
	}
	return TRI_NO;
}

static enum tri rule_eval(const struct rule *r, struct eval *ev)
{
	enum tri v = TRI_YES;
	for (size_t k = 0; k < r->nterms; k++) {
		enum tri t = term_eval(&r->terms[k], ev);
		if (t == TRI_NO)
			return TRI_NO;
		if (t == TRI_UNKNOWN)
			v = TRI_UNKNOWN;
	}
	return v;
}

static enum tri tri_or(enum tri a, enum tri b)
{
	if (a == TRI_YES || b == TRI_YES)
		return TRI_YES;
	if (a == TRI_UNKNOWN || b == TRI_UNKNOWN)
		return TRI_UNKNOWN;
	return TRI_NO;
}

/*
 * Tracks the undecided rules met so far while walking in order: once two
 * services are pending, nothing later can decide, so the walk stops.
 */
struct walk {
	bool pending;
	uint16_t service;
};

/* One step: returns 1 decided, 0 go on, -1 undecided (stop). */
static int step(struct walk *w, enum tri v, uint16_t service, bool final, uint16_t *out)
{
	if (final && v == TRI_UNKNOWN)
		v = TRI_NO;
	if (v == TRI_YES) {
		if (w->pending && w->service != service)
			return -1;
		*out = service;
		return 1;
	}
	if (v == TRI_UNKNOWN) {
		if (!w->pending) {
			w->pending = true;
			w->service = service;
		} else if (w->service != service) {
			/* Whatever holds further on, an earlier rule may claim it. */
			return -1;
		}
	}
	return 0;
}

/*
 * allow &= ~with | (the rules of each pattern in matched): of the rules
 * with such a term, only those naming a pattern the name matched.
 */
static void allow_matched(uint64_t *allow, const uint64_t *with, const uint64_t *by,
                          const uint64_t *matched, size_t npats, size_t w)
{
	uint64_t keep[CLASSIFY_MASK_RULES / 64];

	for (size_t k = 0; k < w; k++)
		keep[k] = ~with[k];
	for (size_t word = 0; word < (npats + 63) / 64; word++)
		for (uint64_t m = matched[word]; m; m &= m - 1) {
			size_t p = word * 64 + (size_t)__builtin_ctzll(m);
			for (size_t k = 0; k < w; k++)
				keep[k] |= by[p * w + k];
		}
	for (size_t k = 0; k < w; k++)
		allow[k] &= keep[k];
}

/* The rules whose port= terms all hold for proto and port (see struct port_rules). */
static const uint64_t *port_rules_holding(const struct classify *c, uint8_t proto, uint16_t port)
{
	struct port_rules *t = c->port_rules;
	for (unsigned i = 0; i < CLASSIFY_PORT_RULES; i++)
		if (t->e[i].used && t->e[i].proto == proto && t->e[i].port == port)
			return t->e[i].hold;
	unsigned i = t->next++ % CLASSIFY_PORT_RULES;
	t->e[i].used = true;
	t->e[i].proto = proto;
	t->e[i].port = port;
	memset(t->e[i].hold, 0, sizeof(t->e[i].hold));
	for (size_t r = 0; r < c->nrules; r++) {
		bool all = true;
		for (size_t k = 0; k < c->rules[r].nterms && all; k++) {
			const struct rule_term *term = &c->rules[r].terms[k];
			all = term->kind != CONFIG_TERM_PORT || port_holds(term, proto, port);
		}
		if (all)
			set_bit(t->e[i].hold, r);
	}
	return t->e[i].hold;
}

/*
 * The rules a flow's facts leave possible: every rule but those whose
 * port=, sni=, host= or path= term the facts already make false (such a rule
 * evaluates to TRI_NO, which a walk passes over, so leaving it out changes
 * nothing but the time).
 */
static void possible_rules(const struct classify *c, struct eval *ev, uint64_t *allow)
{
	const struct facts *x = ev->x;
	size_t w = c->rule_words;

	/* Every rule whose port= terms hold (no bit past the last rule). */
	memcpy(allow, port_rules_holding(c, x->proto, x->port), w * sizeof(*allow));
	if (x->sni_known == TRI_NO) {
		for (size_t k = 0; k < w; k++)
			allow[k] &= ~c->with_sni[k];
	} else if (x->sni_known == TRI_YES && c->sni->npats) {
		ev->sni = classify_names_match(c->sni, x->sni, x->sni_len);
		allow_matched(allow, c->with_sni, c->by_sni, ev->sni, c->sni->npats, w);
	}
	if (x->head_known == TRI_NO) {
		for (size_t k = 0; k < w; k++)
			allow[k] &= ~c->with_head[k];
	} else if (x->head_known == TRI_YES && c->host->npats) {
		if (!x->host.len) {
			for (size_t k = 0; k < w; k++)
				allow[k] &= ~c->with_host[k];
		} else {
			ev->host = classify_names_match(c->host, x->host.p, x->host.len);
			allow_matched(allow, c->with_host, c->by_host, ev->host, c->host->npats, w);
		}
	}
}

bool classify_decide(const struct classify *c, const struct facts *x, bool final, uint16_t *service)
{
	struct walk w = {0};
	struct eval ev = {c, x, NULL, NULL};
	uint64_t allow[CLASSIFY_MASK_RULES / 64];
	int r;

	if (c->rule_words) {
		possible_rules(c, &ev, allow);
		for (size_t word = 0; word < c->rule_words; word++)
			for (uint64_t m = allow[word]; m; m &= m - 1) {
				size_t i = word * 64 + (size_t)__builtin_ctzll(m);
				if ((r = step(&w, rule_eval(&c->rules[i], &ev), c->rules[i].service,
				              final, service)))
					return r > 0;
			}
	} else {
		for (size_t i = 0; i < c->nrules; i++)
			if ((r = step(&w, rule_eval(&c->rules[i], &ev), c->rules[i].service, final,
			              service)))
				return r > 0;
	}
	const struct {
		enum tri v;
		uint16_t id;
	} builtin[] = {
	    {x->mcp, c->id_mcp},
	    {x->websocket, c->id_websocket},
	    {tri_or(x->tls, x->quic), c->id_https},
	    {x->http, c->id_http},
	};
	for (size_t i = 0; i < sizeof(builtin) / sizeof(*builtin); i++)
		if ((r = step(&w, builtin[i].v, builtin[i].id, final, service)))
			return r > 0;
	if (w.pending)
		return false;
	/* Port defaults, then other. */
	if ((x->proto == 6 || x->proto == 17) && x->port == 443)
		*service = c->id_https;
	else if (x->proto == 6 && x->port == 80)
		*service = c->id_http;
	else
		*service = c->id_other;
	return true;
}

static bool endpoint_eq(const struct endpoint *e, const struct facts *x, const char *p, size_t len)
{
	return e->used && e->family == x->family && e->port == x->port && e->len == len &&
	       memcmp(e->addr, x->addr, x->family == AF_INET ? 4 : 16) == 0 &&
	       memcmp(e->path, p, len) == 0;
}

/* Reduces an announced URI to its path and query. */
static struct classify_span uri_path(const char *uri, size_t len)
{
	const char *sep = memchr(uri, ':', len);
	if (len && uri[0] != '/' && sep && sep + 2 < uri + len && sep[1] == '/' && sep[2] == '/') {
		const char *a = sep + 3, *e = uri + len;
		const char *slash = memchr(a, '/', (size_t)(e - a));
		return slash ? (struct classify_span){slash, (size_t)(e - slash)}
		             : (struct classify_span){"/", 1};
	}
	return (struct classify_span){uri, len};
}

void classify_endpoint_add(const struct classify *c, const struct facts *x, const char *uri,
                           size_t len)
{
	struct classify_span p = uri_path(uri, len);
	struct endpoints *t = c->endpoints;

	if (!x->addr || p.len == 0 || p.len >= CLASSIFY_ENDPOINT_LEN || p.p[0] != '/')
		return;
	for (size_t i = 0; i < CLASSIFY_ENDPOINTS; i++)
		if (endpoint_eq(&t->e[i], x, p.p, p.len))
			return;
	struct endpoint *e = &t->e[t->next++ % CLASSIFY_ENDPOINTS];
	e->used = true;
	e->family = x->family;
	memcpy(e->addr, x->addr, x->family == AF_INET ? 4 : 16);
	e->port = x->port;
	e->len = (uint8_t)p.len;
	memcpy(e->path, p.p, p.len);
}

bool classify_endpoint_known(const struct classify *c, const struct facts *x,
                             struct classify_span path)
{
	if (!x->addr || c->endpoints->next == 0)
		return false;
	for (size_t i = 0; i < CLASSIFY_ENDPOINTS; i++)
		if (endpoint_eq(&c->endpoints->e[i], x, path.p, path.len))
			return true;
	return false;
}

static unsigned port_bucket(uint8_t proto, int family, const uint8_t *addr, uint16_t port)
{
	uint32_t h = (uint32_t)port * 2654435761u ^ proto ^ (uint32_t)family << 8;
	for (int i = 0; i < (family == AF_INET ? 4 : 16); i++)
		h = (h ^ addr[i]) * 16777619u;
	return (h >> 16) % CLASSIFY_PORT_BUCKETS;
}

static struct port_seen *port_find(const struct classify *c, const struct facts *x)
{
	struct ports *t = c->ports;
	for (unsigned k = t->head[port_bucket(x->proto, x->family, x->addr, x->port)]; k;
	     k = t->e[k - 1].chain) {
		struct port_seen *e = &t->e[k - 1];
		if (e->proto == x->proto && e->family == x->family && e->port == x->port &&
		    memcmp(e->addr, x->addr, x->family == AF_INET ? 4 : 16) == 0)
			return e;
	}
	return NULL;
}

void classify_port_learn(const struct classify *c, const struct facts *x, uint16_t service)
{
	struct ports *t = c->ports;

	if (!x->addr)
		return;
	struct port_seen *e = port_find(c, x);
	if (!e) {
		unsigned i = t->next++ % CLASSIFY_PORTS;
		e = &t->e[i];
		if (e->used) { /* forget the oldest: unlink it from its chain */
			uint8_t *link =
			    &t->head[port_bucket(e->proto, e->family, e->addr, e->port)];
			while (*link != i + 1)
				link = &t->e[*link - 1].chain;
			*link = e->chain;
		}
		e->used = true;
		e->proto = x->proto;
		e->family = x->family;
		memset(e->addr, 0, sizeof(e->addr));
		memcpy(e->addr, x->addr, x->family == AF_INET ? 4 : 16);
		e->port = x->port;
		unsigned b = port_bucket(e->proto, e->family, e->addr, e->port);
		e->chain = t->head[b];
		t->head[b] = (uint8_t)(i + 1);
	}
	e->service = service;
}

bool classify_port_known(const struct classify *c, const struct facts *x, uint16_t *service)
{
	const struct port_seen *e = x->addr && c->ports->next ? port_find(c, x) : NULL;
	if (e)
		*service = e->service;
	return e != NULL;
}
