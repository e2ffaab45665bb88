# Shared fixture for tests that run nginx terminating TLS: a self-signed
# certificate for some names and an nginx.conf whose common part (pid, logs,
# temp paths, certificate) is written here, with the test's own server
# blocks.  Source it after tests/lib.sh.

# tls_cert DIR NAME...: DIR/cert.pem and DIR/key.pem (P-256) for the names,
# the first one as the subject.
tls_cert() {
	local dir=$1 san
	shift
	san=$(printf 'DNS:%s,' "$@")
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
		-keyout "$dir/key.pem" -out "$dir/cert.pem" -subj "/CN=$1" \
		-addext "subjectAltName=${san%,}" 2>/dev/null
}

# nginx_conf DIR [HTTP_LINES [MAIN_LINES]]: DIR/nginx.conf, a daemon with
# one worker, temp files in DIR/tmp, DIR's certificate, HTTP_LINES
# (directives of the http block), then the server blocks read from standard
# input; MAIN_LINES go in the main context (`user root;`).
nginx_conf() {
	local dir=$1 extra=${2:-} main=${3:-}
	mkdir -p "$dir/tmp"
	{
		cat <<NGINX
daemon on;
$main
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
worker_processes 1;
events { worker_connections 64; }
http {
	access_log off;
	gzip off;
	ssl_certificate $dir/cert.pem;
	ssl_certificate_key $dir/key.pem;
	client_body_temp_path $dir/tmp;
	proxy_temp_path $dir/tmp;
	fastcgi_temp_path $dir/tmp;
	uwsgi_temp_path $dir/tmp;
	scgi_temp_path $dir/tmp;
$extra
NGINX
		cat
		echo "}"
	} >"$dir/nginx.conf"
}

# nginx_ws_mcp ADDR: the server blocks of ws.example.com (/ws to a WebSocket
# server on 127.0.0.1:8765) and mcp.example.com (to an MCP server on
# 127.0.0.1:3000, unbuffered for SSE), on ADDR:443.
nginx_ws_mcp() {
	cat <<NGINX
	server {
		listen $1:443 ssl; server_name ws.example.com;
		location /ws {
			proxy_pass http://127.0.0.1:8765;
			proxy_http_version 1.1;
			proxy_set_header Upgrade \$http_upgrade;
			proxy_set_header Connection "upgrade";
			proxy_read_timeout 300s;
		}
	}
	server {
		listen $1:443 ssl; server_name mcp.example.com;
		location / {
			proxy_pass http://127.0.0.1:3000;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
			proxy_buffering off;
			proxy_cache off;
		}
	}
NGINX
}
