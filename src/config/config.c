/*
 * INI parsing with inih, fed through a reader that counts lines so every
 * message can name file:line.  Validation of term values happens here; what
 * a term means to a packet is the business of classify and nft.
 */
#include "config/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util/date.h"
#include "util/num.h"

const char *const config_builtin_services[5] = {"mcp", "websocket", "https", "http", "other"};

enum section_kind { SEC_NONE, SEC_COSTS, SEC_SERVICE, SEC_PROVIDER };

struct parse {
	struct config *c;
	struct err *e;
	const char *name;
	FILE *f;
	unsigned line;         /* number of the line last handed to inih */
	unsigned section_line; /* line of the last section header read */
	unsigned entered_line; /* section_line of the section entered last */
	bool at_line_start;
	char text[256];    /* start of the line last read, for messages */
	char section[256]; /* current section as written */
	enum section_kind kind;
	bool failed;
};

static char *reader(char *buf, int size, void *stream)
{
	struct parse *p = stream;
	char *r = fgets(buf, size, p->f);
	size_t n;

	if (!r)
		return NULL;
	if (p->at_line_start) {
		p->line++;
		snprintf(p->text, sizeof(p->text), "%s", buf);
		p->text[strcspn(p->text, "\r\n")] = '\0';
		if (p->text[strspn(p->text, " \t")] == '[')
			p->section_line = p->line;
	}
	n = strlen(buf);
	p->at_line_start = n > 0 && buf[n - 1] == '\n';
	return r;
}

static int fail(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parse *p, const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_set(p->e, "%s:%u: %s", p->name, p->line, msg);
	p->failed = true;
	return 0;
}

static void *xcalloc(size_t n, size_t size)
{
	void *q = calloc(n ? n : 1, size);
	if (!q)
		abort();
	return q;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		abort();
	return d;
}

static void *grow(void *arr, size_t n, size_t size)
{
	/* Arrays grow one element at a time; configs are small. */
	void *q = realloc(arr, (n + 1) * size);
	if (!q)
		abort();
	memset((char *)q + n * size, 0, size);
	return q;
}

bool config_valid_service_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64 || !isalpha((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
			return false;
	return true;
}

static int parse_port(const char *v, struct config_term *t, struct err *e)
{
	char lo[16], *dash;
	uint64_t a, b;

	t->u.port.proto = CONFIG_PROTO_ANY;
	if (strncmp(v, "tcp/", 4) == 0) {
		t->u.port.proto = CONFIG_PROTO_TCP;
		v += 4;
	} else if (strncmp(v, "udp/", 4) == 0) {
		t->u.port.proto = CONFIG_PROTO_UDP;
		v += 4;
	}
	if (strlen(v) >= sizeof(lo))
		return err_set(e, "bad port '%s'", v);
	strcpy(lo, v);
	dash = strchr(lo, '-');
	if (dash)
		*dash++ = '\0';
	if (num_parse_u64(lo, 1, 65535, &a, NULL) ||
	    (dash && num_parse_u64(dash, 1, 65535, &b, NULL)))
		return err_set(e, "bad port '%s' (a port 1-65535 or a range like 9000-9100)", v);
	if (!dash)
		b = a;
	if (b < a)
		return err_set(e, "bad port range '%s': end before start", v);
	t->u.port.lo = (uint16_t)a;
	t->u.port.hi = (uint16_t)b;
	return 0;
}

static int parse_addr(const char *v, struct config_term *t, struct err *e)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(v, '/');
	size_t n = slash ? (size_t)(slash - v) : strlen(v);
	uint64_t prefix;
	int max;

	if (n >= sizeof(host))
		return err_set(e, "bad address '%s'", v);
	memcpy(host, v, n);
	host[n] = '\0';
	memset(t->u.addr.addr, 0, sizeof(t->u.addr.addr));
	if (inet_pton(AF_INET, host, t->u.addr.addr) == 1) {
		t->u.addr.family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, host, t->u.addr.addr) == 1) {
		t->u.addr.family = AF_INET6;
		max = 128;
	} else {
		return err_set(e, "bad address '%s' (an IPv4 or IPv6 address or CIDR)", v);
	}
	prefix = (uint64_t)max;
	if (slash && num_parse_u64(slash + 1, 0, (uint64_t)max, &prefix, NULL))
		return err_set(e, "bad prefix length in '%s' (0-%d)", v, max);
	t->u.addr.prefix = (uint8_t)prefix;
	/* Clear host bits so that comparisons can mask once. */
	for (int i = 0; i < 16; i++) {
		int bits = (int)prefix - i * 8;
		uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
		t->u.addr.addr[i] &= mask;
	}
	return 0;
}

static const char *const detect_names[] = {"tls", "http", "websocket", "mcp", "quic"};
static const char *const kind_names[] = {"port", "addr",   "sni",    "host",
                                         "path", "detect", "cgroup", "uid"};

const char *config_term_kind_name(enum config_term_kind k)
{
	return (unsigned)k < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[k] : "?";
}

const char *config_detect_name(enum config_detect d)
{
	return (unsigned)d < sizeof(detect_names) / sizeof(detect_names[0]) ? detect_names[d] : "?";
}

static int parse_term(const char *key, const char *v, struct config_term *t, struct err *e)
{
	size_t k;

	for (k = 0; k < sizeof(kind_names) / sizeof(kind_names[0]); k++)
		if (strcmp(key, kind_names[k]) == 0)
			break;
	if (k == sizeof(kind_names) / sizeof(kind_names[0]))
		return err_set(e,
		               "unknown match term '%s' (port, addr, sni, host, path, detect, "
		               "cgroup, uid)",
		               key);
	t->kind = (enum config_term_kind)k;
	if (!*v)
		return err_set(e, "empty value for '%s'", key);
	switch (t->kind) {
	case CONFIG_TERM_PORT:
		return parse_port(v, t, e);
	case CONFIG_TERM_ADDR:
		return parse_addr(v, t, e);
	case CONFIG_TERM_SNI:
	case CONFIG_TERM_HOST:
		t->u.text = xstrdup(v);
		for (char *p = t->u.text; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		return 0;
	case CONFIG_TERM_PATH:
		if (v[0] != '/')
			return err_set(e, "path '%s' must start with '/'", v);
		t->u.text = xstrdup(v);
		return 0;
	case CONFIG_TERM_CGROUP:
		while (*v == '/')
			v++;
		if (!*v)
			return err_set(e, "empty cgroup path");
		t->u.text = xstrdup(v);
		return 0;
	case CONFIG_TERM_DETECT:
		for (size_t d = 0; d < sizeof(detect_names) / sizeof(detect_names[0]); d++)
			if (strcmp(v, detect_names[d]) == 0) {
				t->u.detect = (enum config_detect)d;
				return 0;
			}
		return err_set(e, "unknown detector '%s' (tls, http, websocket, mcp, quic)", v);
	case CONFIG_TERM_UID: {
		uint64_t uid;
		if (num_parse_u64(v, 0, UINT32_MAX - 1, &uid, NULL) == 0) {
			t->u.uid = (uint32_t)uid;
			return 0;
		}
		struct passwd pw, *res = NULL;
		char buf[4096];
		if (getpwnam_r(v, &pw, buf, sizeof(buf), &res) != 0 || !res)
			return err_set(e, "unknown user '%s'", v);
		t->u.uid = (uint32_t)res->pw_uid;
		return 0;
	}
	}
	return err_set(e, "unknown match term '%s'", key);
}

static bool term_has_text(enum config_term_kind k)
{
	return k == CONFIG_TERM_SNI || k == CONFIG_TERM_HOST || k == CONFIG_TERM_PATH ||
	       k == CONFIG_TERM_CGROUP;
}

void config_match_release(struct config_match *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nterms; i++)
		if (term_has_text(m->terms[i].kind))
			free(m->terms[i].u.text);
	free(m->terms);
	free(m->source);
	memset(m, 0, sizeof(*m));
}

int config_parse_match(const char *value, struct config_match *m, struct err *e)
{
	const char *p = value;

	memset(m, 0, sizeof(*m));
	m->source = xstrdup(value);
	while (*p) {
		char word[512], *eq;
		size_t n;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		n = strcspn(p, " \t");
		if (n >= sizeof(word)) {
			config_match_release(m);
			return err_set(e, "match term too long");
		}
		memcpy(word, p, n);
		word[n] = '\0';
		p += n;
		eq = strchr(word, '=');
		if (!eq) {
			config_match_release(m);
			return err_set(e, "match term '%s' is not key=value", word);
		}
		*eq = '\0';
		m->terms = grow(m->terms, m->nterms, sizeof(*m->terms));
		if (parse_term(word, eq + 1, &m->terms[m->nterms], e)) {
			config_match_release(m);
			return -1;
		}
		m->nterms++;
	}
	if (m->nterms == 0) {
		config_match_release(m);
		return err_set(e, "empty match");
	}
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1")) {
		*out = true;
		return 0;
	}
	if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0")) {
		*out = false;
		return 0;
	}
	return -1;
}

/* Opens a new section when inih reports a section name we have not seen. */
static int enter_section(struct parse *p, const char *section)
{
	char kind[32], name[256];
	unsigned key_line = p->line;
	int n = 0;

	/* Messages about the section name the header's line, not the key's. */
	p->line = p->section_line;
	snprintf(p->section, sizeof(p->section), "%s", section);
	if (strcmp(section, "costs") == 0) {
		p->kind = SEC_COSTS;
		p->line = key_line;
		return 1;
	}
	if (sscanf(section, "%31s %255s%n", kind, name, &n) != 2 || section[n] != '\0')
		return fail(p,
		            "bad section '[%s]' (expected [costs], [service NAME] or "
		            "[provider NAME])",
		            section);
	if (strcmp(kind, "service") == 0) {
		if (!config_valid_service_name(name))
			return fail(p,
			            "bad service name '%s' (a letter, then letters, digits, "
			            "'_', '.' or '-', at most 64)",
			            name);
		for (size_t i = 0; i < p->c->nservices; i++)
			if (strcmp(p->c->services[i].name, name) == 0)
				return fail(p, "duplicate section '[service %s]'", name);
		p->c->services = grow(p->c->services, p->c->nservices, sizeof(*p->c->services));
		struct config_service *s = &p->c->services[p->c->nservices++];
		s->name = xstrdup(name);
		s->line = p->line;
		s->billable = true;
		p->kind = SEC_SERVICE;
		p->line = key_line;
		return 1;
	}
	if (strcmp(kind, "provider") == 0) {
		for (size_t i = 0; i < p->c->nproviders; i++)
			if (strcmp(p->c->providers[i].name, name) == 0)
				return fail(p, "duplicate section '[provider %s]'", name);
		p->c->providers = grow(p->c->providers, p->c->nproviders, sizeof(*p->c->providers));
		struct config_provider *pr = &p->c->providers[p->c->nproviders++];
		pr->name = xstrdup(name);
		pr->line = p->line;
		p->kind = SEC_PROVIDER;
		p->line = key_line;
		return 1;
	}
	return fail(p, "unknown section kind '[%s]' (expected costs, service or provider)",
	            section);
}

static int handler(void *user, const char *section, const char *key, const char *value)
{
	struct parse *p = user;
	struct err sub;

	if (p->failed)
		return 0;
	if (!*section)
		return fail(p, "'%s' is outside any section", key);
	if ((p->section_line != p->entered_line || strcmp(section, p->section) != 0) &&
	    !enter_section(p, section))
		return 0;
	p->entered_line = p->section_line;
	switch (p->kind) {
	case SEC_COSTS:
		if (strcmp(key, "host") == 0) {
			if (!*value)
				return fail(p, "empty host");
			free(p->c->host);
			p->c->host = xstrdup(value);
		} else if (strcmp(key, "timezone") == 0) {
			struct err ze;
			if (date_zone_check(value, &ze))
				return fail(p, "%s", ze.msg);
			free(p->c->timezone);
			p->c->timezone = xstrdup(value);
		} else if (strcmp(key, "sample_gap") == 0) {
			uint64_t v;
			if (num_parse_u64(value, 1, 86400 * 31, &v, NULL))
				return fail(p, "bad sample_gap '%s' (seconds, 1 to 2678400)",
				            value);
			p->c->sample_gap = (unsigned)v;
		} else {
			return fail(p, "unknown key '%s' in [costs] (host, timezone, sample_gap)",
			            key);
		}
		return 1;
	case SEC_SERVICE: {
		struct config_service *s = &p->c->services[p->c->nservices - 1];
		if (strcmp(key, "match") == 0) {
			struct config_match m;
			if (config_parse_match(value, &m, &sub)) {
				return fail(p, "%.600s in '%.200s'", sub.msg, value);
			}
			m.line = p->line;
			s->matches = grow(s->matches, s->nmatches, sizeof(*s->matches));
			s->matches[s->nmatches++] = m;
		} else if (strcmp(key, "billable") == 0) {
			if (parse_bool(value, &s->billable))
				return fail(p, "bad billable '%s' (yes or no)", value);
		} else if (strcmp(key, "description") != 0) {
			return fail(p,
			            "unknown key '%s' in a service (match, billable, "
			            "description)",
			            key);
		}
		return 1;
	}
	case SEC_PROVIDER: {
		struct config_provider *pr = &p->c->providers[p->c->nproviders - 1];
		pr->kv = grow(pr->kv, pr->nkv, sizeof(*pr->kv));
		pr->kv[pr->nkv].key = xstrdup(key);
		pr->kv[pr->nkv].value = xstrdup(value);
		pr->kv[pr->nkv].line = p->line;
		pr->nkv++;
		return 1;
	}
	case SEC_NONE:
		break;
	}
	return fail(p, "unexpected '%s'", key);
}

static int parse_file(FILE *f, const char *name, struct config **out, struct err *e)
{
	struct config *c = xcalloc(1, sizeof(*c));
	struct parse p = {.c = c, .e = e, .name = name, .f = f, .at_line_start = true};
	int rc;

	c->path = xstrdup(name);
	c->sample_gap = 900;
	ini_allow_multiline = false;
	ini_stop_on_first_error = true;
	ini_use_stack = false;
	ini_allow_realloc = true;
	ini_max_line = 65536;
	rc = ini_parse_stream(reader, &p, handler, &p);
	if (rc != 0 && !p.failed) {
		if (rc < 0)
			err_set(e, "%s: cannot read", name);
		else
			err_set(e, "%s:%d: syntax error: '%s'", name, rc, p.text);
		p.failed = true;
	}
	if (!p.failed && ferror(f)) {
		err_set(e, "%s: read error", name);
		p.failed = true;
	}
	if (p.failed) {
		config_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

int config_parse(const char *text, size_t len, const char *name, struct config **out, struct err *e)
{
	FILE *f;
	int rc;

	if (len == 0) {
		*out = xcalloc(1, sizeof(**out));
		(*out)->path = xstrdup(name);
		(*out)->sample_gap = 900;
		return 0;
	}
	f = fmemopen((void *)text, len, "r");
	if (!f)
		return err_set(e, "%s: %s", name, strerror(errno));
	rc = parse_file(f, name, out, e);
	fclose(f);
	return rc;
}

int config_load(const char *path, bool must_exist, struct config **out, struct err *e)
{
	FILE *f = fopen(path, "r");
	int rc;

	if (!f) {
		if (errno == ENOENT && !must_exist) {
			*out = xcalloc(1, sizeof(**out));
			(*out)->sample_gap = 900;
			return 0;
		}
		return err_set(e, "cannot open config '%s': %s", path, strerror(errno));
	}
	rc = parse_file(f, path, out, e);
	fclose(f);
	return rc;
}

void config_free(struct config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nservices; i++) {
		for (size_t j = 0; j < c->services[i].nmatches; j++)
			config_match_release(&c->services[i].matches[j]);
		free(c->services[i].matches);
		free(c->services[i].name);
	}
	for (size_t i = 0; i < c->nproviders; i++) {
		for (size_t j = 0; j < c->providers[i].nkv; j++) {
			free(c->providers[i].kv[j].key);
			free(c->providers[i].kv[j].value);
		}
		free(c->providers[i].kv);
		free(c->providers[i].name);
	}
	free(c->services);
	free(c->providers);
	free(c->path);
	free(c->host);
	free(c->timezone);
	free(c);
}

bool config_service_billable(const struct config *c, const char *name)
{
	for (size_t i = 0; c && i < c->nservices; i++)
		if (strcmp(c->services[i].name, name) == 0)
			return c->services[i].billable;
	return true;
}

const char *config_provider_get(const struct config_provider *p, const char *key)
{
	const char *v = NULL;
	for (size_t i = 0; i < p->nkv; i++)
		if (strcmp(p->kv[i].key, key) == 0)
			v = p->kv[i].value;
	return v;
}
