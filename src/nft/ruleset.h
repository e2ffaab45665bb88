/*
 * The nftables ruleset that counts each service's bytes: a table `inet costs`
 * built from the config's service rules.  This module only writes the ruleset
 * text and says which rule terms nftables cannot express; loading it into
 * the kernel is kernel.c's business.  External names use the prefix nftc_
 * because libnftables owns nft_.
 */
#ifndef COSTS_NFT_RULESET_H
#define COSTS_NFT_RULESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "util/err.h"

#define NFTC_FAMILY "inet"
#define NFTC_TABLE  "costs"

/* Names of the per-direction total counters; they never clash with a service's. */
#define NFTC_TOTAL_EGRESS  "total_egress"
#define NFTC_TOTAL_INGRESS "total_ingress"

/*
 * The table's generation counter: no rule references it, so no packet ever
 * changes it.  `nft apply` loads it holding a random identity in its packet
 * field (its byte field holds the identity it continues, 0 for a new
 * table); `nft list ruleset` saves it with the table and `nft -f` restores
 * it, and `nft reset counters` zeroes it with the others.  `costs sample`
 * reads it to tell a table restored from a saved ruleset (a known identity,
 * another handle or boot) and a reset (0) from a table counting on.
 */
#define NFTC_GENERATION "generation"

/*
 * Payload rules (sni, host, path, detect) are applied by `costs watch`: with
 * any in the config, the first packets of every connection not yet decided
 * (conntrack mark 0) go to this NFLOG group, NFTC_SNAPLEN bytes of each, with
 * the log prefix "e:SERVICE" or "i:SERVICE" (direction and the service whose
 * counter counted it); watch then sets the connection's mark to the mark of
 * the service it decided, and the table counts marked packets by mark.
 */
#define NFTC_NFLOG_GROUP 3303
#define NFTC_SNAPLEN     2048

/* A match line (or part of one) left out of the ruleset, and why. */
struct nftc_skip {
	const char *service; /* borrowed from the config */
	unsigned line;       /* config line of the match */
	const char *term;    /* term name: "sni", "uid", ... */
	const char *reason;  /* static text */
	bool egress_only;    /* the line still applies to egress */
	bool payload;        /* a payload term, applied by `costs watch` */
};

struct nftc_ruleset {
	char *text;      /* "table inet costs { ... }", NUL-terminated */
	char **services; /* every service with a counter pair, "other" last */
	size_t nservices;
	struct nftc_skip *skips;
	size_t nskips;
	bool payload; /* marks and NFLOG for `costs watch` (the config has payload rules) */
};

/*
 * The conntrack mark of a service: a hash of its name, never 0, the same
 * in every config, so marks set before a reload keep their meaning.
 */
uint32_t nftc_service_mark(const char *service);

/* Whether config c has payload rules (sni, host, path, detect), which need `costs watch`. */
bool nftc_config_payload(const struct config *c);

/*
 * Builds the ruleset for config c, its generation counter holding
 * generation (0 writes it empty, for `nft show`).  cgroup_root is where cgroup terms are
 * looked up (normally "/sys/fs/cgroup", which is where nft resolves them;
 * NULL when that is not a cgroup v2 mount); a cgroup that does not exist
 * there cannot be loaded and is reported as a skip.  The caller frees *out with nftc_ruleset_free.
 */
int nftc_ruleset_build(const struct config *c, const char *cgroup_root, uint64_t generation,
                       struct nftc_ruleset **out, struct err *e);

/* Frees a ruleset; NULL is a no-op. */
void nftc_ruleset_free(struct nftc_ruleset *r);

/*
 * Writes the name of the counter of service in the direction (egress when
 * egress is true) into buf: "egress_web", "ingress_web".  Returns buf.
 */
char *nftc_counter_name(const char *service, bool egress, char *buf, size_t len);

#endif
