/*
 * A stand-in classifier for the flow-table tests: flows to local port 1
 * are decided at once ("alpha"); others stay undecided until a payload
 * starting with "beta" arrives; the fallback answer is "fallback".  It lets
 * the tests drive the pending-bytes path that the real classifier takes
 * while it waits for a TLS ClientHello or an HTTP head.
 */
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"

static const char *const names[] = {"alpha", "beta", "fallback", "other"};

struct classify {
	int dummy;
};

struct classify_flow {
	unsigned fed;
};

int classify_new(const struct config *cfg, struct classify **out, struct err *e)
{
	(void)cfg;
	if (!(*out = calloc(1, sizeof(**out))))
		return err_set(e, "out of memory");
	return 0;
}

void classify_free(struct classify *c)
{
	free(c);
}

size_t classify_service_count(const struct classify *c)
{
	return 4;
}

const char *classify_service_name(const struct classify *c, uint16_t id)
{
	return id < 4 ? names[id] : "other";
}

uint16_t classify_other(const struct classify *c)
{
	return 3;
}

void classify_each_unsupported(const struct classify *c,
                               void (*fn)(void *ctx, const char *service, unsigned line,
                                          const char *term),
                               void *ctx)
{
}

enum classify_status classify_flow_start(const struct classify *c, const struct classify_pkt *p,
                                         struct classify_flow **state, uint16_t *service)
{
	if (p->local_port == 1) {
		*state = NULL;
		*service = 0;
		return CLASSIFY_DONE;
	}
	*state = calloc(1, sizeof(**state));
	return classify_flow_feed(c, *state, p, service);
}

enum classify_status classify_flow_feed(const struct classify *c, struct classify_flow *state,
                                        const struct classify_pkt *p, uint16_t *service)
{
	if (state)
		state->fed++;
	if (p->caplen >= 4 && memcmp(p->payload, "beta", 4) == 0) {
		*service = 1;
		return CLASSIFY_DONE;
	}
	return CLASSIFY_MORE;
}

uint16_t classify_flow_fallback(const struct classify *c, struct classify_flow *state)
{
	return 2;
}

void classify_flow_free(struct classify_flow *state)
{
	free(state);
}
