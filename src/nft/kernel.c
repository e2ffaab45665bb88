/*
 * libnftables calls: one context per operation, output and errors buffered
 * in memory, errors sorted by their kernel reason so the command line can
 * add a hint.  Counter values come from the JSON output, parsed with jansson.
 */
#include "nft/kernel.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <nftables/libnftables.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "nft/ruleset.h"
#include "util/dynlib.h"

/* CAP_NET_ADMIN is bit 12 of the capability sets. */
#define CAP_NET_ADMIN_BIT 12

/*
 * Whether this process may change nftables: root, or CAP_NET_ADMIN in the
 * effective set (read from /proc/self/status, which needs no libcap).
 */
static bool may_admin(void)
{
	char line[256];
	bool ok = geteuid() == 0;
	FILE *f;

	if (ok || !(f = fopen("/proc/self/status", "r")))
		return ok;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long caps;
		if (sscanf(line, "CapEff: %llx", &caps) == 1) {
			ok = (caps >> CAP_NET_ADMIN_BIT) & 1;
			break;
		}
	}
	fclose(f);
	return ok;
}

/* Turns the error buffer's first line into a status and a message. */
static int fail(const char *what, const char *buf, enum nftc_status *status, struct err *e)
{
	enum nftc_status st = NFTC_ERR_OTHER;
	char first[512];
	size_t n;

	if (!buf)
		buf = "";
	n = strcspn(buf, "\n");
	if (n >= sizeof(first))
		n = sizeof(first) - 1;
	memcpy(first, buf, n);
	first[n] = '\0';
	if (strstr(buf, "Operation not permitted"))
		st = NFTC_ERR_PERM;
	else if (strstr(buf, "Protocol not supported") ||
	         strstr(buf, "Address family not supported"))
		st = NFTC_ERR_UNAVAILABLE;
	else if (strstr(buf, "No such file or directory"))
		st = NFTC_ERR_NO_TABLE;
	if (status)
		*status = st;
	switch (st) {
	case NFTC_ERR_PERM:
		return err_set(e, "%s: permission denied (needs root or CAP_NET_ADMIN)", what);
	case NFTC_ERR_UNAVAILABLE:
		return err_set(e, "%s: nftables is not available in this kernel (nf_tables)", what);
	case NFTC_ERR_NO_TABLE:
		return err_set(e, "%s: the table '%s %s' does not exist", what, NFTC_FAMILY,
		               NFTC_TABLE);
	default:
		return err_set(e, "%s: %s", what, *first ? first : "libnftables failed");
	}
}

/*
 * libnftables is opened by the first command that talks to the kernel's
 * tables, not linked: with libnftnl, libmnl, libxtables and libgmp it cost
 * every costs command (a capture of a file too) about 1 ms of start-up.
 */
struct nftables_api {
	__typeof__(nft_ctx_new) *ctx_new;
	__typeof__(nft_ctx_free) *ctx_free;
	__typeof__(nft_ctx_buffer_output) *ctx_buffer_output;
	__typeof__(nft_ctx_buffer_error) *ctx_buffer_error;
	__typeof__(nft_ctx_get_output_buffer) *ctx_get_output_buffer;
	__typeof__(nft_ctx_get_error_buffer) *ctx_get_error_buffer;
	__typeof__(nft_ctx_output_set_flags) *ctx_output_set_flags;
	__typeof__(nft_run_cmd_from_buffer) *run_cmd_from_buffer;
};

#define SYM(field) DYNLIB_SYM(struct nftables_api, field, nft_##field)
static const struct dynlib_sym nftables_syms[] = {
    SYM(ctx_new),
    SYM(ctx_free),
    SYM(ctx_buffer_output),
    SYM(ctx_buffer_error),
    SYM(ctx_get_output_buffer),
    SYM(ctx_get_error_buffer),
    SYM(ctx_output_set_flags),
    SYM(run_cmd_from_buffer),
};
#undef SYM
static struct nftables_api nft;
static struct dynlib nftables_lib = {
    .soname = "libnftables.so.1",
    .package = "libnftables1",
    .syms = nftables_syms,
    .nsyms = sizeof(nftables_syms) / sizeof(nftables_syms[0]),
    .table = &nft,
};

static struct nft_ctx *ctx_new(const char *what, enum nftc_status *status, struct err *e)
{
	struct nft_ctx *ctx;

	if (!may_admin()) {
		if (status)
			*status = NFTC_ERR_PERM;
		err_set(e, "%s: permission denied (needs root or CAP_NET_ADMIN)", what);
		return NULL;
	}
	if (dynlib_load(&nftables_lib, e)) {
		if (status)
			*status = NFTC_ERR_OTHER;
		err_prefix(e, "%s: ", what);
		return NULL;
	}
	if (!(ctx = nft.ctx_new(NFT_CTX_DEFAULT))) {
		if (status)
			*status = NFTC_ERR_OTHER;
		err_set(e, "%s: cannot create a libnftables context", what);
		return NULL;
	}
	if (nft.ctx_buffer_output(ctx) || nft.ctx_buffer_error(ctx)) {
		nft.ctx_free(ctx);
		if (status)
			*status = NFTC_ERR_OTHER;
		err_set(e, "%s: cannot buffer libnftables output", what);
		return NULL;
	}
	return ctx;
}

/* Runs cmd in a fresh context; on success *out (when not NULL) gets the output. */
static int run(const char *what, const char *cmd, unsigned flags, char **out,
               enum nftc_status *status, struct err *e)
{
	struct nft_ctx *ctx = ctx_new(what, status, e);
	int rc;

	if (!ctx)
		return -1;
	nft.ctx_output_set_flags(ctx, flags);
	if (nft.run_cmd_from_buffer(ctx, cmd) != 0) {
		rc = fail(what, nft.ctx_get_error_buffer(ctx), status, e);
		nft.ctx_free(ctx);
		return rc;
	}
	rc = 0;
	if (out) {
		const char *o = nft.ctx_get_output_buffer(ctx);
		if (!(*out = strdup(o ? o : "")))
			rc = err_set(e, "out of memory");
	}
	nft.ctx_free(ctx);
	if (status)
		*status = rc ? NFTC_ERR_OTHER : NFTC_OK;
	return rc;
}

int nftc_check_access(enum nftc_status *status, struct err *e)
{
	if (may_admin())
		return 0;
	if (status)
		*status = NFTC_ERR_PERM;
	return err_set(e, "cannot use nftables: permission denied (needs root or CAP_NET_ADMIN)");
}

void nftc_reading_release(struct nftc_reading *r)
{
	free(r->counters);
	memset(r, 0, sizeof(*r));
}

const struct nftc_counter *nftc_reading_find(const struct nftc_reading *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->counters[i].name, name) == 0)
			return &r->counters[i];
	return NULL;
}

/* Whether obj names our table: family inet, table (or name) costs. */
static bool ours(json_t *obj, const char *table_key)
{
	const char *fam = json_string_value(json_object_get(obj, "family"));
	const char *tab = json_string_value(json_object_get(obj, table_key));
	return fam && tab && strcmp(fam, NFTC_FAMILY) == 0 && strcmp(tab, NFTC_TABLE) == 0;
}

static bool get_u64(json_t *obj, const char *key, uint64_t *v)
{
	json_t *j = json_object_get(obj, key);
	if (!json_is_integer(j) || json_integer_value(j) < 0)
		return false;
	*v = (uint64_t)json_integer_value(j);
	return true;
}

/* Adds what one {"nftables": [...]} document says about our table to r. */
static int parse_doc(json_t *root, struct nftc_reading *r, size_t *cap, bool *have_table,
                     struct err *e)
{
	json_t *arr = json_object_get(root, "nftables"), *item;
	size_t i;

	if (!json_is_array(arr))
		return err_set(e, "cannot parse nftables JSON output: no 'nftables' array");
	json_array_foreach(arr, i, item)
	{
		json_t *t = json_object_get(item, "table");
		json_t *c = json_object_get(item, "counter");
		if (json_is_object(t) && ours(t, "name")) {
			if (!get_u64(t, "handle", &r->handle))
				return err_set(e, "nftables JSON output: the table has no handle");
			*have_table = true;
		} else if (json_is_object(c) && ours(c, "table")) {
			const char *name = json_string_value(json_object_get(c, "name"));
			struct nftc_counter *nc;
			if (!name)
				return err_set(e, "nftables JSON output: a counter without a name");
			/*
			 * Longer than any counter costs makes: someone else's
			 * (nft allows 255 characters), left alone.
			 */
			if (strlen(name) >= sizeof(nc->name))
				continue;
			if (r->n == *cap) {
				size_t ncap = *cap ? *cap * 2 : 32;
				struct nftc_counter *g = realloc(r->counters, ncap * sizeof(*g));
				if (!g)
					return err_set(e, "out of memory");
				r->counters = g;
				*cap = ncap;
			}
			nc = &r->counters[r->n];
			snprintf(nc->name, sizeof(nc->name), "%s", name);
			if (!get_u64(c, "bytes", &nc->bytes) ||
			    !get_u64(c, "packets", &nc->packets))
				return err_set(
				    e, "nftables JSON output: counter '%s' has no values", name);
			r->n++;
		}
	}
	return 0;
}

int nftc_parse_json(const char *text, size_t len, struct nftc_reading *r, struct err *e)
{
	bool have_table = false;
	size_t cap = 0, off = 0;
	int rc = 0, docs = 0;

	memset(r, 0, sizeof(*r));
	/* One document per listing command, one after the other. */
	while (rc == 0) {
		json_error_t je;
		json_t *root;

		while (off < len && strchr(" \t\r\n", text[off]))
			off++;
		if (off >= len && docs > 0)
			break;
		if (!(root = json_loadb(text + off, len - off, JSON_DISABLE_EOF_CHECK, &je))) {
			rc = err_set(e, "cannot parse nftables JSON output: %s (line %d)", je.text,
			             je.line);
			break;
		}
		off += je.position;
		docs++;
		rc = parse_doc(root, r, &cap, &have_table, e);
		json_decref(root);
	}
	if (rc == 0 && !have_table)
		rc = err_set(e, "the table '%s %s' does not exist", NFTC_FAMILY, NFTC_TABLE);
	if (rc)
		nftc_reading_release(r);
	return rc;
}

int nftc_read(struct nftc_reading *r, enum nftc_status *status, struct err *e)
{
	/*
	 * Both listings run in one call: libnftables fills its cache once for
	 * the whole buffer, checking the kernel's ruleset generation around the
	 * fill, so the handle belongs to the counters listed with it.
	 * `list table` would also dump every rule, which costs more than the
	 * rest of a sample.
	 */
	static const char cmd[] = "list tables " NFTC_FAMILY "\n"
	                          "list counters table " NFTC_FAMILY " " NFTC_TABLE "\n";
	char *json = NULL;
	int rc;

	memset(r, 0, sizeof(*r));
	if (run("cannot read the nftables counters", cmd, NFT_CTX_OUTPUT_JSON, &json, status, e))
		return -1;
	rc = nftc_parse_json(json, strlen(json), r, e);
	free(json);
	if (rc && status)
		*status = strstr(e->msg, "does not exist") ? NFTC_ERR_NO_TABLE : NFTC_ERR_OTHER;
	return rc;
}

int nftc_apply(const char *definition, enum nftc_status *status, struct err *e)
{
	static const char prefix[] = "table " NFTC_FAMILY " " NFTC_TABLE "\n"
	                             "flush table " NFTC_FAMILY " " NFTC_TABLE "\n";
	size_t n = strlen(definition);
	char *buf = malloc(sizeof(prefix) + n);
	int rc;

	if (!buf)
		return err_set(e, "out of memory");
	/*
	 * One buffer is one netlink batch: creating the table (a no-op when it
	 * exists), flushing its rules and defining it anew commit together or
	 * not at all, so there is no moment without counters.  Named counters
	 * that exist keep their values (adding one is a no-op then), so a
	 * packet counted between the sample before an apply and the apply is
	 * still counted by the next sample.
	 */
	memcpy(buf, prefix, sizeof(prefix) - 1);
	memcpy(buf + sizeof(prefix) - 1, definition, n + 1);
	rc = run("cannot apply the nftables ruleset", buf, 0, NULL, status, e);
	free(buf);
	return rc;
}

int nftc_restamp(uint64_t id, uint64_t parent, enum nftc_status *status, struct err *e)
{
	char cmd[256];

	/*
	 * A named counter cannot be set in place; no rule references this one,
	 * so it can be deleted and added again in one batch, which leaves the
	 * table and every other counter as they are.
	 */
	snprintf(cmd, sizeof(cmd),
	         "delete counter %s %s %s\n"
	         "add counter %s %s %s { packets %" PRIu64 " bytes %" PRIu64 " }\n",
	         NFTC_FAMILY, NFTC_TABLE, NFTC_GENERATION, NFTC_FAMILY, NFTC_TABLE, NFTC_GENERATION,
	         id, parent);
	return run("cannot renew the generation counter of the nftables table", cmd, 0, NULL,
	           status, e);
}

uint64_t nftc_random_generation(void)
{
	uint64_t v = 0;
	struct timespec ts;

	if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v)) {
		clock_gettime(CLOCK_REALTIME, &ts);
		v = ((uint64_t)ts.tv_sec * 1000000007u) ^ ((uint64_t)ts.tv_nsec << 20) ^
		    ((uint64_t)getpid() << 40);
	}
	v &= ((uint64_t)1 << 62) - 1;
	return v ? v : 1;
}

int nftc_remove(enum nftc_status *status, struct err *e)
{
	return run("cannot remove the nftables table", "delete table " NFTC_FAMILY " " NFTC_TABLE,
	           0, NULL, status, e);
}
