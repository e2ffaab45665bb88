/*
 * Packet sources.  Files are opened with libpcap (pcap and pcapng by magic
 * number), which checks the header and names the link type, through a
 * stdio stream of our own (fopencookie) that reads about 300 KiB at a time
 * and knows its offset, so no record costs a system call.  (The buffer
 * stays in the second-level cache between the kernel's copy and our parse:
 * 1 MiB measured 8 % slower.)  A classic pcap file in this machine's byte
 * order is then read straight from that buffer, without libpcap's copy of
 * every record; a record that libpcap would treat specially (longer than
 * the snapshot length, cut short) hands the rest of the file back to
 * libpcap at that record.  (Mapping the file instead measured slower on
 * the virtual machines we run on: every new mapping costs page-table work
 * that a reused buffer does not.)  Interfaces are opened with pcap_create,
 * a large kernel buffer, a 100 ms block timeout and non-blocking reads, so
 * a caller can poll the selectable descriptor and stop on time without
 * traffic.
 */
#include "capture/source.h"

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "capture/decode.h"

#define MAX_CAPLEN  262144u                    /* libpcap's largest record for our link types */
#define FILE_BUFFER (MAX_CAPLEN + (64u << 10)) /* the largest record fits whole */

/* The stream libpcap reads a file through: buffered here, offset known. */
struct reader {
	int fd;
	bool own_fd;
	char *buf;
	size_t len, off;
	uint64_t consumed; /* file offset of the next byte handed out */
};

struct capture_source {
	pcap_t *p;
	char *name;
	bool live;
	int dlt;
	struct reader *rd;
	uint64_t size;
	int64_t record_end; /* libpcap path: offset after the last whole record */
	int64_t truncated_at;
	struct capture *cur;
	/* The direct path for classic pcap files. */
	bool direct, nano, eof;
	uint32_t snapshot;
	bool have_prog;
	struct bpf_program prog;
};

static ssize_t reader_read(void *cookie, char *out, size_t n)
{
	struct reader *r = cookie;
	size_t done = 0;

	while (done < n) {
		if (r->off == r->len) {
			ssize_t got;
			do
				got = read(r->fd, r->buf, FILE_BUFFER);
			while (got < 0 && errno == EINTR);
			if (got < 0)
				return done ? (ssize_t)done : -1;
			if (got == 0)
				break;
			r->len = (size_t)got;
			r->off = 0;
		}
		size_t k = r->len - r->off < n - done ? r->len - r->off : n - done;
		memcpy(out + done, r->buf + r->off, k);
		r->off += k;
		done += k;
	}
	r->consumed += done;
	return (ssize_t)done;
}

/* Only absolute seeks, to hand the file back to libpcap at a record. */
static int reader_seek(void *cookie, off64_t *where, int whence)
{
	struct reader *r = cookie;

	if (whence == SEEK_CUR && *where == 0) {
		*where = (off64_t)r->consumed;
		return 0;
	}
	if (whence != SEEK_SET || lseek(r->fd, *where, SEEK_SET) < 0)
		return -1;
	r->len = r->off = 0;
	r->consumed = (uint64_t)*where;
	return 0;
}

static int reader_close(void *cookie)
{
	struct reader *r = cookie;

	if (r->own_fd)
		close(r->fd);
	free(r->buf);
	free(r);
	return 0;
}

/* A stream over fd (closed with it when own_fd), unbuffered by stdio. */
static FILE *reader_open(int fd, bool own_fd, struct reader **out)
{
	static const cookie_io_functions_t io = {
	    .read = reader_read, .seek = reader_seek, .close = reader_close};
	struct reader *r = calloc(1, sizeof(*r));
	FILE *f;

	if (!r || !(r->buf = malloc(FILE_BUFFER))) {
		free(r);
		return NULL;
	}
	r->fd = fd;
	r->own_fd = own_fd;
	if (!(f = fopencookie(r, "r", io))) {
		free(r->buf);
		free(r);
		return NULL;
	}
	setvbuf(f, NULL, _IONBF, 0);
	*out = r;
	return f;
}

static int set_filter(struct capture_source *s, const char *filter, struct err *e)
{
	struct bpf_program prog;

	if (!filter)
		return 0;
	if (pcap_compile(s->p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0)
		return err_set(e, "bad filter '%s': %s", filter, pcap_geterr(s->p));
	int rc = pcap_setfilter(s->p, &prog);
	if (rc != 0) {
		pcap_freecode(&prog);
		return err_set(e, "cannot set filter '%s': %s", filter, pcap_geterr(s->p));
	}
	if (s->live) {
		pcap_freecode(&prog);
	} else {
		/* The memory path applies it itself. */
		s->prog = prog;
		s->have_prog = true;
	}
	return 0;
}

static int check_linktype(struct capture_source *s, struct err *e)
{
	s->dlt = pcap_datalink(s->p);
	if (!capture_linktype_supported(s->dlt)) {
		const char *name = pcap_datalink_val_to_name(s->dlt);
		return err_set(e, "cannot read '%s': unsupported link type %d (%s)", s->name,
		               s->dlt, name ? name : "unknown");
	}
	return 0;
}

/*
 * Whether the file can be read directly: a classic pcap file (not pcapng,
 * not the modified format) in this machine's byte order, whose 24-byte
 * header libpcap has just read from the reader's buffer.
 */
static void direct_setup(struct capture_source *s)
{
	uint32_t magic;
	struct reader *r = s->rd;

	if (pcap_major_version(s->p) != 2 || pcap_is_swapped(s->p) || r->consumed != 24 ||
	    r->off != 24)
		return;
	memcpy(&magic, r->buf, sizeof(magic));
	if (magic != 0xa1b2c3d4u && magic != 0xa1b23c4du)
		return;
	s->nano = magic == 0xa1b23c4du;
	s->snapshot = (uint32_t)pcap_snapshot(s->p);
	s->direct = true;
}

int capture_source_open_file(const char *path, const char *filter, struct capture_source **out,
                             struct err *e)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct capture_source *s = calloc(1, sizeof(*s));
	struct stat sb;
	bool is_stdin = strcmp(path, "-") == 0;
	int fd = -1;

	if (!s || !(s->name = strdup(is_stdin ? "standard input" : path))) {
		free(s);
		return err_set(e, "out of memory");
	}
	s->truncated_at = -1;
	if (!is_stdin) {
		if (stat(path, &sb) != 0) {
			err_set(e, "cannot open '%s': %s", path, strerror(errno));
			goto fail;
		}
		if (S_ISDIR(sb.st_mode)) {
			err_set(e, "cannot read '%s': is a directory", path);
			goto fail;
		}
		if (S_ISREG(sb.st_mode)) {
			s->size = (uint64_t)sb.st_size;
			if (sb.st_size == 0) {
				err_set(e, "cannot read '%s': empty file", path);
				goto fail;
			}
		}
	}
	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_set(e, "cannot open '%s': %s", path, strerror(errno));
		goto fail;
	}
	FILE *f = reader_open(fd, !is_stdin, &s->rd);
	if (!f) {
		if (!is_stdin)
			close(fd);
		err_set(e, "out of memory");
		goto fail;
	}
	s->p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (!s->p) {
		fclose(f);
		s->rd = NULL;
		if (strstr(errbuf, "unknown file format"))
			err_set(e, "cannot read '%s': not a pcap or pcapng capture", s->name);
		else if (strstr(errbuf, "only got 0"))
			err_set(e, "cannot read '%s': empty file", s->name);
		else if (strstr(errbuf, "truncated"))
			err_set(e, "cannot read '%s': file header cut short", s->name);
		else
			err_set(e, "cannot read '%s': %s", s->name, errbuf);
		goto fail;
	}
	if (check_linktype(s, e) || set_filter(s, filter, e))
		goto fail;
	direct_setup(s);
	*out = s;
	return 0;
fail:
	capture_source_close(s);
	return -1;
}

/*
 * Sets a live capture's filter: the user's, and on "any" (unless asked to
 * keep it) one that leaves out loopback interfaces by the hardware type
 * (ARPHRD_LOOPBACK) in the cooked header.  The user's filter is compiled
 * alone first so that its errors name it.
 */
static int live_filter(struct capture_source *s, const struct capture_live_opts *o, struct err *e)
{
	int off = s->dlt == DLT_LINUX_SLL2 ? 8 : s->dlt == DLT_LINUX_SLL ? 2 : -1;
	char *combined;

	if (strcmp(o->iface, "any") != 0 || o->loopback || off < 0)
		return set_filter(s, o->filter, e);
	if (o->filter) {
		struct bpf_program prog;
		if (pcap_compile(s->p, &prog, o->filter, 1, PCAP_NETMASK_UNKNOWN) != 0)
			return err_set(e, "bad filter '%s': %s", o->filter, pcap_geterr(s->p));
		pcap_freecode(&prog);
	}
	size_t n = (o->filter ? strlen(o->filter) : 0) + 64;
	if (!(combined = malloc(n)))
		return err_set(e, "out of memory");
	if (o->filter)
		snprintf(combined, n, "not link[%d:2] = 772 and (%s)", off, o->filter);
	else
		snprintf(combined, n, "not link[%d:2] = 772", off);
	int rc = set_filter(s, combined, e);
	free(combined);
	return rc;
}

int capture_source_open_live(const struct capture_live_opts *o, struct capture_source **out,
                             struct err *e)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct capture_source *s = calloc(1, sizeof(*s));
	int rc;

	if (!s || !(s->name = strdup(o->iface))) {
		free(s);
		return err_set(e, "out of memory");
	}
	s->live = true;
	s->truncated_at = -1;
	if (!(s->p = pcap_create(o->iface, errbuf))) {
		err_set(e, "cannot capture on '%s': %s", o->iface, errbuf);
		goto fail;
	}
	uint64_t buffer = o->buffer ? o->buffer : CAPTURE_DEFAULT_BUFFER;
	if (buffer > INT32_MAX)
		buffer = INT32_MAX;
	pcap_set_snaplen(s->p, o->snaplen > 0 ? o->snaplen : CAPTURE_DEFAULT_SNAPLEN);
	pcap_set_buffer_size(s->p, (int)buffer);
	pcap_set_promisc(s->p, 0);
	pcap_set_timeout(s->p, 100);
	rc = pcap_activate(s->p);
	if (rc < 0) {
		const char *why = rc == PCAP_ERROR ? pcap_geterr(s->p) : pcap_statustostr(rc);
		if (rc == PCAP_ERROR_NO_SUCH_DEVICE)
			err_set(e, "cannot capture on '%s': no such interface", o->iface);
		else if (rc == PCAP_ERROR_PERM_DENIED)
			err_set(e,
			        "cannot capture on '%s': permission denied (run as root or "
			        "grant CAP_NET_RAW: setcap cap_net_raw,cap_net_admin+ep costs)",
			        o->iface);
		else if (rc == PCAP_ERROR_IFACE_NOT_UP)
			err_set(e, "cannot capture on '%s': interface is down", o->iface);
		else
			err_set(e, "cannot capture on '%s': %s", o->iface, why);
		goto fail;
	}
	if (check_linktype(s, e) || live_filter(s, o, e))
		goto fail;
	if (pcap_setnonblock(s->p, 1, errbuf) != 0) {
		err_set(e, "cannot capture on '%s': %s", o->iface, errbuf);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	capture_source_close(s);
	return -1;
}

void capture_source_close(struct capture_source *s)
{
	if (!s)
		return;
	if (s->have_prog)
		pcap_freecode(&s->prog);
	if (s->p)
		pcap_close(s->p); /* closes the reader's stream */
	free(s->name);
	free(s);
}

int capture_source_linktype(const struct capture_source *s)
{
	return s->dlt;
}

int capture_source_fd(const struct capture_source *s)
{
	return s->live ? pcap_get_selectable_fd(s->p) : -1;
}

uint64_t capture_source_position(const struct capture_source *s)
{
	return s->rd ? s->rd->consumed : 0;
}

uint64_t capture_source_size(const struct capture_source *s)
{
	return s->size;
}

int64_t capture_source_truncated_at(const struct capture_source *s)
{
	return s->truncated_at;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct capture_source *s = (struct capture_source *)(void *)user;

	capture_packet(s->cur, h->ts.tv_sec, (uint32_t)h->ts.tv_usec, bytes, h->caplen, h->len);
	if (s->rd)
		s->record_end = (int64_t)s->rd->consumed;
}

/*
 * Makes n bytes from the reader's offset contiguous in its buffer, reading
 * more as needed; NULL at the end of the file (or an error) before n.
 */
static const uint8_t *direct_need(struct capture_source *s, size_t n)
{
	struct reader *r = s->rd;

	while (r->len - r->off < n) {
		if (s->eof)
			return NULL;
		memmove(r->buf, r->buf + r->off, r->len - r->off);
		r->len -= r->off;
		r->off = 0;
		ssize_t got;
		do
			got = read(r->fd, r->buf + r->len, FILE_BUFFER - r->len);
		while (got < 0 && errno == EINTR);
		if (got <= 0) {
			s->eof = true; /* libpcap meets the end, or the error, again */
			return NULL;
		}
		r->len += (size_t)got;
	}
	return (const uint8_t *)r->buf + r->off;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * Reads up to max records from the reader's buffer into c.  Returns false
 * when the rest must go through libpcap: a record it treats specially, or
 * the end of the file (which may be cut short in a record).
 */
static bool direct_read(struct capture_source *s, struct capture *c, int max, int *n)
{
	struct reader *r = s->rd;
	struct capture_frame fr[CAPTURE_BATCH];

	while (max < 0 || *n < max) {
		/*
		 * The next whole records already in the buffer go to the capture
		 * together (decoded once, their flows fetched from memory at once);
		 * one cut by the buffer's end is read on below, alone.
		 */
		size_t k = 0, want = max < 0 || max - *n > CAPTURE_BATCH ? CAPTURE_BATCH
		                                                         : (size_t)(max - *n);
		bool filtered = false;
		while (k < want && r->len - r->off >= 16) {
			const uint8_t *h = (const uint8_t *)r->buf + r->off;
			uint32_t cl = get32(h + 8);
			if (cl > s->snapshot || cl > MAX_CAPLEN || r->len - r->off - 16 < cl)
				break;
			r->off += 16 + (size_t)cl;
			r->consumed += 16 + (uint64_t)cl;
			if (s->have_prog) {
				struct pcap_pkthdr ph = {.caplen = cl, .len = get32(h + 12)};
				if (!pcap_offline_filter(&s->prog, &ph, h + 16)) {
					filtered = true;
					continue;
				}
			}
			fr[k++] =
			    (struct capture_frame){(time_t)get32(h), h + 16, cl, get32(h + 12)};
		}
		if (k) {
			capture_packets(c, fr, k);
			*n += (int)k;
			continue;
		}
		if (filtered)
			continue; /* the whole records were all filtered out */
		const uint8_t *h = direct_need(s, 16);
		if (!h)
			return false;
		uint32_t sec = get32(h), caplen = get32(h + 8), len = get32(h + 12);
		if (caplen > s->snapshot || caplen > MAX_CAPLEN ||
		    !(h = direct_need(s, 16 + caplen)))
			return false;
		r->off += 16 + (size_t)caplen;
		r->consumed += 16 + (uint64_t)caplen;
		struct pcap_pkthdr ph = {.caplen = caplen, .len = len};
		if (s->have_prog && !pcap_offline_filter(&s->prog, &ph, h + 16))
			continue;
		capture_packet(c, (time_t)sec, 0, h + 16, caplen, len);
		(*n)++;
	}
	return true;
}

enum capture_read capture_source_read(struct capture_source *s, struct capture *c, int max, int *n,
                                      struct err *e)
{
	s->cur = c;
	*n = 0;
	if (s->direct) {
		if (direct_read(s, c, max, n))
			return CAPTURE_READ_OK;
		/* libpcap reads on from the same buffer and offset. */
		s->direct = false;
		if (*n > 0)
			return CAPTURE_READ_OK;
	}
	/* The offset after the last whole record, if the next one is cut short. */
	s->record_end = s->rd ? (int64_t)s->rd->consumed : -1;
	int rc = pcap_dispatch(s->p, max, on_packet, (u_char *)s);
	if (rc >= 0) {
		*n = rc;
		if (!s->live && rc == 0)
			return CAPTURE_READ_EOF;
		return CAPTURE_READ_OK;
	}
	if (rc == PCAP_ERROR_BREAK)
		return CAPTURE_READ_OK;
	const char *why = pcap_geterr(s->p);
	if (!s->live && strstr(why, "truncated")) {
		s->truncated_at = s->record_end;
		err_set(e, "'%s' ends inside a record: %s", s->name, why);
		return CAPTURE_READ_TRUNCATED;
	}
	err_set(e, "cannot read '%s': %s", s->name, why);
	return CAPTURE_READ_ERROR;
}

int capture_source_drops(struct capture_source *s, uint64_t *drops, struct err *e)
{
	struct pcap_stat ps;

	*drops = 0;
	if (!s->live)
		return 0;
	if (pcap_stats(s->p, &ps) != 0)
		return err_set(e, "cannot read statistics of '%s': %s", s->name, pcap_geterr(s->p));
	*drops = (uint64_t)ps.ps_drop + ps.ps_ifdrop;
	return 0;
}

int capture_iface_addresses(const char *iface, struct capture_cidr **out, size_t *n, struct err *e)
{
	struct ifaddrs *ifa, *i;
	struct capture_cidr *v = NULL;
	size_t count = 0;
	bool any = strcmp(iface, "any") == 0;

	*out = NULL;
	*n = 0;
	if (getifaddrs(&ifa) != 0)
		return err_set(e, "cannot list the addresses of '%s': %s", iface, strerror(errno));
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || (!any && strcmp(i->ifa_name, iface) != 0))
			continue;
		struct capture_cidr cidr = {0};
		if (i->ifa_addr->sa_family == AF_INET) {
			const struct sockaddr_in *sin =
			    (const struct sockaddr_in *)(void *)i->ifa_addr;
			cidr.family = AF_INET;
			memcpy(cidr.addr, &sin->sin_addr, 4);
			cidr.prefix = 32;
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			const struct sockaddr_in6 *sin6 =
			    (const struct sockaddr_in6 *)(void *)i->ifa_addr;
			cidr.family = AF_INET6;
			memcpy(cidr.addr, &sin6->sin6_addr, 16);
			cidr.prefix = 128;
		} else {
			continue;
		}
		struct capture_cidr *nv = realloc(v, (count + 1) * sizeof(*nv));
		if (!nv) {
			free(v);
			freeifaddrs(ifa);
			return err_set(e, "out of memory");
		}
		v = nv;
		v[count++] = cidr;
	}
	freeifaddrs(ifa);
	*out = v;
	*n = count;
	return 0;
}

int capture_addr_watch_open(struct err *e)
{
	struct sockaddr_nl sa;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return err_set(e, "cannot watch interface addresses: %s", strerror(errno));
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		err_set(e, "cannot watch interface addresses: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

void capture_addr_watch_drain(int fd)
{
	char buf[8192];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}
