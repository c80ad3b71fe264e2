package identitycenter

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/stscred/stscred/internal/base/creds"
	"github.com/stscred/stscred/internal/base/hint"
)

// Account is an AWS account the signed-in user has roles in.
type Account struct {
	ID, Name, Email string
	Roles           []string // sorted
}

// RoleCredentials returns the credentials of roleName in accountID that
// the session gives (GetRoleCredentials), with their expiry and AccountID.
func (c *Client) RoleCredentials(ctx context.Context, s Session, accountID, roleName string) (creds.Credentials, error) {
	var out *roleCredentialsOutput
	err := c.withToken(ctx, s, "GetRoleCredentials", func(bctx context.Context, tok string) (err error) {
		out, err = getRoleCredentials(bctx, c.portal(s), tok, accountID, roleName)
		return err
	})
	switch codeOf(err) {
	case "":
	case "ForbiddenException", "ResourceNotFoundException":
		return creds.Credentials{}, hint.With(fmt.Errorf("IAM Identity Center session %s gives no role %s in account %s", s.Label(), roleName, accountID),
			"check sso_account_id and sso_role_name", "stscred sso accounts "+s.Label()+" lists the accounts and roles it gives")
	default:
		return creds.Credentials{}, fmt.Errorf("getting the credentials of role %s in account %s: %w", roleName, accountID, err)
	}
	if err != nil {
		return creds.Credentials{}, err
	}
	rc := out.RoleCredentials
	if rc == nil || rc.AccessKeyID == "" || rc.SecretAccessKey == "" || rc.Expiration == 0 {
		return creds.Credentials{}, errors.New("IAM Identity Center GetRoleCredentials answered without credentials")
	}
	if time.UnixMilli(rc.Expiration).UTC().Year() > 9999 {
		// credential_process JSON (RFC 3339) cannot say when they end.
		return creds.Credentials{}, errors.New("IAM Identity Center GetRoleCredentials answered with credentials that expire after the year 9999")
	}
	return creds.Credentials{
		AccessKeyID: rc.AccessKeyID, SecretAccessKey: rc.SecretAccessKey,
		SessionToken: rc.SessionToken, Expiration: time.UnixMilli(rc.Expiration).UTC(),
		AccountID: accountID,
	}, nil
}

// Accounts lists the accounts and roles the session gives (every page of
// ListAccounts and ListAccountRoles), sorted by account name.
func (c *Client) Accounts(ctx context.Context, s Session) ([]Account, error) {
	var accounts []Account
	// One budget for the whole listing; its errors, ListAccountRoles's
	// included, are the listing's (ListAccounts).
	err := c.withToken(ctx, s, "ListAccounts", func(bctx context.Context, tok string) (err error) {
		portal := c.portal(s)
		if accounts, err = listAccounts(bctx, portal, tok); err != nil {
			return err
		}
		for i := range accounts {
			if accounts[i].Roles, err = listAccountRoles(bctx, portal, tok, accounts[i].ID); err != nil {
				return err
			}
			slices.Sort(accounts[i].Roles)
		}
		return nil
	})
	if err != nil {
		if codeOf(err) != "" {
			err = fmt.Errorf("listing the accounts of IAM Identity Center session %s: %w", s.Label(), err)
		}
		return nil, err
	}
	slices.SortFunc(accounts, func(a, b Account) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	return accounts, nil
}

// withToken makes portal calls with s's access token, each attempt within
// one budget. An access token the portal refuses although it had time
// left (revoked, or signed out elsewhere) is renewed once with the
// refresh token; when that is refused too the sign-in is forgotten and the
// error wraps ErrNotSignedIn. Other errors come back wrapped (APIError,
// UnreachableError).
func (c *Client) withToken(ctx context.Context, s Session, op string, call func(ctx context.Context, tok string) error) error {
	tok, err := c.AccessToken(ctx, s)
	if err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		bctx, cancel := c.budget(ctx)
		err = call(bctx, tok)
		if err != nil {
			err = c.wrap(bctx, op, c.Endpoints.portalURL(s.Region), err)
		}
		cancel()
		if codeOf(err) != "UnauthorizedException" {
			return err
		}
		if tok, err = c.afterRefusal(ctx, s, tok, attempt == 0); err != nil {
			return err
		}
	}
}

// afterRefusal deals with the portal refusing the access token used: the
// token another process stored meanwhile, else (when renew) one refreshed
// now, else the sign-in is forgotten and over.
func (c *Client) afterRefusal(ctx context.Context, s Session, used string, renew bool) (string, error) {
	ended := notSignedInErr(s, "the sign-in to %s has ended (signed out or revoked)", s.Label())
	unlock, err := c.lock(ctx, s, "renewing the refused sign-in to "+s.Label())
	if err != nil {
		return "", fmt.Errorf("waiting to renew the sign-in to %s: %w", s.Label(), err)
	}
	defer unlock()
	t, err := c.readToken(s)
	switch {
	case err != nil:
		return "", err
	case t == nil:
		return "", ended
	case t.AccessToken != used && c.fresh(t):
		return t.AccessToken, nil
	}
	if ok, err := c.refreshable(s, t); err != nil {
		return "", err
	} else if ok && renew {
		next, err := c.refreshLocked(ctx, s, t)
		if errors.Is(err, ErrNotSignedIn) {
			return "", ended
		}
		if err != nil {
			return "", err
		}
		return next.AccessToken, nil
	}
	if err := c.forgetToken(s); err != nil {
		return "", err
	}
	return "", ended
}
