/*
 * libpcap sources.  Files are opened with pcap_open_offline (pcap and
 * pcapng by magic number); interfaces with pcap_create, a large kernel
 * buffer, a 100 ms block timeout and non-blocking reads, so a caller can
 * poll the selectable descriptor and stop on time without traffic.
 */
#include "capture/source.h"

#include <errno.h>
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

#define FILE_BUFFER (1u << 20)

struct capture_source {
	pcap_t *p;
	char *iobuf; /* stdio buffer of the file; freed after pcap_close */
	char *name;
	bool live;
	int dlt;
	FILE *file;
	uint64_t size;
	int64_t record_end; /* file offset after the last whole record */
	bool seekable;      /* ftell works (not a pipe) */
	bool arith;         /* pcap format: offsets by arithmetic, no lseek per packet */
	int64_t truncated_at;
	struct capture *cur;
};

static int set_filter(struct capture_source *s, const char *filter, struct err *e)
{
	struct bpf_program prog;

	if (!filter)
		return 0;
	if (pcap_compile(s->p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0)
		return err_set(e, "bad filter '%s': %s", filter, pcap_geterr(s->p));
	int rc = pcap_setfilter(s->p, &prog);
	pcap_freecode(&prog);
	if (rc != 0)
		return err_set(e, "cannot set filter '%s': %s", filter, pcap_geterr(s->p));
	return 0;
}

static int check_linktype(struct capture_source *s, struct err *e)
{
	s->dlt = pcap_datalink(s->p);
	if (!decode_linktype_supported(s->dlt)) {
		const char *name = pcap_datalink_val_to_name(s->dlt);
		return err_set(e, "cannot read '%s': unsupported link type %d (%s)", s->name,
		               s->dlt, name ? name : "unknown");
	}
	return 0;
}

int capture_source_open_file(const char *path, const char *filter, struct capture_source **out,
                             struct err *e)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct capture_source *s = calloc(1, sizeof(*s));
	struct stat sb;
	bool is_stdin = strcmp(path, "-") == 0;

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
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	if (!f) {
		err_set(e, "cannot open '%s': %s", path, strerror(errno));
		goto fail;
	}
	/*
	 * libpcap freads each record header and body; a large stdio buffer
	 * turns a read(2) per 4 KiB into one per MiB.
	 */
	s->iobuf = malloc(FILE_BUFFER);
	if (s->iobuf)
		setvbuf(f, s->iobuf, _IOFBF, FILE_BUFFER);
	s->p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (!s->p) {
		if (!is_stdin)
			fclose(f);
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
	s->file = pcap_file(s->p);
	s->record_end = s->file ? ftell(s->file) : -1;
	s->seekable = s->record_end >= 0;
	/*
	 * ftell costs an lseek per call; in the classic pcap format (libpcap
	 * reports version 2.x) a record is a 16-byte header plus the captured
	 * bytes, so the offset is added up instead and checked once a batch.
	 * pcapng (reported as 1.0) has blocks of varying layout: ftell it is.
	 */
	s->arith = pcap_major_version(s->p) == 2;
	if (!s->seekable)
		s->record_end = s->arith ? 24 : -1;
	if (check_linktype(s, e) || set_filter(s, filter, e))
		goto fail;
	*out = s;
	return 0;
fail:
	capture_source_close(s);
	return -1;
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
	if (check_linktype(s, e) || set_filter(s, o->filter, e))
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
	if (s->p)
		pcap_close(s->p);
	free(s->iobuf);
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
	return s->record_end > 0 ? (uint64_t)s->record_end : 0;
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
	/* Where this record ends, to name the offset if the next one is cut short. */
	if (s->arith) {
		s->record_end += 16 + (int64_t)h->caplen;
	} else if (s->seekable) {
		long pos = ftell(s->file);
		if (pos >= 0)
			s->record_end = pos;
	}
}

enum capture_read capture_source_read(struct capture_source *s, struct capture *c, int max, int *n,
                                      struct err *e)
{
	s->cur = c;
	*n = 0;
	int rc = pcap_dispatch(s->p, max, on_packet, (u_char *)s);
	if (rc >= 0) {
		*n = rc;
		if (s->seekable && rc > 0) {
			long pos = ftell(s->file);
			/* A record layout other than the classic one: ftell from now on. */
			if (s->arith && pos != s->record_end)
				s->arith = false;
			if (pos >= 0)
				s->record_end = pos;
		}
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
