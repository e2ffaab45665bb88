/*
 * costs serve: /metrics over HTTP with libmicrohttpd.  One internal polling
 * thread answers requests one after another, so renders never run in
 * parallel; the store is opened read-only for each request, which sees what
 * any writer (capture, sample, import) committed last and never blocks it.
 * Only GET and HEAD of /metrics are answered with metrics.
 */
#include "metrics/serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/dynlib.h"
#include "util/num.h"

/* Request headers and buffers of one connection stay within this. */
#define SERVE_CONNECTION_MEMORY (32 * 1024)

/*
 * libmicrohttpd is opened when serve starts, not linked: with GnuTLS and
 * the libraries that come with it, it cost every costs command about 4 ms
 * of start-up.
 */
struct mhd_api {
	__typeof__(MHD_start_daemon) *start_daemon;
	__typeof__(MHD_stop_daemon) *stop_daemon;
	__typeof__(MHD_lookup_connection_value) *lookup_connection_value;
	__typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
	__typeof__(MHD_add_response_header) *add_response_header;
	__typeof__(MHD_queue_response) *queue_response;
	__typeof__(MHD_destroy_response) *destroy_response;
};

#define SYM(field) DYNLIB_SYM(struct mhd_api, field, MHD_##field)
static const struct dynlib_sym mhd_syms[] = {
    SYM(start_daemon),
    SYM(stop_daemon),
    SYM(lookup_connection_value),
    SYM(create_response_from_buffer),
    SYM(add_response_header),
    SYM(queue_response),
    SYM(destroy_response),
};
#undef SYM
static struct mhd_api mhd;
static struct dynlib mhd_lib = {
    .soname = "libmicrohttpd.so.12",
    .package = "libmicrohttpd12",
    .syms = mhd_syms,
    .nsyms = sizeof(mhd_syms) / sizeof(mhd_syms[0]),
    .table = &mhd,
};

struct metrics_server {
	struct MHD_Daemon *d;
	struct metrics_serve_opts o;
	int fd;
	unsigned port;
};

int metrics_parse_listen(const char *text, struct sockaddr_storage *sa, socklen_t *len,
                         struct err *e)
{
	char host[64];
	const char *colon, *h = text;
	size_t hl;
	uint64_t port;
	struct err pe;

	memset(sa, 0, sizeof(*sa));
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (!close || close[1] != ':')
			return err_set(e, "bad listen address '%s' (expected [IPv6]:PORT)", text);
		h = text + 1;
		hl = (size_t)(close - h);
		colon = close + 1;
	} else {
		if (!(colon = strrchr(text, ':')))
			return err_set(e,
			               "bad listen address '%s' (expected ADDR:PORT, such as %s)",
			               text, METRICS_SERVE_DEFAULT_LISTEN);
		hl = (size_t)(colon - text);
	}
	if (hl == 0 || hl >= sizeof(host))
		return err_set(e, "bad listen address '%s' (expected ADDR:PORT, such as %s)", text,
		               METRICS_SERVE_DEFAULT_LISTEN);
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (num_parse_u64(colon + 1, 0, 65535, &port, &pe))
		return err_set(e, "bad port in listen address '%s' (0 to 65535)", text);
	if (text[0] == '[') {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;
		if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
			return err_set(e, "bad IPv6 address '%s' in '%s'", host, text);
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)sa;
		if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			return err_set(e,
			               "bad IPv4 address '%s' in '%s' (a numeric address such as "
			               "127.0.0.1, or [::1] for IPv6)",
			               host, text);
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*len = sizeof(*s4);
	}
	return 0;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type,
                             char *body, size_t len, bool owned)
{
	struct MHD_Response *r = mhd.create_response_from_buffer(
	    len, body, owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ok;

	if (!r) {
		if (owned)
			free(body);
		return MHD_NO;
	}
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		mhd.add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ok = mhd.queue_response(c, status, r);
	mhd.destroy_response(r);
	return ok;
}

/* Whether the request announces a body by a non-zero Content-Length. */
static bool has_body_length(struct MHD_Connection *c)
{
	const char *v =
	    mhd.lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);

	return v && strspn(v, "0") != strlen(v);
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **state)
{
	static char not_found[] = "not found: costs serves /metrics\n";
	static char not_allowed[] = "method not allowed: GET or HEAD\n";
	static char too_large[] = "request body not accepted\n";
	struct metrics_server *s = cls;
	struct metrics_input in = s->o.input;
	struct store *st = NULL;
	char *text = NULL;
	size_t len = 0;
	struct err e;

	/*
	 * Answer on the first call, which has only the headers: a body is never
	 * read (MHD discards it and closes the connection), and a GET that
	 * announces one is refused.
	 */
	(void)upload;
	(void)state;
	if (*upload_size) { /* only after a response was queued: dropped */
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
		             not_allowed, sizeof(not_allowed) - 1, false);
	if (mhd.lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING) ||
	    has_body_length(c))
		return reply(c, MHD_HTTP_CONTENT_TOO_LARGE, "text/plain; charset=utf-8", too_large,
		             sizeof(too_large) - 1, false);
	if (strcmp(url, "/metrics") != 0)
		return reply(c, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", not_found,
		             sizeof(not_found) - 1, false);
	in.today = s->o.today();
	if (store_open_readonly(s->o.db_path, 5000, &st, &e) ||
	    metrics_render(st, &in, &text, &len, &e)) {
		store_close(st);
		size_t n = strlen(e.msg);
		char *msg = malloc(n + 9);
		if (!msg)
			return MHD_NO;
		snprintf(msg, n + 9, "costs: %s\n", e.msg);
		return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8", msg,
		             strlen(msg), true);
	}
	store_close(st);
	return reply(c, MHD_HTTP_OK, METRICS_CONTENT_TYPE, text, len, true);
}

int metrics_serve_start(const struct sockaddr *sa, socklen_t len,
                        const struct metrics_serve_opts *o, struct metrics_server **out,
                        struct err *e)
{
	struct metrics_server *s;
	struct sockaddr_storage bound;
	socklen_t blen = sizeof(bound);
	char shown[80] = "?";
	int one = 1;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;

	if (dynlib_load(&mhd_lib, e))
		return -1;
	if (!(s = calloc(1, sizeof(*s))))
		return err_set(e, "out of memory");
	s->o = *o;
	if (sa->sa_family == AF_INET6) {
		flags |= MHD_USE_IPv6;
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		          shown, sizeof(shown));
	} else
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, shown,
		          sizeof(shown));
	s->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0 || setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(s->fd, sa, len) != 0 || listen(s->fd, 64) != 0 ||
	    getsockname(s->fd, (struct sockaddr *)&bound, &blen) != 0) {
		err_set(e, "cannot listen on %s: %s", shown, strerror(errno));
		goto fail;
	}
	s->port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
	                                            : ((struct sockaddr_in *)&bound)->sin_port);
	s->d = mhd.start_daemon(
	    flags, 0, NULL, NULL, answer, s, MHD_OPTION_LISTEN_SOCKET, s->fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)(o->max_connections ? o->max_connections : 1),
	    MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_seconds, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)SERVE_CONNECTION_MEMORY, MHD_OPTION_END);
	if (!s->d) {
		err_set(e, "cannot start the HTTP server on %s port %u", shown, s->port);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	if (s->fd >= 0)
		close(s->fd);
	free(s);
	return -1;
}

unsigned metrics_serve_port(const struct metrics_server *s)
{
	return s->port;
}

void metrics_serve_stop(struct metrics_server *s)
{
	if (!s)
		return;
	mhd.stop_daemon(s->d);
	close(s->fd); /* a socket given with MHD_OPTION_LISTEN_SOCKET is ours to close */
	free(s);
}
