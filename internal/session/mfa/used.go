package mfa

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/sys/safefile"
)

// Step is the TOTP time step.
const Step = 30 * time.Second

// UsedCodes remembers, per MFA device, the last code STS accepted, so that
// stscred never sends it again: STS refuses a code it has already accepted.
// Only a hash is kept, and only until the code cannot be valid any more
// (the end of the step after the one it was accepted in, since STS
// tolerates a step of clock drift).
type UsedCodes struct {
	Dir string // a per-user directory (0700)
	Now func() time.Time
	// Sleep waits d or until ctx ends; nil means a real timer. Tests give
	// a fake that moves their clock instead.
	Sleep func(ctx context.Context, d time.Duration) error
}

func (u UsedCodes) sleep(ctx context.Context, d time.Duration) error {
	if u.Sleep != nil {
		return u.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

type usedRecord struct {
	Hash  string    `json:"hash"`
	Until time.Time `json:"until"`
}

func (u UsedCodes) path(serial string) string {
	h := sha256.Sum256([]byte(serial))
	return filepath.Join(u.Dir, "used-mfa-"+hex.EncodeToString(h[:12]))
}

func codeHash(serial, code string) string {
	h := sha256.Sum256([]byte("stscred-used-code\x00" + serial + "\x00" + code))
	return hex.EncodeToString(h[:])
}

// Used reports whether code was accepted for serial recently, and until
// when it stays blocked.
func (u UsedCodes) Used(serial, code string) (bool, time.Time) {
	b, err := os.ReadFile(u.path(serial))
	if err != nil {
		return false, time.Time{}
	}
	var r usedRecord
	if json.Unmarshal(b, &r) != nil || !u.Now().Before(r.Until) {
		return false, time.Time{}
	}
	return r.Hash == codeHash(serial, code), r.Until
}

// Remember records that STS accepted code for serial now.
func (u UsedCodes) Remember(serial, code string) error {
	now := u.Now()
	until := now.Truncate(Step).Add(2 * Step)
	b, err := json.Marshal(usedRecord{Hash: codeHash(serial, code), Until: until})
	if err != nil {
		return err
	}
	if err := safefile.PrivateDir(u.Dir, "session cache"); err != nil {
		return fmt.Errorf("remembering the used MFA code: %w", err)
	}
	if err := safefile.WriteAtomic(u.path(serial), b, 0o600); err != nil {
		return fmt.Errorf("remembering the used MFA code: %w", err)
	}
	return nil
}

// ErrCodeUsed means the only code available was already used.
var ErrCodeUsed = errors.New("MFA code already used")

// Fresh asks src for a code for req that STS has not accepted yet. When
// the answer is a used code: an interactive source is told and asked
// again; mfa_process and ykman are run again once the next code can be
// showing; a code given up front is an error. say tells the user what is happening.
func Fresh(ctx context.Context, src Source, req Request, used UsedCodes, say func(string)) (string, error) {
	deadline := used.Now().Add(3 * Step)
	for asks := 0; ; asks++ {
		code, err := src.Code(ctx, req)
		if err != nil {
			return "", err
		}
		isUsed, until := used.Used(req.Serial, code)
		if !isUsed {
			return code, nil
		}
		switch {
		case !src.Interactive() && !reruns(src):
			return "", hint.With(fmt.Errorf("%w: the code given for %s was accepted a moment ago, and STS takes each code once", ErrCodeUsed, req.Serial),
				fmt.Sprintf("pass the next code (in about %ds)", int(until.Sub(used.Now()).Seconds())+1))
		case used.Now().After(deadline) || asks >= 5:
			return "", hint.With(fmt.Errorf("%w: %s keeps giving the code already used for %s", ErrCodeUsed, src.Name(), req.Serial),
				"check the clock of the device or program that makes the codes")
		case src.Interactive():
			say(fmt.Sprintf("that code for %s was just used by another stscred call and STS takes each code once; enter the next one", req.Serial))
		default:
			next := used.Now().Truncate(Step).Add(Step + time.Second)
			say(fmt.Sprintf("the code %s gave for %s was just used; waiting %ds for the next one", src.Name(), req.Serial, int(next.Sub(used.Now()).Seconds())+1))
			if err := used.sleep(ctx, next.Sub(used.Now())); err != nil {
				return "", err
			}
		}
	}
}

// reruns reports a source that gives the next code when run again once
// it can be showing: a command, or the YubiKey.
func reruns(src Source) bool {
	return src.Name() == (Process{}).Name() || src.Name() == (Ykman{}).Name()
}
