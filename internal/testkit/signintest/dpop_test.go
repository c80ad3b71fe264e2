package signintest_test

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stscred/stscred/internal/testkit/signintest"
)

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// coords are the key's x and y, each padded to 32 bytes or, with pad
// false, without leading zero bytes (as the Go SDK's signer sends them).
func coords(key *ecdsa.PrivateKey, pad bool) (x, y []byte) {
	pt, err := key.PublicKey.Bytes() // 0x04 || x || y
	if err != nil {
		panic(err)
	}
	x, y = pt[1:33], pt[33:]
	if !pad {
		for len(x) > 1 && x[0] == 0 {
			x = x[1:]
		}
		for len(y) > 1 && y[0] == 0 {
			y = y[1:]
		}
	}
	return x, y
}

func jwkOf(key *ecdsa.PrivateKey, pad bool) map[string]any {
	x, y := coords(key, pad)
	return map[string]any{"kty": "EC", "crv": "P-256", "x": b64(x), "y": b64(y)}
}

// rawSign is an ES256 signature: r||s, 32 bytes each.
func rawSign(key *ecdsa.PrivateKey, input string) []byte {
	digest := sha256.Sum256([]byte(input))
	r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
	if err != nil {
		panic(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return sig
}

// rawProof assembles a proof by hand from a header and payload, signed by
// key with sign (rawSign when nil).
func rawProof(key *ecdsa.PrivateKey, header, payload any, sign func(*ecdsa.PrivateKey, string) []byte) string {
	hb, _ := json.Marshal(header)
	pb, _ := json.Marshal(payload)
	input := b64(hb) + "." + b64(pb)
	if sign == nil {
		sign = rawSign
	}
	return input + "." + b64(sign(key, input))
}

func (w *world) header(key *ecdsa.PrivateKey) map[string]any {
	return map[string]any{"typ": "dpop+jwt", "alg": "ES256", "jwk": jwkOf(key, true)}
}

// claims are a valid proof's, with a random jti.
func (w *world) claims() map[string]any {
	jti := make([]byte, 16)
	_, _ = rand.Read(jti)
	return map[string]any{"jti": b64(jti), "htm": "POST", "htu": w.url + "/v1/token", "iat": w.clock.Now().Unix()}
}

// TestProofRefused: every rule of RFC 9449 section 4.3 the server checks;
// a refused proof leaves the refresh token working.
func TestProofRefused(t *testing.T) {
	w := newWorld(t)
	key := newKey(t)
	a := w.signIn(t, key)
	other := newKey(t)
	with := func(mod func(h, p map[string]any)) string {
		h, p := w.header(key), w.claims()
		mod(h, p)
		return rawProof(key, h, p, nil)
	}
	cases := map[string][]string{
		"no proof":              nil,
		"two proofs":            {w.proof(t, key), w.proof(t, key)},
		"not a JWS":             {"abc.def"},
		"header not base64":     {"!!!." + strings.SplitN(w.proof(t, key), ".", 2)[1]},
		"typ JWT":               {with(func(h, _ map[string]any) { h["typ"] = "JWT" })},
		"no typ":                {with(func(h, _ map[string]any) { delete(h, "typ") })},
		"alg ES384":             {with(func(h, _ map[string]any) { h["alg"] = "ES384" })},
		"alg none":              {with(func(h, _ map[string]any) { h["alg"] = "none" })},
		"no jwk":                {with(func(h, _ map[string]any) { delete(h, "jwk") })},
		"jwk with d":            {with(func(h, _ map[string]any) { h["jwk"].(map[string]any)["d"] = b64(make([]byte, 32)) })},
		"jwk P-384":             {with(func(h, _ map[string]any) { h["jwk"].(map[string]any)["crv"] = "P-384" })},
		"jwk RSA":               {with(func(h, _ map[string]any) { h["jwk"].(map[string]any)["kty"] = "RSA" })},
		"jwk off the curve":     {with(func(h, _ map[string]any) { h["jwk"].(map[string]any)["x"] = b64(make([]byte, 32)) })},
		"jwk x of 33 bytes":     {with(func(h, _ map[string]any) { h["jwk"].(map[string]any)["x"] = b64(make([]byte, 33)) })},
		"jwk of another key":    {rawProof(key, w.header(other), w.claims(), nil)},
		"signed by another":     {rawProof(other, w.header(key), w.claims(), nil)},
		"signature of 63":       {rawProof(key, w.header(key), w.claims(), func(k *ecdsa.PrivateKey, in string) []byte { return rawSign(k, in)[1:] })},
		"signature DER":         {rawProof(key, w.header(key), w.claims(), derSign)},
		"htm GET":               {with(func(_, p map[string]any) { p["htm"] = "GET" })},
		"htu other path":        {with(func(_, p map[string]any) { p["htu"] = w.url + "/v1/authorize" })},
		"htu other host":        {with(func(_, p map[string]any) { p["htu"] = "https://us-east-1.signin.aws.amazon.com/v1/token" })},
		"htu relative":          {with(func(_, p map[string]any) { p["htu"] = "/v1/token" })},
		"no jti":                {with(func(_, p map[string]any) { delete(p, "jti") })},
		"empty jti":             {with(func(_, p map[string]any) { p["jti"] = "" })},
		"no htm":                {with(func(_, p map[string]any) { delete(p, "htm") })},
		"no htu":                {with(func(_, p map[string]any) { delete(p, "htu") })},
		"no iat":                {with(func(_, p map[string]any) { delete(p, "iat") })},
		"iat a string":          {with(func(_, p map[string]any) { p["iat"] = "now" })},
		"payload not an object": {rawProof(key, w.header(key), []int{1}, nil)},
	}
	for name, proofs := range cases {
		got := w.post(t, refreshBody(a.RefreshToken), proofs...)
		if got.status != 400 || got.Type != signintest.ValidationException || got.Error != signintest.InvalidRequest || !strings.Contains(got.Message, "DPoP") {
			t.Errorf("%s: %d %s", name, got.status, got.raw)
		}
	}
	if r := w.srv.Requests(); r[len(r)-1].KeyThumbprint != "" {
		t.Errorf("a refused proof's key logged: %+v", r[len(r)-1])
	}
	wantOK(t, w.renew(t, a.RefreshToken, key))
}

func derSign(key *ecdsa.PrivateKey, input string) []byte {
	digest := sha256.Sum256([]byte(input))
	sig, err := ecdsa.SignASN1(rand.Reader, key, digest[:])
	if err != nil {
		panic(err)
	}
	return sig
}

// TestProofAccepted: what the RFC lets vary: the htu's query and the case
// of scheme and host, a fractional iat, pretty-printed JSON (the Go SDK's).
func TestProofAccepted(t *testing.T) {
	w := newWorld(t)
	key := newKey(t)
	a := w.signIn(t, key)
	token := a.RefreshToken
	for name, mod := range map[string]func(h, p map[string]any){
		"htu with a query": func(_, p map[string]any) { p["htu"] = w.url + "/v1/token?x=1#f" },
		"htu in upper case": func(_, p map[string]any) {
			p["htu"] = strings.ToUpper(w.url[:len("http://127.0.0.1")]) + w.url[len("http://127.0.0.1"):] + "/v1/token"
		},
		"fractional iat":    func(_, p map[string]any) { p["iat"] = float64(w.clock.Now().UnixMilli()) / 1000 },
		"iat 4 minutes ago": func(_, p map[string]any) { p["iat"] = w.clock.Now().Add(-4 * time.Minute).Unix() },
		"iat 4 minutes on":  func(_, p map[string]any) { p["iat"] = w.clock.Now().Add(4 * time.Minute).Unix() },
		"extra claims":      func(h, p map[string]any) { p["nonce"] = "n"; h["kid"] = "k" },
	} {
		h, p := w.header(key), w.claims()
		mod(h, p)
		got := w.post(t, refreshBody(token), rawProof(key, h, p, nil))
		if got.status != http.StatusOK {
			t.Fatalf("%s: %d %s", name, got.status, got.raw)
		}
		token = got.RefreshToken
	}
	// Indented JSON, as the Go SDK's logincreds sends.
	hb, _ := json.MarshalIndent(w.header(key), "", "  ")
	pb, _ := json.MarshalIndent(w.claims(), "", "  ")
	input := b64(hb) + "." + b64(pb)
	wantOK(t, w.post(t, refreshBody(token), input+"."+b64(rawSign(key, input))))
}

// TestProofIatWindow: a proof dated outside Options.ProofWindow is refused
// as users with a skewed clock met it: AccessDeniedException TOKEN_EXPIRED
// "The refresh token has expired.", 401.
func TestProofIatWindow(t *testing.T) {
	w := newWorld(t, func(o *signintest.Options) { o.ProofWindow = time.Minute })
	key := newKey(t)
	a := w.signIn(t, key)
	for _, off := range []time.Duration{-61 * time.Second, 61 * time.Second, -time.Hour} {
		h, p := w.header(key), w.claims()
		p["iat"] = w.clock.Now().Add(off).Unix()
		wantError(t, w.post(t, refreshBody(a.RefreshToken), rawProof(key, h, p, nil)), 401, signintest.AccessDeniedException, signintest.TokenExpired, msgTokenExpired)
	}
	// On a code exchange too.
	p := newPKCE()
	code := w.code(t, p)
	pr, err := signintest.NewProof(key, "POST", w.url+"/v1/token", w.clock.Now().Add(-2*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, w.post(t, codeBody(code, p), pr), 401, signintest.AccessDeniedException, signintest.TokenExpired, msgTokenExpired)
	wantOK(t, w.renew(t, a.RefreshToken, key))
}

// TestProofReplay: a jti is taken once per key.
func TestProofReplay(t *testing.T) {
	w := newWorld(t)
	key := newKey(t)
	a := w.signIn(t, key)
	pr := w.proof(t, key)
	b := w.post(t, refreshBody(a.RefreshToken), pr)
	wantOK(t, b)
	replay := w.post(t, refreshBody(b.RefreshToken), pr)
	wantError(t, replay, 400, signintest.ValidationException, signintest.InvalidRequest, "")
	if !strings.Contains(replay.Message, "used before") {
		t.Errorf("message %q", replay.Message)
	}
	// The same jti from another key's proof is another proof.
	other := newKey(t)
	h, p := w.header(other), w.claims()
	p["jti"] = "shared"
	w.post(t, refreshBody("x"), rawProof(other, h, p, nil))
	h, p = w.header(key), w.claims()
	p["jti"] = "shared"
	wantOK(t, w.post(t, refreshBody(b.RefreshToken), rawProof(key, h, p, nil)))
}

// shortKey finds a key whose x or y has a leading zero byte: about one in
// 128, for which the Go SDK's signer sends a coordinate shorter than 32
// bytes.
func shortKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	for range 100000 {
		k := newKey(t)
		if x, y := coords(k, false); len(x) < 32 || len(y) < 32 {
			return k
		}
	}
	t.Fatal("no key with a short coordinate")
	return nil
}

// TestShortCoordinates: a jwk whose x or y is shorter than 32 bytes is
// accepted by default (padded; the thumbprint is the padded key's, so
// both forms renew the same session), refused with StrictJWK.
func TestShortCoordinates(t *testing.T) {
	w := newWorld(t)
	key := shortKey(t)
	short := map[string]any{"typ": "dpop+jwt", "alg": "ES256", "jwk": jwkOf(key, false)}
	p := newPKCE()
	a := w.post(t, codeBody(w.code(t, p), p), rawProof(key, short, w.claims(), nil))
	wantOK(t, a)
	if s := w.srv.Sessions()[0]; s.KeyThumbprint != thumbprint(t, key) {
		t.Errorf("thumbprint %s, want the padded key's %s", s.KeyThumbprint, thumbprint(t, key))
	}
	b := w.renew(t, a.RefreshToken, key) // padded, by go-jose
	wantOK(t, b)
	wantOK(t, w.post(t, refreshBody(b.RefreshToken), rawProof(key, short, w.claims(), nil)))
	// A short key's signature is still checked.
	wantError(t, w.post(t, refreshBody("x"), rawProof(newKey(t), short, w.claims(), nil)), 400, signintest.ValidationException, signintest.InvalidRequest, "")

	strict := newWorld(t, func(o *signintest.Options) { o.StrictJWK = true })
	p = newPKCE()
	got := strict.post(t, codeBody(strict.code(t, p), p), rawProof(key, short, strict.claims(), nil))
	wantError(t, got, 400, signintest.ValidationException, signintest.InvalidRequest, "")
	if !strings.Contains(got.Message, "not 32") {
		t.Errorf("message %q", got.Message)
	}
}
