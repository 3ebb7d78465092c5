#!/bin/sh
# serve --tls-cert: what TLS the collector offers (docs/security.md "TLS").
# By default TLS 1.2 and 1.3 only, and in 1.2 only ECDHE key exchange with
# AEAD ciphers: openssl s_client with -tls1, -tls1_1, a static-RSA suite, a
# CBC suite or DHE gets no session; -tls1_2 with ECDHE (RSA and ECDSA
# certificates) and -tls1_3 get one, and a report is stored over it.
# --tls-priorities replaces the default; a string GnuTLS refuses exits 78.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-collector.sh"

skip_all=$(collector_prereqs openssl)
if [ -n "$skip_all" ]; then
	test_skip "t335-collector-tls: $skip_all"
	test_done
	exit $?
fi
DB=$TEST_DIR/tls.db
TPL=$TEST_DIR/template.json
make_template "$TPL"
TOKEN=$(collector org add Sleutel --db "$DB")
mkdir -p rsa ec
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
	-addext subjectAltName=IP:127.0.0.1 -keyout rsa/key.pem -out rsa/cert.pem >/dev/null 2>&1
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	-subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 -keyout ec/key.pem \
	-out ec/cert.pem >/dev/null 2>&1

# session PORT [s_client options...]: prints "PROTOCOL CIPHER" of the
# session openssl s_client gets, or "none". @SECLEVEL=0 lets OpenSSL 3 offer
# what it would not by itself (TLS 1.0, 1.1, SHA-1 suites).
session() {
	s_port=$1
	shift
	echo | timeout 10 openssl s_client -connect "127.0.0.1:$s_port" "$@" >s_client.out 2>&1 || :
	s_line=$(grep -E '^New, ' s_client.out | head -n 1)
	case $s_line in
	"New, (NONE), Cipher is (NONE)" | "") echo none ;;
	*) echo "$s_line" | sed -E 's/^New, ([^,]*), Cipher is (.*)$/\1 \2/' ;;
	esac
}

# refused PORT [s_client options...]: no session.
refused() {
	r_got=$(session "$@")
	[ "$r_got" = none ] || { echo "got a session ($r_got) with: $*" >&2; return 1; }
}

# accepted PORT WANT [s_client options...]: a session whose "PROTOCOL
# CIPHER" matches the extended regular expression WANT.
accepted() {
	a_port=$1 a_want=$2
	shift 2
	a_got=$(session "$a_port" "$@")
	echo "$* -> $a_got"
	echo "$a_got" | grep -Eq "$a_want" ||
		{ echo "want '$a_want', got '$a_got' with: $*" >&2; return 1; }
}

test_expect_success 'RSA certificate: TLS 1.0, 1.1, static RSA, CBC and DHE refused' '
	srv_start rsa-srv "$DB" --tls-cert rsa/cert.pem --tls-key rsa/key.pem &&
	refused "$PORT" -tls1 -cipher "DEFAULT:@SECLEVEL=0" &&
	refused "$PORT" -tls1_1 -cipher "DEFAULT:@SECLEVEL=0" &&
	refused "$PORT" -tls1_2 -cipher "AES128-SHA:@SECLEVEL=0" &&
	refused "$PORT" -tls1_2 -cipher "AES256-GCM-SHA384:AES128-GCM-SHA256" &&
	refused "$PORT" -tls1_2 -cipher "ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA384" &&
	refused "$PORT" -tls1_2 -cipher "DHE-RSA-AES128-GCM-SHA256" &&
	srv_stop rsa-srv
'

test_expect_success 'RSA certificate: TLS 1.2 with ECDHE and AEAD, and TLS 1.3, accepted' '
	srv_start rsa-srv "$DB" --tls-cert rsa/cert.pem --tls-key rsa/key.pem &&
	accepted "$PORT" "^TLSv1.2 ECDHE-RSA-AES(128|256)-GCM-SHA(256|384)$" -tls1_2 &&
	accepted "$PORT" "^TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256$" -tls1_2 \
		-cipher ECDHE-RSA-AES128-GCM-SHA256 &&
	accepted "$PORT" "^TLSv1.2 ECDHE-RSA-CHACHA20-POLY1305$" -tls1_2 \
		-cipher ECDHE-RSA-CHACHA20-POLY1305 &&
	accepted "$PORT" "^TLSv1.3 TLS_" -tls1_3 &&
	craft r.json &&
	test "$(post "$URL" "$TOKEN" r.json --cacert rsa/cert.pem --tlsv1.2 --tls-max 1.2)" = 200 &&
	craft r2.json &&
	test "$(post "$URL" "$TOKEN" r2.json --cacert rsa/cert.pem --tlsv1.3)" = 200 &&
	srv_stop rsa-srv
'

test_expect_success 'ECDSA certificate: TLS 1.2 ECDHE-ECDSA and TLS 1.3 accepted, TLS 1.1 not' '
	srv_start ec-srv "$DB" --tls-cert ec/cert.pem --tls-key ec/key.pem &&
	accepted "$PORT" "^TLSv1.2 ECDHE-ECDSA-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$" \
		-tls1_2 &&
	accepted "$PORT" "^TLSv1.3 TLS_" -tls1_3 &&
	refused "$PORT" -tls1_1 -cipher "DEFAULT:@SECLEVEL=0" &&
	refused "$PORT" -tls1_2 -cipher "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA256" &&
	srv_stop ec-srv
'

test_expect_success '--tls-priorities replaces the default' '
	srv_start own "$DB" --tls-cert rsa/cert.pem --tls-key rsa/key.pem \
		--tls-priorities "NORMAL:-VERS-ALL:+VERS-TLS1.2" &&
	refused "$PORT" -tls1_3 &&
	accepted "$PORT" "^TLSv1.2 " -tls1_2 &&
	srv_stop own
'

test_expect_success 'a priority string GnuTLS refuses: 78, named; without a certificate: 64' '
	expect_status 78 collector serve --db "$DB" --listen 127.0.0.1:0 \
		--tls-cert rsa/cert.pem --tls-key rsa/key.pem \
		--tls-priorities "NORMAL:+NO-SUCH-THING" 2>err &&
	cat err &&
	grep -q "tls-priorities .NORMAL:+NO-SUCH-THING." err &&
	expect_status 64 collector serve --db "$DB" --listen 127.0.0.1:0 \
		--tls-priorities NORMAL 2>err &&
	grep -q "tls-priorities needs --tls-cert" err
'

test_expect_success 'no sanitizer report in any server log' '
	! grep -E "Sanitizer|runtime error" ./*/log
'

test_done
