/*
 * Unit tests for the compiled rule matcher: the name index agrees with the
 * glob matcher on every pattern and name, and classify_decide agrees with a
 * plain walk of every rule in file order (the engine as first written, kept
 * here as the reference) on random configs and random three-valued facts.
 * Also the port memory: the last 64 local ports learnt are found.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "classify/internal.h"
#include "util/glob.h"

static uint32_t rng = 12345;

static uint32_t rnd(uint32_t n)
{
	rng = rng * 1103515245u + 12345u;
	return (rng >> 8) % n;
}

/* A random name or pattern over a small alphabet, so that matches happen. */
static void random_text(char *out, size_t max, bool pattern)
{
	static const char *const parts[] = {"a",    "b",   "ab", ".", "example",
	                                    ".com", "x-1", "A",  "B"};
	size_t n = 0, k = 1 + rnd(6);
	for (size_t i = 0; i < k; i++) {
		const char *p = parts[rnd(sizeof(parts) / sizeof(*parts))];
		if (pattern && rnd(5) == 0)
			p = rnd(2) ? "*" : "?";
		if (n + strlen(p) + 1 >= max)
			break;
		memcpy(out + n, p, strlen(p));
		n += strlen(p);
	}
	out[n] = '\0';
	if (pattern)
		for (char *c = out; *c; c++)
			*c = (char)(*c >= 'A' && *c <= 'Z' ? *c | 0x20 : *c);
}

/* The index's answer for one pattern (bits from classify_names_match) against glob_match_ci. */
static void agrees_with_glob(const uint64_t *bits, const char *pat, uint32_t id, const char *name,
                             size_t len)
{
	bool want = glob_match_ci(pat, name, len);
	bool got = bits[id / 64] >> (id % 64) & 1;
	if (want != got)
		fail_msg("pattern '%s' (%zu bytes), name '%.*s' (%zu bytes): glob %d, index %d",
		         pat, strlen(pat), (int)len, name, len, want, got);
}

static void name_index_agrees_with_glob(void **state)
{
	(void)state;
	for (int round = 0; round < 200; round++) {
		struct name_index ix;
		char pats[24][64];
		uint32_t id[24];
		memset(&ix, 0, sizeof(ix));
		size_t np = 1 + rnd(24);
		for (size_t i = 0; i < np; i++) {
			random_text(pats[i], sizeof(pats[i]), true);
			if (rnd(3) == 0) { /* a suffix glob */
				memmove(pats[i] + 1, pats[i], strlen(pats[i]) + 1);
				pats[i][0] = '*';
			}
			if (!pats[i][0])
				strcpy(pats[i], "a");
			assert_int_equal(classify_names_add(&ix, pats[i], &id[i]), 0);
		}
		assert_int_equal(classify_names_build(&ix), 0);
		for (int k = 0; k < 200; k++) {
			char name[64];
			random_text(name, sizeof(name), false);
			size_t len = strlen(name);
			const uint64_t *bits = classify_names_match(&ix, name, len);
			for (size_t i = 0; i < np; i++)
				agrees_with_glob(bits, pats[i], id[i], name, len);
		}
		classify_names_free(&ix);
	}
}

static void long_names_and_many_patterns(void **state)
{
	struct name_index ix;
	char name[1500], pat[300];
	uint32_t id;
	(void)state;
	memset(&ix, 0, sizeof(ix));
	for (int i = 0; i < 130; i++) {
		snprintf(pat, sizeof(pat), i % 2 ? "*.s%d.example" : "h%d.example", i);
		assert_int_equal(classify_names_add(&ix, pat, &id), 0);
		assert_int_equal(id, (uint32_t)i);
	}
	/* A suffix longer than the indexed lengths goes the slow way. */
	memset(pat, 'q', sizeof(pat));
	pat[0] = '*';
	pat[299] = '\0';
	assert_int_equal(classify_names_add(&ix, pat, &id), 0);
	assert_int_equal(classify_names_build(&ix), 0);
	const uint64_t *b = classify_names_match(&ix, "H128.EXAMPLE", 12);
	assert_true(b[2] & 1);
	b = classify_names_match(&ix, "a.b.S129.example", 16);
	assert_true(b[2] >> 1 & 1);
	assert_false(b[2] & 1);
	memset(name, 'Q', sizeof(name));
	/* Longer than any DNS name (255): never matches, as glob_match_ci. */
	b = classify_names_match(&ix, name, 400);
	assert_false(b[id / 64] >> (id % 64) & 1);
	b = classify_names_match(&ix, name, sizeof(name));
	assert_false(b[id / 64] >> (id % 64) & 1);
	classify_names_free(&ix);
}

/* '*', a literal, '*': found anywhere in the name, at its ends too. */
static void inner_literals_agree_with_glob(void **state)
{
	static const char *const pats[] = {"*shop*", "*a*", "*.example*", "*?x*", "**ab**"};
	static const char *const names[] = {
	    "shop", "SHOP.example", "myshop",  "shopping", "xshopx", "sho", "", "a",
	    "b",    ".Example",     "x.examp", "ba",       "xb",     "abab"};
	struct name_index ix;
	uint32_t id[sizeof(pats) / sizeof(*pats)];
	(void)state;
	memset(&ix, 0, sizeof(ix));
	for (size_t i = 0; i < sizeof(pats) / sizeof(*pats); i++)
		assert_int_equal(classify_names_add(&ix, pats[i], &id[i]), 0);
	assert_int_equal(classify_names_build(&ix), 0);
	for (size_t k = 0; k < sizeof(names) / sizeof(*names); k++) {
		size_t len = strlen(names[k]);
		const uint64_t *bits = classify_names_match(&ix, names[k], len);
		for (size_t i = 0; i < sizeof(pats) / sizeof(*pats); i++)
			agrees_with_glob(bits, pats[i], id[i], names[k], len);
	}
	classify_names_free(&ix);
}

/*
 * Suffix and exact literals at the lengths where the index changes how it
 * reads a span (under and over eight bytes) or which word of its length
 * set it looks in (63, 64, 65, ...), against names around those lengths.
 */
static void names_around_word_lengths(void **state)
{
	static const size_t lens[] = {1, 7, 8, 9, 62, 63, 64, 65, 127, 128, 129, 200};
	enum { NL = sizeof(lens) / sizeof(*lens) };
	struct name_index ix;
	char text[256], pats[2 * NL][256];
	uint32_t id[2 * NL];
	(void)state;
	for (size_t i = 0; i < sizeof(text) - 1; i++)
		text[i] = "abcdefghij.-xyz"[(i * 7 + i / 5) % 15];
	text[sizeof(text) - 1] = '\0';
	memset(&ix, 0, sizeof(ix));
	for (size_t i = 0; i < NL; i++) {
		const char *tail = text + sizeof(text) - 1 - lens[i];
		snprintf(pats[2 * i], sizeof(pats[0]), "*%s", tail);
		/* No exact name of 64 or 128 bytes: the suffix alone finds those. */
		snprintf(pats[2 * i + 1], sizeof(pats[0]), "%s", lens[i] % 64 ? tail : "-");
		assert_int_equal(classify_names_add(&ix, pats[2 * i], &id[2 * i]), 0);
		assert_int_equal(classify_names_add(&ix, pats[2 * i + 1], &id[2 * i + 1]), 0);
	}
	assert_int_equal(classify_names_build(&ix), 0);
	for (size_t len = 0; len < sizeof(text); len++) {
		char name[256];
		for (size_t i = 0; i < len; i++) { /* the upper-case tail of text */
			char ch = text[sizeof(text) - 1 - len + i];
			name[i] = (char)(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
		}
		const uint64_t *bits = classify_names_match(&ix, name, len);
		for (size_t i = 0; i < 2 * NL; i++)
			agrees_with_glob(bits, pats[i], id[i], name, len);
	}
	classify_names_free(&ix);
}

/* ---- the reference: every rule, every term, in order ---- */

static enum tri ref_term(const struct rule_term *t, const struct facts *x)
{
	switch (t->kind) {
	case CONFIG_TERM_PORT:
		if (x->proto != 6 && x->proto != 17)
			return TRI_NO;
		if (t->u.port.proto && t->u.port.proto != x->proto)
			return TRI_NO;
		return x->port >= t->u.port.lo && x->port <= t->u.port.hi ? TRI_YES : TRI_NO;
	case CONFIG_TERM_SNI:
		if (x->sni_known != TRI_YES)
			return x->sni_known;
		return glob_match_ci(t->u.s.text, x->sni, x->sni_len) ? TRI_YES : TRI_NO;
	case CONFIG_TERM_HOST:
		if (x->head_known != TRI_YES)
			return x->head_known;
		return x->host.len && glob_match_ci(t->u.s.text, x->host.p, x->host.len) ? TRI_YES
		                                                                         : TRI_NO;
	case CONFIG_TERM_PATH:
		if (x->head_known != TRI_YES)
			return x->head_known;
		return x->path.len >= strlen(t->u.s.text) &&
		               memcmp(x->path.p, t->u.s.text, strlen(t->u.s.text)) == 0
		           ? TRI_YES
		           : TRI_NO;
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
	default:
		return TRI_NO;
	}
}

static bool ref_decide(const struct classify *c, const struct facts *x, bool final, uint16_t *out)
{
	bool pending = false, mixed = false;
	uint16_t psvc = 0;
	enum tri quic_or_tls = x->tls == TRI_YES || x->quic == TRI_YES           ? TRI_YES
	                       : x->tls == TRI_UNKNOWN || x->quic == TRI_UNKNOWN ? TRI_UNKNOWN
	                                                                         : TRI_NO;
	size_t n = c->nrules + 4;
	for (size_t i = 0; i < n; i++) {
		enum tri v;
		uint16_t svc;
		if (i < c->nrules) {
			v = TRI_YES;
			for (size_t k = 0; k < c->rules[i].nterms; k++) {
				enum tri t = ref_term(&c->rules[i].terms[k], x);
				if (t == TRI_NO) {
					v = TRI_NO;
					break;
				}
				if (t == TRI_UNKNOWN)
					v = TRI_UNKNOWN;
			}
			svc = c->rules[i].service;
		} else {
			const enum tri vs[] = {x->mcp, x->websocket, quic_or_tls, x->http};
			const uint16_t ids[] = {c->id_mcp, c->id_websocket, c->id_https,
			                        c->id_http};
			v = vs[i - c->nrules];
			svc = ids[i - c->nrules];
		}
		if (final && v == TRI_UNKNOWN)
			v = TRI_NO;
		if (v == TRI_YES) {
			if (pending && (mixed || psvc != svc))
				return false;
			*out = svc;
			return true;
		}
		if (v == TRI_UNKNOWN) {
			if (!pending) {
				pending = true;
				psvc = svc;
			} else if (psvc != svc) {
				mixed = true;
			}
		}
	}
	if (pending)
		return false;
	if ((x->proto == 6 || x->proto == 17) && x->port == 443)
		*out = c->id_https;
	else if (x->proto == 6 && x->port == 80)
		*out = c->id_http;
	else
		*out = c->id_other;
	return true;
}

static enum tri rtri(void)
{
	return (enum tri)rnd(3);
}

static void decide_agrees_with_every_rule_in_order(void **state)
{
	static const char *const names[] = {"www.example.com", "api.example.com", "a.b.example.net",
	                                    "WS.Example.COM",  "x.example",       "example.com",
	                                    "shop.test",       "localhost:8080"};
	static const char *const pats[] = {"www.example.com", "*.example.com", "*.example.net",
	                                   "ws.example.com",  "*shop*",        "a?i.example.com",
	                                   "*example*",       "localhost*",    "example.com"};
	static const char *const terms[] = {"port=443",     "port=80",         "port=8000-9000",
	                                    "port=udp/443", "path=/a",         "detect=tls",
	                                    "detect=http",  "detect=mcp",      "path=/",
	                                    "detect=quic",  "detect=websocket"};
	(void)state;
	for (int round = 0; round < 300; round++) {
		static char conf[65536];
		size_t off = 0;
		/* Mostly one word of rules; some rounds several words, and one past the masks. */
		int nsvc = round == 7        ? 200
		           : round % 10 == 0 ? 40 + (int)rnd(30)
		                             : 1 + (int)rnd(12);
		for (int s = 0; s < nsvc; s++) {
			off +=
			    (size_t)snprintf(conf + off, sizeof(conf) - off, "[service s%d]\n", s);
			for (int m = 0, nm = round == 7 ? 3 : 1 + (int)rnd(3); m < nm; m++) {
				off += (size_t)snprintf(conf + off, sizeof(conf) - off, "match =");
				for (int t = 0, nt = 1 + (int)rnd(2); t < nt; t++) {
					uint32_t k = rnd(3);
					if (k == 0)
						off += (size_t)snprintf(
						    conf + off, sizeof(conf) - off, " sni=%s",
						    pats[rnd(sizeof(pats) / sizeof(*pats))]);
					else if (k == 1)
						off += (size_t)snprintf(
						    conf + off, sizeof(conf) - off, " host=%s",
						    pats[rnd(sizeof(pats) / sizeof(*pats))]);
					else
						off += (size_t)snprintf(
						    conf + off, sizeof(conf) - off, " %s",
						    terms[rnd(sizeof(terms) / sizeof(*terms))]);
				}
				off += (size_t)snprintf(conf + off, sizeof(conf) - off, "\n");
			}
		}
		struct config *cfg = NULL;
		struct classify *c = NULL;
		struct err e;
		if (config_parse(conf, strlen(conf), "t.conf", &cfg, &e) != 0)
			fail_msg("config: %s\n%s", e.msg, conf);
		assert_int_equal(classify_new(cfg, &c, &e), 0);
		config_free(cfg);
		for (int k = 0; k < 300; k++) {
			uint8_t addr[16] = {192, 0, 2, 1};
			const char *sni = names[rnd(sizeof(names) / sizeof(*names))];
			const char *host = names[rnd(sizeof(names) / sizeof(*names))];
			struct facts x = {
			    .proto = rnd(2) ? 6 : 17,
			    .family = AF_INET,
			    .addr = addr,
			    .port = (uint16_t[]){443, 80, 8080, 22}[rnd(4)],
			    .tls = rtri(),
			    .http = rtri(),
			    .websocket = rtri(),
			    .mcp = rtri(),
			    .quic = rtri(),
			    .sni_known = rtri(),
			    .sni = sni,
			    .sni_len = strlen(sni),
			    .head_known = rtri(),
			    .host = {host, rnd(4) ? strlen(host) : 0},
			    .path = {"/abc", rnd(5)},
			};
			bool final = rnd(4) == 0;
			uint16_t want = UINT16_MAX, got = UINT16_MAX;
			bool wd = ref_decide(c, &x, final, &want);
			bool gd = classify_decide(c, &x, final, &got);
			if (wd != gd || (wd && want != got))
				fail_msg("round %d: reference %d/%u, engine %d/%u\n%s", round, wd,
				         want, gd, got, conf);
		}
		classify_free(c);
	}
}

static void last_64_ports_learnt_are_known(void **state)
{
	struct classify *c = NULL;
	struct err e;
	uint8_t addr[16] = {192, 0, 2, 1};
	uint16_t svc;
	(void)state;
	assert_int_equal(classify_new(NULL, &c, &e), 0);
	struct facts x = {.proto = 6, .family = AF_INET, .addr = addr};
	for (uint16_t p = 1; p <= 100; p++) {
		x.port = p;
		classify_port_learn(c, &x, (uint16_t)(p % 5));
	}
	x.port = 50;
	classify_port_learn(c, &x, 3); /* known: updated in place, nothing forgotten */
	for (uint16_t p = 1; p <= 100; p++) {
		x.port = p;
		bool known = classify_port_known(c, &x, &svc);
		assert_int_equal(known, p > 36);
		if (known)
			assert_int_equal(svc, p == 50 ? 3 : p % 5);
	}
	x.port = 100;
	x.proto = 17;
	assert_false(classify_port_known(c, &x, &svc));
	x.proto = 6;
	x.family = AF_INET6;
	assert_false(classify_port_known(c, &x, &svc));
	classify_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(name_index_agrees_with_glob),
	    cmocka_unit_test(long_names_and_many_patterns),
	    cmocka_unit_test(names_around_word_lengths),
	    cmocka_unit_test(inner_literals_agree_with_glob),
	    cmocka_unit_test(decide_agrees_with_every_rule_in_order),
	    cmocka_unit_test(last_64_ports_learnt_are_known),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
