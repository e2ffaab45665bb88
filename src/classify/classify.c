/*
 * Rule evaluation over L4 facts (protocol, local port, local address) and the
 * built-in port defaults.  Payload detectors (TLS, HTTP, WebSocket, MCP,
 * QUIC) and the sni/host/path terms belong to the classification issue; until
 * then a rule using them never matches.
 */
#include "classify.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct classify {
	const char **names;
	size_t nnames;
	struct rule {
		uint16_t service;
		struct config_match match; /* copied terms; text terms unused here */
		const char *service_name;
		bool l4_only;
	} *rules;
	size_t nrules;
	uint16_t id_https, id_http, id_other;
	char **owned; /* names we allocated */
	size_t nowned;
	struct unsupported {
		char *service;
		unsigned line;
		const char *term;
	} *unsup;
	size_t nunsup;
};

static int add_name(struct classify *c, const char *name, uint16_t *id)
{
	for (size_t i = 0; i < c->nnames; i++)
		if (strcmp(c->names[i], name) == 0) {
			*id = (uint16_t)i;
			return 0;
		}
	if (c->nnames >= UINT16_MAX)
		return -1;
	const char **n = realloc(c->names, (c->nnames + 1) * sizeof(*n));
	if (!n)
		return -1;
	c->names = n;
	char *copy = strdup(name);
	char **o = realloc(c->owned, (c->nowned + 1) * sizeof(*o));
	if (!copy || !o) {
		free(copy);
		if (o)
			c->owned = o;
		return -1;
	}
	c->owned = o;
	c->owned[c->nowned++] = copy;
	c->names[c->nnames] = copy;
	*id = (uint16_t)c->nnames++;
	return 0;
}

int classify_new(const struct config *cfg, struct classify **out, struct err *e)
{
	struct classify *c = calloc(1, sizeof(*c));
	uint16_t id;

	if (!c)
		return err_set(e, "out of memory");
	for (size_t i = 0; cfg && i < cfg->nservices; i++) {
		const struct config_service *s = &cfg->services[i];
		if (add_name(c, s->name, &id))
			goto oom;
		for (size_t j = 0; j < s->nmatches; j++) {
			const struct config_match *m = &s->matches[j];
			bool l4 = true;
			for (size_t k = 0; k < m->nterms; k++) {
				enum config_term_kind kind = m->terms[k].kind;
				if (kind == CONFIG_TERM_CGROUP || kind == CONFIG_TERM_UID) {
					struct unsupported *u =
						realloc(c->unsup, (c->nunsup + 1) * sizeof(*u));
					if (!u)
						goto oom;
					c->unsup = u;
					u[c->nunsup].service = strdup(s->name);
					u[c->nunsup].line = m->line;
					u[c->nunsup].term = config_term_kind_name(kind);
					c->nunsup++;
				}
				if (kind != CONFIG_TERM_PORT && kind != CONFIG_TERM_ADDR)
					l4 = false;
			}
			struct rule *r = realloc(c->rules, (c->nrules + 1) * sizeof(*r));
			if (!r)
				goto oom;
			c->rules = r;
			memset(&r[c->nrules], 0, sizeof(*r));
			r[c->nrules].service = id;
			r[c->nrules].l4_only = l4;
			/* Only L4 terms are consulted here; keep them by value. */
			r[c->nrules].match.nterms = m->nterms;
			r[c->nrules].match.terms = calloc(m->nterms, sizeof(*m->terms));
			if (!r[c->nrules].match.terms)
				goto oom;
			for (size_t k = 0; k < m->nterms; k++) {
				r[c->nrules].match.terms[k].kind = m->terms[k].kind;
				if (m->terms[k].kind == CONFIG_TERM_PORT ||
				    m->terms[k].kind == CONFIG_TERM_ADDR)
					r[c->nrules].match.terms[k].u = m->terms[k].u;
			}
			c->nrules++;
		}
	}
	for (size_t i = 0; i < sizeof(config_builtin_services) / sizeof(*config_builtin_services);
	     i++)
		if (add_name(c, config_builtin_services[i], &id))
			goto oom;
	add_name(c, "https", &c->id_https);
	add_name(c, "http", &c->id_http);
	add_name(c, "other", &c->id_other);
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
	for (size_t i = 0; i < c->nrules; i++)
		free(c->rules[i].match.terms);
	for (size_t i = 0; i < c->nowned; i++)
		free(c->owned[i]);
	for (size_t i = 0; i < c->nunsup; i++)
		free(c->unsup[i].service);
	free(c->unsup);
	free(c->owned);
	free(c->names);
	free(c->rules);
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

static bool addr_match(const struct config_term *t, const struct classify_pkt *p)
{
	int bytes = p->family == AF_INET ? 4 : 16;

	if (t->u.addr.family != p->family)
		return false;
	for (int i = 0; i < bytes; i++) {
		int bits = (int)t->u.addr.prefix - i * 8;
		uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
		if ((p->local_addr[i] & mask) != t->u.addr.addr[i])
			return false;
	}
	return true;
}

static bool l4_match(const struct rule *r, const struct classify_pkt *p)
{
	if (!r->l4_only)
		return false;
	for (size_t k = 0; k < r->match.nterms; k++) {
		const struct config_term *t = &r->match.terms[k];
		if (t->kind == CONFIG_TERM_PORT) {
			if (p->proto != 6 && p->proto != 17)
				return false;
			if (t->u.port.proto != CONFIG_PROTO_ANY && t->u.port.proto != p->proto)
				return false;
			if (p->local_port < t->u.port.lo || p->local_port > t->u.port.hi)
				return false;
		} else if (t->kind == CONFIG_TERM_ADDR) {
			if (!addr_match(t, p))
				return false;
		}
	}
	return true;
}

static uint16_t decide(const struct classify *c, const struct classify_pkt *p)
{
	for (size_t i = 0; i < c->nrules; i++)
		if (l4_match(&c->rules[i], p))
			return c->rules[i].service;
	if ((p->proto == 6 || p->proto == 17) && p->local_port == 443)
		return c->id_https;
	if (p->proto == 6 && p->local_port == 80)
		return c->id_http;
	return c->id_other;
}

enum classify_status classify_flow_start(const struct classify *c, const struct classify_pkt *p,
					 struct classify_flow **state, uint16_t *service)
{
	*state = NULL;
	*service = decide(c, p);
	return CLASSIFY_DONE;
}

enum classify_status classify_flow_feed(const struct classify *c, struct classify_flow *state,
					const struct classify_pkt *p, uint16_t *service)
{
	(void)state;
	*service = decide(c, p);
	return CLASSIFY_DONE;
}

uint16_t classify_flow_fallback(const struct classify *c, struct classify_flow *state)
{
	(void)state;
	return c->id_other;
}

void classify_flow_free(struct classify_flow *state)
{
	(void)state;
}
