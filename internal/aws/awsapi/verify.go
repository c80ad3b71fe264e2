package awsapi

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/keystore"
)

// ErrKeyRejected means STS refused an access key itself (unknown key id,
// wrong secret), as opposed to not answering.
var ErrKeyRejected = errors.New("access key rejected")

// rejected is an explained refusal that is ErrKeyRejected without saying
// so in its message.
type rejected struct{ error }

func (r rejected) Is(target error) bool { return target == ErrKeyRejected }
func (r rejected) Unwrap() error        { return r.error }

// VerifyKey asks STS whose a long-term access key is (GetCallerIdentity)
// and returns that identity's ARN. A refusal is explained in the user's
// terms and wraps ErrKeyRejected; nothing secret is in the error: the key
// id is masked, and the submitted id and secret are cut out of whatever
// STS said (its error for a malformed signature quotes the credential
// scope, whose first part is the key id — the secret itself when the two
// were swapped).
func VerifyKey(ctx context.Context, api API, id, secret string) (string, error) {
	ident, err := api.GetCallerIdentity(ctx, creds.Credentials{AccessKeyID: id, SecretAccessKey: secret})
	if err == nil {
		return ident.ARN, nil
	}
	err = scrub(err, id, secret)
	var ae *APIError
	if errors.As(err, &ae) {
		switch ae.Code {
		case "InvalidClientTokenId":
			return "", rejected{hint.With(fmt.Errorf("STS does not know the access key %s (%s); nothing was stored", maskIfID(id), strings.TrimSuffix(scrubText(ae.Message, id, secret), ".")),
				"check the key id; a deleted or deactivated key cannot be used")}
		case "SignatureDoesNotMatch":
			return "", rejected{hint.With(fmt.Errorf("STS rejected the secret for access key %s; nothing was stored", maskIfID(id)),
				"check the secret access key (copy it again from where you saved it)",
				"if this machine's clock is more than 5 minutes off, correct it")}
		case "IncompleteSignature", "MissingAuthenticationToken", "InvalidSignatureException":
			// The request's signature could not even be read: the key id
			// holds what no key id holds. Not a reason to store it unchecked.
			return "", rejected{hint.With(fmt.Errorf("STS could not read the access key in the request's signature (%s); nothing was stored", ae.Code),
				"check the access key id (AKIA followed by 16 capital letters and digits) and the secret access key: were they swapped?")}
		}
	}
	return "", err
}

// maskIfID is the key id masked for a message, or a stand-in when it has
// not the shape of a key id (it may be the secret in the wrong place).
func maskIfID(id string) string {
	if !keystore.LooksLikeKeyID(id) {
		return "(the id given, not shown)"
	}
	return mask(id)
}

// scrub returns err with every submitted credential cut out of what it
// says: each of values (a key id, a secret, a token) and each part of one
// that a signature's credential scope splits off at a '/' is replaced by
// "[not shown]". An APIError keeps its type and fields, its Message
// scrubbed; any other error keeps its chain (errors.Is and As still see
// through it) and says only the scrubbed text.
func scrub(err error, values ...string) error {
	if err == nil {
		return nil
	}
	clean := func(s string) string { return scrubText(s, values...) }
	if ae, ok := err.(*APIError); ok {
		c := *ae
		c.Message = clean(c.Message)
		return &c
	}
	msg := clean(err.Error())
	if msg == err.Error() {
		return err
	}
	return scrubbed{err: err, msg: msg}
}

// scrubbed is an error whose message had a credential cut out.
type scrubbed struct {
	err error
	msg string
}

func (s scrubbed) Error() string { return s.msg }
func (s scrubbed) Unwrap() error { return s.err }

// mask shortens an access key id for messages: AKIA…WXYZ.
func mask(id string) string {
	if len(id) <= 8 {
		return id
	}
	return id[:4] + "…" + id[len(id)-4:]
}

// scrubText is s with each of values, and each part of one that a
// credential scope splits off at a '/', replaced by "[not shown]".
func scrubText(s string, values ...string) string {
	var needles []string
	for _, v := range values {
		if len(v) < 4 {
			continue // too short to find without garbling the message
		}
		needles = append(needles, v)
		for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == '/' || r == '+' || r == '=' }) {
			if len(part) >= 8 && part != v {
				needles = append(needles, part)
			}
		}
	}
	// Longest first: a whole value goes before its parts.
	sort.Slice(needles, func(i, j int) bool { return len(needles[i]) > len(needles[j]) })
	for _, n := range needles {
		s = strings.ReplaceAll(s, n, "[not shown]")
	}
	return s
}

// scrubSigner is scrub for the credentials that signed a call: their
// secret and session token, and the key id when it has not the shape of
// one (it may be the secret in the wrong place). A well-formed key id is
// no secret and stays.
func scrubSigner(err error, c creds.Credentials) error {
	values := []string{c.SecretAccessKey, c.SessionToken}
	if !keystore.LooksLikeKeyID(c.AccessKeyID) {
		values = append(values, c.AccessKeyID)
	}
	return scrub(err, values...)
}
