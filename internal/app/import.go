package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/stscred/stscred/internal/aws/awsapi"
	"github.com/stscred/stscred/internal/aws/signin"
	"github.com/stscred/stscred/internal/base/hint"
	"github.com/stscred/stscred/internal/config/awsconfig"
	"github.com/stscred/stscred/internal/ops/importer"
	"github.com/stscred/stscred/internal/session/resolve"
)

// Import moves the static keys of the shared credentials file (from, else
// the default one) into the keystore (package importer), verified first,
// and says what it did; dryRun changes nothing.
func Import(p *Process, s *Services, from string, dryRun bool) error {
	credPath, err := awsconfig.CredentialsPath(p.Getenv, from)
	if err != nil {
		return err
	}
	if from != "" {
		if _, err := os.Stat(credPath); errors.Is(err, fs.ErrNotExist) {
			return hint.With(fmt.Errorf("--from: there is no %s", credPath), "name the shared credentials file, e.g. --from ~/.aws/credentials")
		}
	}
	cfgPath, err := s.ConfigPath()
	if err != nil {
		return err
	}
	cfg, err := s.Config()
	if err != nil {
		return err
	}
	im := &importer.Importer{
		Keys:            s.Keys(),
		KeysDesc:        s.DescribeKeys(),
		Verify:          importVerifier(s, cfg),
		CredentialsPath: credPath,
		ConfigPath:      cfgPath,
		Getenv:          p.Getenv,
		Command:         "stscred",
		Now:             p.Now,
		DryRun:          dryRun,
	}
	res, err := im.Run(p.Context())
	if err != nil {
		return err
	}
	lres, lerr := importLogins(p, s, dryRun)
	if lres != nil && len(lres.Files) > 0 {
		if err := importer.PrintLogin(p.Human(), lres, p.Now()); err != nil {
			return err
		}
	}
	if !res.NoFile || lres == nil || len(lres.Files) == 0 {
		if err := importer.Print(p.Human(), res); err != nil {
			return err
		}
	}
	if dryRun && lres != nil && len(lres.Moved()) > 0 && len(res.Moved()) == 0 {
		fmt.Fprintln(p.Human(), "stscred: dry run: nothing was changed")
	}
	if res.Changed {
		// As stscred add does: the next session call then knows the key
		// id without reading the keyring.
		if ch, err := s.Cache(); err == nil {
			for _, m := range res.Moved() {
				if err := resolve.RememberKeyID(ch, m.Name, m.AccessKeyID, p.Now()); err != nil {
					p.Warnf("could not update the session cache: %v", err)
					break
				}
			}
		}
	}
	return lerr
}

// importLogins moves the AWS CLI's plaintext sign-ins (~/.aws/login/cache,
// AWS_LOGIN_CACHE_DIRECTORY) of the config's login_session profiles into
// the keystore (package importer's LoginImporter); nil when there is no
// such directory to look in.
func importLogins(p *Process, s *Services, dryRun bool) (*importer.LoginResult, error) {
	dir := signin.CLICacheDir(p.Getenv)
	if dir == "" {
		return nil, nil
	}
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil, nil // nothing to build a client for
	}
	m, err := s.Model()
	if err != nil {
		return nil, err
	}
	client, err := s.Login()
	if err != nil {
		return nil, err
	}
	r, err := s.Resolver()
	if err != nil {
		return nil, err
	}
	li := &importer.LoginImporter{
		Dir: dir, Model: m, Session: r.LoginSession, Client: client, KeysDesc: s.DescribeKeys(),
		Remember: r.RememberLogin, Now: p.Now, DryRun: dryRun,
	}
	return li.Run(p.Context())
}

// importVerifier checks a key with GetCallerIdentity at the profile's STS
// endpoint (the config profile's settings when it has one, else the
// environment's), as stscred add does.
func importVerifier(s *Services, cfg *awsconfig.File) importer.Verifier {
	return func(ctx context.Context, name, id, secret string) (string, error) {
		p := &awsconfig.Profile{Name: name}
		if cfg.Has(name) {
			if rp, err := cfg.Resolve(name); err == nil {
				p = rp
			}
		}
		arn, err := awsapi.VerifyKey(ctx, s.NewAPI(s.Settings().EndpointFor(p)), id, secret)
		switch {
		case err == nil:
			return arn, nil
		case errors.Is(err, awsapi.ErrKeyRejected):
			return "", &importer.RejectedError{Err: err}
		case awsapi.Unreachable(err):
			return "", hint.With(err, "check the network and the STS endpoint (AWS_ENDPOINT_URL_STS, the profile's endpoint_url), then run stscred import again")
		}
		return "", hint.With(err, "run stscred import again in a moment; keys STS answers for are then moved")
	}
}
