# shellcheck shell=bash
# Certificates and keys of the test kube-apiserver, made with openssl (sourced by scripts/engines).
# P-256 keys: fast to generate on every `engines up`, accepted by the API server for serving,
# client auth and service-account token signing (ES256).

# make_kube_certs DIR: writes ca.{crt,key}, apiserver.{crt,key}, admin.{crt,key}, sa.{key,pub}.
make_kube_certs() {
  local dir=$1
  mkdir -p "$dir"
  (
    cd "$dir" || exit 1
    local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
    openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.crt -days 3650 -subj '/CN=vitrine-test-ca' \
      -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null
    sign() { # sign NAME SUBJECT EXTENSIONS
      openssl req "${ec[@]}" -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
      openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" -days 3650 \
        -extfile <(printf '%s\n' "$3" 'keyUsage=critical,digitalSignature,keyEncipherment') 2>/dev/null
      rm -f "$1.csr"
    }
    sign apiserver '/CN=kube-apiserver' "$(printf '%s\n' 'extendedKeyUsage=serverAuth' \
      'subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local')"
    # The admin identity is in group system:masters, so RBAC lets it do everything (as envtest's).
    sign admin '/O=system:masters/CN=vitrine-admin' 'extendedKeyUsage=clientAuth'
    openssl ecparam -name prime256v1 -genkey -noout -out sa.key 2>/dev/null
    openssl ec -in sa.key -pubout -out sa.pub 2>/dev/null
    chmod 600 ./*.key
  )
}

# write_kubeconfig DIR SERVER_URL OUT: an admin kubeconfig with the certificates inlined.
write_kubeconfig() {
  local dir=$1 server=$2 out=$3
  local b64='base64 -w0'
  cat >"$out" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: vitrine-test
  cluster:
    server: $server
    certificate-authority-data: $($b64 <"$dir/ca.crt")
users:
- name: vitrine-admin
  user:
    client-certificate-data: $($b64 <"$dir/admin.crt")
    client-key-data: $($b64 <"$dir/admin.key")
contexts:
- name: vitrine-test
  context:
    cluster: vitrine-test
    user: vitrine-admin
current-context: vitrine-test
KUBECONFIG
  chmod 600 "$out"
}
