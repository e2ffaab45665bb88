/*
 * INI parsing, line by line over the whole file in memory, so every message
 * names file:line and nothing is cut silently: an over-long line, a NUL or
 * control byte, invalid UTF-8 or a name too long is an error.  Validation of
 * term values happens here; what a term means to a packet is the business of
 * classify and nft.
 */
#include "config/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util/date.h"
#include "util/name.h"
#include "util/num.h"

const char *const config_builtin_services[5] = {"mcp", "websocket", "https", "http", "other"};

enum section_kind { SEC_NONE, SEC_COSTS, SEC_SERVICE, SEC_PROVIDER };

struct parse {
	struct config *c;
	struct err *e;
	const char *name;
	unsigned line; /* number of the line being parsed */
	enum section_kind kind;
	bool failed;
};

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

/*
 * Makes room for element n of arr (n elements in use) and zeroes it.  The
 * capacity doubles at each power of two, so no count of its own is needed.
 */
static void *grow(void *arr, size_t n, size_t size)
{
	void *q = arr;

	if (n == 0 || (n & (n - 1)) == 0) {
		q = realloc(arr, (n ? 2 * n : 1) * size);
		if (!q)
			abort();
	}
	memset((char *)q + n * size, 0, size);
	return q;
}

bool config_valid_service_name(const char *s)
{
	return util_name_valid(UTIL_NAME_SERVICE, s);
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
		/* Names longer than this never match (util/glob.h): nor can a pattern. */
		if (strlen(v) > CONFIG_MAX_PATTERN)
			return err_set(e, "%s pattern longer than %d characters", key,
			               CONFIG_MAX_PATTERN);
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
		if (m->nterms == CONFIG_MAX_TERMS) {
			config_match_release(m);
			return err_set(e, "more than %d terms on one match line", CONFIG_MAX_TERMS);
		}
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

/* Opens the section of a header line; text is what stands between the brackets. */
static int enter_section(struct parse *p, const char *text)
{
	const char *kind = text, *name;
	size_t kl, nl;
	struct err sub;

	while (*kind == ' ' || *kind == '\t')
		kind++;
	kl = strcspn(kind, " \t");
	name = kind + kl;
	while (*name == ' ' || *name == '\t')
		name++;
	nl = strcspn(name, " \t");
	if (kl == 5 && strncmp(kind, "costs", 5) == 0 && nl == 0) {
		p->kind = SEC_COSTS;
		return 1;
	}
	if (kl == 0 || nl == 0 || name[nl + strspn(name + nl, " \t")] != '\0')
		return fail(p,
		            "bad section '[%.100s]' (expected [costs], [service NAME] or "
		            "[provider NAME])",
		            text);
	if (kl == 7 && strncmp(kind, "service", 7) == 0) {
		char *n = strndup(name, nl);
		if (!n)
			abort();
		if (util_name_check(UTIL_NAME_SERVICE, n, &sub)) {
			free(n);
			return fail(p, "%s", sub.msg);
		}
		for (size_t i = 0; i < p->c->nservices; i++)
			if (strcmp(p->c->services[i].name, n) == 0) {
				fail(p, "duplicate section '[service %s]'", n);
				free(n);
				return 0;
			}
		if (p->c->nservices == CONFIG_MAX_SERVICES) {
			free(n);
			return fail(p, "more than %d services", CONFIG_MAX_SERVICES);
		}
		p->c->services = grow(p->c->services, p->c->nservices, sizeof(*p->c->services));
		struct config_service *s = &p->c->services[p->c->nservices++];
		s->name = n;
		s->line = p->line;
		s->billable = true;
		p->kind = SEC_SERVICE;
		return 1;
	}
	if (kl == 8 && strncmp(kind, "provider", 8) == 0) {
		char *n = strndup(name, nl);
		if (!n)
			abort();
		/* Provider names select files of the providers folder: a name, not a path. */
		if (!util_name_valid(UTIL_NAME_HOST, n)) {
			fail(
			    p,
			    "bad provider name '%.100s' (letters, digits, '_', '.' or '-'; at most "
			    "253 characters)",
			    n);
			free(n);
			return 0;
		}
		for (size_t i = 0; i < p->c->nproviders; i++)
			if (strcmp(p->c->providers[i].name, n) == 0) {
				fail(p, "duplicate section '[provider %s]'", n);
				free(n);
				return 0;
			}
		if (p->c->nproviders == CONFIG_MAX_PROVIDERS) {
			free(n);
			return fail(p, "more than %d provider sections", CONFIG_MAX_PROVIDERS);
		}
		p->c->providers = grow(p->c->providers, p->c->nproviders, sizeof(*p->c->providers));
		struct config_provider *pr = &p->c->providers[p->c->nproviders++];
		pr->name = n;
		pr->line = p->line;
		p->kind = SEC_PROVIDER;
		return 1;
	}
	return fail(p, "unknown section kind '[%.100s]' (expected costs, service or provider)",
	            text);
}

/* One `key = value` line of the current section. */
static int handler(struct parse *p, const char *key, const char *value)
{
	struct err sub;

	switch (p->kind) {
	case SEC_COSTS:
		if (strcmp(key, "host") == 0) {
			if (util_name_check(UTIL_NAME_HOST, value, &sub))
				return fail(p, "%s", sub.msg);
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
			if (s->nmatches == CONFIG_MAX_MATCHES)
				return fail(p, "more than %d match lines in [service %s]",
				            CONFIG_MAX_MATCHES, s->name);
			if (config_parse_match(value, &m, &sub)) {
				return fail(p, "%.600s in '%.200s'", sub.msg, value);
			}
			m.line = p->line;
			s->matches = grow(s->matches, s->nmatches, sizeof(*s->matches));
			s->matches[s->nmatches++] = m;
		} else if (strcmp(key, "billable") == 0) {
			if (parse_bool(value, &s->billable))
				return fail(p, "bad billable '%s' (yes or no)", value);
			if (!s->billable && s->private_traffic)
				return fail(p,
				            "billable = no in [service %s], whose traffic = "
				            "private is billed at a private rate: keep one",
				            s->name);
		} else if (strcmp(key, "traffic") == 0) {
			if (strcmp(value, "private") == 0)
				s->private_traffic = true;
			else if (strcmp(value, "internet") == 0)
				s->private_traffic = false;
			else
				return fail(
				    p,
				    "bad traffic '%s' (internet, or private: private-network "
				    "traffic to another region of the provider)",
				    value);
			if (s->private_traffic && !s->billable)
				return fail(p,
				            "traffic = private in [service %s], which is "
				            "billable = no: keep one",
				            s->name);
		} else if (strcmp(key, "description") != 0) {
			return fail(p,
			            "unknown key '%s' in a service (match, billable, traffic, "
			            "description)",
			            key);
		}
		return 1;
	}
	case SEC_PROVIDER: {
		struct config_provider *pr = &p->c->providers[p->c->nproviders - 1];
		if (pr->nkv == CONFIG_MAX_KEYS)
			return fail(p, "more than %d keys in [provider %s]", CONFIG_MAX_KEYS,
			            pr->name);
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
	return fail(p, "'%s' is outside any section", key);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Cuts an inline comment: a ';' or '#' at the start of s or after a blank.
 * Returns the end of what is left, blanks before the comment excluded.
 */
static char *cut_comment(char *s)
{
	char *q = s;

	for (; *q; q++)
		if ((*q == ';' || *q == '#') && (q == s || is_blank(q[-1])))
			break;
	*q = '\0';
	while (q > s && is_blank(q[-1]))
		*--q = '\0';
	return q;
}

/* Parses one line (NUL-terminated, without its line end). */
static void parse_line(struct parse *p, char *s)
{
	char *end;

	while (is_blank(*s))
		s++;
	end = s + strlen(s);
	while (end > s && is_blank(end[-1]))
		*--end = '\0';
	if (!*s || *s == ';' || *s == '#')
		return;
	if (*s == '[') {
		char *close = strchr(s, ']');
		if (!close) {
			fail(p, "syntax error: '%.200s'", s);
			return;
		}
		*close = '\0';
		char *rest = close + 1;
		while (is_blank(*rest))
			rest++;
		if (*rest && *rest != ';' && *rest != '#') {
			fail(p, "text after the section header: '%.200s'", rest);
			return;
		}
		enter_section(p, s + 1);
		return;
	}
	/* The key ends at the first '=' (or ':', as INI files allow). */
	char *eq = s + strcspn(s, "=:");
	if (!*eq) {
		fail(p, "syntax error: '%.200s'", s);
		return;
	}
	*eq = '\0';
	char *key = s, *value = eq + 1;
	cut_comment(key);
	if (!*key) {
		fail(p, "syntax error: no key before '='");
		return;
	}
	while (is_blank(*value))
		value++;
	cut_comment(value);
	handler(p, key, value);
}

/*
 * Checks one raw line of n bytes (line end excluded) before it is parsed:
 * a NUL would cut the value silently, a control byte could rewrite the
 * terminal a message is printed on.
 */
static bool line_ok(struct parse *p, const char *s, size_t n)
{
	if (n > CONFIG_MAX_LINE)
		return fail(p, "line longer than %d bytes", CONFIG_MAX_LINE);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0)
			return fail(p, "NUL byte at column %zu", i + 1);
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return fail(p, "control character 0x%02x at column %zu", c, i + 1);
	}
	if (!util_utf8_valid(s, n))
		return fail(p, "invalid UTF-8");
	return true;
}

static int parse_text(const char *text, size_t len, const char *name, struct config **out,
                      struct err *e)
{
	struct config *c = xcalloc(1, sizeof(*c));
	struct parse p = {.c = c, .e = e, .name = name};
	const char *pos = text, *end = text + len;
	char *buf = NULL;

	c->path = xstrdup(name);
	c->sample_gap = 900;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos += 3; /* a UTF-8 byte order mark */
	buf = malloc(CONFIG_MAX_LINE + 1);
	if (!buf)
		abort();
	while (pos < end && !p.failed) {
		const char *nl = memchr(pos, '\n', (size_t)(end - pos));
		size_t n = nl ? (size_t)(nl - pos) : (size_t)(end - pos);
		const char *next = nl ? nl + 1 : end;

		p.line++;
		if (n > 0 && pos[n - 1] == '\r')
			n--;
		if (!line_ok(&p, pos, n))
			break;
		memcpy(buf, pos, n);
		buf[n] = '\0';
		parse_line(&p, buf);
		pos = next;
	}
	free(buf);
	if (p.failed) {
		config_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

int config_parse(const char *text, size_t len, const char *name, struct config **out, struct err *e)
{
	if (len > CONFIG_MAX_BYTES)
		return err_set(e, "%s: larger than %d bytes", name, CONFIG_MAX_BYTES);
	return parse_text(text, len, name, out, e);
}

int config_load(const char *path, bool must_exist, struct config **out, struct err *e)
{
	FILE *f = fopen(path, "r");
	char *text;
	size_t len;
	int rc;

	if (!f) {
		if (errno == ENOENT && !must_exist) {
			*out = xcalloc(1, sizeof(**out));
			(*out)->sample_gap = 900;
			return 0;
		}
		return err_set(e, "cannot open config '%s': %s", path, strerror(errno));
	}
	text = malloc(CONFIG_MAX_BYTES + 1);
	if (!text) {
		fclose(f);
		return err_set(e, "out of memory");
	}
	len = fread(text, 1, CONFIG_MAX_BYTES + 1, f);
	if (ferror(f)) {
		int saved = errno;
		fclose(f);
		free(text);
		return err_set(e, "cannot read config '%s': %s", path, strerror(saved));
	}
	fclose(f);
	if (len > CONFIG_MAX_BYTES) {
		free(text);
		return err_set(e, "config '%s' is larger than %d bytes", path, CONFIG_MAX_BYTES);
	}
	rc = parse_text(text, len, path, out, e);
	free(text);
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

bool config_service_private(const struct config *c, const char *name)
{
	for (size_t i = 0; c && i < c->nservices; i++)
		if (strcmp(c->services[i].name, name) == 0)
			return c->services[i].private_traffic;
	return false;
}

const char *config_provider_get(const struct config_provider *p, const char *key)
{
	const char *v = NULL;
	for (size_t i = 0; i < p->nkv; i++)
		if (strcmp(p->kv[i].key, key) == 0)
			v = p->kv[i].value;
	return v;
}
