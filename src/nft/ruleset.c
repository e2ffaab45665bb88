/*
 * Writes the `inet costs` table: a named counter pair per service, a base
 * chain on the output hook (egress) and one on the input hook (ingress), each
 * jumping to one chain per service whose rules count and accept, so the
 * first service that matches a packet is the only one that counts it.  It
 * does not talk to the kernel.
 */
#include "nft/ruleset.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

/*
 * The hooks run at priority 200, after the usual filter chains (0), so a
 * packet a firewall drops there is not counted as sent or received.
 */
#define NFTC_PRIORITY 200

static const char uid_ingress_reason[] =
    "the socket owner of a received packet is not known in the input hook, so uid "
    "counts egress only";

struct build {
	const struct config *c;
	const char *cgroup_root;
	struct nftc_ruleset *r;
	size_t skip_cap;
	bool oom;
	enum config_proto line_proto; /* the protocol a port term of the line names */
	bool payload;                 /* the table feeds `costs watch` */
	bool fwd;                     /* writing the chains of the forward hook */
};

static const char fwd_reason[] = "forwarded packets have no local socket";

static const char payload_reason[] =
    "it needs the packet payload: such connections count by port until `costs watch` "
    "decides them";

char *nftc_counter_name(const char *service, bool egress, char *buf, size_t len)
{
	snprintf(buf, len, "%s_%s", egress ? "egress" : "ingress", service);
	return buf;
}

bool nftc_config_payload(const struct config *c)
{
	for (size_t i = 0; c && i < c->nservices; i++)
		for (size_t j = 0; j < c->services[i].nmatches; j++)
			for (size_t k = 0; k < c->services[i].matches[j].nterms; k++)
				switch (c->services[i].matches[j].terms[k].kind) {
				case CONFIG_TERM_SNI:
				case CONFIG_TERM_HOST:
				case CONFIG_TERM_PATH:
				case CONFIG_TERM_DETECT:
					return true;
				default:
					break;
				}
	return false;
}

uint32_t nftc_service_mark(const char *service)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)service; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h ? h : 1;
}

/*
 * The statement that sends a packet counted by service to `costs watch`,
 * "" without payload rules.
 */
static const char *log_stmt(const struct build *b, const char *service, bool egress, char *buf,
                            size_t len)
{
	if (!b->payload)
		return "";
	snprintf(buf, len, " log prefix \"%c:%s\" group %u snaplen %u", egress ? 'e' : 'i', service,
	         NFTC_NFLOG_GROUP, NFTC_SNAPLEN);
	return buf;
}

static void add_skip(struct build *b, const char *service, unsigned line, const char *term,
                     const char *reason, bool egress_only)
{
	struct nftc_ruleset *r = b->r;

	if (r->nskips == b->skip_cap) {
		size_t nc = b->skip_cap ? b->skip_cap * 2 : 8;
		struct nftc_skip *s = realloc(r->skips, nc * sizeof(*s));
		if (!s) {
			b->oom = true;
			return;
		}
		r->skips = s;
		b->skip_cap = nc;
	}
	r->skips[r->nskips++] =
	    (struct nftc_skip){service, line, term, reason, egress_only, reason == payload_reason};
}

static bool has_service(const struct nftc_ruleset *r, const char *name)
{
	for (size_t i = 0; i < r->nservices; i++)
		if (strcmp(r->services[i], name) == 0)
			return true;
	return false;
}

static void add_service(struct build *b, const char *name)
{
	struct nftc_ruleset *r = b->r;
	char **s;

	if (has_service(r, name))
		return;
	s = realloc(r->services, (r->nservices + 1) * sizeof(*s));
	if (!s || !(s[r->nservices] = strdup(name))) {
		if (s)
			r->services = s;
		b->oom = true;
		return;
	}
	r->services = s;
	r->nservices++;
}

/* nft quoted strings have no escapes: refuse what could end or break one. */
static bool quotable(const char *s)
{
	for (; *s; s++)
		if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static unsigned path_levels(const char *p)
{
	unsigned n = 0;

	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		n++;
		while (*p && *p != '/')
			p++;
	}
	return n;
}

/*
 * Writes the nft expression of term t for one direction into f.  Returns 0,
 * or -1 with *reason set when nftables cannot express it.
 */
static int write_term(struct build *b, FILE *f, const struct config_term *t, bool egress,
                      const char **reason)
{
	const char *side = egress ? "s" : "d";
	char addr[INET6_ADDRSTRLEN];

	switch (t->kind) {
	case CONFIG_TERM_PORT: {
		/* Beside a tcp/ or udp/ port, a port of either protocol means that one. */
		enum config_proto proto = t->u.port.proto ? t->u.port.proto : b->line_proto;
		if (proto == CONFIG_PROTO_TCP)
			fprintf(f, " tcp %sport ", side);
		else if (proto == CONFIG_PROTO_UDP)
			fprintf(f, " udp %sport ", side);
		else
			fprintf(f, " meta l4proto { tcp, udp } th %sport ", side);
		if (t->u.port.lo == t->u.port.hi)
			fprintf(f, "%u", t->u.port.lo);
		else
			fprintf(f, "%u-%u", t->u.port.lo, t->u.port.hi);
		return 0;
	}
	case CONFIG_TERM_ADDR:
		if (!inet_ntop(t->u.addr.family, t->u.addr.addr, addr, sizeof(addr))) {
			*reason = "the address cannot be written";
			return -1;
		}
		fprintf(f, " %s %saddr %s/%u", t->u.addr.family == AF_INET ? "ip" : "ip6", side,
		        addr, t->u.addr.prefix);
		return 0;
	case CONFIG_TERM_UID:
		if (b->fwd) {
			*reason = fwd_reason;
			return -1;
		}
		if (!egress) {
			*reason = uid_ingress_reason;
			return -1;
		}
		fprintf(f, " meta skuid %u", (unsigned)t->u.uid);
		return 0;
	case CONFIG_TERM_CGROUP: {
		char path[4096];
		struct stat sb;
		unsigned levels = path_levels(t->u.text);

		if (b->fwd) {
			*reason = fwd_reason;
			return -1;
		}
		if (!quotable(t->u.text) || levels == 0) {
			*reason = "the cgroup path holds characters nftables cannot quote";
			return -1;
		}
		if (!b->cgroup_root) {
			*reason =
			    "there is no cgroup v2 hierarchy on /sys/fs/cgroup, where nftables "
			    "looks cgroups up";
			return -1;
		}
		snprintf(path, sizeof(path), "%s/%s", b->cgroup_root, t->u.text);
		if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
			*reason =
			    "the cgroup does not exist under the cgroup v2 root, and nftables "
			    "resolves it when the ruleset is loaded";
			return -1;
		}
		fprintf(f, " socket cgroupv2 level %u \"%s\"", levels, t->u.text);
		return 0;
	}
	case CONFIG_TERM_SNI:
	case CONFIG_TERM_HOST:
	case CONFIG_TERM_PATH:
	case CONFIG_TERM_DETECT:
		*reason = b->payload
		              ? payload_reason
		              : "it needs the packet payload, which nftables counters do not "
		                "parse";
		return -1;
	}
	*reason = "unknown term";
	return -1;
}

/*
 * Whether the terms of m can never hold together in a way nft refuses to
 * load: TCP and UDP ports, or IPv4 and IPv6 addresses, on one line.  Sets
 * *term to the kind at fault.
 */
static bool contradicts(const struct config_match *m, const char **term)
{
	unsigned protos = 0, families = 0;

	for (size_t i = 0; i < m->nterms; i++) {
		const struct config_term *t = &m->terms[i];
		if (t->kind == CONFIG_TERM_PORT && t->u.port.proto != CONFIG_PROTO_ANY)
			protos |= t->u.port.proto == CONFIG_PROTO_TCP ? 1 : 2;
		if (t->kind == CONFIG_TERM_ADDR)
			families |= t->u.addr.family == AF_INET ? 1 : 2;
	}
	if (protos == 3)
		*term = "port";
	else if (families == 3)
		*term = "addr";
	return protos == 3 || families == 3;
}

/*
 * Writes one rule for match m into f, or records why it cannot be written.
 * Returns true when a rule was written.  Skips are recorded on the egress
 * pass only, so each is reported once.
 */
static bool write_match(struct build *b, FILE *f, const struct config_service *svc,
                        const struct config_match *m, bool egress)
{
	char cname[128], lbuf[192], *buf = NULL;
	size_t len = 0, failed = 0, uid_failed = 0;
	const char *failed_term = NULL;
	FILE *rf = open_memstream(&buf, &len);

	if (!rf) {
		b->oom = true;
		return false;
	}
	if (contradicts(m, &failed_term)) {
		fclose(rf);
		free(buf);
		if (egress && !b->fwd)
			add_skip(b, svc->name, m->line, failed_term,
			         "the line's terms contradict each other, so it never matches",
			         false);
		return false;
	}
	b->line_proto = CONFIG_PROTO_ANY;
	for (size_t i = 0; i < m->nterms; i++)
		if (m->terms[i].kind == CONFIG_TERM_PORT && m->terms[i].u.port.proto)
			b->line_proto = m->terms[i].u.port.proto;
	for (size_t i = 0; i < m->nterms; i++) {
		const char *reason = NULL;
		if (write_term(b, rf, &m->terms[i], egress, &reason) == 0)
			continue;
		failed++;
		if (m->terms[i].kind == CONFIG_TERM_UID)
			uid_failed++;
		if (egress && !b->fwd)
			add_skip(b, svc->name, m->line, config_term_kind_name(m->terms[i].kind),
			         reason, false);
	}
	/*
	 * On the ingress pass only a uid term can fail that did not fail on
	 * egress; report it once, and only when the line does apply to egress.
	 */
	if (!egress && !b->fwd && failed > 0 && failed == uid_failed) {
		add_skip(b, svc->name, m->line, "uid", uid_ingress_reason, true);
	}
	if (fclose(rf) != 0)
		b->oom = true;
	if (failed == 0 && buf)
		fprintf(f, "\t\t%s counter name %s%s accept\n", buf + (buf[0] == ' '),
		        nftc_counter_name(svc->name, egress, cname, sizeof(cname)),
		        log_stmt(b, svc->name, egress, lbuf, sizeof(lbuf)));
	free(buf);
	return failed == 0;
}

/* Writes the chain of one service and the jump to it from the base chain. */
static void write_service_chain(struct build *b, FILE *f, FILE *base,
                                const struct config_service *svc, bool egress)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *cf = open_memstream(&buf, &len);
	unsigned rules = 0;

	if (!cf) {
		b->oom = true;
		return;
	}
	for (size_t i = 0; i < svc->nmatches; i++) {
		const struct config_match *m = &svc->matches[i];
		char *rule = NULL;
		size_t rlen = 0;
		FILE *rf = open_memstream(&rule, &rlen);
		bool ok;

		if (!rf) {
			b->oom = true;
			break;
		}
		ok = write_match(b, rf, svc, m, egress);
		if (fclose(rf) != 0)
			b->oom = true;
		/* Comments carry the config line; a newline in them would end the comment. */
		if (quotable(m->source))
			fprintf(cf, "\t\t# line %u: %s%s\n", m->line, m->source,
			        ok ? "" : " (left out: nftables cannot express it)");
		if (ok && rule) {
			fputs(rule, cf);
			rules++;
		}
		free(rule);
	}
	if (fclose(cf) != 0)
		b->oom = true;
	if (rules > 0) {
		const char *pre = b->fwd ? (egress ? "fout" : "fin") : (egress ? "out" : "in");
		fprintf(f, "\tchain %s_%s {\n%s\t}\n\n", pre, svc->name, buf);
		fprintf(base, "\t\tjump %s_%s\n", pre, svc->name);
	}
	free(buf);
}

/* The built-in services that ports can express, after the config's services. */
static void write_builtins(const struct build *b, FILE *base, bool egress)
{
	char cname[64], lbuf[192];
	const char *side = egress ? "s" : "d";

	fprintf(base, "\t\tmeta l4proto { tcp, udp } th %sport 443 counter name %s%s accept\n",
	        side, nftc_counter_name("https", egress, cname, sizeof(cname)),
	        log_stmt(b, "https", egress, lbuf, sizeof(lbuf)));
	fprintf(base, "\t\ttcp %sport 80 counter name %s%s accept\n", side,
	        nftc_counter_name("http", egress, cname, sizeof(cname)),
	        log_stmt(b, "http", egress, lbuf, sizeof(lbuf)));
	/* Only TCP and UDP connections can be decided and marked. */
	if (b->payload)
		fprintf(base, "\t\tmeta l4proto { tcp, udp } counter name %s%s accept\n",
		        nftc_counter_name("other", egress, cname, sizeof(cname)),
		        log_stmt(b, "other", egress, lbuf, sizeof(lbuf)));
	fprintf(base, "\t\tcounter name %s\n",
	        nftc_counter_name("other", egress, cname, sizeof(cname)));
}

/* Packets of decided connections count by their mark, before any rule. */
static void write_marks(const struct build *b, FILE *base, bool egress)
{
	char cname[128];

	if (!b->payload)
		return;
	for (size_t i = 0; i < b->r->nservices; i++)
		fprintf(base, "\t\tct mark 0x%08x counter name %s accept\n",
		        (unsigned)nftc_service_mark(b->r->services[i]),
		        nftc_counter_name(b->r->services[i], egress, cname, sizeof(cname)));
}

static void write_base(struct build *b, FILE *f, bool egress)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *base = open_memstream(&buf, &len);

	if (!base) {
		b->oom = true;
		return;
	}
	fprintf(base, "\tchain %s%s {\n", b->fwd ? "fwd_" : "", egress ? "egress" : "ingress");
	fprintf(base, "\t\tcounter name %s\n", egress ? NFTC_TOTAL_EGRESS : NFTC_TOTAL_INGRESS);
	write_marks(b, base, egress);
	for (size_t i = 0; i < b->c->nservices; i++)
		write_service_chain(b, f, base, &b->c->services[i], egress);
	write_builtins(b, base, egress);
	fprintf(base, "\t}\n%s", b->fwd ? "" : "\n");
	if (b->fwd)
		goto out;
	fprintf(base, "\tchain %s {\n", egress ? "output" : "input");
	fprintf(base, "\t\ttype filter hook %s priority %d; policy accept;\n",
	        egress ? "output" : "input", NFTC_PRIORITY);
	fprintf(base, "\t\t%s \"lo\" return\n", egress ? "oif" : "iif");
	fprintf(base, "\t\tjump %s\n", egress ? "egress" : "ingress");
	fprintf(base, "\t}\n");
out:
	if (fclose(base) != 0)
		b->oom = true;
	if (buf)
		fputs(buf, f);
	free(buf);
}

int nftc_ruleset_build(const struct config *c, const char *cgroup_root, uint64_t generation,
                       struct nftc_ruleset **out, struct err *e)
{
	struct build b = {.c = c, .cgroup_root = cgroup_root};
	char *text = NULL, cname[128], cname2[128];
	size_t len = 0;
	FILE *f;

	if (!(b.r = calloc(1, sizeof(*b.r))))
		return err_set(e, "out of memory");
	b.payload = nftc_config_payload(c);
	b.r->payload = b.payload;
	for (size_t i = 0; i < c->nservices; i++)
		add_service(&b, c->services[i].name);
	/* The classifier's built-in services, which `costs watch` may decide. */
	if (b.payload) {
		add_service(&b, "mcp");
		add_service(&b, "websocket");
	}
	add_service(&b, "https");
	add_service(&b, "http");
	add_service(&b, "other");
	for (size_t i = 0; b.payload && i < b.r->nservices; i++)
		for (size_t j = 0; j < i; j++)
			if (nftc_service_mark(b.r->services[i]) ==
			    nftc_service_mark(b.r->services[j])) {
				err_set(e,
				        "services '%s' and '%s' have the same conntrack mark; "
				        "rename one",
				        b.r->services[j], b.r->services[i]);
				nftc_ruleset_free(b.r);
				return -1;
			}
	if (!(f = open_memstream(&text, &len))) {
		nftc_ruleset_free(b.r);
		return err_set(e, "out of memory");
	}
	fprintf(f, "# Bytes per service, counted by `costs sample`.  Built by costs from %s.\n",
	        c->path && quotable(c->path) ? c->path : "the built-in services");
	fprintf(f, "table %s %s {\n", NFTC_FAMILY, NFTC_TABLE);
	if (generation)
		fprintf(f, "\tcounter %s { packets %" PRIu64 " bytes 0 }\n", NFTC_GENERATION,
		        generation);
	else
		fprintf(f, "\tcounter %s { }\n", NFTC_GENERATION);
	fprintf(f, "\tcounter %s { }\n\tcounter %s { }\n", NFTC_TOTAL_EGRESS, NFTC_TOTAL_INGRESS);
	for (size_t i = 0; i < b.r->nservices; i++)
		fprintf(f, "\tcounter %s { }\n\tcounter %s { }\n",
		        nftc_counter_name(b.r->services[i], true, cname, sizeof(cname)),
		        nftc_counter_name(b.r->services[i], false, cname2, sizeof(cname2)));
	fputc('\n', f);
	write_base(&b, f, true);
	fputc('\n', f);
	write_base(&b, f, false);
	/*
	 * Forwarded traffic (containers behind NAT, a router): what the
	 * forwarded side sends is egress.  A connection made to it through
	 * DNAT sends in the reply direction, one it makes itself in the
	 * original direction.  Its address and port are the forwarded side's.
	 * The chains are the same but for uid and cgroup lines: forwarded
	 * packets have no local socket, and the kernel refuses socket
	 * expressions reachable from the forward hook.
	 */
	b.fwd = true;
	fputc('\n', f);
	write_base(&b, f, true);
	fputc('\n', f);
	write_base(&b, f, false);
	b.fwd = false;
	fprintf(f,
	        "\n\tchain forward {\n"
	        "\t\ttype filter hook forward priority %d; policy accept;\n"
	        "\t\tct status dnat ct direction reply jump fwd_egress\n"
	        "\t\tct status dnat jump fwd_ingress\n"
	        "\t\tct direction original jump fwd_egress\n"
	        "\t\tjump fwd_ingress\n"
	        "\t}\n}\n",
	        NFTC_PRIORITY);
	if (fclose(f) != 0 || b.oom) {
		free(text);
		nftc_ruleset_free(b.r);
		return err_set(e, "out of memory");
	}
	b.r->text = text;
	*out = b.r;
	return 0;
}

void nftc_ruleset_free(struct nftc_ruleset *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nservices; i++)
		free(r->services[i]);
	free(r->services);
	free(r->skips);
	free(r->text);
	free(r);
}
