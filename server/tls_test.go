package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"proctor/proto"
	"proctor/server/auth"
)

// selfSigned writes a certificate and key for 127.0.0.1 and returns their
// paths and a pool that trusts the certificate.
func selfSigned(t *testing.T) (cert, key string, pool *x509.CertPool) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "proctor test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(k)
	dir := t.TempDir()
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	c, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(c)
	return cert, key, pool
}

// TestTLS: with a certificate configured, the same endpoints are served
// over TLS (wss:// and https://).
func TestTLS(t *testing.T) {
	cert, key, pool := selfSigned(t)
	e := startServer(t, func(c *Config) { c.TLSCert, c.TLSKey = cert, key })
	tlsCfg := &tls.Config{RootCAs: pool}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsCfg}}
	resp, err := hc.Get(strings.Replace(e.http, "http://", "https://", 1) + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil {
		t.Fatalf("healthz over TLS: %s", resp.Status)
	}
	d := websocket.Dialer{TLSClientConfig: tlsCfg}
	h := http.Header{"Authorization": {"Bearer " + e.token(auth.RoleProctor, "p")}}
	c, _, err := d.Dial(strings.Replace(e.ws, "ws://", "wss://", 1)+"/v1/watch", h)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if m, err := readJSON(c); err != nil {
		t.Fatal(err)
	} else if _, ok := m.(*proto.Sentinels); !ok {
		t.Fatalf("got %T", m)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{name: "defaults", cfg: Config{Secret: testSecret}, ok: true},
		{name: "short secret", cfg: Config{Secret: []byte("short")}},
		{name: "cert without key", cfg: Config{Secret: testSecret, TLSCert: "c.pem"}},
		{name: "negative window", cfg: Config{Secret: testSecret, Window: -time.Second}},
		{name: "tiny max message", cfg: Config{Secret: testSecret, MaxMessage: 10}},
		{name: "grace below two heartbeats", cfg: Config{Secret: testSecret, Grace: time.Second, HeartbeatEvery: time.Second}},
		{name: "bad sync policy", cfg: Config{Secret: testSecret, Store: storeConfigSync("sometimes")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.DataDir = t.TempDir()
			err := tt.cfg.Validate()
			if (err == nil) != tt.ok {
				t.Fatalf("Validate: %v", err)
			}
			if tt.ok && (tt.cfg.Window != DefaultWindow || tt.cfg.MaxMessage != DefaultMaxMessage || tt.cfg.Addr != DefaultAddr) {
				t.Fatalf("defaults not filled: %+v", tt.cfg)
			}
		})
	}
}
