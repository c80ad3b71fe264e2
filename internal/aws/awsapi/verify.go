package awsapi

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
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
// terms and wraps ErrKeyRejected; nothing secret is in the error (the key
// id is masked).
func VerifyKey(ctx context.Context, api API, id, secret string) (string, error) {
	ident, err := api.GetCallerIdentity(ctx, creds.Credentials{AccessKeyID: id, SecretAccessKey: secret})
	if err == nil {
		return ident.ARN, nil
	}
	var ae *APIError
	if errors.As(err, &ae) {
		switch ae.Code {
		case "InvalidClientTokenId":
			return "", rejected{hint.With(fmt.Errorf("STS does not know the access key %s (%s); nothing was stored", mask(id), strings.TrimSuffix(ae.Message, ".")),
				"check the key id; a deleted or deactivated key cannot be used")}
		case "SignatureDoesNotMatch":
			return "", rejected{hint.With(fmt.Errorf("STS rejected the secret for access key %s; nothing was stored", mask(id)),
				"check the secret access key (copy it again from where you saved it)",
				"if this machine's clock is more than 5 minutes off, correct it")}
		}
	}
	return "", err
}

// mask shortens an access key id for messages: AKIA…WXYZ.
func mask(id string) string {
	if len(id) <= 8 {
		return id
	}
	return id[:4] + "…" + id[len(id)-4:]
}
