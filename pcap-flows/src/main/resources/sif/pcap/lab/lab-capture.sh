#!/usr/bin/env bash
# SIF lab corpus: real attack tools against real services, between network namespaces created here and
# removed on exit (no traffic leaves them; nothing is created in the root namespace but a PAM file and the
# labuser account). Writes OUT/capture.pcap and OUT/labels.csv (src_ip,start_epoch_ms,end_epoch_ms,label).
# Usage (root): lab-capture.sh OUT PHASE_SECONDS
# Needs (Debian): nmap hping3 slowhttptest patator apache2-utils nginx-light openssh-server vsftpd tcpdump curl iproute2
set -euo pipefail
OUT=$(realpath -m "$1"); P=${2:-10}; mkdir -p "$OUT"; W=$(mktemp -d)
for t in ip nmap hping3 slowhttptest patator ab nginx tcpdump curl vsftpd /usr/sbin/sshd timeout; do
  command -v "$t" >/dev/null || { echo "lab: missing tool $t (apt-get install nmap hping3 slowhttptest patator apache2-utils nginx-light openssh-server vsftpd tcpdump curl)" >&2; exit 3; }
done
[ "$(id -u)" = 0 ] || { echo "lab: must run as root (network namespaces)" >&2; exit 3; }
TAG="sif$$"; NS="$TAG-sw $TAG-vic $TAG-ben $TAG-att"
cleanup() {
  for f in "$W"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  sleep 0.5
  for f in "$W"/*.pid; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null || true; done
  for n in $NS; do ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null || true; ip netns del "$n" 2>/dev/null || true; done
  rm -f /etc/pam.d/sif-lab-ftp
  rm -rf "$W"
}
trap cleanup EXIT
for n in $NS; do ip netns add "$n"; ip -n "$n" link set lo up; done
ip -n "$TAG-sw" link add br0 type bridge; ip -n "$TAG-sw" link set br0 up
i=1
for h in vic ben att; do
  ip link add "v-$h" netns "$TAG-$h" type veth peer name "s-$h" netns "$TAG-sw"
  ip -n "$TAG-sw" link set "s-$h" master br0; ip -n "$TAG-sw" link set "s-$h" up
  ip -n "$TAG-$h" addr add "10.77.0.$i/24" dev "v-$h"; ip -n "$TAG-$h" link set "v-$h" up
  i=$((i+1))
done
mac() { ip -n "$TAG-$1" -o link show "v-$1" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }
for h in ben att; do
  ip -n "$TAG-$h" neigh replace 10.77.0.1 lladdr "$(mac vic)" dev "v-$h" nud permanent
  ip -n "$TAG-vic" neigh replace "10.77.0.$([ $h = ben ] && echo 2 || echo 3)" lladdr "$(mac $h)" dev v-vic nud permanent
done
sleep 1
# victim 10.77.0.1: web, ssh and ftp, with a weak account for the brute-force phases
cat > "$W/nginx.conf" <<NG
worker_processes 1; pid $W/nginx.pid; error_log $W/nginx.err; daemon on;
events { worker_connections 4096; }
http { access_log off; keepalive_timeout 5; client_body_temp_path $W/nb; proxy_temp_path $W/np;
  fastcgi_temp_path $W/nf; uwsgi_temp_path $W/nu; scgi_temp_path $W/ns;
  server { listen 10.77.0.1:80; location / { return 200 "<html><body>sif lab \$request_uri</body></html>\n"; } } }
NG
ip netns exec "$TAG-vic" nginx -c "$W/nginx.conf"
mkdir -p /run/sshd /var/run/vsftpd/empty
id labuser >/dev/null 2>&1 || useradd -M -s /usr/sbin/nologin labuser; echo 'labuser:sunshine1' | chpasswd
ssh-keygen -q -t ed25519 -N '' -f "$W/hostkey"
{ for k in $(seq 1 3000); do echo "guess$k"; done; echo sunshine1; } > "$W/words"
ip netns exec "$TAG-vic" /usr/sbin/sshd -o ListenAddress=10.77.0.1 -o PidFile="$W/sshd.pid" -h "$W/hostkey" -o MaxStartups=100 -o MaxAuthTries=100
printf 'auth required pam_unix.so\naccount required pam_unix.so\nsession required pam_unix.so\n' > /etc/pam.d/sif-lab-ftp
cat > "$W/vsftpd.conf" <<FT
listen=YES
listen_ipv6=NO
listen_address=10.77.0.1
background=NO
anonymous_enable=NO
local_enable=YES
pam_service_name=sif-lab-ftp
secure_chroot_dir=/var/run/vsftpd/empty
seccomp_sandbox=NO
max_clients=200
max_per_ip=200
pasv_min_port=40000
pasv_max_port=40100
FT
ip netns exec "$TAG-vic" vsftpd "$W/vsftpd.conf" >"$W/vsftpd.log" 2>&1 & echo $! > "$W/vsftpd.pid"
ip netns exec "$TAG-sw" tcpdump -i br0 -s 0 -U -w "$OUT/capture.pcap" >"$W/tcpdump.log" 2>&1 & echo $! > "$W/tcpdump.pid"
sleep 2
echo "src_ip,start_epoch_ms,end_epoch_ms,label" > "$OUT/labels.csv"
now() { date +%s%3N; }
NPHASES=9
PB=$(( P < 8 ? 8 : P ))
# benign client 10.77.0.2 for the whole capture: browsing with human-like pauses and a few FTP logins
browse() { end=$(( $(date +%s) + (NPHASES-2)*(P+2) + 2*(PB+2) + 6 )); while [ "$(date +%s)" -lt "$end" ]; do
    ip netns exec "$TAG-ben" curl -s -o /dev/null -m 3 "http://10.77.0.1/page$((RANDOM%50))" || true
    if [ $((RANDOM%15)) = 0 ]; then ip netns exec "$TAG-ben" curl -s -o /dev/null -m 3 "ftp://labuser:sunshine1@10.77.0.1/" || true; fi
    sleep "0.$((RANDOM%9+1))"; done; }
browse & echo $! > "$W/benign.pid"; browse & echo $! > "$W/benign2.pid"
b0=$(now)
# phase LABEL CMD...: run CMD as the attacker for P seconds (PB for the Python brute forcers, which need
# a few seconds to start on a busy machine), then record its window
phase() { local label=$1; shift; local d=$P; if [ "$label" = Other ]; then d=$PB; fi
  local s; s=$(now); timeout -k 2 "$d" ip netns exec "$TAG-att" "$@" >>"$OUT/tools.log" 2>&1 || true; echo "10.77.0.3,$s,$(now),$label" >> "$OUT/labels.csv"; sleep 2; }
sleep 2
phase PortScan nmap -sS -Pn -n --send-ip -p 1-2000 --max-rate 300 10.77.0.1
phase PortScan nmap -sT -Pn -n -p 1-1000 --max-rate 200 10.77.0.1
phase PortScan nmap -sF -Pn -n --send-ip -p 1-1000 --max-rate 200 10.77.0.1
phase DDoS     hping3 -S -p 80 -i u5000 10.77.0.1
phase DoS      slowhttptest -c 100 -H -i 5 -r 20 -t GET -u http://10.77.0.1/ -l "$P"
phase DoS      slowhttptest -c 100 -B -i 5 -r 20 -s 8192 -t POST -u http://10.77.0.1/form -l "$P"
phase DoS      ab -n 4000 -c 10 -s 5 http://10.77.0.1/hulk
phase Other    patator ssh_login host=10.77.0.1 user=labuser password=FILE0 0="$W/words" persistent=0 --threads 4 --rate-limit 0.05 -x ignore:mesg='Authentication failed.'
phase Other    patator ftp_login host=10.77.0.1 user=labuser password=FILE0 0="$W/words" persistent=0 --threads 4 --rate-limit 0.05 -x ignore:mesg='Login incorrect.'
wait "$(cat "$W/benign.pid")" "$(cat "$W/benign2.pid")" 2>/dev/null || true
echo "10.77.0.2,$b0,$(now),BENIGN" >> "$OUT/labels.csv"
sleep 2
kill "$(cat "$W/tcpdump.pid")"; wait "$(cat "$W/tcpdump.pid")" 2>/dev/null || true
echo "lab: wrote $OUT/capture.pcap ($(du -h "$OUT/capture.pcap" | cut -f1)) and $OUT/labels.csv"
